using EcomFunctions.Infra.Tests.Compilation;

namespace EcomFunctions.Infra.Tests;

/// <summary>
/// bicep exits 0 on warnings, and a misspelt property or an API version its bundled types do not know is only a
/// warning: here any warning fails (scripts/bicep-check does the same for `./scripts/test`).
/// </summary>
[Collection(SharedInfrastructure.Name)]
public sealed class BicepDiagnosticsTests(CompiledInfrastructure infra)
{
    [Fact]
    public void Build_lint_and_evaluation_report_no_warning_or_error()
    {
        var problems = infra.Runs.SelectMany(run => run.Problems.Select(line => $"{run.Command}: {line}"))
            .Concat(infra.Runs.Where(run => run.ExitCode != 0).Select(run => $"{run.Command} exited with {run.ExitCode}: {run.Output}"));
        Problems.None(problems, "The Bicep in infra/ must compile, lint and evaluate with zero warnings (warnings are errors):");
    }

    [Fact]
    public void Deployment_evaluation_reports_no_diagnostics()
    {
        Problems.None(infra.Snapshot.Diagnostics.Concat(infra.AlternativeSnapshot.Diagnostics), "`bicep snapshot` of infra/main.bicep reported:");
    }
}
