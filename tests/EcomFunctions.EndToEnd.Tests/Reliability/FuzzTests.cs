using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EcomFunctions.EndToEnd.Tests.Members;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using EcomFunctions.Testing.Campaigns;
using Xunit.Abstractions;

namespace EcomFunctions.EndToEnd.Tests.Reliability;

/// <summary>
/// Malformed input on every HTTP endpoint of the OpenAPI document: always a 4xx problem, never a 5xx, and never a
/// partial write. The host has its own Azurite so that every table in the account can be snapshotted around each
/// operation's fuzz without other tests' writes showing up. Fresh resources per operation (a draft campaign, a coupon
/// definition, a member, a review) give the fuzzer real ids, so malformed bodies reach past the 404 into the use cases.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    public const string AllRoles = "fuzzer; roles=CampaignManager,CampaignApprover,Moderator,Merchant";

    /// <summary>
    /// Tables a rejected request may legitimately write. Idempotency: every fuzz request carries an Idempotency-Key, and
    /// a 4xx answer is stored under its key like any other so that a retry with the same key replays it (the record of
    /// the answer, not a change of business state).
    /// </summary>
    public static readonly string[] TablesWrittenOnRejection = [TableNames.Idempotency];

    private MembersHost host = null!;

    // Fast queue polling lets the work that follows an accepted request settle quickly between snapshots.
    public async Task InitializeAsync() => host = await MembersHost.StartAsync(configure: o => o.MaxQueuePollingInterval = TimeSpan.FromMilliseconds(50));

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Every_endpoint_answers_malformed_input_with_problem_details_and_never_a_server_error()
    {
        using var client = new HttpClient { BaseAddress = host.Host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("x-functions-key", LocalHostFixture.FunctionKey);
        client.DefaultRequestHeaders.Add("X-Dev-Principal", AllRoles);
        var document = await ApiFuzzer.LoadDocumentAsync(client, CancellationToken.None);
        var fuzzer = new ApiFuzzer(client, document)
        {
            Snapshot = ct => TableSnapshot.TakeAsync(host.ConnectionString, TablesWrittenOnRejection, ct),
            FreshIds = async (names, _) => await SeedAsync(names),
            QuietPeriod = TimeSpan.FromMilliseconds(250),
        };

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var results = await fuzzer.RunAsync(CancellationToken.None);
        output.WriteLine($"fuzzed in {clock.Elapsed.TotalSeconds:F0} s");

        output.WriteLine($"{results.Count} requests over {results.Select(r => r.Operation).Distinct().Count()} operations; " +
                         string.Join(", ", results.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}")));
        var operations = document["paths"]!.AsObject().Where(p => !p.Key.StartsWith("/api/console", StringComparison.Ordinal))
            .SelectMany(p => p.Value!.AsObject().Select(o => o.Value!["operationId"]!.GetValue<string>())).ToHashSet();
        Assert.Equal(operations.Order(), results.Select(r => r.Operation).Distinct().Order());
        Assert.True(results.Count > 3000, "the fuzzer ran too few cases");
        var serverErrors = results.Where(r => r.IsServerError).ToList();
        Assert.True(serverErrors.Count == 0, "5xx answers:\n" + string.Join("\n", serverErrors.Take(20)));
        var malformed = results.Where(r => !r.IsWellFormedRefusal).ToList();
        Assert.True(malformed.Count == 0, "4xx without problem details:\n" + string.Join("\n", malformed.Take(20)));
        Assert.True(fuzzer.PartialWrites.Count == 0, "rejected requests that wrote:\n" + string.Join("\n", fuzzer.PartialWrites.Take(20)));
    }

    /// <summary>Fresh resources for the path parameters an operation names, so that it acts on something that exists.</summary>
    private async Task<IReadOnlyDictionary<string, string>> SeedAsync(IReadOnlyList<string> names)
    {
        var ids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var now = DateTimeOffset.UtcNow;
        if (names.Contains("campaignId", StringComparer.OrdinalIgnoreCase))
        {
            var campaignId = CampaignDriver.NewId();
            using var created = await new CampaignDriver(host.Client).SendAsync(HttpMethod.Post, "api/campaigns", CampaignDriver.Plan(campaignId, null, now.AddDays(2), now.AddDays(5)));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            ids["campaignId"] = campaignId;
            ids["mechanicId"] = "ten-off";
        }

        if (names.Contains("definitionId", StringComparer.OrdinalIgnoreCase))
        {
            using var definition = await Send(HttpMethod.Post, "api/coupons/definitions", new
            {
                name = "Fuzz 5 off",
                kind = "fixedAmount",
                tierBenefits = new Dictionary<string, object> { ["regular"] = new { kind = "fixedAmount", amount = 5 } },
                validity = new { days = 7 },
                totalQuantity = 50,
                perMemberLimit = 1,
            });
            Assert.Equal(HttpStatusCode.Created, definition.StatusCode);
            ids["definitionId"] = (await definition.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        }

        if (names.Contains("memberId", StringComparer.OrdinalIgnoreCase) || names.Contains("reviewId", StringComparer.OrdinalIgnoreCase))
        {
            var memberId = Azurite.UniqueName("m");
            using var member = await host.Client.PutAsJsonAsync($"api/members/{memberId}", new { signedUpAt = now.AddDays(-30), timeZone = "Asia/Shanghai" });
            Assert.Equal(HttpStatusCode.Created, member.StatusCode);
            ids["memberId"] = memberId;
            if (names.Contains("reviewId", StringComparer.OrdinalIgnoreCase))
            {
                using var review = await host.Client.PostAsJsonAsync("api/reviews", new { memberId, orderId = "o1", productId = "p1", rating = 4, text = "Fits well." });
                Assert.Equal(HttpStatusCode.Accepted, review.StatusCode);
                var body = await review.Content.ReadFromJsonAsync<JsonElement>();
                ids["reviewId"] = (body.TryGetProperty("reviewId", out var reviewId) ? reviewId : body.GetProperty("id")).GetString()!;
            }
        }

        ids["productId"] = "p1";
        return ids;

        Task<HttpResponseMessage> Send(HttpMethod method, string path, object body)
        {
            var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
            request.Headers.Add("X-Dev-Principal", AllRoles);
            return host.Client.SendAsync(request);
        }
    }
}
