using System.Text.Json;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Tests.Campaigns.Fakes;
using Microsoft.Extensions.Time.Testing;
using static EcomFunctions.Domain.Tests.Campaigns.CampaignTestData;

namespace EcomFunctions.Domain.Tests.Campaigns;

/// <summary>Storefront activity into campaign and store-wide counters, distinct people counted once, units for sell-through.</summary>
public sealed class StorefrontIngestionTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly InMemoryCampaignMetrics metrics = new();
    private readonly CampaignStorefront storefront;

    public StorefrontIngestionTests()
    {
        storefront = new CampaignStorefront(new InMemoryCampaignStore(), metrics, new FakeTimeProvider(Start.AddHours(2)));
    }

    private static StorefrontActivity Activity(StorefrontActivityKind kind, string? visitor, string campaign = CampaignId, decimal value = 0m, CampaignChannel channel = CampaignChannel.App) => new()
    {
        CampaignId = campaign,
        Kind = kind,
        OccurredAt = Start.AddMinutes(10),
        Channel = channel,
        Variant = campaign.Length > 0 ? "A" : null,
        VisitorId = visitor,
        OrderValue = value,
    };

    [Fact]
    public async Task Unattributed_traffic_counts_only_store_wide_and_attributed_traffic_counts_in_both()
    {
        var increments = (await storefront.RecordAsync("b1",
        [
            Activity(StorefrontActivityKind.Order, "m1", value: 100m),
            Activity(StorefrontActivityKind.Participation, "m1"),
            Activity(StorefrontActivityKind.Order, "m2", campaign: "", value: 30m, channel: CampaignChannel.Web),
            Activity(StorefrontActivityKind.Visit, "v1", campaign: ""),
        ], Ct)).GetValueOrThrow();

        var campaign = HourlyMetrics.Total(await metrics.ReadAsync(CampaignId, Ct));
        var store = HourlyMetrics.Total(await metrics.ReadAsync(HourlyMetrics.StoreScope, Ct));
        Assert.Equal(new MetricsCounts { Orders = 1, OrderValue = 100m, ParticipatingMembers = 1 }, campaign);
        Assert.Equal(new MetricsCounts { Orders = 2, OrderValue = 130m, Visits = 1 }, store);
        Assert.All(increments.Where(b => b.Key.CampaignId == HourlyMetrics.StoreScope), b => Assert.Equal(MetricsBucketKey.NoVariant, b.Key.Variant));
    }

    [Fact]
    public async Task A_new_member_counts_once_per_campaign_however_often_the_sign_up_is_reported()
    {
        await storefront.RecordAsync("b1", [Activity(StorefrontActivityKind.SignUp, "m1"), Activity(StorefrontActivityKind.SignUp, "m1")], Ct);
        await storefront.RecordAsync("b2", [Activity(StorefrontActivityKind.SignUp, "m1"), Activity(StorefrontActivityKind.SignUp, "m2")], Ct);

        Assert.Equal(2, HourlyMetrics.Total(await metrics.ReadAsync(CampaignId, Ct)).NewMembers);
    }

    [Fact]
    public async Task Order_lines_become_units_sold_per_campaign_and_sku()
    {
        var order = Activity(StorefrontActivityKind.Order, "m1", value: 29.70m) with { Lines = [new OrderLine("SKU-1", 2), new OrderLine("SKU-2", 1)] };
        var second = Activity(StorefrontActivityKind.Order, "m2", value: 9.90m) with { Lines = [new OrderLine("SKU-1", 1)] };
        var unattributed = Activity(StorefrontActivityKind.Order, "m3", campaign: "", value: 9.90m) with { Lines = [new OrderLine("SKU-1", 5)] };

        await storefront.RecordAsync("b1", [order, second, unattributed], Ct);
        await storefront.RecordAsync("b1", [order, second, unattributed], Ct);

        Assert.Equal(3, metrics.UnitsSold[(CampaignId, "SKU-1")]);
        Assert.Equal(1, metrics.UnitsSold[(CampaignId, "SKU-2")]);
        Assert.Equal(2, metrics.UnitsSold.Count);
    }

    [Fact]
    public void Invalid_storefront_activity_is_refused_with_field_paths()
    {
        var errors = storefront.Validate(
        [
            Activity(StorefrontActivityKind.Participation, "m1", campaign: ""),
            Activity(StorefrontActivityKind.SignUp, null),
            Activity(StorefrontActivityKind.Visit, "v1") with { Lines = [new OrderLine("SKU-1", 1)] },
            Activity(StorefrontActivityKind.Order, "m1", value: 5m) with { Lines = [new OrderLine("", 0)] },
            Activity(StorefrontActivityKind.Visit, "v1", campaign: "bad/id"),
        ]).ToDictionary();

        Assert.Equal(
            ["activities[0].campaignId", "activities[1].visitorId", "activities[2].lines", "activities[3].lines[0].quantity", "activities[3].lines[0].sku", "activities[4].campaignId"],
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_api_dialect_uses_camel_case_kinds_and_enums_and_is_strict()
    {
        var plan = Plan();
        var json = JsonSerializer.Serialize(plan, CampaignJson.Api);
        var read = JsonSerializer.Deserialize<CampaignPlan>(json, CampaignJson.Api)!;

        Assert.Contains("\"kind\":\"flashSale\"", json, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"salesGrowth\"", json, StringComparison.Ordinal);
        Assert.Equal(JsonSerializer.Serialize(plan, CampaignJson.Options), JsonSerializer.Serialize(read, CampaignJson.Options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<CampaignPlan>("{\"name\":null}", CampaignJson.Api));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<CampaignGoal>("{\"type\":0,\"metric\":\"sales\",\"target\":1}", CampaignJson.Api));
    }
}
