using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.LocalHost.Hosting;
using EcomFunctions.Storage;
using EcomFunctions.Testing;

namespace EcomFunctions.Bench;

/// <summary>
/// <c>coupon-batch</c>: the issue's "100 000 codes in one batch must work", end to end through a LocalHost running
/// in-process on its own Azurite: POST the batch, let the queue function generate the packed chunks, download the CSV,
/// and check it against storage — every code unique, well-formed, with the prefix, and stored exactly once as a bearer
/// coupon; inventory issued = count. Reports codes per second from request to completion. The normal test suite runs
/// the same path with 2 000 codes (CouponJourneyTests); this is the full-size run, kept out of the suite for its
/// minutes of Azurite time on a shared CI machine.
/// </summary>
public sealed class CouponBatchBench : IBenchScenario
{
    public string Name => "coupon-batch";

    /// <summary>Options: <c>--codes N</c> (100 000).</summary>
    public async Task<Dictionary<string, object?>> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var at = Array.IndexOf(args, "--codes");
        var count = at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : 100_000;
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
            options.DurableBackend = OrchestrationBackend.None;
            options.EnableTimers = false;
        }, cancellationToken: cancellationToken);
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Add("X-Dev-Principal", "bench; roles=CampaignManager");

        var definitionId = await ActiveDefinitionAsync(http, count, cancellationToken);
        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/coupons/{definitionId}/batches") { Content = JsonContent.Create(new { count, prefix = "BK" }) };
        request.Headers.Add("Idempotency-Key", "bench-batch");
        using var accepted = await http.SendAsync(request, cancellationToken);
        if (accepted.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"Batch request failed: {(int)accepted.StatusCode} {await accepted.Content.ReadAsStringAsync(cancellationToken)}");
        }

        var batchId = (await accepted.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("batchId").GetString()!;
        Console.Error.WriteLine($"coupon-batch: {count} codes requested as batch {batchId} ({clock.Elapsed.TotalSeconds:F1} s)");
        JsonElement batch;
        var lastReport = TimeSpan.Zero;
        while (true)
        {
            batch = await http.GetFromJsonAsync<JsonElement>($"api/coupons/{definitionId}/batches/{batchId}", cancellationToken);
            if (batch.GetProperty("state").GetString() == "completed" || clock.Elapsed > TimeSpan.FromMinutes(20))
            {
                break;
            }

            if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = clock.Elapsed;
                Console.Error.WriteLine($"coupon-batch: {batch.GetProperty("generated").GetInt32()} of {count} after {clock.Elapsed.TotalSeconds:F0} s");
            }

            await Task.Delay(500, cancellationToken);
        }

        var generatedIn = clock.Elapsed;
        var csv = await http.GetStringAsync($"api/coupons/{definitionId}/batches/{batchId}/codes.csv", cancellationToken);
        var downloadedIn = clock.Elapsed - generatedIn;
        var codes = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split(',')[1]).ToList();
        var unique = codes.Distinct(StringComparer.Ordinal).Count();
        var wellFormed = codes.Count(c => c.StartsWith("BK", StringComparison.Ordinal) && CouponCode.Parse(c).IsSuccess);
        var storage = new StorageClients(new StorageConnection(azurite.ConnectionString));
        var stored = await CountBearerRowsAsync(storage, batchId, cancellationToken);
        var definition = await http.GetFromJsonAsync<JsonElement>($"api/coupons/definitions/{definitionId}", cancellationToken);
        var issued = definition.GetProperty("inventory").GetProperty("issued").GetInt32();
        Console.Error.WriteLine($"coupon-batch: completed in {generatedIn.TotalSeconds:F1} s, CSV of {codes.Count} codes downloaded in {downloadedIn.TotalSeconds:F1} s; " +
            $"{unique} unique, {wellFormed} well-formed, {stored} bearer rows stored, inventory issued {issued}");
        return new Dictionary<string, object?>
        {
            ["codes"] = count,
            ["listed"] = codes.Count,
            ["unique"] = unique,
            ["stored"] = stored,
            ["inventoryIssued"] = issued,
            ["seconds"] = Math.Round(generatedIn.TotalSeconds, 1),
            ["codesPerSec"] = Math.Round(count / generatedIn.TotalSeconds, 1),
            ["csvSeconds"] = Math.Round(downloadedIn.TotalSeconds, 1),
            ["pass"] = batch.GetProperty("state").GetString() == "completed" && codes.Count == count && unique == count && wellFormed == count && stored == count && issued == count,
        };
    }

    private static async Task<int> CountBearerRowsAsync(StorageClients storage, string batchId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.CouponCodes, cancellationToken);
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"BatchId eq {batchId}"), select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            count++;
        }

        return count;
    }

    private static async Task<string> ActiveDefinitionAsync(HttpClient http, int quantity, CancellationToken cancellationToken)
    {
        var created = await http.PostAsJsonAsync("api/coupons/definitions", new
        {
            name = "Printed voucher 10 off",
            kind = "fixedAmount",
            tierBenefits = new Dictionary<string, object> { ["regular"] = new { kind = "fixedAmount", amount = 10 } },
            validity = new { days = 30 },
            totalQuantity = quantity,
        }, cancellationToken);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetString()!;
        (await http.PostAsync($"api/coupons/definitions/{id}/activate", null, cancellationToken)).EnsureSuccessStatusCode();
        return id;
    }
}
