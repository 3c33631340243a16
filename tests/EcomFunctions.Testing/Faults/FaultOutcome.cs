namespace EcomFunctions.Testing.Faults;

/// <summary>
/// What a fault scenario proved: <see cref="Lost"/> counts effects that should have happened and did not (a claim
/// neither issued nor refused retriably, a message neither processed nor parked), <see cref="Duplicated"/> effects that
/// happened more than once. Tests assert on it; the faults benchmark sums it.
/// </summary>
public sealed record FaultOutcome(string Scenario, bool Passed, int Lost, int Duplicated, IReadOnlyList<string> Findings)
{
    public static FaultOutcome From(string scenario, int lost, int duplicated, IReadOnlyList<string> findings) =>
        new(scenario, lost == 0 && duplicated == 0 && findings.Count == 0, lost, duplicated, findings);

    public override string ToString() =>
        $"{Scenario}: {(Passed ? "passed" : "FAILED")} lost={Lost} duplicated={Duplicated}" +
        (Findings.Count == 0 ? string.Empty : "\n  " + string.Join("\n  ", Findings));
}
