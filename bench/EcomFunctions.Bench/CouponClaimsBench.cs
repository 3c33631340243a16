using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Members;
using EcomFunctions.LocalHost.Hosting;
using EcomFunctions.Storage;
using EcomFunctions.Storage.Coupons;
using EcomFunctions.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EcomFunctions.Bench;

/// <summary>
/// DESIGN §9 <c>coupon-claims</c>: 1 000 concurrent simulated shoppers claim one coupon each over the HTTP endpoint of
/// a LocalHost running in-process on its own Azurite, each retrying once with the same Idempotency-Key, against a
/// definition of 200 coupons; in the same run the raw <c>AddEntity</c> rate at the same concurrency against the same
/// Azurite. "issued", "oversold" and "duplicatePerMember" are read from storage (coupon rows and inventory shards), not
/// from the HTTP answers. claimsPerSec = claim requests answered (first attempts and retries) / wall time of the claim
/// phase. The scenario runs <c>--rounds</c> times (fresh definition, fresh shoppers) with the raw rate measured before
/// every round and after the last; the summary takes the median rates, the worst round's counts, and latency
/// percentiles over all rounds' requests.
/// </summary>
public sealed class CouponClaimsBench : IBenchScenario
{
    private const double RatioTarget = 0.5;

    public string Name => "coupon-claims";

    /// <summary>
    /// Options: <c>--shoppers N</c> (1 000), <c>--coupons N</c> (200), <c>--raw-inserts N</c> (4 000 per raw measurement),
    /// <c>--rounds N</c> (5).
    /// </summary>
    public async Task<Dictionary<string, object?>> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var shoppers = IntOption(args, "--shoppers") ?? 1000;
        var coupons = IntOption(args, "--coupons") ?? 200;
        var rawInserts = IntOption(args, "--raw-inserts") ?? 4000;
        var roundCount = IntOption(args, "--rounds") ?? 5;

        using var azurite = AzuriteProcess.Start(persistenceFolder: null);
        var settings = new Dictionary<string, string?>(LocalHostFixture.Settings())
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        await using var host = await LocalFunctionsHost.StartAsync([], settings, options =>
        {
            options.Url = "http://127.0.0.1:0";
            options.FunctionKey = LocalHostFixture.FunctionKey;
            options.MasterKey = LocalHostFixture.MasterKey;
            // Coupons need no orchestrations; the outbox dispatcher (a queue function) runs as in production.
            options.DurableBackend = OrchestrationBackend.None;
            options.EnableTimers = false;
        }, cancellationToken: cancellationToken);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = host.BaseAddress,
            Timeout = TimeSpan.FromMinutes(5),
        };
        http.DefaultRequestHeaders.Add(HttpFunctionEndpoints.KeyHeader, LocalHostFixture.FunctionKey);

        // Another process publishes the members' tiers (the Members capability's read model), as in production.
        var storage = new StorageClients(new StorageConnection(azurite.ConnectionString));
        var tiers = new MemberTierDirectory(storage, TimeProvider.System);
        var runId = Guid.NewGuid().ToString("N")[..8];
        var members = await PublishMembersAsync(tiers, runId, shoppers, cancellationToken);

        Console.Error.WriteLine("coupon-claims: warming up");
        await WarmUpAsync(http, members, cancellationToken);
        await RawInsertsAsync(storage, shoppers, shoppers * 2, cancellationToken); // warms the raw client's connections

        // The machine is shared and noisy: the scenario runs several rounds, each on a fresh definition with fresh
        // shoppers, with the raw baseline measured between rounds; rates are medians, every round must be exact.
        var rawRates = new List<double>();
        var claimRates = new List<double>();
        var latencies = new ConcurrentBag<double>();
        var rounds = new List<(int Stored, int Distinct, int ShardIssued)>();
        for (var round = 1; round <= roundCount; round++)
        {
            rawRates.Add(await RawInsertsAsync(storage, shoppers, rawInserts, cancellationToken));
            Console.Error.WriteLine($"coupon-claims: raw AddEntity {rawRates[^1]:F0}/s at concurrency {shoppers}");
            var roundMembers = round == 1 ? members : await PublishMembersAsync(tiers, runId + "r" + round, shoppers, cancellationToken);
            var definitionId = await ActiveDefinitionAsync(http, coupons, cancellationToken);
            var answers = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
            var requests = latencies.Count;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(roundMembers.Select(m => Task.Run(() => ShopAsync(http, definitionId, m, latencies, answers, cancellationToken), cancellationToken)));
            clock.Stop();
            claimRates.Add((latencies.Count - requests) / clock.Elapsed.TotalSeconds);
            var stored = await ReadStorageAsync(storage, definitionId, cancellationToken);
            rounds.Add((stored.Stored, stored.DistinctMembers, stored.ShardIssued));
            Console.Error.WriteLine(
                $"coupon-claims: round {round}: {latencies.Count - requests} claim requests in {clock.Elapsed.TotalSeconds:F2} s = {claimRates[^1]:F0}/s; " +
                $"answers {string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{a.Key}×{a.Value}"))}; " +
                $"storage: {stored.Stored} coupons for {stored.DistinctMembers} members, shards issued {stored.ShardIssued} of {stored.ShardAllocated}");
        }

        rawRates.Add(await RawInsertsAsync(storage, shoppers, rawInserts, cancellationToken));
        Console.Error.WriteLine($"coupon-claims: raw AddEntity {rawRates[^1]:F0}/s at concurrency {shoppers}");

        var sorted = latencies.Order().ToArray();
        var claimsPerSec = Median(claimRates);
        var raw = Median(rawRates);
        var ratio = claimsPerSec / raw;
        // The worst round speaks for the run.
        var issued = rounds.Select(r => r.Stored).OrderBy(n => Math.Abs(n - coupons)).Last();
        var oversold = rounds.Max(r => Math.Max(0, Math.Max(r.Stored, r.ShardIssued) - coupons));
        var duplicates = rounds.Max(r => r.Stored - r.Distinct);
        var exact = rounds.All(r => r.Stored == coupons && r.ShardIssued == coupons);
        return new Dictionary<string, object?>
        {
            ["issued"] = issued,
            ["oversold"] = oversold,
            ["duplicatePerMember"] = duplicates,
            ["claimsPerSec"] = Math.Round(claimsPerSec, 1),
            ["rawInsertsPerSec"] = Math.Round(raw, 1),
            ["ratio"] = Math.Round(ratio, 3),
            ["p50Ms"] = Math.Round(Percentile(sorted, 0.50), 1),
            ["p99Ms"] = Math.Round(Percentile(sorted, 0.99), 1),
            ["pass"] = exact && oversold == 0 && duplicates == 0 && ratio >= RatioTarget,
        };
    }

    private static async Task<List<string>> PublishMembersAsync(MemberTierDirectory tiers, string runId, int count, CancellationToken cancellationToken)
    {
        var members = Enumerable.Range(0, count).Select(i => $"shopper-{runId}-{i:D4}").ToList();
        await Parallel.ForEachAsync(members, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
            async (m, ct) => await tiers.PublishAsync(m, MemberTier.Regular, ct));
        return members;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static async Task ShopAsync(HttpClient http, string definitionId, string member, ConcurrentBag<double> latencies, ConcurrentDictionary<string, int> answers, CancellationToken cancellationToken)
    {
        var key = $"claim-{member}";
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var started = Stopwatch.GetTimestamp();
            using var request = new HttpRequestMessage(HttpMethod.Post, $"api/coupons/{definitionId}/claim") { Content = JsonContent.Create(new { memberId = member }) };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await http.SendAsync(request, cancellationToken);
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            var label = $"{(attempt == 0 ? "first" : "retry")}:{(int)response.StatusCode}";
            answers.AddOrUpdate(label, 1, (_, n) => n + 1);
        }
    }

    /// <summary>
    /// JIT, caches and connection pools warmed on a separate definition (not measured): every shopper claims it once, all
    /// at once, so the client holds as many keep-alive connections to the host as there are shoppers and the host as many
    /// to Azurite, like a storefront back end that has been running. Without it the measurement would mostly time TCP
    /// connection setup (listen backlogs overflow when a thousand connections open in the same instant).
    /// </summary>
    private static async Task WarmUpAsync(HttpClient http, IReadOnlyList<string> members, CancellationToken cancellationToken)
    {
        var warmUp = await ActiveDefinitionAsync(http, 20, cancellationToken);
        await Task.WhenAll(members.Select(m => Task.Run(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"api/coupons/{warmUp}/claim") { Content = JsonContent.Create(new { memberId = m }) };
            request.Headers.Add("Idempotency-Key", "warm-up");
            using var response = await http.SendAsync(request, cancellationToken);
        }, cancellationToken)));
    }

    private static async Task<string> ActiveDefinitionAsync(HttpClient http, int quantity, CancellationToken cancellationToken)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "api/coupons/definitions")
        {
            Content = JsonContent.Create(new
            {
                name = "Flash sale 20 off",
                kind = "fixedAmount",
                tierBenefits = new Dictionary<string, object> { ["regular"] = new { kind = "fixedAmount", amount = 20 } },
                validity = new { days = 7 },
                totalQuantity = quantity,
            }),
        };
        create.Headers.Add("X-Dev-Principal", "bench; roles=CampaignManager");
        using var created = await http.SendAsync(create, cancellationToken);
        if (created.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Creating the definition failed: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync(cancellationToken)}");
        }

        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetString()!;
        using var activate = new HttpRequestMessage(HttpMethod.Post, $"api/coupons/definitions/{id}/activate");
        activate.Headers.Add("X-Dev-Principal", "bench; roles=CampaignManager");
        using var activated = await http.SendAsync(activate, cancellationToken);
        activated.EnsureSuccessStatusCode();
        return id;
    }

    /// <summary>The raw baseline: single-entity inserts by <paramref name="concurrency"/> workers, nothing else.</summary>
    private static async Task<double> RawInsertsAsync(StorageClients storage, int concurrency, int inserts, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Azurite.UniqueName("benchraw"), cancellationToken);
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < inserts)
            {
                await table.AddEntityAsync(new TableEntity($"p{i}", "r") { ["Value"] = i }, cancellationToken);
            }
        }, cancellationToken)));
        return inserts / clock.Elapsed.TotalSeconds;
    }

    /// <summary>What storage says, read as another process would: coupon rows of the definition and the shards' issued counts.</summary>
    private static async Task<(int Stored, int DistinctMembers, int ShardIssued, int ShardAllocated)> ReadStorageAsync(StorageClients storage, string definitionId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.Coupons, cancellationToken);
        var owners = new List<string>();
        var filter = TableClient.CreateQueryFilter($"DefinitionId eq {definitionId} and RowKey ge {"c|"} and RowKey lt {"c}"}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            owners.Add(row.PartitionKey);
        }

        var inventory = new TableCouponInventory(storage, new Outbox(storage, new QueueSender(storage), NullLogger<Outbox>.Instance), new CouponOptions(), TimeProvider.System);
        var summary = await inventory.GetSummaryAsync(definitionId, cancellationToken);
        inventory.Dispose();
        return (owners.Count, owners.Distinct(StringComparer.Ordinal).Count(), summary.Issued, summary.Allocated);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static int? IntOption(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : null;
    }
}
