using EcomFunctions.Domain.Coupons;
using static EcomFunctions.Domain.Tests.Coupons.Support.CouponTestData;

namespace EcomFunctions.Domain.Tests.Coupons;

public class CouponWalletTests
{
    [Fact]
    public void The_wallet_lists_coupons_soonest_expiry_first_with_their_state()
    {
        var week = Active(id: "cd-week"); // 7 days after issue
        var preheat = Active(Terms() with { Name = "618", Validity = new FixedValidityWindow(Now.AddDays(2), Now.AddDays(3)) }, id: "cd-618");
        var old = IssuedCoupon(week, issuedAt: Now.AddDays(-10), id: "cp-old", body: "DDD00001");
        var available = IssuedCoupon(week, issuedAt: Now.AddDays(-1), id: "cp-available", body: "AVA00001");
        var reserved = IssuedCoupon(week, id: "cp-reserved", body: "RES00001").Reserve("o-1", "m-1", 20m, Now, TimeSpan.FromMinutes(30)).GetValueOrThrow().Coupon;
        var notYet = IssuedCoupon(preheat, id: "cp-preheat", body: "PRE00001");
        var redeemed = IssuedCoupon(week, issuedAt: Now.AddDays(-2), id: "cp-redeemed", body: "RED00001")
            .Reserve("o-0", "m-1", 20m, Now.AddMinutes(-5), TimeSpan.FromMinutes(30)).GetValueOrThrow().Coupon.Confirm("o-0", Now).GetValueOrThrow().Coupon;
        var definitions = new Dictionary<string, CouponDefinition> { [week.Id] = week, [preheat.Id] = preheat };

        var wallet = CouponWallet.Build([reserved, notYet, available, old, redeemed], definitions, Now.AddMinutes(1));

        Assert.Equal(["cp-old", "cp-preheat", "cp-redeemed", "cp-available", "cp-reserved"], wallet.Select(e => e.CouponId));
        Assert.Equal(
            [WalletCouponState.Expired, WalletCouponState.NotYetValid, WalletCouponState.Redeemed, WalletCouponState.Available, WalletCouponState.Reserved],
            wallet.Select(e => e.State));
        Assert.Equal("618", wallet[1].Name);
        Assert.Equal(20m, wallet[3].FaceValue);
    }

    [Fact]
    public void Without_history_only_usable_and_held_coupons_are_listed()
    {
        var week = Active();
        var expired = IssuedCoupon(week, issuedAt: Now.AddDays(-10), id: "cp-old", body: "DDD00001");
        var available = IssuedCoupon(week, id: "cp-new", body: "NEW00001");
        var wallet = CouponWallet.Build([expired, available], new Dictionary<string, CouponDefinition> { [week.Id] = week }, Now, includeHistory: false);
        Assert.Equal(["cp-new"], wallet.Select(e => e.CouponId));
    }

    [Fact]
    public void A_lapsed_reservation_shows_as_available_and_a_retired_definition_as_withdrawn()
    {
        var active = Active();
        var reserved = IssuedCoupon(active).Reserve("o-1", "m-1", 20m, Now, TimeSpan.FromMinutes(30)).GetValueOrThrow().Coupon;
        Assert.Equal(WalletCouponState.Available, CouponWallet.StateAt(reserved, active, Now.AddMinutes(31)));
        Assert.Equal(WalletCouponState.Withdrawn, CouponWallet.StateAt(reserved, active.Retire(Now).GetValueOrThrow(), Now.AddMinutes(31)));
    }

    [Fact]
    public void Coupons_of_unknown_definitions_are_skipped() =>
        Assert.Empty(CouponWallet.Build([IssuedCoupon(Active())], new Dictionary<string, CouponDefinition>(), Now));
}
