using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Members;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using EcomFunctions.Testing.Campaigns;
using Microsoft.Extensions.DependencyInjection;

namespace EcomFunctions.EndToEnd.Tests.Campaigns;

/// <summary>
/// A whole campaign over HTTP through the LocalHost: a manager plans it, submits it, another operator approves it, it
/// goes live, storefronts list its offers and report traffic and orders, it ends, and the report has the figures the
/// traffic adds up to.
/// </summary>
public sealed class CampaignEndToEndTests(CampaignHostFixture fixture) : IClassFixture<CampaignHostFixture>
{
    private CampaignDriver Api => fixture.Driver;

    [Fact]
    public async Task Plan_submit_approve_go_live_serve_offers_take_events_end_and_report_the_exact_figures()
    {
        var id = CampaignDriver.NewId("e2e");
        var tiers = fixture.Host.Services.GetRequiredService<MemberTierDirectory>();
        await tiers.PublishAsync($"{id}-gold", MemberTier.Gold, default);
        await tiers.PublishAsync($"{id}-silver", MemberTier.Silver, default);
        string gold = $"{id}-gold", silver = $"{id}-silver", newcomer = $"{id}-new";

        // Plan: 10 % for everyone, 15 % for Gold and above, a flash sale of 10 units; VIP segment; A/B 50/50.
        var now = DateTimeOffset.UtcNow;
        var start = now.AddSeconds(4);
        var end = start.AddSeconds(10);
        var plan = CampaignDriver.Plan(id, null, start, end);
        plan["audience"]!["segments"] = new JsonArray("vip");
        ((JsonArray)plan["mechanics"]!).Add(new JsonObject { ["kind"] = "memberExclusive", ["id"] = "gold-only", ["minimumTier"] = "gold", ["percentOff"] = 15 });
        ((JsonArray)plan["mechanics"]!).Add(new JsonObject { ["kind"] = "flashSale", ["id"] = "flash", ["sku"] = "SKU-1", ["flashPrice"] = 9.9, ["stock"] = 10, ["perMemberLimit"] = 2 });
        var created = await Api.CreateAsync(plan);
        Assert.Equal(("draft", 1L), (created.GetProperty("state").GetString(), created.GetProperty("version").GetInt64()));
        Assert.Equal(["stockConfirmed", "logisticsConfirmed", "loadTestDone"], created.GetProperty("missingReadiness").EnumerateArray().Select(m => m.GetString()));

        // An edit needs the current ETag; a stale one is refused.
        plan["description"] = "Members' autumn days";
        using (var stale = await Api.SendAsync(HttpMethod.Put, $"api/campaigns/{id}", plan, headers: new Dictionary<string, string> { ["If-Match"] = "\"7\"" }))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        }

        var updated = await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, $"api/campaigns/{id}", plan, headers: new Dictionary<string, string> { ["If-Match"] = "\"1\"" });
        Assert.Equal(2, updated.GetProperty("version").GetInt64());
        await Api.ConfirmReadinessAsync(id);
        var submitted = await Api.SubmitAsync(id);
        Assert.True(submitted.GetProperty("started").GetBoolean());
        await Api.ApproveAsync(id);
        await Api.WaitForStateAsync(id, "live", TimeSpan.FromSeconds(30));

        // Offers: what each member may use now, with the countdown to the end.
        var goldOffers = await Eventually.HoldsAsync(() => OffersAsync(id, gold), o => o.Count == 3);
        Assert.Equal(["flash", "gold-only", "ten-off"], goldOffers.Select(o => o.GetProperty("mechanicId").GetString()).Order());
        var expectedVariant = VariantAssignment.Assign(id, gold, [new("A", 50), new("B", 50)]);
        Assert.All(goldOffers, o =>
        {
            Assert.Equal(expectedVariant, o.GetProperty("variant").GetString());
            Assert.Equal(end.ToUnixTimeMilliseconds(), o.GetProperty("endsAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
            Assert.InRange(o.GetProperty("secondsRemaining").GetInt64(), 0, 10);
        });
        Assert.Equal("memberExclusive", goldOffers.Single(o => o.GetProperty("mechanicId").GetString() == "gold-only").GetProperty("mechanic").GetProperty("kind").GetString());
        Assert.Equal(["flash", "ten-off"], (await OffersAsync(id, silver)).Select(o => o.GetProperty("mechanicId").GetString()).Order());
        Assert.Empty(await OffersAsync(id, silver, segments: "other"));
        using (var keyless = new HttpClient { BaseAddress = fixture.Host.BaseAddress })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await keyless.GetAsync($"api/storefront/offers?memberId={gold}")).StatusCode);
        }

        // Storefront traffic: four unique visitors (one twice), six page views, three orders (one by a new member),
        // and a store-wide order outside the campaign. Sent twice: the retry counts nothing again.
        var at = DateTimeOffset.UtcNow;
        var batch = new
        {
            batchId = $"{id}-batch-1",
            events = new object[]
            {
                new { type = "visit", campaignId = id, visitorId = "v1", channel = "app", variant = "A", occurredAt = at },
                new { type = "visit", campaignId = id, visitorId = "v2", channel = "app", variant = "B", occurredAt = at },
                new { type = "visit", campaignId = id, visitorId = "v3", channel = "web", variant = "A", occurredAt = at },
                new { type = "visit", campaignId = id, memberId = gold, channel = "app", variant = "A", occurredAt = at },
                new { type = "visit", campaignId = id, visitorId = "v1", channel = "app", variant = "A", occurredAt = at },
                new { type = "pageView", campaignId = id, visitorId = "v1", channel = "app", variant = "A", occurredAt = at },
                new { type = "pageView", campaignId = id, visitorId = "v1", channel = "app", variant = "A", occurredAt = at },
                new { type = "pageView", campaignId = id, visitorId = "v2", channel = "app", variant = "A", occurredAt = at },
                new { type = "pageView", campaignId = id, memberId = gold, channel = "app", variant = "A", occurredAt = at },
                new { type = "pageView", campaignId = id, visitorId = "v3", channel = "web", variant = "B", occurredAt = at },
                new { type = "pageView", campaignId = id, visitorId = "v3", channel = "web", variant = "B", occurredAt = at },
                new { type = "order", campaignId = id, memberId = gold, orderId = $"{id}-o1", value = 120.50m, channel = "app", variant = "A", occurredAt = at, lines = new[] { new { sku = "SKU-1", quantity = 2 } } },
                new { type = "order", campaignId = id, memberId = silver, orderId = $"{id}-o2", value = 79.50m, channel = "web", variant = "B", occurredAt = at, lines = new[] { new { sku = "SKU-1", quantity = 1 }, new { sku = "SKU-9", quantity = 4 } } },
                new { type = "order", campaignId = id, memberId = newcomer, orderId = $"{id}-o3", value = 50.00m, newMember = true, channel = "app", variant = "B", occurredAt = at },
                new { type = "order", memberId = silver, orderId = $"{id}-o4", value = 30m, channel = "web", occurredAt = at },
            },
        };
        var accepted = await Api.PostEventsAsync(batch);
        Assert.Equal((15, 19), (accepted.GetProperty("events").GetInt32(), accepted.GetProperty("activities").GetInt32()));
        await Api.PostEventsAsync(batch);

        // Spend: a paid promotion on the app (operator) and one redeemed coupon of face value 10 (the Coupons events).
        await Api.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/campaigns/{id}/budget/spend",
            new { entryId = "feed-ad-1", amount = 40.00m, source = "paidPromotion", channel = "app" });
        await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/campaigns/{id}/budget/spend",
            new { entryId = "feed-ad-1", amount = 40.00m, source = "paidPromotion", channel = "app" });
        await CampaignEvents.DeliverAsync([CampaignEvents.Redeemed(id, $"{id}-cp1", 10m)]);

        // An incident stays open into the report.
        await Api.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/campaigns/{id}/incidents",
            new { id = "complaints-1", type = "complaintSurge", severity = "medium", title = "Delivery complaints", actions = new[] { new { kind = "notifyOwners" } } });

        var live = await Eventually.HoldsAsync(() => Api.ReportAsync(id),
            r => r.GetProperty("totals").GetProperty("orders").GetInt64() == 3 && r.GetProperty("totals").GetProperty("cost").GetDecimal() == 50m, TimeSpan.FromSeconds(20));
        Assert.Equal(4, live.GetProperty("totals").GetProperty("visits").GetInt64());
        var order = await fixture.Host.Services.GetRequiredService<OrderDirectory>().FindAsync(gold, $"{id}-o1", default);
        Assert.Equal(["SKU-1"], order!.ProductIds);
        Assert.True(await fixture.Host.Services.GetRequiredService<OrderDirectory>().IsVerifiedPurchaseAsync(silver, $"{id}-o2", "SKU-9", default));

        var done = await Api.WaitForOrchestrationAsync(id, TimeSpan.FromSeconds(60));
        Assert.Equal("evaluated", done.GetProperty("state").GetString());
        Assert.Empty(await Eventually.HoldsAsync(() => OffersAsync(id, gold), o => o.Count == 0));
        await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, $"api/campaigns/{id}/lessons", new { lessonsLearned = "Gold members convert; stock the flash sale deeper." });

        var report = await Api.ReportAsync(id);
        var t = report.GetProperty("totals");
        Assert.Equal(
            (250.00m, 3L, 83.33m, 4L, 6L, 1.5m, 0.75m, 1L, 3L, 0.3333m, 50.00m, 4m, 0.3m),
            (t.GetProperty("sales").GetDecimal(), t.GetProperty("orders").GetInt64(), t.GetProperty("averageOrderValue").GetDecimal(),
             t.GetProperty("visits").GetInt64(), t.GetProperty("pageViews").GetInt64(), t.GetProperty("pageViewsPerVisit").GetDecimal(),
             t.GetProperty("conversionRate").GetDecimal(), t.GetProperty("newMembers").GetInt64(), t.GetProperty("participatingMembers").GetInt64(),
             t.GetProperty("newUserShare").GetDecimal(), t.GetProperty("cost").GetDecimal(), t.GetProperty("roi").GetDecimal(), t.GetProperty("sellThroughRate").GetDecimal()));
        Assert.Equal(JsonValueKind.Null, t.GetProperty("coverage").ValueKind);
        Assert.False(report.GetProperty("baseline").GetProperty("known").GetBoolean());
        Assert.Equal((1000m, 250.00m, 0.25m, false),
            (report.GetProperty("target").GetProperty("target").GetDecimal(), report.GetProperty("target").GetProperty("actual").GetDecimal(),
             report.GetProperty("target").GetProperty("achievement").GetDecimal(), report.GetProperty("target").GetProperty("met").GetBoolean()));

        var channels = report.GetProperty("byChannel").EnumerateArray().ToDictionary(c => c.GetProperty("segment").GetString()!);
        Assert.Equal((3L, 4L, 2L, 170.50m, 85.25m, 0.6667m, 40.00m, 3.2625m), Segment(channels["App"]));
        Assert.Equal((1L, 2L, 1L, 79.50m, 79.50m, 1m, 0m, NoRoi), Segment(channels["Web"]));
        var variants = report.GetProperty("byVariant").EnumerateArray().ToDictionary(c => c.GetProperty("segment").GetString()!);
        Assert.Equal((3L, 4L, 1L, 120.50m, 120.50m, 0.3333m, 0m, NoRoi), Segment(variants["A"]));
        Assert.Equal((1L, 2L, 2L, 129.50m, 64.75m, 2m, 0m, NoRoi), Segment(variants["B"]));

        var budget = report.GetProperty("budgetVariance").EnumerateArray().ToDictionary(l => l.GetProperty("line").GetString()!);
        Assert.Equal((800m, 10m, -790m), (budget["marketing"].GetProperty("planned").GetDecimal(), budget["marketing"].GetProperty("spent").GetDecimal(), budget["marketing"].GetProperty("varianceToPlan").GetDecimal()));
        Assert.Equal((100m, 40.00m, -60.00m), (budget["platformPromotion"].GetProperty("planned").GetDecimal(), budget["platformPromotion"].GetProperty("spent").GetDecimal(), budget["platformPromotion"].GetProperty("varianceToPlan").GetDecimal()));
        Assert.Equal(1, report.GetProperty("openIncidents").GetInt32());
        Assert.Equal("Delivery complaints", report.GetProperty("incidents")[0].GetProperty("title").GetString());
        Assert.Equal("Gold members convert; stock the flash sale deeper.", report.GetProperty("lessonsLearned").GetString());
        Assert.Equal("evaluated", report.GetProperty("state").GetString());

        // The same report as CSV.
        using var csvResponse = await Api.SendAsync(HttpMethod.Get, $"api/campaigns/{id}/report", headers: new Dictionary<string, string> { ["Accept"] = "text/csv" });
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType!.MediaType);
        var csv = (await csvResponse.Content.ReadAsStringAsync()).Split("\r\n");
        Assert.Equal("section,scope,metric,value", csv[0]);
        Assert.Contains("totals,,sales,250.00", csv);
        Assert.Contains("totals,,roi,4", csv);
        Assert.Contains("channel,App,sales,170.50", csv);
        Assert.Contains("budget,Marketing,varianceToPlan,-790", csv);
        Assert.Contains("incident,complaints-1,status,Open", csv);
    }

    /// <summary>ROI is unknown (null) for a segment without cost.</summary>
    private const decimal NoRoi = -1m;

    /// <summary>The member's offers of this campaign (other tests' campaigns may be live on the same host).</summary>
    private async Task<IReadOnlyList<JsonElement>> OffersAsync(string campaignId, string memberId, string segments = "vip")
    {
        var response = await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/storefront/offers?memberId={memberId}&segments={segments}", principal: null);
        return response.GetProperty("offers").EnumerateArray().Where(o => o.GetProperty("campaignId").GetString() == campaignId).ToList();
    }

    private static (long Visits, long PageViews, long Orders, decimal Sales, decimal Aov, decimal Conversion, decimal Cost, decimal Roi) Segment(JsonElement s) =>
        (s.GetProperty("visits").GetInt64(), s.GetProperty("pageViews").GetInt64(), s.GetProperty("orders").GetInt64(), s.GetProperty("sales").GetDecimal(),
         s.GetProperty("averageOrderValue").GetDecimal(), s.GetProperty("conversionRate").GetDecimal(), s.GetProperty("cost").GetDecimal(),
         s.GetProperty("roi").ValueKind == JsonValueKind.Null ? NoRoi : s.GetProperty("roi").GetDecimal());
}
