using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Tests.Coupons.Support;
using static EcomFunctions.Domain.Tests.Coupons.Support.CouponTestData;

namespace EcomFunctions.Domain.Tests.Coupons;

public class CouponRedemptionsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<(CouponHarness Harness, Coupon Coupon)> WithClaimedCouponAsync(CouponTerms? terms = null)
    {
        var harness = new CouponHarness().Members(3);
        await harness.ActiveDefinitionAsync(terms);
        return (harness, await harness.ClaimAsync("m-0"));
    }

    [Fact]
    public async Task Validate_reports_each_codes_discount_or_reason_without_changing_anything()
    {
        var (harness, coupon) = await WithClaimedCouponAsync(Terms() with { MinimumSpend = 100m });
        var otherMembers = await harness.ClaimAsync("m-1");
        var evaluation = (await harness.Redemptions.ValidateAsync("m-0", [coupon.Code, otherMembers.Code], Cart(150m), None)).GetValueOrThrow();
        Assert.Equal(20m, evaluation.Coupons[0].Discount);
        // Another member's coupon is not visible to this member at all (no hint that the code exists).
        Assert.Equal(RedemptionRefusal.CouponNotFound, evaluation.Coupons[1].Refusal);

        var tooSmall = (await harness.Redemptions.ValidateAsync("m-0", [coupon.Code.ToLowerInvariant()], Cart(99m), None)).GetValueOrThrow();
        Assert.Equal(RedemptionRefusal.MinimumSpendNotMet, tooSmall.Coupons.Single().Refusal);
        Assert.Empty(harness.Storage.EventsOfType(CouponEventTypes.CouponReserved));
    }

    [Fact]
    public async Task Validate_reports_unknown_codes_and_rejects_malformed_or_duplicate_codes()
    {
        var (harness, coupon) = await WithClaimedCouponAsync();
        var unknown = CouponCode.FromBody("ZZZZZZZZZZZZ").Value;
        var evaluation = (await harness.Redemptions.ValidateAsync("m-0", [unknown], Cart(100m), None)).GetValueOrThrow();
        Assert.Equal(RedemptionRefusal.CouponNotFound, evaluation.Coupons.Single().Refusal);

        var typo = coupon.Code[..^1] + (coupon.Code[^1] == '0' ? '1' : '0');
        var invalid = await harness.Redemptions.ValidateAsync("m-0", [typo, coupon.Code, coupon.Code], Cart(100m), None);
        Assert.Equal(["codes[0]", "codes[2]"], invalid.Problem!.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["codes"], (await harness.Redemptions.ValidateAsync("m-0", [], Cart(100m), None)).Problem!.Errors!.Keys);
    }

    [Fact]
    public async Task Reserve_then_confirm_redeems_the_coupon_once_with_events()
    {
        var (harness, coupon) = await WithClaimedCouponAsync();
        var reservation = (await harness.Redemptions.ReserveAsync("m-0", "o-1", [coupon.Code], Cart(100m), None)).GetValueOrThrow();
        Assert.Equal(20m, reservation.TotalDiscount);
        Assert.Equal(Now.AddMinutes(30), reservation.ExpiresAt);

        harness.Time.Advance(TimeSpan.FromMinutes(5));
        var redemption = (await harness.Redemptions.ConfirmAsync("o-1", None)).GetValueOrThrow();
        Assert.Equal([new RedeemedCoupon(coupon.Id, coupon.Code, 20m)], redemption.Coupons);
        var again = (await harness.Redemptions.ConfirmAsync("o-1", None)).GetValueOrThrow();
        Assert.Equal(redemption.Coupons, again.Coupons);

        Assert.Single(harness.Storage.EventsOfType(CouponEventTypes.CouponReserved));
        Assert.Single(harness.Storage.EventsOfType(CouponEventTypes.CouponRedeemed));
        AssertProblem(await harness.Redemptions.ReserveAsync("m-0", "o-2", [coupon.Code], Cart(100m), None), ProblemKind.Conflict, "already-redeemed");
    }

    [Fact]
    public async Task Reserve_is_idempotent_per_order()
    {
        var (harness, coupon) = await WithClaimedCouponAsync();
        var first = (await harness.Redemptions.ReserveAsync("m-0", "o-1", [coupon.Code], Cart(100m), None)).GetValueOrThrow();
        harness.Time.Advance(TimeSpan.FromMinutes(3));
        var again = (await harness.Redemptions.ReserveAsync("m-0", "o-1", [coupon.Code], Cart(100m), None)).GetValueOrThrow();
        Assert.Equal(first.Coupons, again.Coupons);
        Assert.Single(harness.Storage.EventsOfType(CouponEventTypes.CouponReserved));
    }

    [Fact]
    public async Task Another_order_cannot_reserve_a_held_coupon()
    {
        var (harness, coupon) = await WithClaimedCouponAsync();
        await harness.Redemptions.ReserveAsync("m-0", "o-1", [coupon.Code], Cart(100m), None);
        var refused = await harness.Redemptions.ReserveAsync("m-0", "o-2", [coupon.Code], Cart(100m), None);
        AssertProblem(refused, ProblemKind.Conflict, "coupon-reserved");
        Assert.StartsWith(coupon.Code + ":", refused.Problem!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Of_twenty_parallel_reserves_for_different_orders_exactly_one_succeeds()
    {
        var (harness, coupon) = await WithClaimedCouponAsync();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => harness.Redemptions.ReserveAsync("m-0", $"o-{i}", [coupon.Code], Cart(100m), None))));
        Assert.Equal(1, outcomes.Count(o => o.IsSuccess));
        Assert.All(outcomes.Where(o => !o.IsSuccess), o => Assert.Equal("coupon-reserved", o.Problem!.Code));
        Assert.Single(harness.Storage.EventsOfType(CouponEventTypes.CouponReserved));
    }

    [Fact]
    public async Task Parallel_confirms_redeem_once()
    {
        var (harness, coupon) = await WithClaimedCouponAsync();
        await harness.Redemptions.ReserveAsync("m-0", "o-1", [coupon.Code], Cart(100m), None);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => harness.Redemptions.ConfirmAsync("o-1", None))));
        Assert.All(outcomes, o => Assert.True(o.IsSuccess));
        Assert.Single(harness.Storage.EventsOfType(CouponEventTypes.CouponRedeemed));
    }

    [Fact]
    public async Task A_lost_race_on_the_coupon_row_is_retried()
    {
        var (harness, coupon) = await WithClaimedCouponAsync();
        harness.Storage.LoseNextCouponUpdates = 3;
        Assert.True((await harness.Redemptions.ReserveAsync("m-0", "o-1", [coupon.Code], Cart(100m), None)).IsSuccess);
        harness.Storage.LoseNextCouponUpdates = harness.Options.MaxConcurrencyRetries;
        AssertProblem(await harness.Redemptions.ConfirmAsync("o-1", None), ProblemKind.Unavailable, "unavailable");
    }

    [Fact]
    public async Task Reserving_several_coupons_is_all_or_nothing()
    {
        var harness = new CouponHarness().Members(1);
        await harness.ActiveDefinitionAsync(Terms() with { StackingGroup = "store" }, "cd-store");
        await harness.ActiveDefinitionAsync(Terms(new FreeShippingBenefit(10m)) with { StackingGroup = "shipping" }, "cd-ship");
        var store = await harness.ClaimAsync("m-0", "cd-store");
        var shipping = await harness.ClaimAsync("m-0", "cd-ship");
        await harness.Redemptions.ReserveAsync("m-0", "o-other", [shipping.Code], Cart(100m, 8m), None);

        var refused = await harness.Redemptions.ReserveAsync("m-0", "o-1", [store.Code, shipping.Code], Cart(100m, 8m), None);

        AssertProblem(refused, ProblemKind.Conflict, "coupon-reserved");
        var storeNow = harness.Storage.AllCoupons.Single(c => c.Id == store.Id);
        Assert.Equal(CouponState.Issued, storeNow.EffectiveState(harness.Time.GetUtcNow()));
    }

    [Fact]
    public async Task Reserving_several_coupons_across_groups_adds_up_their_discounts()
    {
        var harness = new CouponHarness().Members(1);
        await harness.ActiveDefinitionAsync(Terms() with { StackingGroup = "store" }, "cd-store");
        await harness.ActiveDefinitionAsync(Terms(new FreeShippingBenefit(10m)) with { StackingGroup = "shipping" }, "cd-ship");
        var store = await harness.ClaimAsync("m-0", "cd-store");
        var shipping = await harness.ClaimAsync("m-0", "cd-ship");
        var reservation = (await harness.Redemptions.ReserveAsync("m-0", "o-1", [store.Code, shipping.Code], Cart(100m, 8m), None)).GetValueOrThrow();
        Assert.Equal(28m, reservation.TotalDiscount);
        Assert.Equal([false, true], reservation.Coupons.Select(c => c.OnShipping));
    }

    [Fact]
    public async Task Coupons_of_one_stacking_group_cannot_be_reserved_together()
    {
        var harness = new CouponHarness().Members(1);
        await harness.ActiveDefinitionAsync(Terms() with { PerMemberLimit = 2 });
        var first = await harness.ClaimAsync("m-0", requestId: "k1");
        var second = await harness.ClaimAsync("m-0", requestId: "k2");
        AssertProblem(await harness.Redemptions.ReserveAsync("m-0", "o-1", [first.Code, second.Code], Cart(100m), None), ProblemKind.Unprocessable, "stacking-conflict");
        Assert.Empty(harness.Storage.EventsOfType(CouponEventTypes.CouponReserved));
    }

    [Fact]
    public async Task Re_reserving_an_order_with_a_different_set_releases_the_dropped_coupon()
    {
        var harness = new CouponHarness().Members(1);
        await harness.ActiveDefinitionAsync(Terms() with { PerMemberLimit = 2 });
        var first = await harness.ClaimAsync("m-0", requestId: "k1");
        var second = await harness.ClaimAsync("m-0", requestId: "k2");
        await harness.Redemptions.ReserveAsync("m-0", "o-1", [first.Code], Cart(100m), None);

        var switched = (await harness.Redemptions.ReserveAsync("m-0", "o-1", [second.Code], Cart(100m), None)).GetValueOrThrow();

        Assert.Equal([second.Id], switched.Coupons.Select(c => c.CouponId));
        Assert.Equal(CouponState.Issued, harness.Storage.AllCoupons.Single(c => c.Id == first.Id).State);
        Assert.Single(harness.Storage.EventsOfType(CouponEventTypes.CouponReleased));
        var redemption = (await harness.Redemptions.ConfirmAsync("o-1", None)).GetValueOrThrow();
        Assert.Equal([second.Id], redemption.Coupons.Select(c => c.CouponId));
    }

    [Fact]
    public async Task Release_returns_the_coupon_and_is_idempotent()
    {
        var (harness, coupon) = await WithClaimedCouponAsync();
        await harness.Redemptions.ReserveAsync("m-0", "o-1", [coupon.Code], Cart(100m), None);
        var released = (await harness.Redemptions.ReleaseAsync("o-1", None)).GetValueOrThrow();
        Assert.Equal([coupon.Id], released.ReleasedCouponIds);
        Assert.Empty((await harness.Redemptions.ReleaseAsync("o-1", None)).GetValueOrThrow().ReleasedCouponIds);
        Assert.Empty((await harness.Redemptions.ReleaseAsync("o-never", None)).GetValueOrThrow().ReleasedCouponIds);
        Assert.Single(harness.Storage.EventsOfType(CouponEventTypes.CouponReleased));
        Assert.True((await harness.Redemptions.ReserveAsync("m-0", "o-2", [coupon.Code], Cart(100m), None)).IsSuccess);
        AssertProblem(await harness.Redemptions.ConfirmAsync("o-1", None), ProblemKind.Conflict, "not-reserved");
    }

    [Fact]
    public async Task Release_after_confirm_is_refused()
    {
        var (harness, coupon) = await WithClaimedCouponAsync();
        await harness.Redemptions.ReserveAsync("m-0", "o-1", [coupon.Code], Cart(100m), None);
        await harness.Redemptions.ConfirmAsync("o-1", None);
        AssertProblem(await harness.Redemptions.ReleaseAsync("o-1", None), ProblemKind.Conflict, "already-redeemed");
    }

    [Fact]
    public async Task Confirming_an_order_that_never_reserved_is_not_found()
    {
        var harness = new CouponHarness();
        AssertProblem(await harness.Redemptions.ConfirmAsync("o-none", None), ProblemKind.NotFound, "reservation-not-found");
        Assert.Equal(ProblemKind.Validation, (await harness.Redemptions.ConfirmAsync("o/1", None)).Problem?.Kind);
    }

    [Fact]
    public async Task The_expiry_sweep_releases_lapsed_reservations_back_to_the_wallet()
    {
        var (harness, coupon) = await WithClaimedCouponAsync();
        await harness.Redemptions.ReserveAsync("m-0", "o-1", [coupon.Code], Cart(100m), None);
        harness.Time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(0, await harness.Redemptions.ExpireReservationsAsync(None));
        harness.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await harness.Redemptions.ExpireReservationsAsync(None));
        Assert.Equal(0, await harness.Redemptions.ExpireReservationsAsync(None));

        var released = Assert.Single(harness.Storage.EventsOfType(CouponEventTypes.CouponReleased));
        Assert.Contains("\"reason\":\"ReservationExpired\"", released.DataJson, StringComparison.Ordinal);
        var wallet = (await harness.Wallets.GetAsync("m-0", includeHistory: true, None)).GetValueOrThrow();
        Assert.Equal(WalletCouponState.Available, wallet.Single().State);
        AssertProblem(await harness.Redemptions.ConfirmAsync("o-1", None), ProblemKind.Conflict, "not-reserved");
    }

    [Fact]
    public async Task A_reservation_swept_after_the_coupon_expired_leaves_it_expired()
    {
        var harness = new CouponHarness(now: new DateTimeOffset(2025, 3, 10, 15, 50, 0, TimeSpan.Zero)).Members(1); // 23:50 local
        await harness.ActiveDefinitionAsync(Terms() with { Validity = new ValidDaysAfterIssue(1) });
        var coupon = await harness.ClaimAsync("m-0");
        await harness.Redemptions.ReserveAsync("m-0", "o-1", [coupon.Code], Cart(100m), None);
        harness.Time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(1, await harness.Redemptions.ExpireReservationsAsync(None));
        Assert.Equal(CouponState.Expired, harness.Storage.AllCoupons.Single().State);
        Assert.Contains("\"returnedToWallet\":false", harness.Storage.EventsOfType(CouponEventTypes.CouponReleased).Single().DataJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lapsed_reservation_can_be_taken_by_another_order_before_the_sweep()
    {
        var (harness, coupon) = await WithClaimedCouponAsync();
        await harness.Redemptions.ReserveAsync("m-0", "o-1", [coupon.Code], Cart(100m), None);
        harness.Time.Advance(TimeSpan.FromMinutes(31));
        Assert.True((await harness.Redemptions.ReserveAsync("m-0", "o-2", [coupon.Code], Cart(100m), None)).IsSuccess);
        AssertProblem(await harness.Redemptions.ConfirmAsync("o-1", None), ProblemKind.Conflict, "not-reserved");
        Assert.True((await harness.Redemptions.ConfirmAsync("o-2", None)).IsSuccess);
    }

    [Fact]
    public async Task The_kill_switch_stops_reservations_of_linked_coupons()
    {
        var harness = new CouponHarness().Members(1);
        harness.Campaigns.Set("c-618", CampaignLiveness.Live);
        await harness.ActiveDefinitionAsync(Terms() with { CampaignId = "c-618" });
        var coupon = await harness.ClaimAsync("m-0");
        harness.Campaigns.Set("c-618", CampaignLiveness.Killed);
        AssertProblem(await harness.Redemptions.ReserveAsync("m-0", "o-1", [coupon.Code], Cart(100m), None), ProblemKind.Locked, "campaign-not-live");
    }

    [Fact]
    public async Task A_retired_definition_stops_redemption()
    {
        var (harness, coupon) = await WithClaimedCouponAsync();
        await harness.Definitions.RetireAsync("cd-spring", None);
        AssertProblem(await harness.Redemptions.ReserveAsync("m-0", "o-1", [coupon.Code], Cart(100m), None), ProblemKind.Gone, "definition-retired");
    }
}
