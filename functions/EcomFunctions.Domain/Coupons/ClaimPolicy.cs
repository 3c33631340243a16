using System.Globalization;

using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// What has been issued so far for a definition, as far as one claim is concerned. A snapshot: the store enforces
/// the limits again atomically when it issues, so a stale snapshot can only let a doomed claim reach the store,
/// never let an extra coupon out.
/// </summary>
/// <param name="IssuedTotal">Coupons issued in total (claims, grants and bulk codes).</param>
/// <param name="MemberIssued">Coupons of this definition the member holds through claims and grants.</param>
/// <param name="IssuedToday">Coupons issued to members on the current store-local day.</param>
/// <param name="MoneyIssued">Summed face value of the coupons issued.</param>
/// <param name="Exhausted">
/// Every inventory shard was seen empty recently: nothing can be issued to anyone, whatever the tier. Lets the
/// sold-out path answer without looking the member up.
/// </param>
public sealed record ClaimCounters(int IssuedTotal, int MemberIssued, int IssuedToday, decimal MoneyIssued, bool Exhausted = false)
{
    public static ClaimCounters None { get; } = new(0, 0, 0, 0m);
}

/// <summary>What to issue: the member's benefit, its face value, and the redemption window.</summary>
public sealed record CouponIssuePlan(MemberTier? Tier, CouponBenefit Benefit, CouponWindow Window, DateOnly LocalDay)
{
    public decimal FaceValue => Benefit.FaceValue;
}

/// <summary>The outcome of <see cref="ClaimPolicy.Decide"/>: an issue plan or a refusal with a human-readable detail.</summary>
public sealed record ClaimDecision(CouponIssuePlan? Plan, ClaimRefusal? Refusal, string? Detail)
{
    public bool IsIssue => Plan is not null;

    public static ClaimDecision Issue(CouponIssuePlan plan) => new(plan, null, null);

    public static ClaimDecision Refuse(ClaimRefusal refusal, string detail) => new(null, refusal, detail);
}

/// <summary>
/// The claim rules as a pure function (claims and grants share them). Order of checks, most general first:
/// definition state → validity → campaign → per-member limit → inventory exhausted → tier → quantity → budget →
/// daily limit. The order makes the answer the most useful one: a member who already holds the coupon hears "member
/// limit" rather than "sold out", and nobody is told "try tomorrow" (daily limit) when the coupon is sold out for
/// good. Everything before the tier is decided by <see cref="DecideBeforeMember"/> without the member's tier, so
/// the flash-sale path (sold out for everybody) never waits for a member lookup: once nothing is left, "sold out"
/// is the answer for every tier, eligible or not.
/// </summary>
public static class ClaimPolicy
{
    /// <param name="definition">The definition, or null when not found.</param>
    /// <param name="tier">The member's tier, or null when the member is unknown.</param>
    /// <param name="campaign">The linked campaign's liveness; ignored when the definition has no campaign link.</param>
    /// <param name="now">The current instant.</param>
    /// <param name="counters">What has been issued so far.</param>
    public static ClaimDecision Decide(
        CouponDefinition? definition,
        MemberTier? tier,
        CampaignLiveness? campaign,
        DateTimeOffset now,
        ClaimCounters counters)
    {
        ArgumentNullException.ThrowIfNull(counters);
        if (definition is null)
        {
            return ClaimDecision.Refuse(ClaimRefusal.DefinitionNotFound, "No such coupon definition.");
        }

        if (DecideBeforeMember(definition, campaign, now, counters) is { } early)
        {
            return early;
        }

        if (tier is not { } memberTier)
        {
            return ClaimDecision.Refuse(ClaimRefusal.MemberNotFound, "No such member.");
        }

        if (definition.BenefitFor(memberTier) is not { } benefit)
        {
            return ClaimDecision.Refuse(ClaimRefusal.TierNotEligible, $"Requires tier {definition.MinimumTier} or higher; member is {memberTier}.");
        }

        var terms = definition.Terms;
        if (counters.IssuedTotal >= terms.TotalQuantity)
        {
            return ClaimDecision.Refuse(ClaimRefusal.SoldOut, "All coupons have been issued.");
        }

        if (terms.BudgetCap is { } cap && counters.MoneyIssued + benefit.FaceValue > cap)
        {
            return ClaimDecision.Refuse(ClaimRefusal.BudgetExhausted, "The coupon budget is used up.");
        }

        if (terms.DailyIssueLimit is { } daily && counters.IssuedToday >= daily)
        {
            var tomorrow = StoreCalendar.StartOfDay(definition.LocalDay(now).AddDays(1), definition.TimeZone);
            return ClaimDecision.Refuse(
                ClaimRefusal.DailyLimitReached,
                $"Today's {daily} coupons are gone; more from {StoreCalendar.ToLocal(tomorrow, definition.TimeZone).ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture)}.");
        }

        return ClaimDecision.Issue(new(memberTier, benefit, definition.WindowForIssue(now), definition.LocalDay(now)));
    }

    /// <summary>
    /// The refusals that do not depend on who the member is (state, validity, campaign, the member's count, an
    /// exhausted inventory), or null when the member's tier decides the rest.
    /// </summary>
    public static ClaimDecision? DecideBeforeMember(CouponDefinition definition, CampaignLiveness? campaign, DateTimeOffset now, ClaimCounters counters)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(counters);
        if (DecideStatic(definition, now) is { } refused)
        {
            return refused;
        }

        if (definition.CampaignId is { } campaignId && campaign is not CampaignLiveness.Live)
        {
            return ClaimDecision.Refuse(ClaimRefusal.CampaignNotLive, $"Campaign {campaignId} is {campaign ?? CampaignLiveness.NotLive}.");
        }

        var terms = definition.Terms;
        if (counters.MemberIssued >= terms.PerMemberLimit)
        {
            return ClaimDecision.Refuse(ClaimRefusal.MemberLimitReached, $"At most {terms.PerMemberLimit} per member.");
        }

        if (!counters.Exhausted)
        {
            return null;
        }

        // Nothing left: name the limit that bound it (a budget converted into a quantity empties the shards too).
        return terms.BudgetCap is { } cap && counters.MoneyIssued + definition.FaceValues[0] > cap
            ? ClaimDecision.Refuse(ClaimRefusal.BudgetExhausted, "The coupon budget is used up.")
            : ClaimDecision.Refuse(ClaimRefusal.SoldOut, "All coupons have been issued.");
    }

    /// <summary>The state and validity checks alone (shared with bulk batches, which have no member).</summary>
    internal static ClaimDecision? DecideStatic(CouponDefinition definition, DateTimeOffset now) => definition.State switch
    {
        CouponDefinitionState.Draft => ClaimDecision.Refuse(ClaimRefusal.NotActive, "The coupon is not active yet."),
        CouponDefinitionState.Retired => ClaimDecision.Refuse(ClaimRefusal.Retired, "The coupon has been withdrawn."),
        CouponDefinitionState.Closed => ClaimDecision.Refuse(ClaimRefusal.ClaimsClosed, $"Claims are closed: {definition.ClosedReason}."),
        _ when definition.HasValidityEnded(now) => ClaimDecision.Refuse(ClaimRefusal.Expired, "The coupon's validity has ended."),
        _ => null,
    };
}
