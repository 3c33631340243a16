using System.Globalization;

using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Coupons;

/// <summary>A code the shopper put on the cart, with the coupon and definition found for it (null when not found).</summary>
public sealed record RedemptionCandidate(string Code, Coupon? Coupon, CouponDefinition? Definition);

/// <summary>Who is redeeming, when, for which order (null when only validating), and the linked campaigns' liveness.</summary>
public sealed record RedemptionContext(
    string MemberId,
    MemberTier? MemberTier,
    string? OrderId,
    DateTimeOffset Now,
    IReadOnlyDictionary<string, CampaignLiveness> Campaigns);

/// <summary>One code's verdict: the discount it gives on this cart, or why it does not apply.</summary>
public sealed record CouponApplication(string Code, string? CouponId, decimal Discount, bool OnShipping, RedemptionRefusal? Refusal, string? Detail)
{
    public bool Applies => Refusal is null;
}

/// <summary>The verdict for all codes on a cart, in the order given.</summary>
public sealed record CartEvaluation(IReadOnlyList<CouponApplication> Coupons)
{
    public decimal GoodsDiscount => Coupons.Where(c => c.Applies && !c.OnShipping).Sum(c => c.Discount);

    public decimal ShippingDiscount => Coupons.Where(c => c.Applies && c.OnShipping).Sum(c => c.Discount);

    public decimal TotalDiscount => GoodsDiscount + ShippingDiscount;

    public bool AllApply => Coupons.All(c => c.Applies);

    public CouponApplication? FirstRefused => Coupons.FirstOrDefault(c => !c.Applies);
}

/// <summary>
/// Whether coupons apply to a cart and what they take off (pure; the redemption use case supplies the data).
/// </summary>
/// <remarks>
/// <para>Per coupon, in this order: definition retired; owner (a member's coupon only for that member; a bearer code
/// for any member of at least the definition's minimum tier); already redeemed or held by another order; linked
/// campaign paused or killed (the kill switch also stops redemptions; an ended campaign does not void coupons
/// already issued); validity window; scope; minimum spend on the eligible subtotal (FullReduction: also its first
/// threshold); a discount above zero.</para>
/// <para>Stacking: coupons in the same stacking group do not stack; the first one given wins and the later ones are
/// refused with StackingConflict. Different groups stack.</para>
/// <para>Combining: thresholds and percentages are evaluated on the original (pre-coupon) prices — the shopper's
/// basket either qualifies or not — and then discounts are applied in the order given, each capped by what is
/// left: goods discounts never exceed the goods total, shipping discounts never exceed the shipping fee, and a
/// coupon left with nothing to take off is refused (NothingToDiscount) rather than consumed for zero.</para>
/// </remarks>
public static class RedemptionRules
{
    public static CartEvaluation Evaluate(IReadOnlyList<RedemptionCandidate> candidates, Cart cart, RedemptionContext context)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(cart);
        ArgumentNullException.ThrowIfNull(context);
        var results = new List<CouponApplication>(candidates.Count);
        var groups = new Dictionary<string, string>(StringComparer.Ordinal);
        var goodsLeft = cart.GoodsTotal;
        var shippingLeft = cart.ShippingFee;
        foreach (var candidate in candidates)
        {
            var single = EvaluateOne(candidate, cart, context);
            if (single.Applies)
            {
                var group = candidate.Definition!.StackingGroup;
                if (groups.TryGetValue(group, out var firstCode))
                {
                    single = single with { Discount = 0m, Refusal = RedemptionRefusal.StackingConflict, Detail = $"Does not stack with {firstCode} (same group '{group}')." };
                }
                else
                {
                    groups[group] = candidate.Code;
                    var left = single.OnShipping ? shippingLeft : goodsLeft;
                    var discount = Math.Min(single.Discount, left);
                    if (discount <= 0)
                    {
                        single = single with { Discount = 0m, Refusal = RedemptionRefusal.NothingToDiscount, Detail = "Other coupons already take everything off." };
                    }
                    else if (single.OnShipping)
                    {
                        shippingLeft -= discount;
                        single = single with { Discount = discount };
                    }
                    else
                    {
                        goodsLeft -= discount;
                        single = single with { Discount = discount };
                    }
                }
            }

            results.Add(single);
        }

        return new CartEvaluation(results);
    }

    /// <summary>One coupon alone against the cart (no stacking, no combined cap).</summary>
    public static CouponApplication EvaluateOne(RedemptionCandidate candidate, Cart cart, RedemptionContext context)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(cart);
        ArgumentNullException.ThrowIfNull(context);
        if (candidate.Coupon is not { } coupon || candidate.Definition is not { } definition)
        {
            return Refuse(candidate, RedemptionRefusal.CouponNotFound, "No coupon with this code.");
        }

        var now = context.Now;
        if (definition.State == CouponDefinitionState.Retired)
        {
            return Refuse(candidate, RedemptionRefusal.DefinitionRetired, "This coupon has been withdrawn.");
        }

        if (coupon.MemberId is not null && !string.Equals(coupon.MemberId, context.MemberId, StringComparison.Ordinal))
        {
            return Refuse(candidate, RedemptionRefusal.WrongMember, "This coupon belongs to another member.");
        }

        if (coupon.IsBearer && (context.MemberTier is not { } tier || !definition.IsEligible(tier)))
        {
            return Refuse(candidate, RedemptionRefusal.TierNotEligible, $"Requires tier {definition.MinimumTier} or higher.");
        }

        if (coupon.State == CouponState.Redeemed)
        {
            return context.OrderId is not null && string.Equals(coupon.RedeemedOrderId, context.OrderId, StringComparison.Ordinal)
                ? Apply(candidate, coupon.RedeemedDiscount ?? 0m)
                : Refuse(candidate, RedemptionRefusal.AlreadyRedeemed, "This coupon has been used.");
        }

        var heldByThisOrder = context.OrderId is { } orderId && coupon.IsHeldBy(orderId, now);
        if (coupon.IsHeld(now) && !heldByThisOrder)
        {
            return Refuse(candidate, RedemptionRefusal.ReservedByAnotherOrder, "This coupon is held by another unpaid order.");
        }

        if (coupon.CampaignId is { } campaignId
            && context.Campaigns.TryGetValue(campaignId, out var liveness)
            && liveness is CampaignLiveness.Paused or CampaignLiveness.Killed)
        {
            return Refuse(candidate, RedemptionRefusal.CampaignNotLive, $"Campaign {campaignId} is {liveness}.");
        }

        // A coupon this order already holds stays usable by it until the reservation lapses.
        if (!heldByThisOrder && now < coupon.ValidFrom)
        {
            return Refuse(candidate, RedemptionRefusal.NotYetValid, $"Valid from {Local(coupon.ValidFrom, definition)}.");
        }

        if (!heldByThisOrder && now >= coupon.ValidUntil)
        {
            return Refuse(candidate, RedemptionRefusal.Expired, $"Expired at {Local(coupon.ValidUntil, definition)}.");
        }

        var scope = definition.Terms.Scope;
        var eligible = cart.EligibleSubtotal(scope);
        if (!scope.IsEverything && eligible <= 0)
        {
            return Refuse(candidate, RedemptionRefusal.NoEligibleItems, "No item in the cart is covered by this coupon.");
        }

        var minimum = definition.EffectiveMinimumSpend(coupon.Benefit);
        if (eligible < minimum)
        {
            return Refuse(candidate, RedemptionRefusal.MinimumSpendNotMet, $"Spend {Money(minimum - eligible)} more on eligible items (minimum {Money(minimum)}).");
        }

        var discount = coupon.Benefit.Discount(eligible, cart.ShippingFee);
        return discount > 0
            ? Apply(candidate, discount)
            : Refuse(candidate, RedemptionRefusal.NothingToDiscount, coupon.Benefit.AppliesToShipping ? "The order has no shipping fee." : "Nothing to take off.");
    }

    private static CouponApplication Apply(RedemptionCandidate candidate, decimal discount) =>
        new(candidate.Code, candidate.Coupon!.Id, discount, candidate.Coupon.Benefit.AppliesToShipping, null, null);

    private static CouponApplication Refuse(RedemptionCandidate candidate, RedemptionRefusal refusal, string detail) =>
        new(candidate.Code, candidate.Coupon?.Id, 0m, candidate.Coupon?.Benefit.AppliesToShipping ?? false, refusal, detail);

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Local(DateTimeOffset instant, CouponDefinition definition) =>
        StoreCalendar.ToLocal(instant, definition.TimeZone).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);
}
