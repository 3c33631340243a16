using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.LocalHost.Hosting;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using EcomFunctions.Testing.Campaigns;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace EcomFunctions.Bench;

/// <summary>
/// `./scripts/bench campaign`: 50 campaigns run concurrently through their whole lifecycle on the LocalHost (in process,
/// against a private Azurite): planned, readiness confirmed, submitted and approved over HTTP, then driven by their
/// <c>campaign-{id}</c> orchestrations through preheat, two stages (main, encore) as sub-orchestrations, a monitoring
/// loop every 4 s (and a snapshot at each stage boundary), the end, a 2 s late-order window and the evaluation — while storefront events (visits, page
/// views, orders) and coupon redemptions flow into every live campaign. Each campaign lasts 10 s once live (two 5 s stages).
/// <para>Measured per durable backend: wall time from the first plan to the last evaluation, orchestration steps (each
/// episode's activity, timer or stage sub-orchestration, as counted by the orchestrations) per second, and the lag of
/// each evaluation behind its ideal instant (end + late-order window) divided by the campaign's steps — the
/// orchestration overhead per step. AzureStorage is the LocalHost's default and what Durable Functions runs on in
/// Azure; InMemory is what the tests use.</para>
/// Options: --campaigns N (default 50), --backend azurestorage|inmemory|both (default both), --verbose.
/// </summary>
public sealed class CampaignBench : IBenchScenario
{
    private const int DefaultCampaigns = 50;
    private static readonly TimeSpan LateOrderWindow = TimeSpan.FromSeconds(2);

    public string Name => "campaign";

    /// <summary>--verbose: the host logs at Information (to stdout, before the summary line).</summary>
    private static bool Verbose { get; set; }

    public async Task<Dictionary<string, object?>> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var count = IntOption(args, "--campaigns") ?? DefaultCampaigns;
        Verbose = args.Contains("--verbose");
        var backendOption = StringOption(args, "--backend") ?? "both";
        using var azurite = AzuriteProcess.Start(persistenceFolder: null);
        Log($"Azurite on {azurite.TablePort}; {count} campaigns per backend");

        var results = new Dictionary<OrchestrationBackend, RunResult>();
        foreach (var backend in new[] { OrchestrationBackend.AzureStorage, OrchestrationBackend.InMemory })
        {
            if (backendOption != "both" && !backendOption.Equals(backend.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            results[backend] = await RunBackendAsync(azurite.ConnectionString, backend, count, cancellationToken);
            Log($"{backend}: {results[backend]}");
        }

        var primary = results.TryGetValue(OrchestrationBackend.AzureStorage, out var az) ? az : results.Values.First();
        var summary = new Dictionary<string, object?>
        {
            ["campaigns"] = count,
            ["completed"] = primary.Completed,
            ["failed"] = primary.Failed,
            ["secondsTotal"] = Math.Round(primary.Seconds, 1),
            ["orchestrationStepsPerSec"] = Math.Round(primary.Steps / primary.Seconds, 1),
            ["backend"] = primary.Backend.ToString(),
            ["steps"] = primary.Steps,
            ["overheadMsPerStep"] = Math.Round(primary.OverheadMsPerStep, 1),
            ["evaluationLagSeconds"] = Math.Round(primary.MeanLagSeconds, 2),
            ["events"] = primary.EventsPosted,
            ["ordersPosted"] = primary.OrdersPosted,
            ["ordersReported"] = primary.OrdersReported,
        };
        if (results.TryGetValue(OrchestrationBackend.InMemory, out var memory) && primary.Backend != OrchestrationBackend.InMemory)
        {
            summary["inMemory"] = new Dictionary<string, object?>
            {
                ["completed"] = memory.Completed,
                ["failed"] = memory.Failed,
                ["secondsTotal"] = Math.Round(memory.Seconds, 1),
                ["orchestrationStepsPerSec"] = Math.Round(memory.Steps / memory.Seconds, 1),
                ["overheadMsPerStep"] = Math.Round(memory.OverheadMsPerStep, 1),
                ["evaluationLagSeconds"] = Math.Round(memory.MeanLagSeconds, 2),
            };
        }

        summary["pass"] = results.Values.All(r => r.Completed == count && r.Failed == 0);
        return summary;
    }

    private sealed record RunResult(
        OrchestrationBackend Backend, int Completed, int Failed, double Seconds, long Steps, double MeanLagSeconds, double OverheadMsPerStep,
        int EventsPosted, long OrdersPosted, long OrdersReported)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Completed} evaluated, {Failed} failed in {Seconds:F1} s; {Steps} steps = {Steps / Seconds:F1}/s; lag {MeanLagSeconds:F2} s = {OverheadMsPerStep:F1} ms/step; orders {OrdersReported}/{OrdersPosted}");
    }

    private static async Task<RunResult> RunBackendAsync(string storage, OrchestrationBackend backend, int count, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storage,
            ["DurableTaskHubName"] = Azurite.UniqueName("bench"),
            ["Auth:AllowDevelopmentPrincipal"] = "true",
            ["EventGrid:Endpoint"] = string.Empty,
            ["Campaigns:MonitoringInterval"] = "00:00:04",
            ["Campaigns:LateOrderWindow"] = "00:00:02",
            ["Campaigns:ReadinessRecheckInterval"] = "00:00:01",
            ["Campaigns:ActivityRetryInterval"] = "00:00:01",
            ["Logging:LogLevel:Default"] = Verbose ? "Information" : "Warning",
        };
        await using var host = await LocalFunctionsHost.StartAsync([], settings, options =>
        {
            options.Url = "http://127.0.0.1:0";
            options.FunctionKey = "bench-key";
            options.DurableBackend = backend;
            options.EnableTimers = false;
            options.MaxQueuePollingInterval = TimeSpan.FromMilliseconds(200);
        }, DurableEngines.StartAsync, services => services.AddSingleton<ICouponDefinitionLookup, BenchCouponDefinitions>(), cancellationToken);
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
        http.DefaultRequestHeaders.Add("x-functions-key", "bench-key");
        var api = new CampaignDriver(http);
        var client = host.Services.GetRequiredService<DurableTaskClient>();

        // Every campaign starts at the same instant, after the plans are in: 50 orchestrations side by side.
        var clock = Stopwatch.StartNew();
        var ids = Enumerable.Range(0, count).Select(i => $"bench{i:D3}{Guid.NewGuid():N}"[..20]).ToList();
        // Launching (plan, submit, approve: three orchestration round trips each) must finish before the preheat, or the
        // late approvals find their window gone; on a loaded 2-core machine 50 launches on Azure Storage took 45 s.
        var launchBy = TimeSpan.FromSeconds(Math.Max(30, count * 1.5));
        var preheat = DateTimeOffset.UtcNow + launchBy;
        var start = preheat.AddSeconds(2);
        var split = start.AddSeconds(5);
        var end = split.AddSeconds(5);
        await ForEachAsync(ids, 8, async id =>
        {
            var plan = CampaignDriver.Plan(id, preheat, start, end);
            plan["schedule"]!["stages"] = CampaignDriver.Stages(start, split, end);
            ((JsonArray)plan["mechanics"]!).Add(new JsonObject { ["kind"] = "coupon", ["id"] = "coupon-5", ["couponDefinitionId"] = "def-" + id });
            await api.LaunchAsync(plan);
        }, cancellationToken);
        Log($"{backend}: {count} campaigns planned, submitted and approved in {clock.Elapsed.TotalSeconds:F1} s; live at {start:HH:mm:ss}");

        using var traffic = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var posted = new TrafficCounter();
        var trafficTask = Task.Run(() => DriveTrafficAsync(api, storage, ids, start, end, posted, traffic.Token), CancellationToken.None);

        var outcomes = await WaitForAllAsync(client, ids, TimeSpan.FromMinutes(10), cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        await traffic.CancelAsync();
        await trafficTask;

        var completed = 0;
        var failed = 0;
        long steps = 0;
        var lags = new List<double>();
        var perStep = new List<double>();
        long ordersReported = 0;
        foreach (var (id, instance) in outcomes)
        {
            var status = await api.StatusAsync(id);
            if (instance?.RuntimeStatus == OrchestrationRuntimeStatus.Completed && status.GetProperty("state").GetString() == "evaluated")
            {
                completed++;
                var outcome = JsonSerializer.Deserialize<JsonElement>(instance.SerializedOutput!);
                var campaignSteps = outcome.GetProperty("Steps").GetInt32();
                steps += campaignSteps;
                var lag = (instance.LastUpdatedAt - (end + LateOrderWindow)).TotalSeconds;
                lags.Add(lag);
                perStep.Add(lag * 1000 / Math.Max(1, campaignSteps));
                ordersReported += (await api.ReportAsync(id)).GetProperty("totals").GetProperty("orders").GetInt64();
            }
            else
            {
                failed++;
                Log($"{backend}: {id} ended {instance?.RuntimeStatus.ToString() ?? "missing"} in state {status.GetProperty("state").GetString()}: {instance?.FailureDetails?.ErrorMessage}");
            }
        }

        return new RunResult(backend, completed, failed, seconds, steps, lags.DefaultIfEmpty(0).Average(), perStep.DefaultIfEmpty(0).Average(),
            posted.Events, posted.Orders, ordersReported);
    }

    /// <summary>Storefront batches (visits, page views, orders) and coupon redemptions for every campaign while it is live.</summary>
    private static async Task DriveTrafficAsync(CampaignDriver api, string storage, List<string> ids, DateTimeOffset start, DateTimeOffset end, TrafficCounter posted, CancellationToken cancellationToken)
    {
        var spend = new QueueClient(storage, QueueNames.CampaignSpend, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await spend.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var round = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var now = DateTimeOffset.UtcNow;

                // Stop half a second before the end, so every order lands before its campaign's late-order window closes.
                if (now >= start && now < end.AddMilliseconds(-500))
                {
                    round++;
                    var events = new List<object>();
                    var redemptions = new List<DomainEvent>();
                    foreach (var id in ids)
                    {
                        var visitor = $"v{round % 7}";
                        events.Add(new { type = "visit", campaignId = id, visitorId = visitor, channel = "app", variant = "A", occurredAt = now });
                        events.Add(new { type = "pageView", campaignId = id, visitorId = visitor, channel = "web", variant = "B", occurredAt = now });
                        events.Add(new { type = "order", campaignId = id, memberId = $"m{round}", orderId = $"{id}-o{round}", value = 19.90m, channel = "app", variant = "A", occurredAt = now });
                        var data = new CouponRedeemed($"{id}-cp{round}", "def-" + id, $"m{round}", id, $"{id}-o{round}", 5m, 5m, now);
                        redemptions.Add(new DomainEvent(Guid.NewGuid().ToString("N"), CouponEventTypes.CouponRedeemed, CouponEventTypes.CouponSubject(data.CouponId), now,
                            JsonSerializer.Serialize(data, CouponEventTypes.JsonOptions)));
                    }

                    foreach (var chunk in events.Chunk(300))
                    {
                        await api.PostEventsAsync(new { batchId = $"round-{round}-{Guid.NewGuid():N}", events = chunk });
                    }

                    foreach (var chunk in redemptions.Chunk(25))
                    {
                        await spend.SendMessageAsync(EcomJson.Serialize(new EventDelivery(chunk)), cancellationToken);
                    }

                    posted.Add(events.Count, ids.Count);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(1500), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    private static async Task<List<(string Id, OrchestrationMetadata? Instance)>> WaitForAllAsync(DurableTaskClient client, List<string> ids, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var done = new ConcurrentDictionary<string, OrchestrationMetadata?>();
        var lastReport = DateTime.UtcNow;
        while (done.Count < ids.Count && DateTime.UtcNow < deadline)
        {
            var steps = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var id in ids.Where(i => !done.ContainsKey(i)))
            {
                var instance = await client.GetInstanceAsync($"campaign-{id}", getInputsAndOutputs: true, cancellationToken);
                if (instance?.RuntimeStatus is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
                {
                    done[id] = instance;
                }
                else
                {
                    var step = StepOf(instance);
                    steps[step] = steps.GetValueOrDefault(step) + 1;
                }
            }

            if (DateTime.UtcNow - lastReport > TimeSpan.FromSeconds(3))
            {
                Log($"  {DateTime.UtcNow:HH:mm:ss} {done.Count}/{ids.Count} finished; running: {string.Join(", ", steps.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}×{s.Value}"))}");
                lastReport = DateTime.UtcNow;
            }

            await Task.Delay(250, cancellationToken);
        }

        return ids.Select(id => (id, done.GetValueOrDefault(id))).ToList();
    }

    /// <summary>"state/step" from the orchestration's custom status, for the progress line.</summary>
    private static string StepOf(OrchestrationMetadata? instance)
    {
        if (instance?.SerializedCustomStatus is not { Length: > 0 } status)
        {
            return instance?.RuntimeStatus.ToString() ?? "missing";
        }

        using var json = JsonDocument.Parse(status);
        return json.RootElement.ValueKind == JsonValueKind.Object
            ? $"{json.RootElement.GetProperty("State").GetString()}/{json.RootElement.GetProperty("Step").GetString()}"
            : "(continuing as new)";
    }

    private static async Task ForEachAsync<T>(IEnumerable<T> items, int parallelism, Func<T, Task> body, CancellationToken cancellationToken) =>
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (item, _) => await body(item));

    private static int? IntOption(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : null;
    }

    private static string? StringOption(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static void Log(string message) => Console.Error.WriteLine(message);

    /// <summary>The Coupons capability's stand-in: every <c>def-</c> definition exists with face value 5.</summary>
    private sealed class BenchCouponDefinitions : ICouponDefinitionLookup
    {
        public Task<CouponDefinitionSummary?> FindAsync(string couponDefinitionId, CancellationToken cancellationToken) =>
            Task.FromResult(couponDefinitionId.StartsWith("def-", StringComparison.Ordinal) ? new CouponDefinitionSummary(couponDefinitionId, null, 5m) : null);
    }

    private sealed class TrafficCounter
    {
        private int events;
        private long orders;

        public int Events => events;

        public long Orders => Interlocked.Read(ref orders);

        public void Add(int eventCount, int orderCount)
        {
            Interlocked.Add(ref events, eventCount);
            Interlocked.Add(ref orders, orderCount);
        }
    }
}
