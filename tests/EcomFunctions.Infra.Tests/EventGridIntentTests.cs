using EcomFunctions.Infra.Tests.Compilation;

namespace EcomFunctions.Infra.Tests;

/// <summary>The domain-event topic: CloudEvents, Entra-only publishing.</summary>
[Collection(SharedInfrastructure.Name)]
public sealed class EventGridIntentTests(CompiledInfrastructure infra)
{
    private PredictedResource Topic => infra.Snapshot.One(ResourceTypes.EventGridTopic);

    [Fact]
    public void Topic_local_auth_is_disabled()
    {
        Assert.True(Topic.Properties.Flag("disableLocalAuth") == true,
            $"Event Grid topic {Topic.Name}: disableLocalAuth must be true (no access keys or SAS), was {Topic.Properties.Show("disableLocalAuth")}.");
    }

    [Fact]
    public void Topic_accepts_CloudEvents_1_0()
    {
        Assert.True(Topic.Properties.Text("inputSchema") == "CloudEventSchemaV1_0",
            $"Event Grid topic {Topic.Name}: inputSchema must be 'CloudEventSchemaV1_0' (the App publishes CloudEvents), was {Topic.Properties.Show("inputSchema")}.");
        Assert.True(Topic.Properties.Text("minimumTlsVersionAllowed") == "1.2",
            $"Event Grid topic {Topic.Name}: minimumTlsVersionAllowed must be '1.2', was {Topic.Properties.Show("minimumTlsVersionAllowed")}.");
    }
}
