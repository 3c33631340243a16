using EcomFunctions.Testing.Faults;
using Xunit.Abstractions;

namespace EcomFunctions.EndToEnd.Tests.Reliability;

/// <summary>
/// Fault scenario 4 end to end (driver: <see cref="OutboxCrashScenario"/>, shared with <c>./scripts/bench faults</c>); the
/// dispatcher-level proof is Storage.Tests Platform/OutboxTests
/// <c>An_event_committed_with_its_change_is_dispatched_once_even_when_the_dispatcher_crashes_between_publish_and_mark</c>.
/// </summary>
public sealed class OutboxCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_event_redelivered_after_a_dispatcher_crash_between_publish_and_mark_takes_effect_once()
    {
        var outcome = await OutboxCrashScenario.RunAsync(output.WriteLine);

        Assert.True(outcome.Passed, outcome.ToString());
    }
}
