using EcomFunctions.Testing.Faults;
using Xunit.Abstractions;

namespace EcomFunctions.EndToEnd.Tests.Reliability;

/// <summary>Fault scenario 5 (driver: <see cref="PoisonScenario"/>, shared with <c>./scripts/bench faults</c>).</summary>
public sealed class PoisonMessageTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_queue_trigger_is_found_by_reflection()
    {
        // The scenario enumerates the queues from the App's [QueueTrigger] attributes; this guards the enumeration itself.
        Assert.Contains(Storage.QueueNames.OutboxDispatch, PoisonScenario.TriggeredQueues());
        Assert.True(PoisonScenario.TriggeredQueues().Count >= 10);
    }

    [Fact]
    public async Task Invalid_json_and_unknown_versions_on_every_queue_are_parked_with_reasons_visible_to_operators_and_never_block_the_queue()
    {
        var outcome = await PoisonScenario.RunAsync(output.WriteLine);

        Assert.True(outcome.Passed, outcome.ToString());
    }
}
