using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Members;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EcomFunctions.EndToEnd.Tests.Coupons;

/// <summary>
/// Reservations lapse after the configured 30 minutes and the expiry timer returns the coupon: the host runs on a fake
/// clock, the test moves it and runs the timer function by hand.
/// </summary>
public sealed class CouponReservationExpiryTests : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly LocalHostFixture fixture;

    public CouponReservationExpiryTests() =>
        fixture = LocalHostFixture.With(null, services => services.AddSingleton<TimeProvider>(clock));

    public Task InitializeAsync() => fixture.InitializeAsync();

    public Task DisposeAsync() => fixture.DisposeAsync();

    [Fact]
    public async Task A_lapsed_reservation_returns_the_coupon_to_the_wallet_when_the_timer_runs()
    {
        var api = new CouponApi(fixture.Client);
        var member = Azurite.UniqueName("m");
        await fixture.Host.Services.GetRequiredService<MemberTierDirectory>().PublishAsync(member, MemberTier.Regular, CancellationToken.None);
        var definitionId = await api.ActiveDefinitionAsync(CouponApi.Terms());
        var claimed = await api.ClaimAsync(definitionId, member, "k");
        var code = (await claimed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
        var orderId = member + "-o";
        var reserved = await api.SendAsync(HttpMethod.Post, "api/coupons/redemptions", new { memberId = member, orderId, codes = new[] { code }, cart = new { total = 100 } });
        Assert.Equal(HttpStatusCode.OK, reserved.StatusCode);
        Assert.Equal(clock.GetUtcNow().AddMinutes(30), (await reserved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("expiresAt").GetDateTimeOffset());

        clock.Advance(TimeSpan.FromMinutes(29));
        await CouponApi.RunFunctionAsync(fixture, "ExpireCouponReservations");
        Assert.Equal("reserved", await WalletStateAsync(api, member));

        clock.Advance(TimeSpan.FromMinutes(2));
        await CouponApi.RunFunctionAsync(fixture, "ExpireCouponReservations");
        Assert.Equal("available", await WalletStateAsync(api, member));
        Assert.Equal(HttpStatusCode.Conflict, (await api.SendAsync(HttpMethod.Post, $"api/coupons/redemptions/{orderId}/confirm", null)).StatusCode);
        var sink = fixture.Host.Services.GetRequiredService<LocalEventSink>();
        await Eventually.HoldsAsync(
            async () => (await sink.ListAsync(CouponEventTypes.CouponReleased, 1000, CancellationToken.None)).Count(e => e.DataJson.Contains(orderId, StringComparison.Ordinal)),
            count => count == 1, TimeSpan.FromSeconds(30));
    }

    private static async Task<string?> WalletStateAsync(CouponApi api, string member) =>
        (await api.GetJsonAsync($"api/members/{member}/coupons")).GetProperty("coupons")[0].GetProperty("state").GetString();
}
