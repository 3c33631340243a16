using System.Net;
using System.Text.Json;
using EcomFunctions.Testing;
using EcomFunctions.Testing.Campaigns;

namespace EcomFunctions.EndToEnd.Tests.Campaigns;

/// <summary>GET /api/campaigns/{id}/metrics: the hourly series behind the console's orders/sales chart.</summary>
public sealed class CampaignMetricsEndpointTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private CampaignDriver Api => new(fixture.Client);

    [Fact]
    public async Task Storefront_orders_come_back_per_utc_hour_with_quiet_hours_as_zero_rows()
    {
        var id = CampaignDriver.NewId("met");
        var start = new DateTimeOffset(2025, 5, 1, 0, 0, 0, TimeSpan.Zero);
        await Api.CreateAsync(CampaignDriver.Plan(id, null, start, start.AddDays(2)));
        var at = start.AddHours(2).AddMinutes(10);
        object Order(string order, DateTimeOffset when, decimal value, string channel) =>
            new { type = "order", occurredAt = CampaignDriver.Time(when), channel, campaignId = id, variant = "A", memberId = "m-" + order, orderId = order, value };
        await Api.PostEventsAsync(new
        {
            batchId = id + "-1",
            events = new[]
            {
                Order("o1", at, 100m, "app"),
                Order("o2", at.AddMinutes(20), 50.5m, "web"),
                Order("o3", at.AddHours(3), 20m, "app"),
                new { type = "visit", occurredAt = CampaignDriver.Time(at), channel = "app", campaignId = id, variant = "A", memberId = (string?)null, visitorId = "v1" } as object,
            },
        });

        var series = await Eventually.HoldsAsync(
            () => Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/campaigns/{id}/metrics", principal: CampaignDriver.Approver),
            s => s.EnumerateArray().Sum(h => h.GetProperty("counts").GetProperty("orders").GetInt64()) == 3, TimeSpan.FromSeconds(30), "three orders counted");

        var hours = series.EnumerateArray().ToList();
        Assert.Equal(
            [start.AddHours(2), start.AddHours(3), start.AddHours(4), start.AddHours(5)],
            hours.Select(h => h.GetProperty("hourUtc").GetDateTimeOffset()));
        Assert.Equal([2L, 0L, 0L, 1L], hours.Select(h => h.GetProperty("counts").GetProperty("orders").GetInt64()));
        Assert.Equal([150.5m, 0m, 0m, 20m], hours.Select(h => h.GetProperty("counts").GetProperty("orderValue").GetDecimal()));
        Assert.Equal(1, hours[0].GetProperty("counts").GetProperty("visits").GetInt64());
    }

    [Fact]
    public async Task An_unknown_campaign_is_404_and_an_operator_without_a_campaign_role_is_403()
    {
        using var missing = await Api.SendAsync(HttpMethod.Get, "api/campaigns/no-such-campaign/metrics", principal: CampaignDriver.Approver);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);

        using var denied = await Api.SendAsync(HttpMethod.Get, "api/campaigns/no-such-campaign/metrics", principal: "olga; roles=Moderator");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        var problem = JsonDocument.Parse(await denied.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(403, problem.GetProperty("status").GetInt32());
    }
}
