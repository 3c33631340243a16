using EcomFunctions.Testing.Faults;
using Xunit.Abstractions;

namespace EcomFunctions.EndToEnd.Tests.Reliability;

/// <summary>Fault scenario 3 (driver: <see cref="HostCrashScenario"/>, shared with <c>./scripts/bench faults</c>).</summary>
[Collection(FaultScenarios.Name)]
public sealed class HostCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_host_killed_mid_campaign_and_mid_batch_resumes_both_after_a_restart_without_duplicates()
    {
        var outcome = await HostCrashScenario.RunAsync(output.WriteLine);

        Assert.True(outcome.Passed, outcome.ToString());
    }
}
