using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace EcomFunctions.EndToEnd.Tests.Coupons;

/// <summary>The coupon capability end to end through the LocalHost: HTTP, queues, outbox, read models of other capabilities.</summary>
public sealed class CouponJourneyTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly CouponApi api = new(fixture.Client);

    /// <summary>Another process's view of the campaign kill switch (as the Campaigns capability would publish it).</summary>
    private CampaignStatusDirectory CampaignsProcess() => new(fixture.Host.Services.GetRequiredService<StorageClients>(), TimeProvider.System);

    [Fact]
    public async Task Define_activate_claim_wallet_validate_reserve_confirm()
    {
        var campaignId = Azurite.UniqueName("c");
        var member = Azurite.UniqueName("m");
        await fixture.Host.Services.GetRequiredService<MemberTierDirectory>().PublishAsync(member, MemberTier.Gold, None);
        await CampaignsProcess().PublishAsync(campaignId, CampaignLiveness.Live, None);
        var definitionId = await api.ActiveDefinitionAsync(new
        {
            name = "Gold weekend",
            kind = "fixedAmount",
            tierBenefits = new Dictionary<string, object> { ["regular"] = new { kind = "fixedAmount", amount = 10 }, ["gold"] = new { kind = "fixedAmount", amount = 30 } },
            minimumSpend = 100,
            validity = new { days = 7 },
            totalQuantity = 50,
            campaignId,
        });

        var claimed = await api.ClaimAsync(definitionId, member, "key-1");
        Assert.Equal(HttpStatusCode.Created, claimed.StatusCode);
        var coupon = await claimed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(30m, coupon.GetProperty("faceValue").GetDecimal());
        var code = coupon.GetProperty("code").GetString()!;
        var retried = await api.ClaimAsync(definitionId, member, "key-1");
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal("true", retried.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(code, (await retried.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        var wallet = await api.GetJsonAsync($"api/members/{member}/coupons");
        var line = Assert.Single(wallet.GetProperty("coupons").EnumerateArray());
        Assert.Equal("available", line.GetProperty("state").GetString());
        Assert.Equal(code, line.GetProperty("code").GetString());

        var cart = new { total = 150m, shippingFee = 8m };
        var validated = await api.SendAsync(HttpMethod.Post, "api/coupons/redemptions/validate", new { memberId = member, codes = new[] { coupon.GetProperty("displayCode").GetString() }, cart });
        var evaluation = await validated.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, validated.StatusCode);
        Assert.Equal(30m, evaluation.GetProperty("totalDiscount").GetDecimal());

        var orderId = Azurite.UniqueName("o");
        var reserved = await api.SendAsync(HttpMethod.Post, "api/coupons/redemptions", new { memberId = member, orderId, codes = new[] { code }, cart });
        Assert.Equal(HttpStatusCode.OK, reserved.StatusCode);
        Assert.Equal(30m, (await reserved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("totalDiscount").GetDecimal());
        var confirmed = await api.SendAsync(HttpMethod.Post, $"api/coupons/redemptions/{orderId}/confirm", null);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var again = await api.SendAsync(HttpMethod.Post, $"api/coupons/redemptions/{orderId}/confirm", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var otherOrder = await api.SendAsync(HttpMethod.Post, "api/coupons/redemptions", new { memberId = member, orderId = orderId + "x", codes = new[] { code }, cart });
        Assert.Equal(HttpStatusCode.Conflict, otherOrder.StatusCode);

        // CouponRedeemed reaches the event sink through the outbox, with what Campaigns needs to book spend.
        var sink = fixture.Host.Services.GetRequiredService<LocalEventSink>();
        var couponId = coupon.GetProperty("couponId").GetString()!;
        var redeemed = await Eventually.HoldsAsync(
            async () => (await sink.ListAsync(CouponEventTypes.CouponRedeemed, 1000, None)).Where(e => e.Subject == CouponEventTypes.CouponSubject(couponId)).ToList(),
            events => events.Count > 0, TimeSpan.FromSeconds(30));
        var data = JsonDocument.Parse(Assert.Single(redeemed).DataJson).RootElement;
        Assert.Equal(campaignId, data.GetProperty("campaignId").GetString());
        Assert.Equal(30m, data.GetProperty("discount").GetDecimal());
        Assert.Equal(30m, data.GetProperty("faceValue").GetDecimal());
        Assert.Equal(orderId, data.GetProperty("orderId").GetString());
        Assert.Equal(member, data.GetProperty("memberId").GetString());
        Assert.Equal("redeemed", (await api.GetJsonAsync($"api/members/{member}/coupons")).GetProperty("coupons")[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_killed_campaign_refuses_claims_with_423_within_one_second()
    {
        var campaignId = Azurite.UniqueName("c");
        var campaigns = CampaignsProcess();
        var tiers = fixture.Host.Services.GetRequiredService<MemberTierDirectory>();
        await campaigns.PublishAsync(campaignId, CampaignLiveness.Live, None);
        var definitionId = await api.ActiveDefinitionAsync(CouponApi.Terms(campaignId: campaignId));
        for (var i = 0; i < 40; i++)
        {
            await tiers.PublishAsync($"{campaignId}-m{i}", MemberTier.Regular, None);
        }

        Assert.Equal(HttpStatusCode.Created, (await api.ClaimAsync(definitionId, $"{campaignId}-m0", "k")).StatusCode);

        await campaigns.PublishAsync(campaignId, CampaignLiveness.Killed, None);
        var clock = Stopwatch.StartNew();
        HttpStatusCode status;
        var member = 1;
        do
        {
            status = (await api.ClaimAsync(definitionId, $"{campaignId}-m{member++}", "k")).StatusCode;
        }
        while (status != HttpStatusCode.Locked && clock.Elapsed < TimeSpan.FromSeconds(5));

        Assert.Equal(HttpStatusCode.Locked, status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"The kill took {clock.ElapsedMilliseconds} ms to reach the claim path.");
    }

    [Fact]
    public async Task A_campaign_ended_event_closes_linked_definitions_and_releases_their_inventory()
    {
        var campaignId = Azurite.UniqueName("c");
        var tiers = fixture.Host.Services.GetRequiredService<MemberTierDirectory>();
        await CampaignsProcess().PublishAsync(campaignId, CampaignLiveness.Live, None);
        var linked = await api.ActiveDefinitionAsync(CouponApi.Terms(quantity: 30, campaignId: campaignId));
        var unlinked = await api.ActiveDefinitionAsync(CouponApi.Terms(quantity: 30));
        for (var i = 0; i < 4; i++)
        {
            await tiers.PublishAsync($"{campaignId}-m{i}", MemberTier.Regular, None);
            Assert.Equal(HttpStatusCode.Created, (await api.ClaimAsync(linked, $"{campaignId}-m{i}", "k")).StatusCode);
        }

        // Publish CampaignEnded the way the Campaigns capability does: an outbox row committed with its change.
        var storage = fixture.Host.Services.GetRequiredService<StorageClients>();
        var outbox = fixture.Host.Services.GetRequiredService<Outbox>();
        var table = await storage.TableAsync(Azurite.UniqueName("campaigns"));
        var ended = new DomainEvent(Guid.NewGuid().ToString("N"), "Ecom.Campaigns.CampaignEnded", $"campaigns/{campaignId}", DateTimeOffset.UtcNow,
            JsonSerializer.Serialize(new { campaignId, version = 7, state = "Ended" }));
        await outbox.CommitAsync(table, campaignId, [], [ended, ended with { Id = Guid.NewGuid().ToString("N") }], None);

        var definition = await Eventually.HoldsAsync(
            () => api.GetJsonAsync($"api/coupons/definitions/{linked}", CouponApi.Operator),
            d => d.GetProperty("state").GetString() == "closed", TimeSpan.FromSeconds(30));
        Assert.Equal(26, definition.GetProperty("inventory").GetProperty("released").GetInt32());
        Assert.Equal(4, definition.GetProperty("inventory").GetProperty("issued").GetInt32());
        Assert.Equal(0, definition.GetProperty("inventory").GetProperty("remaining").GetInt32());
        Assert.Equal($"Campaign {campaignId} ended", definition.GetProperty("closedReason").GetString());
        Assert.Equal("active", (await api.GetJsonAsync($"api/coupons/definitions/{unlinked}", CouponApi.Operator)).GetProperty("state").GetString());

        var sink = fixture.Host.Services.GetRequiredService<LocalEventSink>();
        var closed = await Eventually.HoldsAsync(
            async () => (await sink.ListAsync(CouponEventTypes.CouponDefinitionClosed, 1000, None)).Where(e => e.Subject == CouponEventTypes.DefinitionSubject(linked)).ToList(),
            events => events.Count > 0, TimeSpan.FromSeconds(30));
        Assert.Contains("\"released\":26", Assert.Single(closed).DataJson, StringComparison.Ordinal);

        var refused = await api.ClaimAsync(linked, $"{campaignId}-m0", "another-key");
        Assert.Equal(HttpStatusCode.Locked, refused.StatusCode);
        // Coupons already issued stay in the wallet, usable.
        Assert.Equal("available", (await api.GetJsonAsync($"api/members/{campaignId}-m1/coupons")).GetProperty("coupons")[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task Duplicate_grant_messages_on_the_queue_grant_one_coupon()
    {
        var member = Azurite.UniqueName("m");
        await fixture.Host.Services.GetRequiredService<MemberTierDirectory>().PublishAsync(member, MemberTier.Silver, None);
        var definitionId = await api.ActiveDefinitionAsync(CouponApi.Terms(perMemberLimit: 3));
        var queue = fixture.Host.Services.GetRequiredService<IQueueSender>();
        var grant = new CouponGrantRequest($"birthday-{member}", definitionId, member, GrantReason.Birthday);

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => queue.SendAsync(QueueNames.CouponGrants, new CouponGrantBatch([grant, grant]))));

        var wallet = await Eventually.HoldsAsync(() => api.GetJsonAsync($"api/members/{member}/coupons"), w => w.GetProperty("coupons").GetArrayLength() > 0, TimeSpan.FromSeconds(30));
        // Give the remaining duplicates time to be processed, then check nothing more appeared.
        await Task.Delay(TimeSpan.FromSeconds(2));
        wallet = await api.GetJsonAsync($"api/members/{member}/coupons");
        Assert.Single(wallet.GetProperty("coupons").EnumerateArray());
    }

    [Fact]
    public async Task A_bulk_batch_generates_unique_codes_downloadable_as_csv_and_a_code_redeems_once()
    {
        var definitionId = await api.ActiveDefinitionAsync(CouponApi.Terms(quantity: 5000));
        var requested = await api.SendAsync(HttpMethod.Post, $"api/coupons/{definitionId}/batches", new { count = 2000, prefix = "vp" }, CouponApi.Operator, idempotencyKey: "batch-1");
        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        var batchId = (await requested.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("batchId").GetString()!;
        var retried = await api.SendAsync(HttpMethod.Post, $"api/coupons/{definitionId}/batches", new { count = 2000, prefix = "vp" }, CouponApi.Operator, idempotencyKey: "batch-1");
        Assert.Equal(batchId, (await retried.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("batchId").GetString());

        var batch = await Eventually.HoldsAsync(
            () => api.GetJsonAsync($"api/coupons/{definitionId}/batches/{batchId}", CouponApi.Operator),
            b => b.GetProperty("state").GetString() == "completed", TimeSpan.FromSeconds(90));
        Assert.Equal(2000, batch.GetProperty("generated").GetInt32());

        var csv = await api.SendAsync(HttpMethod.Get, $"api/coupons/{definitionId}/batches/{batchId}/codes.csv", null, CouponApi.Operator);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("position,code,display_code,coupon_id,face_value,valid_from,valid_until", lines[0]);
        var codes = lines.Skip(1).Select(l => l.Split(',')[1]).ToList();
        Assert.Equal(2000, codes.Distinct().Count());
        Assert.All(codes, c => Assert.True(CouponCode.Parse(c).IsSuccess && c.StartsWith("VP", StringComparison.Ordinal)));
        Assert.Equal(2000, (await api.GetJsonAsync($"api/coupons/definitions/{definitionId}", CouponApi.Operator)).GetProperty("inventory").GetProperty("issued").GetInt32());

        var member = Azurite.UniqueName("m");
        await fixture.Host.Services.GetRequiredService<MemberTierDirectory>().PublishAsync(member, MemberTier.Regular, None);
        var cart = new { total = 100m };
        var reserved = await api.SendAsync(HttpMethod.Post, "api/coupons/redemptions", new { memberId = member, orderId = member + "-o", codes = new[] { codes[1234] }, cart });
        Assert.Equal(HttpStatusCode.OK, reserved.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(HttpMethod.Post, $"api/coupons/redemptions/{member}-o/confirm", null)).StatusCode);
        var twice = await api.SendAsync(HttpMethod.Post, "api/coupons/redemptions", new { memberId = member, orderId = member + "-o2", codes = new[] { codes[1234] }, cart });
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
    }

    [Fact]
    public async Task Operators_update_with_if_match_and_a_stale_version_gets_412()
    {
        var (id, etag) = await api.CreateDefinitionAsync(CouponApi.Terms());
        var renamed = await api.SendAsync(HttpMethod.Put, $"api/coupons/definitions/{id}", new
        {
            name = "Renamed",
            kind = "fixedAmount",
            tierBenefits = new Dictionary<string, object> { ["regular"] = new { kind = "fixedAmount", amount = 25 } },
            validity = new { days = 7 },
            totalQuantity = 100,
        }, CouponApi.Operator, ifMatch: etag);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.NotEqual(etag, renamed.Headers.ETag!.Tag);

        var stale = await api.SendAsync(HttpMethod.Put, $"api/coupons/definitions/{id}", CouponApi.Terms(), CouponApi.Operator, ifMatch: etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync(HttpMethod.Post, $"api/coupons/definitions/{id}/activate", null, "bob; roles=Moderator")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.SendAsync(HttpMethod.Get, $"api/coupons/definitions/{id}", null)).StatusCode);
        var listed = await api.GetJsonAsync("api/coupons/definitions?state=draft&pageSize=200", CouponApi.Operator);
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), d => d.GetProperty("id").GetString() == id);
    }

    [Theory]
    [InlineData("{\"memberId\":")]
    [InlineData("{\"memberId\":42}")]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("{\"memberId\":\"a#b\"}")]
    public async Task Malformed_claims_get_400_problem_details(string body)
    {
        var definitionId = await api.ActiveDefinitionAsync(CouponApi.Terms());
        var response = await api.SendAsync(HttpMethod.Post, $"api/coupons/{definitionId}/claim", body, idempotencyKey: "k");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Claims_without_a_key_or_for_unknown_definitions_are_refused_cleanly()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await api.SendAsync(HttpMethod.Post, "api/coupons/cd-x/claim", new { memberId = "m" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.ClaimAsync("cd-does-not-exist", "m", "k")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.ClaimAsync("bad%23id", "m", "k")).StatusCode);
        using var anonymous = fixture.CreateClient(key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("api/coupons/cd-x/claim", new { memberId = "m" })).StatusCode);
    }
}
