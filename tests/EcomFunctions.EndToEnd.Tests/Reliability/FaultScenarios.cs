namespace EcomFunctions.EndToEnd.Tests.Reliability;

/// <summary>
/// Fault scenarios that kill hosts or stop storage and then wait on recovery timings (lease and visibility expiry,
/// durable timers): they run on their own, after the parallel part of the suite, so a loaded machine's delays are
/// not mistaken for lost work. Once, under the full parallel suite, a campaign orchestration resumed after a host kill
/// did not progress within 150 s (see the issue notes); alone it has passed every run.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultScenarios
{
    public const string Name = "Fault scenarios";
}
