using System.Text.Json;
using System.Text.RegularExpressions;
using EcomFunctions.Infra.Tests.Compilation;
using EcomFunctions.Storage;

namespace EcomFunctions.Infra.Tests;

/// <summary>
/// The App's storage names against Azure's naming rules. Azurite (--loose) accepts names Azure rejects, so without
/// this a bad name would first fail in `azd up`.
/// </summary>
[Collection(SharedInfrastructure.Name)]
public sealed partial class StorageNamesTests(CompiledInfrastructure infra)
{
    [Fact]
    public void Table_names_are_valid_in_Azure()
    {
        Problems.None(
            AppStorageNames.Tables.Where(t => !TableName().IsMatch(t.Value))
                .Select(t => $"{t.Constant} = '{t.Value}': a table name is 3-63 letters and digits, starting with a letter."),
            "Invalid table names:");
    }

    [Fact]
    public void Queue_names_and_their_poison_twins_are_valid_in_Azure()
    {
        Problems.None(
            AppStorageNames.QueuesWithPoisonTwins.Where(q => !QueueName().IsMatch(q.Value) || q.Value.Contains("--", StringComparison.Ordinal))
                .Select(q => $"{q.Constant} = '{q.Value}': a queue name is 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit."),
            "Invalid queue names:");
    }

    [Fact]
    public void Storage_names_file_uses_the_App_poison_suffix()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(infra.InfraFolder, "storage-names.json")));
        var suffix = file.RootElement.Text("poisonSuffix");
        Assert.True(suffix == QueueNames.PoisonSuffix,
            $"infra/storage-names.json poisonSuffix is '{suffix}' but QueueNames.PoisonSuffix is '{QueueNames.PoisonSuffix}': the deployed poison queues would not be the ones the App reads.");
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex TableName();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex QueueName();
}
