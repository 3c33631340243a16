using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EcomFunctions.Domain.Members;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EcomFunctions.EndToEnd.Tests.Coupons;

/// <summary>GET /api/coupons/definitions/{id}/redemptions: redeemed coupons tallied from the CouponRedeemed events.</summary>
public sealed class CouponRedemptionFiguresTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private readonly CouponApi api = new(fixture.Client);

    [Fact]
    public async Task A_confirmed_redemption_is_counted_once_and_a_claimed_but_unused_coupon_is_not()
    {
        var tiers = fixture.Host.Services.GetRequiredService<MemberTierDirectory>();
        var definitionId = await api.ActiveDefinitionAsync(CouponApi.Terms(quantity: 10, amount: 15m));
        var coupons = new List<(string Member, string Code)>();
        foreach (var member in new[] { Azurite.UniqueName("m"), Azurite.UniqueName("m") })
        {
            await tiers.PublishAsync(member, MemberTier.Regular, CancellationToken.None);
            var claimed = await api.ClaimAsync(definitionId, member, "k-" + member);
            Assert.Equal(HttpStatusCode.Created, claimed.StatusCode);
            coupons.Add((member, (await claimed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!));
        }

        var before = await api.GetJsonAsync($"api/coupons/definitions/{definitionId}/redemptions", CouponApi.Operator);
        Assert.Equal(0, before.GetProperty("redeemed").GetInt32());
        var orderId = Azurite.UniqueName("o");
        var (owner, code) = coupons[0];
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(HttpMethod.Post, "api/coupons/redemptions", new { memberId = owner, orderId, codes = new[] { code }, cart = new { total = 80m, shippingFee = 0m } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(HttpMethod.Post, $"api/coupons/redemptions/{orderId}/confirm", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(HttpMethod.Post, $"api/coupons/redemptions/{orderId}/confirm", null)).StatusCode);

        var figures = await Eventually.HoldsAsync(() => api.GetJsonAsync($"api/coupons/definitions/{definitionId}/redemptions", CouponApi.Operator),
            f => f.GetProperty("redeemed").GetInt32() > 0, TimeSpan.FromSeconds(30), "the redemption is tallied");
        Assert.Equal(1, figures.GetProperty("redeemed").GetInt32());
        Assert.Equal(15m, figures.GetProperty("discountGiven").GetDecimal());
        Assert.Equal(JsonValueKind.String, figures.GetProperty("lastRedeemedAt").ValueKind);
    }

    [Fact]
    public async Task An_unknown_definition_is_404_and_a_moderator_is_403()
    {
        using var missing = await api.SendAsync(HttpMethod.Get, "api/coupons/definitions/cdnosuchdefinition/redemptions", null, CouponApi.Operator);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var denied = await api.SendAsync(HttpMethod.Get, "api/coupons/definitions/cdnosuchdefinition/redemptions", null, "olga; roles=Moderator");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
    }
}
