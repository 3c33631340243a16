using System.Diagnostics;
using EcomFunctions.Testing;
using EcomFunctions.Testing.Faults;

namespace EcomFunctions.Bench;

/// <summary>
/// `./scripts/bench faults`: the fault scenarios of the reliability suite (tests/EcomFunctions.EndToEnd.Tests/Reliability),
/// run by the same drivers (tests/EcomFunctions.Testing/Faults) — 1 storage outage mid claim burst and mid reactivation
/// run (both halves at once), 2 every queue message delivered twice, 3 the host killed mid campaign and mid code batch,
/// 4 the outbox dispatcher dying between publish and mark, 5 poison messages on every queue — and the HTTP fuzzer over
/// every operation of the OpenAPI document. Each scenario owns its Azurite (and hosts); nothing is left running.
/// Pass: every scenario passed, nothing lost or duplicated, no 5xx from the fuzzer.
/// Options: --only name[,name] (scenario names as printed, or "fuzz").
/// </summary>
public sealed class FaultsBench : IBenchScenario
{
    public string Name => "faults";

    public async Task<Dictionary<string, object?>> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault()?.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        bool Selected(string name) => only is null || only.Contains(name);
        var scenarios = new (string Name, Func<Task<FaultOutcome>> Run)[]
        {
            (StorageOutageScenario.Name, () => StorageOutageScenario.RunAsync(Log, cancellationToken: cancellationToken)),
            (DuplicateDeliveryScenario.Name, () => DuplicateDeliveryScenario.RunAsync(Log, cancellationToken)),
            (HostCrashScenario.Name, () => HostCrashScenario.RunAsync(Log, cancellationToken)),
            (OutboxCrashScenario.Name, () => OutboxCrashScenario.RunAsync(Log, cancellationToken)),
            (PoisonScenario.Name, () => PoisonScenario.RunAsync(Log, cancellationToken)),
        };

        var outcomes = new List<FaultOutcome>();
        foreach (var (name, run) in scenarios.Where(s => Selected(s.Name)))
        {
            Log($"--- {name}");
            var clock = Stopwatch.StartNew();
            FaultOutcome outcome;
            try
            {
                outcome = await run();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A scenario that cannot finish is a failed scenario, not a crashed benchmark.
                outcome = FaultOutcome.From(name, 0, 0, [$"{ex.GetType().Name}: {ex.Message.Split('\n')[0]}"]);
            }

            Log($"{outcome} ({clock.Elapsed.TotalSeconds:F0} s)");
            outcomes.Add(outcome);
        }

        var (requests, serverErrors, malformed) = Selected("fuzz") ? await FuzzAsync(cancellationToken) : (0, 0, 0);
        var passed = outcomes.Count(o => o.Passed);
        var lost = outcomes.Sum(o => o.Lost);
        var duplicated = outcomes.Sum(o => o.Duplicated);
        return new Dictionary<string, object?>
        {
            ["scenarios"] = outcomes.Count,
            ["passed"] = passed,
            ["lost"] = lost,
            ["duplicated"] = duplicated,
            ["fuzzRequests"] = requests,
            ["server5xx"] = serverErrors,
            ["pass"] = passed == outcomes.Count && lost == 0 && duplicated == 0 && serverErrors == 0 && malformed == 0 && (!Selected("fuzz") || requests > 50),
        };
    }

    private static async Task<(int Requests, int ServerErrors, int Malformed)> FuzzAsync(CancellationToken cancellationToken)
    {
        Log("--- fuzz");
        await using var host = await FaultHost.StartAsync();
        using var client = host.CreateClient(principal: "fuzzer; roles=CampaignManager,CampaignApprover,Moderator,Merchant");
        var document = await ApiFuzzer.LoadDocumentAsync(client, cancellationToken);
        var results = await new ApiFuzzer(client, document).RunAsync(cancellationToken);
        var serverErrors = results.Where(r => r.IsServerError).ToList();
        var malformed = results.Where(r => !r.IsWellFormedRefusal).ToList();
        Log($"fuzz: {results.Count} requests over {results.Select(r => r.Operation).Distinct().Count()} operations; " +
            string.Join(", ", results.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}")));
        foreach (var bad in serverErrors.Concat(malformed).Take(20))
        {
            Log("fuzz: " + bad);
        }

        return (results.Count, serverErrors.Count, malformed.Count);
    }

    private static void Log(string message) => Console.Error.WriteLine($"[faults] {message}");
}
