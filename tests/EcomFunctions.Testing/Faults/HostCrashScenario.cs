using System.Net;
using System.Text.Json;
using EcomFunctions.Testing.Campaigns;

namespace EcomFunctions.Testing.Faults;

/// <summary>
/// Fault scenario 3: the LocalHost, a separate OS process on the Azure Storage durable backend, is killed (SIGKILL: no
/// shutdown hooks) while a campaign orchestration is live and a bulk code batch is half generated, then a new host
/// process starts on the same storage and task hub. The orchestration resumes and ends the campaign, evaluated, with
/// each of its steps recorded once; the batch completes with exactly its count of distinct codes in the CSV.
/// </summary>
public static class HostCrashScenario
{
    public const string Name = "host-killed";
    private const int BatchSize = 30_000;

    public static async Task<FaultOutcome> RunAsync(Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var log = progress ?? (_ => { });
        var findings = new List<string>();
        int lost = 0, duplicated = 0;
        using var azurite = AzuriteProcess.Start(persistenceFolder: null);
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["DurableTaskHubName"] = Azurite.UniqueName("hub"),
            ["Auth:AllowDevelopmentPrincipal"] = "true",
            ["EventGrid:Endpoint"] = string.Empty,
            ["LocalHost:FunctionKey"] = LocalHostFixture.FunctionKey,
            ["LocalHost:MasterKey"] = LocalHostFixture.MasterKey,
            ["LocalHost:EnableTimers"] = "false",
            ["LocalHost:DurableBackend"] = "AzureStorage",
            ["LocalHost:MaxQueuePollingInterval"] = "00:00:00.200",
            ["LocalHost:QueueRetryDelay"] = "00:00:00",
            // A killed host's in-flight chunk messages reappear after this (10 minutes in Azure).
            ["LocalHost:QueueProcessingVisibility"] = "00:00:15",
            // Likewise for the durable engine's orchestration and activity messages (5 minutes by default).
            ["LocalHost:DurableMessageVisibility"] = "00:00:15",
            ["Campaigns:MonitoringInterval"] = "00:00:01",
            ["Campaigns:LateOrderWindow"] = "00:00:02",
            ["Campaigns:ReadinessRecheckInterval"] = "00:00:01",
            ["Coupons:CodesPerChunk"] = "250",
        };

        var campaignId = CampaignDriver.NewId();
        string definition, batch;
        var first = await LocalHostProcess.StartAsync(settings);
        try
        {
            using var storefront = Client(first, LocalHostFixture.FunctionKey, null);
            using var operatorClient = Client(first, null, CouponCalls.Operator);
            var coupons = new CouponCalls(storefront, operatorClient);
            definition = await coupons.ActiveDefinitionAsync(BatchSize);
            var campaigns = new CampaignDriver(Client(first, LocalHostFixture.FunctionKey, null));
            var start = DateTimeOffset.UtcNow.AddSeconds(5);
            await campaigns.LaunchAsync(CampaignDriver.Plan(campaignId, null, start, start.AddSeconds(25)));
            await campaigns.WaitForStateAsync(campaignId, "live", TimeSpan.FromSeconds(90));

            // The batch is requested once the campaign is live, and the host dies as soon as its first chunks are stored.
            batch = await coupons.RequestBatchAsync(definition, BatchSize, "crash-batch");
            var generated = await Eventually.HoldsAsync(async () => (await coupons.BatchAsync(definition, batch))?.GetProperty("generated").GetInt32() ?? 0,
                g => g > 0, TimeSpan.FromSeconds(90), "the batch started generating");
            log($"host-killed: killing the host: campaign live, batch {generated}/{BatchSize} generated");
            campaigns.Client.Dispose();
        }
        finally
        {
            first.Kill();
            first.Dispose();
        }

        using var second = await LocalHostProcess.StartAsync(settings);
        using var storefront2 = Client(second, LocalHostFixture.FunctionKey, null);
        using var operator2 = Client(second, null, CouponCalls.Operator);
        var after = new CouponCalls(storefront2, operator2);
        using var campaignClient = Client(second, LocalHostFixture.FunctionKey, null);
        var driver = new CampaignDriver(campaignClient);

        try
        {
            var state = await Eventually.HoldsAsync(async () => (await after.BatchAsync(definition, batch))?.GetProperty("state").GetString(),
                s => s == "completed", TimeSpan.FromSeconds(120), "the batch completed after the restart");
            var codes = await after.BatchCodesAsync(definition, batch);
            var distinct = codes.Distinct(StringComparer.Ordinal).Count();
            if (codes.Count != BatchSize || distinct != BatchSize)
            {
                findings.Add($"batch CSV has {codes.Count} codes, {distinct} distinct, for {BatchSize} requested");
                lost += Math.Max(0, BatchSize - distinct);
                duplicated += codes.Count - distinct;
            }

            var issued = (await after.DefinitionAsync(definition)).GetProperty("inventory").GetProperty("issued").GetInt32();
            if (issued != BatchSize)
            {
                findings.Add($"inventory counts {issued} issued for a batch of {BatchSize}");
                duplicated += Math.Max(0, issued - BatchSize);
                lost += Math.Max(0, BatchSize - issued);
            }

            log($"host-killed: batch {state}: {codes.Count} codes, {distinct} distinct");
        }
        catch (TimeoutException ex)
        {
            findings.Add("batch: " + ex.Message);
            lost++;
        }

        try
        {
            var done = await driver.WaitForOrchestrationAsync(campaignId, TimeSpan.FromSeconds(150));
            var runtime = done.GetProperty("orchestration").GetProperty("runtimeStatus").GetString();
            if (runtime != "Completed" || done.GetProperty("state").GetString() != "evaluated")
            {
                findings.Add($"campaign orchestration {runtime}, campaign {done.GetProperty("state").GetString()}");
                lost++;
            }

            var audit = await driver.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/campaigns/{campaignId}/audit");
            var actions = audit.EnumerateArray().Select(a => a.GetProperty("action").GetString()).ToList();
            foreach (var step in new[] { "goLive", "end", "evaluate" })
            {
                var times = actions.Count(a => a == step);
                if (times != 1)
                {
                    findings.Add($"campaign step {step} recorded {times} times: {string.Join(",", actions.Where(a => a != "checkBudget"))}");
                    duplicated += Math.Max(0, times - 1);
                    lost += times == 0 ? 1 : 0;
                }
            }

            log($"host-killed: campaign orchestration {runtime}, steps {string.Join(",", actions.Where(a => a != "checkBudget"))}");
        }
        catch (TimeoutException ex)
        {
            var status = await driver.StatusAsync(campaignId);
            findings.Add($"campaign not finished ({ex.GetType().Name}): state {status.GetProperty("state").GetString()}, orchestration {status.GetProperty("orchestration")}");
            lost++;
        }

        return FaultOutcome.From(Name, lost, duplicated, findings);
    }

    private static HttpClient Client(LocalHostProcess host, string? key, string? principal)
    {
        var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add(LocalHost.Hosting.HttpFunctionEndpoints.KeyHeader, key);
        }

        if (principal is not null)
        {
            client.DefaultRequestHeaders.Add("X-Dev-Principal", principal);
        }

        return client;
    }
}
