using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// Lifecycle of a coupon definition: Draft → Active → Retired (Draft → Retired discards a draft); Draft or Active →
/// Closed when the linked campaign ends or is killed, then Closed → Retired.
/// </summary>
public enum CouponDefinitionState
{
    /// <summary>Being edited; nothing can be issued; every term may change.</summary>
    Draft,

    /// <summary>Inventory allocated; coupons can be claimed, granted and generated.</summary>
    Active,

    /// <summary>Withdrawn: no more issues, and coupons already issued can no longer be redeemed.</summary>
    Retired,

    /// <summary>
    /// Claims closed because the linked campaign ended or was killed: no more issues and the unused inventory is
    /// released, but coupons already issued stay redeemable within their validity (the kill switch, not this state,
    /// stops redemptions of a killed campaign).
    /// </summary>
    Closed,
}

/// <summary>
/// A coupon definition (DESIGN §6): validated terms plus lifecycle. Immutable; every transition returns a new
/// instance (or the problem that prevents it), which keeps optimistic-concurrency retries in the use cases simple.
/// </summary>
/// <remarks>
/// "Update while unused" rule: a Draft can change freely. Once Active, inventory is sharded and claims may start
/// at any instant, so only changes that cannot break an issued coupon or an invariant are allowed: renaming,
/// extending the validity end (a later ValidUntil with the same ValidFrom, or more days after issue; coupons
/// already issued keep their window), and raising the total quantity or the budget cap. Anything else means
/// retiring the definition and creating a new one — there is no safe way to "un-activate" while claims may be in
/// flight. Retired is final.
/// </remarks>
public sealed class CouponDefinition
{
    private readonly (MemberTier Tier, CouponBenefit Benefit)[] benefitsByTier;

    private CouponDefinition(
        string id,
        CouponTerms terms,
        CouponDefinitionState state,
        DateTimeOffset createdAt,
        DateTimeOffset updatedAt,
        DateTimeOffset? activatedAt,
        DateTimeOffset? retiredAt,
        DateTimeOffset? closedAt,
        string? closedReason)
    {
        Id = id;
        Terms = terms;
        State = state;
        CreatedAt = createdAt;
        UpdatedAt = updatedAt;
        ActivatedAt = activatedAt;
        RetiredAt = retiredAt;
        ClosedAt = closedAt;
        ClosedReason = closedReason;
        benefitsByTier = [.. terms.TierBenefits.OrderBy(e => e.Key).Select(e => (e.Key, e.Value))];
        TimeZones.TryFind(terms.TimeZoneId, out var zone);
        TimeZone = zone;
    }

    public string Id { get; }

    public CouponTerms Terms { get; }

    public CouponDefinitionState State { get; }

    public DateTimeOffset CreatedAt { get; }

    public DateTimeOffset UpdatedAt { get; }

    public DateTimeOffset? ActivatedAt { get; }

    public DateTimeOffset? RetiredAt { get; }

    public DateTimeOffset? ClosedAt { get; }

    /// <summary>Why claims were closed (e.g. "Campaign c-618 ended"), when <see cref="State"/> is Closed.</summary>
    public string? ClosedReason { get; }

    /// <summary>The store time zone the definition counts days in.</summary>
    public TimeZoneInfo TimeZone { get; }

    public CouponKind Kind => Terms.Kind;

    public string StackingGroup => Terms.StackingGroup!;

    public string? CampaignId => Terms.CampaignId;

    /// <summary>
    /// Every member gets the same benefit whatever their tier (one benefit, from Regular up): the tier only matters to
    /// know the member exists, which lets the claim path look the member up after securing a unit, not before.
    /// </summary>
    public bool IsTierIndependent => benefitsByTier.Length == 1 && benefitsByTier[0].Tier == MemberTier.Regular;

    /// <summary>The lowest tier that may receive this coupon (the lowest tier with a benefit).</summary>
    public MemberTier MinimumTier => benefitsByTier[0].Tier;

    /// <summary>Minimum spend on eligible goods, including a FullReduction's first threshold.</summary>
    public decimal EffectiveMinimumSpend(CouponBenefit benefit)
    {
        ArgumentNullException.ThrowIfNull(benefit);
        return Math.Max(Terms.MinimumSpend, benefit.ImpliedMinimumSpend);
    }

    /// <summary>Face values a coupon of this definition can have (one per distinct tier benefit).</summary>
    public IReadOnlyList<decimal> FaceValues => [.. benefitsByTier.Select(b => b.Benefit.FaceValue).Distinct().Order()];

    /// <summary>A new Draft definition, or the field errors of <paramref name="terms"/>.</summary>
    public static Result<CouponDefinition> Create(string id, CouponTerms terms, DateTimeOffset now)
    {
        if (!CouponKeys.IsValidId(id))
        {
            return Problem.Validation("id", "Is not a valid id.");
        }

        ArgumentNullException.ThrowIfNull(terms);
        var errors = terms.Validate(now);
        return errors.ToProblem() is { } problem
            ? problem
            : new CouponDefinition(id, terms, CouponDefinitionState.Draft, now, now, null, null, null, null);
    }

    /// <summary>Rebuilds a stored definition. Throws if the stored terms are invalid (corrupt or hand-edited data).</summary>
    public static CouponDefinition Restore(
        string id,
        CouponTerms terms,
        CouponDefinitionState state,
        DateTimeOffset createdAt,
        DateTimeOffset updatedAt,
        DateTimeOffset? activatedAt,
        DateTimeOffset? retiredAt,
        DateTimeOffset? closedAt = null,
        string? closedReason = null)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var errors = terms.ValidateStatic();
        if (!CouponKeys.IsValidId(id) || !errors.IsEmpty || !Enum.IsDefined(state))
        {
            throw new InvalidOperationException($"Stored coupon definition '{id}' is invalid: {string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"))}");
        }

        return new CouponDefinition(id, terms, state, createdAt, updatedAt, activatedAt, retiredAt, closedAt, closedReason);
    }

    /// <summary>The benefit a member of <paramref name="tier"/> receives, or null when the tier is not eligible.</summary>
    public CouponBenefit? BenefitFor(MemberTier tier)
    {
        CouponBenefit? benefit = null;
        foreach (var (t, b) in benefitsByTier)
        {
            if (t > tier)
            {
                break;
            }

            benefit = b;
        }

        return benefit;
    }

    public bool IsEligible(MemberTier tier) => tier >= MinimumTier;

    /// <summary>The redemption window of a coupon issued now.</summary>
    public CouponWindow WindowForIssue(DateTimeOffset issuedAt) => Terms.Validity.WindowFor(issuedAt, TimeZone);

    /// <summary>The store-local day of an instant (daily limits count these).</summary>
    public DateOnly LocalDay(DateTimeOffset instant) => StoreCalendar.LocalDay(instant, TimeZone);

    /// <summary>Whether no coupon issued from now on could ever be redeemed (a fixed window that has ended).</summary>
    public bool HasValidityEnded(DateTimeOffset now) => Terms.Validity is FixedValidityWindow window && now >= window.ValidUntil;

    /// <summary>Draft → Active. Idempotent for an Active definition.</summary>
    public Result<CouponDefinition> Activate(DateTimeOffset now) => State switch
    {
        CouponDefinitionState.Active => this,
        CouponDefinitionState.Retired => CouponProblems.DefinitionRetired($"Definition {Id} is retired."),
        CouponDefinitionState.Closed => CouponProblems.For(ClaimRefusal.ClaimsClosed, $"Definition {Id} is closed: {ClosedReason}"),
        _ when HasValidityEnded(now) => Problem.Conflict("validity-ended", "The validity window has already ended; extend it before activating."),
        _ => With(Terms, CouponDefinitionState.Active, now, activatedAt: now),
    };

    /// <summary>Draft or Active → Retired. Idempotent for a Retired definition.</summary>
    public Result<CouponDefinition> Retire(DateTimeOffset now) =>
        State == CouponDefinitionState.Retired ? this : With(Terms, CouponDefinitionState.Retired, now, retiredAt: now);

    /// <summary>
    /// Draft or Active → Closed because the linked campaign ended or was killed (<paramref name="reason"/> says which).
    /// Idempotent for a Closed definition (the first reason is kept); a Retired definition stays Retired.
    /// </summary>
    public CouponDefinition Close(DateTimeOffset now, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return State is CouponDefinitionState.Closed or CouponDefinitionState.Retired
            ? this
            : new CouponDefinition(Id, Terms, CouponDefinitionState.Closed, CreatedAt, now, ActivatedAt, RetiredAt, now, reason);
    }

    /// <summary>
    /// New terms for this definition, under the "update while unused" rule in the class remarks. Unchanged terms
    /// return this instance (an idempotent retry of the same update).
    /// </summary>
    public Result<CouponDefinition> Revise(CouponTerms terms, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (State == CouponDefinitionState.Retired)
        {
            return CouponProblems.DefinitionRetired($"Definition {Id} is retired.");
        }

        if (State == CouponDefinitionState.Closed)
        {
            return CouponProblems.For(ClaimRefusal.ClaimsClosed, $"Definition {Id} is closed: {ClosedReason}");
        }

        if (terms.Equals(Terms))
        {
            return this;
        }

        var errors = terms.Validate(now);
        if (errors.ToProblem() is { } invalid)
        {
            return invalid;
        }

        if (State == CouponDefinitionState.Active && ForbiddenActiveChanges(terms) is { IsEmpty: false } forbidden)
        {
            return new Problem(
                ProblemKind.Conflict,
                "Conflict.",
                "An active definition may only be renamed, have its validity end extended, or its total quantity or budget cap raised.",
                forbidden.ToDictionary(),
                "definition-active");
        }

        return With(terms, State, now);
    }

    private FieldErrors ForbiddenActiveChanges(CouponTerms next)
    {
        const string Locked = "Cannot change once the definition is active.";
        var old = Terms;
        var errors = new FieldErrors();
        errors.AddIf(next.Kind != old.Kind, "kind", Locked);
        errors.AddIf(!CouponTerms.BenefitsEqual(next.TierBenefits, old.TierBenefits), "tierBenefits", Locked);
        errors.AddIf(next.MinimumSpend != old.MinimumSpend, "minimumSpend", Locked);
        errors.AddIf(!IsValidityExtension(old.Validity, next.Validity), "validity", "May only be extended (a later end, or more days).");
        errors.AddIf(next.TotalQuantity < old.TotalQuantity, "totalQuantity", "May only be raised.");
        errors.AddIf(next.PerMemberLimit != old.PerMemberLimit, "perMemberLimit", Locked);
        errors.AddIf(next.DailyIssueLimit != old.DailyIssueLimit, "dailyIssueLimit", Locked);
        errors.AddIf(
            next.BudgetCap != old.BudgetCap && (next.BudgetCap is null || old.BudgetCap is null || next.BudgetCap < old.BudgetCap),
            "budgetCap",
            "May only be raised.");
        errors.AddIf(!string.Equals(next.StackingGroup, old.StackingGroup, StringComparison.Ordinal), "stackingGroup", Locked);
        errors.AddIf(!string.Equals(next.CampaignId, old.CampaignId, StringComparison.Ordinal), "campaignId", Locked);
        errors.AddIf(!string.Equals(next.TimeZoneId, old.TimeZoneId, StringComparison.Ordinal), "timeZoneId", Locked);
        errors.AddIf(!Equals(next.Scope, old.Scope), "scope", Locked);
        return errors;
    }

    private static bool IsValidityExtension(CouponValidity old, CouponValidity next) => (old, next) switch
    {
        (FixedValidityWindow o, FixedValidityWindow n) => n.ValidFrom == o.ValidFrom && n.ValidUntil >= o.ValidUntil,
        (ValidDaysAfterIssue o, ValidDaysAfterIssue n) => n.Days >= o.Days,
        _ => false,
    };

    private CouponDefinition With(
        CouponTerms terms,
        CouponDefinitionState state,
        DateTimeOffset now,
        DateTimeOffset? activatedAt = null,
        DateTimeOffset? retiredAt = null) =>
        new(Id, terms, state, CreatedAt, now, activatedAt ?? ActivatedAt, retiredAt ?? RetiredAt, ClosedAt, ClosedReason);
}
