using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using Microsoft.Extensions.Time.Testing;

namespace EcomFunctions.Storage.Tests.Coupons;

/// <summary>Redemption and the wallet on the Table adapters: conditional writes under real concurrency, indexes, the sweep.</summary>
public sealed class TableCouponStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static Cart Cart(decimal total) => EcomFunctions.Domain.Coupons.Cart.Create(total, null).GetValueOrThrow();

    [Fact]
    public async Task Twenty_parallel_reserves_of_one_coupon_for_different_orders_let_exactly_one_succeed()
    {
        using var first = new TableCoupons().Members(1);
        using var second = first.AnotherProcess();
        var definition = await first.ActiveDefinitionAsync(TableCoupons.Terms());
        var coupon = (await first.Claims.ClaimAsync(definition.Id, "m-0", "k", None)).GetValueOrThrow().Coupon;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => (i % 2 == 0 ? first : second).Redemptions.ReserveAsync("m-0", $"o-{i}", [coupon.Code], Cart(100m), None))));

        var winner = Assert.Single(outcomes, o => o.IsSuccess);
        Assert.All(outcomes.Where(o => !o.IsSuccess), o => Assert.Equal("coupon-reserved", o.Problem!.Code));
        var stored = (await first.CouponStore.FindByCodeAsync("m-0", coupon.Code, None))!.Value;
        Assert.Equal(CouponState.Reserved, stored.State);
        Assert.Equal(winner.Value!.OrderId, stored.Reservation!.OrderId);
        Assert.Single(await first.OutboxEventsAsync(CouponEventTypes.CouponReserved));
    }

    [Fact]
    public async Task Reserve_then_confirm_redeems_once_and_a_repeated_confirm_changes_nothing()
    {
        using var coupons = new TableCoupons().Members(1);
        var definition = await coupons.ActiveDefinitionAsync(TableCoupons.Terms() with { CampaignId = "c-1" });
        coupons.Lookups.Campaigns["c-1"] = CampaignLiveness.Live;
        var coupon = (await coupons.Claims.ClaimAsync(definition.Id, "m-0", "k", None)).GetValueOrThrow().Coupon;

        var reserved = (await coupons.Redemptions.ReserveAsync("m-0", "o-1", [coupon.Code], Cart(100m), None)).GetValueOrThrow();
        var again = (await coupons.Redemptions.ReserveAsync("m-0", "o-1", [coupon.Code], Cart(100m), None)).GetValueOrThrow();
        var confirmed = (await coupons.Redemptions.ConfirmAsync("o-1", None)).GetValueOrThrow();
        var confirmedAgain = (await coupons.Redemptions.ConfirmAsync("o-1", None)).GetValueOrThrow();

        Assert.Equal(20m, reserved.TotalDiscount);
        Assert.Equal(reserved.Coupons, again.Coupons);
        Assert.Equal(20m, confirmed.TotalDiscount);
        Assert.Equal(confirmed.Coupons, confirmedAgain.Coupons);
        var redeemed = Assert.Single(await coupons.OutboxEventsAsync(CouponEventTypes.CouponRedeemed));
        using var data = System.Text.Json.JsonDocument.Parse(redeemed.DataJson);
        Assert.Equal("c-1", data.RootElement.GetProperty("campaignId").GetString());
        Assert.Equal(20m, data.RootElement.GetProperty("discount").GetDecimal());
        Assert.Equal(20m, data.RootElement.GetProperty("faceValue").GetDecimal());
        Assert.Equal("already-redeemed", (await coupons.Redemptions.ReserveAsync("m-0", "o-2", [coupon.Code], Cart(100m), None)).Problem?.Code);
        var wallet = (await coupons.Wallets.GetAsync("m-0", includeHistory: true, None)).GetValueOrThrow();
        Assert.Equal(WalletCouponState.Redeemed, Assert.Single(wallet).State);
    }

    [Fact]
    public async Task Release_returns_the_coupon_to_the_wallet_and_another_order_can_take_it()
    {
        using var coupons = new TableCoupons().Members(1);
        var definition = await coupons.ActiveDefinitionAsync(TableCoupons.Terms());
        var coupon = (await coupons.Claims.ClaimAsync(definition.Id, "m-0", "k", None)).GetValueOrThrow().Coupon;
        await coupons.Redemptions.ReserveAsync("m-0", "o-1", [coupon.Code], Cart(100m), None);

        var released = (await coupons.Redemptions.ReleaseAsync("o-1", None)).GetValueOrThrow();

        Assert.Equal([coupon.Id], released.ReleasedCouponIds);
        Assert.Equal(WalletCouponState.Available, Assert.Single((await coupons.Wallets.GetAsync("m-0", false, None)).GetValueOrThrow()).State);
        Assert.True((await coupons.Redemptions.ReserveAsync("m-0", "o-2", [coupon.Code], Cart(100m), None)).IsSuccess);
        Assert.Equal("not-reserved", (await coupons.Redemptions.ConfirmAsync("o-1", None)).Problem?.Code);
    }

    [Fact]
    public async Task The_sweep_releases_lapsed_reservations_once_and_skips_live_ones()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var coupons = new TableCoupons(time, new CouponOptions { ReservationExpiry = TimeSpan.FromMinutes(30) }).Members(2);
        var definition = await coupons.ActiveDefinitionAsync(TableCoupons.Terms());
        var early = (await coupons.Claims.ClaimAsync(definition.Id, "m-0", "k", None)).GetValueOrThrow().Coupon;
        var late = (await coupons.Claims.ClaimAsync(definition.Id, "m-1", "k", None)).GetValueOrThrow().Coupon;
        await coupons.Redemptions.ReserveAsync("m-0", "o-early", [early.Code], Cart(100m), None);
        time.Advance(TimeSpan.FromMinutes(10));
        await coupons.Redemptions.ReserveAsync("m-1", "o-late", [late.Code], Cart(100m), None);

        time.Advance(TimeSpan.FromMinutes(25)); // the early reservation lapsed 5 minutes ago, the late one has 5 to go
        var released = await coupons.Redemptions.ExpireReservationsAsync(None);
        var again = await coupons.Redemptions.ExpireReservationsAsync(None);

        Assert.Equal(1, released);
        Assert.Equal(0, again);
        Assert.Equal(CouponState.Issued, (await coupons.CouponStore.FindByCodeAsync("m-0", early.Code, None))!.Value.State);
        Assert.Equal(CouponState.Reserved, (await coupons.CouponStore.FindByCodeAsync("m-1", late.Code, None))!.Value.State);
        var @event = Assert.Single(await coupons.OutboxEventsAsync(CouponEventTypes.CouponReleased));
        Assert.Contains("\"reason\":\"ReservationExpired\"", @event.DataJson, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(1, await coupons.Redemptions.ExpireReservationsAsync(None));
    }

    [Fact]
    public async Task The_wallet_lists_a_members_coupons_soonest_expiry_first_and_nobody_elses()
    {
        using var coupons = new TableCoupons().Members(2);
        var week = await coupons.ActiveDefinitionAsync(TableCoupons.Terms());
        var day = await coupons.ActiveDefinitionAsync(TableCoupons.Terms() with { Name = "Today only", Validity = new ValidDaysAfterIssue(1) });
        await coupons.Claims.ClaimAsync(week.Id, "m-0", "k1", None);
        await coupons.Claims.ClaimAsync(day.Id, "m-0", "k2", None);
        await coupons.Claims.ClaimAsync(week.Id, "m-1", "k1", None);

        var wallet = (await coupons.Wallets.GetAsync("m-0", false, None)).GetValueOrThrow();

        Assert.Equal(["Today only", "Flash 20 off"], wallet.Select(w => w.Name));
        Assert.All(wallet, w => Assert.Equal(WalletCouponState.Available, w.State));
    }

    [Fact]
    public async Task A_member_cannot_see_another_members_coupon_by_its_code()
    {
        using var coupons = new TableCoupons().Members(2);
        var definition = await coupons.ActiveDefinitionAsync(TableCoupons.Terms());
        var coupon = (await coupons.Claims.ClaimAsync(definition.Id, "m-0", "k", None)).GetValueOrThrow().Coupon;

        Assert.Null(await coupons.CouponStore.FindByCodeAsync("m-1", coupon.Code, None));
        Assert.Equal("coupon-not-found", (await coupons.Redemptions.ReserveAsync("m-1", "o-1", [coupon.Code], Cart(100m), None)).Problem?.Code);
    }
}
