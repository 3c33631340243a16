using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EcomFunctions.EndToEnd.Tests.Coupons;

/// <summary>
/// At-least-once delivery: the LocalHost delivers every queue message twice (grants, bulk chunks, campaign events,
/// outbox signals), and every effect still happens exactly once.
/// </summary>
public sealed class CouponDuplicateDeliveryTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly LocalHostFixture fixture = LocalHostFixture.With(options => options.DeliverEveryMessageTwice = true, null);

    public Task InitializeAsync() => fixture.InitializeAsync();

    public Task DisposeAsync() => fixture.DisposeAsync();

    [Fact]
    public async Task Grants_chunks_and_campaign_events_delivered_twice_take_effect_once()
    {
        var api = new CouponApi(fixture.Client);
        var sink = fixture.Host.Services.GetRequiredService<LocalEventSink>();
        var campaignId = Azurite.UniqueName("c");
        var member = Azurite.UniqueName("m");
        await fixture.Host.Services.GetRequiredService<MemberTierDirectory>().PublishAsync(member, MemberTier.Regular, None);
        await new CampaignStatusDirectory(fixture.Host.Services.GetRequiredService<StorageClients>(), TimeProvider.System).PublishAsync(campaignId, CampaignLiveness.Live, None);
        var definitionId = await api.ActiveDefinitionAsync(CouponApi.Terms(quantity: 2000, campaignId: campaignId, perMemberLimit: 3));

        // A grant message, delivered twice.
        await fixture.Host.Services.GetRequiredService<IQueueSender>().SendAsync(QueueNames.CouponGrants,
            new CouponGrantBatch([new CouponGrantRequest($"upgrade-{member}", definitionId, member, GrantReason.TierUpgrade)]));
        var wallet = await Eventually.HoldsAsync(() => api.GetJsonAsync($"api/members/{member}/coupons"), w => w.GetProperty("coupons").GetArrayLength() > 0, TimeSpan.FromSeconds(30));
        var couponId = wallet.GetProperty("coupons")[0].GetProperty("couponId").GetString()!;

        // A batch of three chunks, each chunk message delivered twice.
        var requested = await api.SendAsync(HttpMethod.Post, $"api/coupons/{definitionId}/batches", new { count = 1200 }, CouponApi.Operator, idempotencyKey: "twice");
        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        var batchId = (await requested.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("batchId").GetString()!;
        await Eventually.HoldsAsync(
            () => api.GetJsonAsync($"api/coupons/{definitionId}/batches/{batchId}", CouponApi.Operator),
            b => b.GetProperty("state").GetString() == "completed", TimeSpan.FromSeconds(90));
        var csv = await (await api.SendAsync(HttpMethod.Get, $"api/coupons/{definitionId}/batches/{batchId}/codes.csv", null, CouponApi.Operator)).Content.ReadAsStringAsync();
        Assert.Equal(1200, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[1]).Distinct().Count());

        // The campaign ends; its event (and the outbox signal carrying it) is delivered twice.
        var outbox = fixture.Host.Services.GetRequiredService<Outbox>();
        var campaigns = await fixture.Host.Services.GetRequiredService<StorageClients>().TableAsync(Azurite.UniqueName("campaigns"));
        await outbox.CommitAsync(campaigns, campaignId, [], [new DomainEvent(Guid.NewGuid().ToString("N"), "Ecom.Campaigns.CampaignEnded", $"campaigns/{campaignId}", DateTimeOffset.UtcNow, $"{{\"campaignId\":\"{campaignId}\"}}")], None);
        var definition = await Eventually.HoldsAsync(
            () => api.GetJsonAsync($"api/coupons/definitions/{definitionId}", CouponApi.Operator),
            d => d.GetProperty("state").GetString() == "closed", TimeSpan.FromSeconds(30));

        var inventory = definition.GetProperty("inventory");
        Assert.Equal(1201, inventory.GetProperty("issued").GetInt32());
        Assert.Equal(2000 - 1201, inventory.GetProperty("released").GetInt32());
        Assert.Equal(0, inventory.GetProperty("remaining").GetInt32());
        Assert.Single((await api.GetJsonAsync($"api/members/{member}/coupons")).GetProperty("coupons").EnumerateArray());
        await Eventually.HoldsAsync(
            async () => (await sink.ListAsync(CouponEventTypes.CouponBatchCompleted, 1000, None)).Count(e => e.Subject == CouponEventTypes.BatchSubject(batchId)),
            n => n == 1, TimeSpan.FromSeconds(30));
        var closed = await Eventually.HoldsAsync(
            async () => (await sink.ListAsync(CouponEventTypes.CouponDefinitionClosed, 1000, None)).Where(e => e.Subject == CouponEventTypes.DefinitionSubject(definitionId)).ToList(),
            events => events.Count > 0, TimeSpan.FromSeconds(30));
        Assert.Single(closed);
        Assert.Single(await sink.ListAsync(CouponEventTypes.CouponIssued, 10_000, None), e => e.Subject == CouponEventTypes.CouponSubject(couponId));
    }
}
