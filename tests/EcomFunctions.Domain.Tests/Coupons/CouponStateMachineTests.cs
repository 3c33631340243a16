using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using static EcomFunctions.Domain.Tests.Coupons.Support.CouponTestData;

namespace EcomFunctions.Domain.Tests.Coupons;

public class CouponStateMachineTests
{
    private static readonly TimeSpan Expiry = TimeSpan.FromMinutes(30);

    private static Coupon Fresh() => IssuedCoupon(Active()); // valid [Now, 17 March 00:00 +08)

    private static Coupon Reserved(string orderId = "o-1", DateTimeOffset? at = null) =>
        Fresh().Reserve(orderId, "m-1", 20m, at ?? Now, Expiry).GetValueOrThrow().Coupon;

    [Fact]
    public void Reserve_holds_the_coupon_for_the_order_until_the_reservation_expires()
    {
        var step = Fresh().Reserve("o-1", "m-1", 20m, Now, Expiry).GetValueOrThrow();
        Assert.True(step.Changed);
        Assert.Equal(CouponState.Reserved, step.Coupon.State);
        Assert.Equal(new CouponReservation("o-1", "m-1", Now, Now.AddMinutes(30), 20m), step.Coupon.Reservation);
        Assert.Equal(1, step.Coupon.Revision);
        Assert.True(step.Coupon.IsHeldBy("o-1", Now.AddMinutes(29)));
        Assert.False(step.Coupon.IsHeld(Now.AddMinutes(30)));
    }

    [Fact]
    public void Reserving_again_for_the_same_order_returns_the_same_reservation()
    {
        var reserved = Reserved();
        var again = reserved.Reserve("o-1", "m-1", 15m, Now.AddMinutes(10), Expiry).GetValueOrThrow();
        Assert.False(again.Changed);
        Assert.Same(reserved, again.Coupon);
    }

    [Fact]
    public void Another_order_cannot_reserve_a_held_coupon()
    {
        var result = Reserved().Reserve("o-2", "m-1", 20m, Now.AddMinutes(10), Expiry);
        Assert.Equal("coupon-reserved", result.Problem?.Code);
    }

    [Fact]
    public void A_lapsed_reservation_no_longer_holds_the_coupon_even_before_the_sweep()
    {
        var step = Reserved().Reserve("o-2", "m-1", 18m, Now.AddMinutes(31), Expiry).GetValueOrThrow();
        Assert.True(step.Changed);
        Assert.Equal("o-2", step.Coupon.Reservation!.OrderId);
        Assert.Equal(2, step.Coupon.Revision);
    }

    [Fact]
    public void Confirm_redeems_the_reserved_coupon_once()
    {
        var redeemed = Reserved().Confirm("o-1", Now.AddMinutes(5)).GetValueOrThrow();
        Assert.True(redeemed.Changed);
        Assert.Equal(CouponState.Redeemed, redeemed.Coupon.State);
        Assert.Equal("o-1", redeemed.Coupon.RedeemedOrderId);
        Assert.Equal("m-1", redeemed.Coupon.RedeemedBy);
        Assert.Equal(20m, redeemed.Coupon.RedeemedDiscount);
        Assert.Null(redeemed.Coupon.Reservation);

        Assert.False(redeemed.Coupon.Confirm("o-1", Now.AddMinutes(6)).GetValueOrThrow().Changed);
        Assert.Equal("already-redeemed", redeemed.Coupon.Confirm("o-2", Now.AddMinutes(6)).Problem?.Code);
        Assert.Equal("already-redeemed", redeemed.Coupon.Reserve("o-2", "m-1", 20m, Now.AddMinutes(6), Expiry).Problem?.Code);
        Assert.False(redeemed.Coupon.Reserve("o-1", "m-1", 20m, Now.AddMinutes(6), Expiry).GetValueOrThrow().Changed);
    }

    [Fact]
    public void Confirm_is_accepted_after_the_reservation_lapsed_if_nobody_took_the_coupon()
    {
        var redeemed = Reserved().Confirm("o-1", Now.AddHours(2)).GetValueOrThrow();
        Assert.Equal(CouponState.Redeemed, redeemed.Coupon.State);
    }

    [Fact]
    public void Confirm_without_a_reservation_for_the_order_is_refused()
    {
        Assert.Equal("not-reserved", Fresh().Confirm("o-1", Now).Problem?.Code);
        Assert.Equal("not-reserved", Reserved("o-2").Confirm("o-1", Now).Problem?.Code);
        var released = Reserved().Release("o-1", Now.AddMinutes(1)).GetValueOrThrow().Coupon;
        Assert.Equal("not-reserved", released.Confirm("o-1", Now.AddMinutes(2)).Problem?.Code);
    }

    [Fact]
    public void Release_returns_the_coupon_to_issued()
    {
        var released = Reserved().Release("o-1", Now.AddMinutes(1)).GetValueOrThrow();
        Assert.True(released.Changed);
        Assert.Equal(CouponState.Issued, released.Coupon.State);
        Assert.Null(released.Coupon.Reservation);
        Assert.Equal(2, released.Coupon.Revision);
        Assert.True(released.Coupon.Reserve("o-2", "m-1", 20m, Now.AddMinutes(2), Expiry).GetValueOrThrow().Changed);
    }

    [Fact]
    public void Release_after_the_coupons_validity_ended_leaves_it_expired()
    {
        var coupon = Fresh();
        var lateReservation = coupon.Reserve("o-1", "m-1", 20m, coupon.ValidUntil.AddMinutes(-5), Expiry).GetValueOrThrow().Coupon;
        var released = lateReservation.Release("o-1", coupon.ValidUntil.AddMinutes(1)).GetValueOrThrow();
        Assert.Equal(CouponState.Expired, released.Coupon.State);
    }

    [Fact]
    public void Release_by_an_order_that_holds_nothing_is_a_no_op()
    {
        Assert.False(Fresh().Release("o-1", Now).GetValueOrThrow().Changed);
        var heldByOther = Reserved("o-2");
        var step = heldByOther.Release("o-1", Now).GetValueOrThrow();
        Assert.False(step.Changed);
        Assert.Equal("o-2", step.Coupon.Reservation!.OrderId);
    }

    [Fact]
    public void A_redeemed_coupon_cannot_be_released_by_its_order()
    {
        var redeemed = Reserved().Confirm("o-1", Now).GetValueOrThrow().Coupon;
        Assert.Equal("already-redeemed", redeemed.Release("o-1", Now).Problem?.Code);
        Assert.False(redeemed.Release("o-2", Now).GetValueOrThrow().Changed);
    }

    [Fact]
    public void Reserve_is_refused_for_another_members_coupon() =>
        Assert.Equal("wrong-member", Fresh().Reserve("o-1", "m-2", 20m, Now, Expiry).Problem?.Code);

    [Fact]
    public void A_bearer_coupon_can_be_reserved_by_any_member_and_records_who_redeemed_it()
    {
        var bearer = IssuedCoupon(Active(), memberId: null);
        var redeemed = bearer.Reserve("o-1", "m-7", 20m, Now, Expiry).GetValueOrThrow().Coupon.Confirm("o-1", Now).GetValueOrThrow().Coupon;
        Assert.Equal("m-7", redeemed.RedeemedBy);
    }

    [Fact]
    public void Reserve_is_refused_outside_the_validity_window()
    {
        var preheat = IssuedCoupon(Active(Terms() with { Validity = new FixedValidityWindow(Now.AddDays(1), Now.AddDays(2)) }));
        Assert.Equal("not-yet-valid", preheat.Reserve("o-1", "m-1", 20m, Now, Expiry).Problem?.Code);
        Assert.Equal("coupon-expired", preheat.Reserve("o-1", "m-1", 20m, Now.AddDays(2), Expiry).Problem?.Code);
        Assert.True(preheat.Reserve("o-1", "m-1", 20m, Now.AddDays(1), Expiry).IsSuccess);
    }

    [Fact]
    public void The_expiry_sweep_releases_only_lapsed_reservations()
    {
        var reserved = Reserved();
        Assert.False(reserved.ExpireReservation(Now.AddMinutes(29)).Changed);
        var swept = reserved.ExpireReservation(Now.AddMinutes(30));
        Assert.True(swept.Changed);
        Assert.Equal(CouponState.Issued, swept.Coupon.State);
        Assert.Equal(2, swept.Coupon.Revision);
        Assert.False(Fresh().ExpireReservation(Now.AddDays(1)).Changed);
    }

    [Fact]
    public void The_effective_state_applies_lapsed_reservations_and_ended_validity()
    {
        var reserved = Reserved();
        Assert.Equal(CouponState.Reserved, reserved.EffectiveState(Now.AddMinutes(1)));
        Assert.Equal(CouponState.Issued, reserved.EffectiveState(Now.AddMinutes(31)));
        Assert.Equal(CouponState.Expired, reserved.EffectiveState(reserved.ValidUntil));
        Assert.Equal(CouponState.Redeemed, reserved.Confirm("o-1", Now).GetValueOrThrow().Coupon.EffectiveState(reserved.ValidUntil.AddDays(1)));
    }

    [Fact]
    public void Only_one_of_many_orders_wins_a_coupon_through_the_state_machine()
    {
        // Sequentially applied (as conditional writes serialise them), twenty orders contend for one coupon.
        var coupon = Fresh();
        var winners = 0;
        for (var i = 0; i < 20; i++)
        {
            var step = coupon.Reserve($"o-{i}", "m-1", 20m, Now, Expiry);
            if (step.Value is { Changed: true } changed)
            {
                coupon = changed.Coupon;
                winners++;
            }
            else
            {
                Assert.Equal(ProblemKind.Conflict, step.Problem!.Kind);
            }
        }

        Assert.Equal(1, winners);
    }
}
