namespace EcomFunctions.Infra.Tests.Compilation;

/// <summary>Asserts a list of findings is empty, showing every finding (not just the first) when it is not.</summary>
public static class Problems
{
    public static void None(IEnumerable<string> problems, string heading)
    {
        var list = problems.ToList();
        Assert.True(list.Count == 0, $"{heading}\n  - {string.Join("\n  - ", list)}");
    }
}
