using EcomFunctions.Domain.Coupons;
using static EcomFunctions.Domain.Tests.Coupons.Support.CouponTestData;

using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Tests.Coupons;

public class RedemptionRulesTests
{
    private static readonly Dictionary<string, CampaignLiveness> NoCampaigns = [];

    private static RedemptionContext Context(string memberId = "m-1", MemberTier? tier = null, string? orderId = null, DateTimeOffset? now = null, Dictionary<string, CampaignLiveness>? campaigns = null) =>
        new(memberId, tier, orderId, now ?? Now, campaigns ?? NoCampaigns);

    private static RedemptionCandidate Candidate(CouponDefinition definition, string body = "CPN0001", string? memberId = "m-1", Coupon? coupon = null)
    {
        var c = coupon ?? IssuedCoupon(definition, memberId, id: "cp-" + body, body: body);
        return new RedemptionCandidate(c.Code, c, definition);
    }

    private static CouponApplication One(CouponDefinition definition, Cart cart, RedemptionContext? context = null, Coupon? coupon = null) =>
        RedemptionRules.EvaluateOne(Candidate(definition, coupon: coupon), cart, context ?? Context());

    [Fact]
    public void A_valid_coupon_gives_its_discount()
    {
        var result = One(Active(), Cart(100m));
        Assert.True(result.Applies);
        Assert.Equal(20m, result.Discount);
        Assert.False(result.OnShipping);
    }

    [Fact]
    public void An_unknown_code_does_not_apply() =>
        Assert.Equal(RedemptionRefusal.CouponNotFound, RedemptionRules.EvaluateOne(new RedemptionCandidate("NOPE1", null, null), Cart(100m), Context()).Refusal);

    [Fact]
    public void A_coupon_of_a_retired_definition_does_not_apply()
    {
        var active = Active();
        var coupon = IssuedCoupon(active);
        Assert.Equal(RedemptionRefusal.DefinitionRetired, One(active.Retire(Now).GetValueOrThrow(), Cart(100m), coupon: coupon).Refusal);
    }

    [Fact]
    public void Another_members_coupon_does_not_apply() =>
        Assert.Equal(RedemptionRefusal.WrongMember, One(Active(), Cart(100m), Context(memberId: "m-2")).Refusal);

    [Fact]
    public void A_bearer_code_needs_the_definitions_minimum_tier()
    {
        var definition = Active(Tiered((MemberTier.Gold, new FixedAmountBenefit(30m))));
        var bearer = IssuedCoupon(definition, memberId: null);
        Assert.Equal(RedemptionRefusal.TierNotEligible, One(definition, Cart(100m), Context(tier: MemberTier.Silver), bearer).Refusal);
        Assert.Equal(RedemptionRefusal.TierNotEligible, One(definition, Cart(100m), Context(tier: null), bearer).Refusal);
        Assert.Equal(30m, One(definition, Cart(100m), Context(memberId: "anyone", tier: MemberTier.Diamond), bearer).Discount);
    }

    [Fact]
    public void A_redeemed_coupon_does_not_apply_except_to_the_order_that_redeemed_it()
    {
        var definition = Active();
        var redeemed = IssuedCoupon(definition).Reserve("o-1", "m-1", 20m, Now, TimeSpan.FromMinutes(30)).GetValueOrThrow().Coupon
            .Confirm("o-1", Now).GetValueOrThrow().Coupon;
        Assert.Equal(RedemptionRefusal.AlreadyRedeemed, One(definition, Cart(100m), Context(), redeemed).Refusal);
        Assert.Equal(20m, One(definition, Cart(100m), Context(orderId: "o-1"), redeemed).Discount);
    }

    [Fact]
    public void A_coupon_held_by_another_order_does_not_apply_until_that_reservation_lapses()
    {
        var definition = Active();
        var held = IssuedCoupon(definition).Reserve("o-1", "m-1", 20m, Now, TimeSpan.FromMinutes(30)).GetValueOrThrow().Coupon;
        Assert.Equal(RedemptionRefusal.ReservedByAnotherOrder, One(definition, Cart(100m), Context(orderId: "o-2"), held).Refusal);
        Assert.Equal(RedemptionRefusal.ReservedByAnotherOrder, One(definition, Cart(100m), Context(), held).Refusal);
        Assert.True(One(definition, Cart(100m), Context(orderId: "o-1"), held).Applies);
        Assert.True(One(definition, Cart(100m), Context(orderId: "o-2", now: Now.AddMinutes(30)), held).Applies);
    }

    [Theory]
    [InlineData(CampaignLiveness.Paused, false)]
    [InlineData(CampaignLiveness.Killed, false)]
    [InlineData(CampaignLiveness.Ended, true)] // an ended campaign does not void coupons already issued
    [InlineData(CampaignLiveness.NotLive, true)]
    [InlineData(CampaignLiveness.Live, true)]
    public void The_kill_switch_stops_redemption_of_linked_coupons(CampaignLiveness liveness, bool applies)
    {
        var definition = Active(Terms() with { CampaignId = "c-618" });
        var result = One(definition, Cart(100m), Context(campaigns: new() { ["c-618"] = liveness }));
        Assert.Equal(applies, result.Applies);
        Assert.Equal(applies ? null : RedemptionRefusal.CampaignNotLive, result.Refusal);
    }

    [Fact]
    public void A_coupon_applies_only_inside_its_validity_window()
    {
        var definition = Active(Terms() with { Validity = new FixedValidityWindow(Now.AddDays(1), Now.AddDays(2)) });
        Assert.Equal(RedemptionRefusal.NotYetValid, One(definition, Cart(100m)).Refusal);
        Assert.True(One(definition, Cart(100m), Context(now: Now.AddDays(1))).Applies);
        var expired = One(definition, Cart(100m), Context(now: Now.AddDays(2)));
        Assert.Equal(RedemptionRefusal.Expired, expired.Refusal);
        Assert.Equal("Expired at 2025-03-12 10:00:00 +08:00.", expired.Detail);
    }

    [Fact]
    public void Minimum_spend_counts_only_eligible_items()
    {
        var definition = Active(Terms() with { MinimumSpend = 199m, Scope = new CouponScope(categories: ["electronics"]) });
        var cart = Cart(new CartItem("tv-1", "electronics", 150m, 1), new CartItem("rice", "groceries", 100m, 1));
        var result = One(definition, cart);
        Assert.Equal(RedemptionRefusal.MinimumSpendNotMet, result.Refusal);
        Assert.Equal("Spend 49.00 more on eligible items (minimum 199.00).", result.Detail);
        Assert.True(One(definition, Cart(new CartItem("tv-1", "electronics", 100m, 2))).Applies);
    }

    [Fact]
    public void A_scoped_coupon_needs_an_eligible_item_by_category_or_sku()
    {
        var definition = Active(Terms() with { Scope = new CouponScope(categories: ["shoes"], skus: ["bag-9"]) });
        Assert.Equal(RedemptionRefusal.NoEligibleItems, One(definition, Cart(new CartItem("rice", "groceries", 100m, 1))).Refusal);
        Assert.Equal(RedemptionRefusal.NoEligibleItems, One(definition, Cart(100m)).Refusal); // total only: nothing known to be eligible
        Assert.Equal(20m, One(definition, Cart(new CartItem("bag-9", null, 80m, 1))).Discount);
        Assert.Equal(5m, One(definition, Cart(new CartItem("sock", "shoes", 5m, 1), new CartItem("rice", "groceries", 100m, 1))).Discount);
    }

    [Fact]
    public void Full_reduction_needs_its_first_threshold_on_eligible_goods()
    {
        var definition = Active(Terms(new FullReductionBenefit([new(200m, 20m), new(400m, 50m)])));
        Assert.Equal(RedemptionRefusal.MinimumSpendNotMet, One(definition, Cart(199.99m)).Refusal);
        Assert.Equal(20m, One(definition, Cart(200m)).Discount);
        Assert.Equal(50m, One(definition, Cart(450m)).Discount);
    }

    [Fact]
    public void Percent_coupon_on_a_cart_is_truncated_and_capped()
    {
        var definition = Active(Terms(new PercentBenefit(15m, 30m)));
        Assert.Equal(14.99m, One(definition, Cart(99.99m)).Discount);
        Assert.Equal(30m, One(definition, Cart(1000m)).Discount);
    }

    [Fact]
    public void Free_shipping_without_a_shipping_fee_has_nothing_to_discount()
    {
        var definition = Active(Terms(new FreeShippingBenefit(10m)));
        Assert.Equal(RedemptionRefusal.NothingToDiscount, One(definition, Cart(100m, shipping: 0m)).Refusal);
        var applied = One(definition, Cart(100m, shipping: 12m));
        Assert.Equal(10m, applied.Discount);
        Assert.True(applied.OnShipping);
    }

    [Fact]
    public void Coupons_in_the_same_stacking_group_do_not_stack_and_the_first_wins()
    {
        var a = Active(Terms() with { StackingGroup = "store" }, id: "cd-a");
        var b = Active(Terms(new FixedAmountBenefit(30m)) with { StackingGroup = "store" }, id: "cd-b");
        var evaluation = RedemptionRules.Evaluate([Candidate(a, "AAAA1"), Candidate(b, "BBBB1")], Cart(100m), Context());
        Assert.True(evaluation.Coupons[0].Applies);
        Assert.Equal(RedemptionRefusal.StackingConflict, evaluation.Coupons[1].Refusal);
        Assert.Contains("same group 'store'", evaluation.Coupons[1].Detail, StringComparison.Ordinal);
        Assert.Equal(20m, evaluation.TotalDiscount);
        Assert.False(evaluation.AllApply);
    }

    [Fact]
    public void Coupons_in_different_groups_stack()
    {
        var store = Active(Terms() with { StackingGroup = "store" }, id: "cd-a");
        var platform = Active(Terms(new PercentBenefit(10m, 50m)) with { StackingGroup = "platform" }, id: "cd-b");
        var shipping = Active(Terms(new FreeShippingBenefit(10m)) with { StackingGroup = "shipping" }, id: "cd-c");
        var evaluation = RedemptionRules.Evaluate([Candidate(store, "AAAA1"), Candidate(platform, "BBBB1"), Candidate(shipping, "CCCC1")], Cart(300m, shipping: 8m), Context());
        Assert.True(evaluation.AllApply);
        Assert.Equal([20m, 30m, 8m], evaluation.Coupons.Select(c => c.Discount));
        Assert.Equal(50m, evaluation.GoodsDiscount);
        Assert.Equal(8m, evaluation.ShippingDiscount);
        Assert.Equal(58m, evaluation.TotalDiscount);
    }

    [Fact]
    public void Stacked_discounts_never_exceed_the_goods_total()
    {
        var first = Active(Terms(new FixedAmountBenefit(30m)) with { StackingGroup = "store" }, id: "cd-a");
        var second = Active(Terms(new FixedAmountBenefit(30m)) with { StackingGroup = "platform" }, id: "cd-b");
        var third = Active(Terms(new FixedAmountBenefit(30m)) with { StackingGroup = "brand" }, id: "cd-c");
        var evaluation = RedemptionRules.Evaluate([Candidate(first, "AAAA1"), Candidate(second, "BBBB1"), Candidate(third, "CCCC1")], Cart(50m), Context());
        Assert.Equal(30m, evaluation.Coupons[0].Discount);
        Assert.Equal(20m, evaluation.Coupons[1].Discount); // capped by what is left
        Assert.Equal(RedemptionRefusal.NothingToDiscount, evaluation.Coupons[2].Refusal); // not consumed for zero
        Assert.Equal(50m, evaluation.TotalDiscount);
    }

    [Fact]
    public void A_refused_coupon_does_not_block_its_stacking_group()
    {
        var expensive = Active(Terms() with { MinimumSpend = 500m }, id: "cd-a");
        var cheap = Active(Terms(new FixedAmountBenefit(5m)), id: "cd-b");
        var evaluation = RedemptionRules.Evaluate([Candidate(expensive, "AAAA1"), Candidate(cheap, "BBBB1")], Cart(100m), Context());
        Assert.Equal(RedemptionRefusal.MinimumSpendNotMet, evaluation.Coupons[0].Refusal);
        Assert.True(evaluation.Coupons[1].Applies);
        Assert.Same(evaluation.Coupons[0], evaluation.FirstRefused);
    }

    [Fact]
    public void A_coupon_this_order_holds_stays_usable_after_its_validity_ends()
    {
        var definition = Active();
        var coupon = IssuedCoupon(definition);
        var held = coupon.Reserve("o-1", "m-1", 20m, coupon.ValidUntil.AddMinutes(-1), TimeSpan.FromMinutes(30)).GetValueOrThrow().Coupon;
        Assert.True(One(definition, Cart(100m), Context(orderId: "o-1", now: coupon.ValidUntil.AddMinutes(5)), held).Applies);
        Assert.Equal(RedemptionRefusal.Expired, One(definition, Cart(100m), Context(orderId: "o-2", now: coupon.ValidUntil.AddMinutes(31)), held).Refusal);
    }

    [Fact]
    public void A_cart_must_be_consistent()
    {
        Assert.Equal(["cart"], EcomFunctions.Domain.Coupons.Cart.Create(null, null).Problem!.Errors!.Keys);
        Assert.Equal(["cart.total"], EcomFunctions.Domain.Coupons.Cart.Create(99m, [new CartItem("a", null, 50m, 2)]).Problem!.Errors!.Keys);
        Assert.Equal(100m, EcomFunctions.Domain.Coupons.Cart.Create(100m, [new CartItem("a", null, 50m, 2)]).GetValueOrThrow().GoodsTotal);
        var invalid = EcomFunctions.Domain.Coupons.Cart.Create(null, [new CartItem("", null, -1m, 0)], shippingFee: 0.001m).Problem!.Errors!.Keys;
        Assert.Equal(["cart.items[0].quantity", "cart.items[0].sku", "cart.items[0].unitPrice", "cart.shippingFee"], invalid.Order(StringComparer.Ordinal));
    }
}
