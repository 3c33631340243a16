using EcomFunctions.Infra.Tests.Compilation;

namespace EcomFunctions.Infra.Tests;

/// <summary>The storage account: keys off, TLS 1.2, nothing public, and every table and queue the App uses.</summary>
[Collection(SharedInfrastructure.Name)]
public sealed class StorageIntentTests(CompiledInfrastructure infra)
{
    private const string AddItHint = "Add it to infra/storage-names.json";

    private PredictedResource Account => infra.Snapshot.One(ResourceTypes.StorageAccount);

    [Fact]
    public void Shared_key_access_is_disabled()
    {
        Assert.True(Account.Properties.Flag("allowSharedKeyAccess") == false,
            $"Storage account {Account.Name}: allowSharedKeyAccess must be false (identity-only access), was {Account.Properties.Show("allowSharedKeyAccess")}.");
        Assert.True(Account.Properties.Flag("defaultToOAuthAuthentication") == true,
            $"Storage account {Account.Name}: defaultToOAuthAuthentication must be true so the portal uses Entra ID, was {Account.Properties.Show("defaultToOAuthAuthentication")}.");
    }

    [Fact]
    public void Minimum_tls_version_is_1_2()
    {
        Assert.True(Account.Properties.Text("minimumTlsVersion") == "TLS1_2",
            $"Storage account {Account.Name}: minimumTlsVersion must be 'TLS1_2', was {Account.Properties.Show("minimumTlsVersion")}.");
        Assert.True(Account.Properties.Flag("supportsHttpsTrafficOnly") == true,
            $"Storage account {Account.Name}: supportsHttpsTrafficOnly must be true, was {Account.Properties.Show("supportsHttpsTrafficOnly")}.");
    }

    [Fact]
    public void Blobs_are_never_public()
    {
        Assert.True(Account.Properties.Flag("allowBlobPublicAccess") == false,
            $"Storage account {Account.Name}: allowBlobPublicAccess must be false, was {Account.Properties.Show("allowBlobPublicAccess")}.");
        Problems.None(
            infra.Snapshot.OfType(ResourceTypes.BlobContainer)
                .Where(c => (c.Properties.Text("publicAccess") ?? "None") != "None")
                .Select(c => $"{c.Name}: publicAccess {c.Properties.Show("publicAccess")}"),
            "Blob containers must not allow public access:");
    }

    [Fact]
    public void Every_table_the_App_uses_is_declared()
    {
        var declared = DeclaredNames(ResourceTypes.Table);
        Assert.NotEmpty(AppStorageNames.Tables);
        Problems.None(
            AppStorageNames.Tables.Where(t => !declared.Contains(t.Value))
                .Select(t => $"table '{t.Value}' ({t.Constant}) is not declared. {AddItHint} under \"tables\"."),
            $"Tables the App uses must exist in storage account {Account.Name}:");
    }

    [Fact]
    public void Every_queue_the_App_uses_is_declared_with_its_poison_twin()
    {
        var declared = DeclaredNames(ResourceTypes.Queue);
        Assert.NotEmpty(AppStorageNames.Queues);
        Problems.None(
            AppStorageNames.QueuesWithPoisonTwins.Where(q => !declared.Contains(q.Value))
                .Select(q => $"queue '{q.Value}' ({q.Constant}) is not declared. {AddItHint} under \"queues\" (its poison twin follows from \"poisonSuffix\")."),
            $"Queues the App uses, and their poison twins, must exist in storage account {Account.Name}:");
    }

    [Fact]
    public void No_table_or_queue_is_declared_that_the_App_does_not_name()
    {
        var tables = AppStorageNames.Tables.Select(t => t.Value).ToHashSet(StringComparer.Ordinal);
        var queues = AppStorageNames.QueuesWithPoisonTwins.Select(q => q.Value).ToHashSet(StringComparer.Ordinal);
        var stale = DeclaredNames(ResourceTypes.Table).Where(t => !tables.Contains(t)).Select(t => $"table '{t}'")
            .Concat(DeclaredNames(ResourceTypes.Queue).Where(q => !queues.Contains(q)).Select(q => $"queue '{q}'"));
        Problems.None(stale.Select(s => $"{s} is declared but no TableNames/QueueNames constant names it: remove it from infra/storage-names.json or add the constant."),
            "infra/storage-names.json must list exactly the App's names:");
    }

    [Fact]
    public void Tables_and_queues_belong_to_the_one_storage_account()
    {
        var prefix = Account.Id + "/";
        Problems.None(
            infra.Snapshot.OfType(ResourceTypes.Table).Concat(infra.Snapshot.OfType(ResourceTypes.Queue))
                .Where(r => !r.Id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(r => r.Id),
            $"Every table and queue must be in {Account.Id}:");
    }

    [Fact]
    public void Flex_deployment_package_container_is_in_the_account()
    {
        var site = infra.Snapshot.FunctionApp;
        var container = infra.Snapshot.One(ResourceTypes.BlobContainer);
        Assert.StartsWith(Account.Id + "/", container.Id, StringComparison.OrdinalIgnoreCase);

        var packageUrl = site.Properties.Text("functionAppConfig", "deployment", "storage", "value") ?? "(absent)";
        var blobEndpoint = ArmExpression.ReferenceCall(Account, "primaryEndpoints.blob");
        Assert.True(packageUrl.Contains(blobEndpoint, StringComparison.Ordinal) && packageUrl.Contains($"'{container.LeafName}'", StringComparison.Ordinal),
            $"functionAppConfig.deployment.storage.value must be the blob endpoint of {Account.Name} followed by container '{container.LeafName}', was: {packageUrl}");
    }

    private HashSet<string> DeclaredNames(string type) =>
        infra.Snapshot.OfType(type).Select(r => r.LeafName).ToHashSet(StringComparer.Ordinal);
}
