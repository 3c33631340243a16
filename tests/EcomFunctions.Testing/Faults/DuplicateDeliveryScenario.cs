using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using EcomFunctions.Testing.Campaigns;
using EcomFunctions.Testing.Members;

namespace EcomFunctions.Testing.Faults;

/// <summary>
/// Fault scenario 2: the LocalHost delivers every queue message twice. Covers the queues the capability tests do not
/// (those cover coupon-grants, coupon-batch-chunks, coupon-campaign-events, review-moderation, review-events and
/// outbox-dispatch): a reactivation run (outbox-dispatch, coupon-grants, winback-messages), member activities
/// (member-activity), storefront traffic (campaign-activity) and coupon redemptions (campaign-spend). Each effect once.
/// </summary>
public static class DuplicateDeliveryScenario
{
    public const string Name = "every-message-delivered-twice";
    private const int RunMembers = 400;
    private const int Partitions = 4;

    public static async Task<FaultOutcome> RunAsync(Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var log = progress ?? (_ => { });
        var findings = new List<string>();
        int lost = 0, duplicated = 0;
        var settings = new Dictionary<string, string?>
        {
            ["Members:PartitionCount"] = Partitions.ToString(CultureInfo.InvariantCulture),
            ["Reactivation:PageSize"] = "100",
            ["Reactivation:QuietHoursStart"] = "00:00",
            ["Reactivation:QuietHoursEnd"] = "00:00",
            ["Campaigns:MonitoringInterval"] = "00:00:01",
            ["Campaigns:LateOrderWindow"] = "00:00:02",
        };
        await using var host = await FaultHost.StartAsync(extraSettings: settings, configure: o => o.DeliverEveryMessageTwice = true);
        var connection = host.Azurite.ConnectionString;
        var sender = new QueueSender(new StorageClients(new StorageConnection(connection)));

        // A live campaign to receive storefront traffic and coupon spend.
        using var campaignClient = host.CreateClient();
        var campaigns = new CampaignDriver(campaignClient);
        var campaignId = CampaignDriver.NewId("dup");
        var start = DateTimeOffset.UtcNow.AddSeconds(3);
        await campaigns.LaunchAsync(CampaignDriver.Plan(campaignId, null, start, start.AddMinutes(5)));

        // The reactivation run and member activities.
        var seed = await ReactivationSeed.WriteAsync(connection, RunMembers, DateTimeOffset.UtcNow, partitionCount: Partitions);
        var today = ZonedTime.LocalDate(DateTimeOffset.UtcNow, ZonedTime.Resolve("Asia/Shanghai")).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var runClient = host.CreateClient(key: null, principal: "marketing-1; roles=CampaignManager");
        (await runClient.PostAsJsonAsync($"api/reactivation/runs/{today}", new { }, cancellationToken)).Dispose();
        var reviewers = seed.Members.Take(20).Select(m => m.Id).ToList();
        var growthBefore = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var member in reviewers)
        {
            growthBefore[member] = await GrowthAsync(host.Client, member, cancellationToken);
        }

        await sender.SendAsync(QueueNames.MemberActivity, new MemberActivityBatch(reviewers
            .Select(m => new MemberActivityReport(m, "review-dup-" + m, ActivityKind.ReviewApproved, DateTimeOffset.UtcNow, WithPhoto: true)).ToList()), cancellationToken: cancellationToken);

        await campaigns.WaitForStateAsync(campaignId, "live", TimeSpan.FromSeconds(60));
        var at = DateTimeOffset.UtcNow;
        await campaigns.PostEventsAsync(new
        {
            batchId = campaignId + "-batch",
            events = new object[]
            {
                new { type = "visit", campaignId, visitorId = "v1", channel = "app", variant = "A", occurredAt = at },
                new { type = "visit", campaignId, visitorId = "v2", channel = "web", variant = "B", occurredAt = at },
                new { type = "order", campaignId, memberId = "m-dup-1", orderId = campaignId + "-o1", value = 100m, channel = "app", variant = "A", occurredAt = at },
                new { type = "order", campaignId, memberId = "m-dup-2", orderId = campaignId + "-o2", value = 50m, channel = "web", variant = "B", occurredAt = at },
            },
        });
        await sender.SendAsync(QueueNames.CampaignSpend, new EventDelivery([Redeemed(campaignId, "cp-dup-1", 10m)]), cancellationToken: cancellationToken);

        // Let everything, duplicates included, drain.
        var report = await WaitForRunAsync(runClient, today, findings);
        await DrainedAsync(connection, [QueueNames.MemberActivity, QueueNames.CampaignActivity, QueueNames.CampaignSpend, QueueNames.WinBackMessages, QueueNames.CouponGrants, QueueNames.OutboxDispatch], findings);

        // Campaign: two orders worth 150 and one redemption of 10, counted once.
        var totals = (await campaigns.ReportAsync(campaignId)).GetProperty("totals");
        var (orders, sales, cost, visits) = (totals.GetProperty("orders").GetInt64(), totals.GetProperty("sales").GetDecimal(), totals.GetProperty("cost").GetDecimal(), totals.GetProperty("visits").GetInt64());
        if ((orders, sales, cost, visits) != (2L, 150m, 10m, 2L))
        {
            findings.Add($"campaign counted orders {orders}, sales {sales}, cost {cost}, visits {visits} (expected 2, 150, 10, 2)");
            duplicated += (int)Math.Max(0, orders - 2) + (cost > 10m ? 1 : 0);
            lost += (int)Math.Max(0, 2 - orders) + (cost < 10m ? 1 : 0);
        }

        await campaigns.ExpectAsync(System.Net.HttpStatusCode.OK, HttpMethod.Post, $"api/campaigns/{campaignId}/cancel", new { reason = "scenario over" });

        // Member activities: each review's growth once.
        foreach (var member in reviewers)
        {
            var delta = await GrowthAsync(host.Client, member, cancellationToken) - growthBefore[member];
            if (delta != 15)
            {
                findings.Add($"member {member}: a review added {delta} growth (15 expected once)");
                duplicated += delta > 15 ? 1 : 0;
                lost += delta < 15 ? 1 : 0;
            }
        }

        // The run: one contact and one message per treated member.
        if (report is { } r)
        {
            var expected = seed.Expected(r.GetProperty("runAt").GetDateTimeOffset(), new ReactivationOptions()).Tally;
            var contacts = (await ReactivationSeed.AllContactsAsync(connection, Partitions)).Where(c => c.RunDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) == today).ToList();
            var delivered = await ReactivationSeed.LocalMessagesAsync(connection);
            var twice = delivered.Count(m => m.GetInt32("Deliveries") != 1);
            if (contacts.Count != expected.Targeted + expected.Holdout || delivered.Count != expected.Targeted || twice > 0)
            {
                findings.Add($"run: {contacts.Count} contacts (expected {expected.Targeted + expected.Holdout}), {delivered.Count} messages (expected {expected.Targeted}), {twice} delivered more than once");
                duplicated += twice + Math.Max(0, delivered.Count - expected.Targeted);
                lost += Math.Max(0, expected.Targeted - delivered.Count);
            }

            log($"duplicates: run {expected.Targeted} targeted, {delivered.Count} messages; campaign orders {orders}, cost {cost}; {reviewers.Count} reviews");
        }

        return FaultOutcome.From(Name, lost, duplicated, findings);
    }

    private static DomainEvent Redeemed(string campaignId, string couponId, decimal faceValue)
    {
        var data = new CouponRedeemed(couponId, "def-" + campaignId, "m-" + couponId, campaignId, "o-" + couponId, faceValue, faceValue, DateTimeOffset.UtcNow);
        return new DomainEvent(DomainEvent.StableId(CouponEventTypes.CouponRedeemed, CouponEventTypes.CouponSubject(couponId), data.OrderId),
            CouponEventTypes.CouponRedeemed, CouponEventTypes.CouponSubject(couponId), data.RedeemedAt, JsonSerializer.Serialize(data, CouponEventTypes.JsonOptions));
    }

    private static async Task<int> GrowthAsync(HttpClient client, string member, CancellationToken cancellationToken) =>
        (await client.GetFromJsonAsync<JsonElement>($"api/members/{member}", cancellationToken)).GetProperty("growthLifetime").GetInt32();

    private static async Task<JsonElement?> WaitForRunAsync(HttpClient runClient, string today, List<string> findings)
    {
        try
        {
            return await Eventually.HoldsAsync(async () =>
            {
                using var response = await runClient.GetAsync($"api/reactivation/runs/{today}");
                return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone() : default;
            }, r => r.ValueKind == JsonValueKind.Object && r.GetProperty("status").GetString() == "completed", TimeSpan.FromSeconds(120), $"run {today} completed");
        }
        catch (TimeoutException ex)
        {
            findings.Add(ex.Message[..Math.Min(300, ex.Message.Length)]);
            return null;
        }
    }

    /// <summary>Waits until the queues are empty twice in a row (a duplicate is enqueued just before its original is deleted).</summary>
    private static async Task DrainedAsync(string connection, IReadOnlyList<string> queues, List<string> findings)
    {
        var clients = queues.Select(q => new QueueClient(connection, q)).ToList();
        try
        {
            var quiet = 0;
            await Eventually.HoldsAsync(async () =>
            {
                var counts = await Task.WhenAll(clients.Select(async c => (await c.ExistsAsync()).Value ? (await c.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0));
                quiet = counts.Sum() == 0 ? quiet + 1 : 0;
                if (quiet > 0)
                {
                    await Task.Delay(500);
                }

                return quiet;
            }, q => q >= 3, TimeSpan.FromSeconds(90), "queues drained");
        }
        catch (TimeoutException ex)
        {
            findings.Add(ex.Message);
        }
    }
}
