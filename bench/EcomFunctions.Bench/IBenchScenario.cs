namespace EcomFunctions.Bench;

/// <summary>
/// A named benchmark. It measures its subject and, in the same run, a baseline on the same machine, because these
/// machines are noisy: targets are ratios, never absolute timings. The returned dictionary becomes the JSON summary
/// line and must contain a boolean "pass".
/// </summary>
public interface IBenchScenario
{
    string Name { get; }

    Task<Dictionary<string, object?>> RunAsync(string[] args, CancellationToken cancellationToken);
}
