using System.Text.Json;
using EcomFunctions.Infra.Tests.Compilation;

namespace EcomFunctions.Infra.Tests;

/// <summary>The Flex Consumption plan and the function app: runtime, scale parameters, identity, hardening.</summary>
[Collection(SharedInfrastructure.Name)]
public sealed class FunctionAppIntentTests(CompiledInfrastructure infra)
{
    private PredictedResource Site => infra.Snapshot.FunctionApp;

    private PredictedResource Identity => infra.Snapshot.One(ResourceTypes.Identity);

    [Fact]
    public void Plan_is_Flex_Consumption_FC1_on_Linux()
    {
        var plan = infra.Snapshot.One(ResourceTypes.Plan);
        Assert.True(plan.Json.Text("sku", "name") == "FC1" && plan.Json.Text("sku", "tier") == "FlexConsumption",
            $"Plan {plan.Name}: sku must be FC1 / FlexConsumption, was {plan.Json.Show("sku")}.");
        Assert.True(plan.Properties.Flag("reserved") == true, $"Plan {plan.Name}: reserved must be true (Linux), was {plan.Properties.Show("reserved")}.");
        Assert.True(Site.Properties.Text("serverFarmId") == plan.Id,
            $"Function app {Site.Name} must run on plan {plan.Id}, serverFarmId was {Site.Properties.Show("serverFarmId")}.");
        Assert.True((Site.Json.Text("kind") ?? "").Split(',').ToHashSet().IsSupersetOf(["functionapp", "linux"]),
            $"Function app kind must be 'functionapp,linux', was {Site.Json.Show("kind")}.");
    }

    [Fact]
    public void Runtime_is_dotnet_isolated_10()
    {
        var runtime = Site.Properties.At("functionAppConfig", "runtime") ?? default;
        Assert.True(runtime.Text("name") == "dotnet-isolated" && runtime.Text("version") == "10.0",
            $"functionAppConfig.runtime must be dotnet-isolated 10.0 (the App targets net10.0), was {Site.Properties.Show("functionAppConfig", "runtime")}.");
    }

    [Fact]
    public void Instance_memory_and_maximum_instances_follow_the_parameters()
    {
        AssertScale(infra.Snapshot, memory: 2048, maximum: 40, "template defaults");
        AssertScale(infra.AlternativeSnapshot, CiParameters.Alternative.InstanceMemoryMB!.Value, CiParameters.Alternative.MaximumInstanceCount!.Value, "parameters instanceMemoryMB/maximumInstanceCount");
    }

    [Fact]
    public void Durable_group_is_always_ready_only_when_asked()
    {
        var byDefault = infra.Snapshot.FunctionApp.Properties.At("functionAppConfig", "scaleAndConcurrency", "alwaysReady");
        Assert.True(byDefault is null || byDefault.Value.GetArrayLength() == 0,
            $"By default nothing is always ready (scale to zero, no baseline cost), was {byDefault?.GetRawText()}.");

        var alternative = infra.AlternativeSnapshot.FunctionApp.Properties.At("functionAppConfig", "scaleAndConcurrency", "alwaysReady");
        var expected = $"[{{\"name\":\"durable\",\"instanceCount\":{CiParameters.Alternative.DurableAlwaysReadyInstances}}}]";
        Assert.True(alternative is { ValueKind: JsonValueKind.Array } && Compact(alternative.Value) == expected,
            $"durableAlwaysReadyInstances must set alwaysReady for the 'durable' group.\n  expected: {expected}\n  actual:   {alternative?.GetRawText()}");
    }

    [Fact]
    public void App_runs_as_the_user_assigned_identity_only()
    {
        var identity = Site.Json.At("identity") ?? default;
        var assigned = identity.At("userAssignedIdentities");
        Assert.True(identity.Text("type") == "UserAssigned",
            $"Function app identity type must be 'UserAssigned' (no system-assigned identity to grant by mistake), was {Site.Json.Show("identity", "type")}.");
        Assert.True(assigned is { ValueKind: JsonValueKind.Object } && assigned.Value.EnumerateObject().Select(p => p.Name).SequenceEqual([Identity.Id]),
            $"Function app must carry exactly the identity {Identity.Id}, had {Site.Json.Show("identity", "userAssignedIdentities")}.");
        Assert.True(Site.Properties.Text("keyVaultReferenceIdentity") == Identity.Id,
            $"keyVaultReferenceIdentity must be {Identity.Id}, or Key Vault references look for a system-assigned identity; was {Site.Properties.Show("keyVaultReferenceIdentity")}.");
    }

    [Fact]
    public void Deployment_package_is_read_with_the_identity()
    {
        var storage = Site.Properties.At("functionAppConfig", "deployment", "storage") ?? default;
        Assert.True(storage.Text("type") == "blobContainer", $"Deployment storage type must be blobContainer, was {storage.Show("type")}.");
        Assert.True(storage.Text("authentication", "type") == "UserAssignedIdentity" && storage.Text("authentication", "userAssignedIdentityResourceId") == Identity.Id,
            $"Deployment storage must authenticate as {Identity.Id} (no storage connection string), was {storage.Show("authentication")}.");
    }

    [Fact]
    public void App_is_https_only_with_tls_1_2_and_no_basic_publishing_credentials()
    {
        Assert.True(Site.Properties.Flag("httpsOnly") == true, $"httpsOnly must be true, was {Site.Properties.Show("httpsOnly")}.");
        Assert.True(Site.Properties.Text("siteConfig", "minTlsVersion") == "1.2", $"siteConfig.minTlsVersion must be '1.2', was {Site.Properties.Show("siteConfig", "minTlsVersion")}.");

        var policies = infra.Snapshot.OfType(ResourceTypes.PublishingCredentialsPolicy).ToDictionary(p => p.LeafName, p => p.Properties.Flag("allow"));
        foreach (var kind in new[] { "ftp", "scm" })
        {
            var found = policies.TryGetValue(kind, out var allow);
            Assert.True(found && allow == false,
                $"basicPublishingCredentialsPolicies/{kind} must exist with allow: false (deploy with Entra ID only); found {(found ? $"allow {allow}" : "none")}.");
        }
    }

    private static void AssertScale(DeploymentSnapshot snapshot, int memory, int maximum, string source)
    {
        var scale = snapshot.FunctionApp.Properties.At("functionAppConfig", "scaleAndConcurrency") ?? default;
        Assert.True(scale.Number("instanceMemoryMB") == memory && scale.Number("maximumInstanceCount") == maximum,
            $"With {source}, scaleAndConcurrency must be instanceMemoryMB {memory} and maximumInstanceCount {maximum}, was {scale.GetRawText()}.");
    }

    private static string Compact(JsonElement element) => JsonSerializer.Serialize(element);
}
