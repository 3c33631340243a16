using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// The operator-set terms of a coupon definition (DESIGN §6), as entered. A <see cref="CouponDefinition"/> only
/// ever holds terms that passed <see cref="Validate"/>.
/// </summary>
/// <remarks>
/// <see cref="TimeZoneId"/> and <see cref="StackingGroup"/> may be left null on input; the definitions use case fills
/// them from <see cref="CouponOptions"/> before validation, so a stored definition is self-contained.
/// </remarks>
public sealed record CouponTerms
{
    public const int MaxNameLength = 100;
    public const int MaxTotalQuantity = 10_000_000;
    public const int MaxPerMemberLimit = 100;
    public const int MaxStackingGroupLength = 40;

    public required string Name { get; init; }

    public required CouponKind Kind { get; init; }

    /// <summary>
    /// Benefit per tier. Tiers without an entry inherit the nearest lower tier's benefit; the lowest tier with an
    /// entry is the minimum eligible tier. Higher tiers must be at least as generous as lower ones.
    /// </summary>
    public required IReadOnlyDictionary<MemberTier, CouponBenefit> TierBenefits { get; init; }

    /// <summary>Minimum spend on eligible goods (0 = none). FullReduction also needs its first threshold reached.</summary>
    public decimal MinimumSpend { get; init; }

    public required CouponValidity Validity { get; init; }

    /// <summary>Coupons that may ever be issued (claims, grants and bulk codes together).</summary>
    public required int TotalQuantity { get; init; }

    /// <summary>Coupons of this definition one member may hold through claims and grants.</summary>
    public int PerMemberLimit { get; init; } = 1;

    /// <summary>Coupons that may be issued to members per store-local day; null = no daily limit.</summary>
    public int? DailyIssueLimit { get; init; }

    /// <summary>Cap on the summed face value (<see cref="CouponBenefit.FaceValue"/>) of issued coupons; null = none.</summary>
    public decimal? BudgetCap { get; init; }

    /// <summary>Coupons in the same group do not stack on one order; coupons of different groups do.</summary>
    public string? StackingGroup { get; init; }

    /// <summary>Optional campaign link: claims are refused (423) while that campaign is not live.</summary>
    public string? CampaignId { get; init; }

    /// <summary>The store time zone (IANA id) in which days are counted.</summary>
    public string? TimeZoneId { get; init; }

    /// <summary>Which items the coupon applies to; <see cref="CouponScope.Everything"/> by default.</summary>
    public CouponScope Scope { get; init; } = CouponScope.Everything;

    /// <summary>A benefit that is the same for every tier (Regular and up).</summary>
    public static IReadOnlyDictionary<MemberTier, CouponBenefit> ForAllTiers(CouponBenefit benefit) =>
        new Dictionary<MemberTier, CouponBenefit> { [MemberTier.Regular] = benefit };

    /// <summary>Field errors of these terms; <paramref name="now"/> is used to reject windows already over.</summary>
    public FieldErrors Validate(DateTimeOffset now)
    {
        var errors = ValidateStatic();
        if (Validity is not null && errors.IsEmpty)
        {
            Validity.Validate(errors, "validity", now);
        }

        return errors;
    }

    /// <summary>The time-independent rules (used again when a stored definition is restored).</summary>
    internal FieldErrors ValidateStatic()
    {
        var errors = new FieldErrors();
        errors.AddIf(string.IsNullOrWhiteSpace(Name) || Name.Length > MaxNameLength, "name", $"Is required, at most {MaxNameLength} characters.");
        var kindValid = Enum.IsDefined(Kind);
        errors.AddIf(!kindValid, "kind", "Must be FixedAmount, Percent, FullReduction or FreeShipping.");
        ValidateBenefits(errors, kindValid);
        CouponMoney.ValidateAmount(errors, "minimumSpend", MinimumSpend, allowZero: true);
        if (Validity is null)
        {
            errors.Add("validity", "Is required: a fixed window or a number of days after issue.");
        }
        else
        {
            Validity.Validate(errors, "validity", DateTimeOffset.MinValue);
        }

        errors.AddIf(TotalQuantity is < 1 or > MaxTotalQuantity, "totalQuantity", $"Must be between 1 and {MaxTotalQuantity}.");
        errors.AddIf(PerMemberLimit is < 1 or > MaxPerMemberLimit, "perMemberLimit", $"Must be between 1 and {MaxPerMemberLimit}.");
        errors.AddIf(DailyIssueLimit is < 1, "dailyIssueLimit", "Must be at least 1 when set.");
        if (BudgetCap is { } cap)
        {
            CouponMoney.ValidateAmount(errors, "budgetCap", cap, allowZero: false);
            var cheapest = TierBenefits?.Values.Where(b => b is not null).Select(b => b.FaceValue).DefaultIfEmpty(0m).Min() ?? 0m;
            errors.AddIf(cap > 0 && cap < cheapest, "budgetCap", "Is smaller than the face value of a single coupon.");
        }

        errors.AddIf(
            StackingGroup is null || StackingGroup.Length is 0 or > MaxStackingGroupLength || !StackingGroup.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'),
            "stackingGroup",
            $"Is required: 1 to {MaxStackingGroupLength} letters, digits, '-' or '_'.");
        errors.AddIf(CampaignId is not null && !CouponKeys.IsValidId(CampaignId), "campaignId", "Is not a valid id.");
        errors.AddIf(!TimeZones.TryFind(TimeZoneId, out _), "timeZoneId", "Is not a known time zone.");
        if (Scope is null)
        {
            errors.Add("scope", "Is required (use everything).");
        }
        else
        {
            Scope.Validate(errors, "scope");
        }

        return errors;
    }

    private void ValidateBenefits(FieldErrors errors, bool kindValid)
    {
        if (TierBenefits is null || TierBenefits.Count == 0)
        {
            errors.Add("tierBenefits", "Set the benefit for at least one tier (the minimum eligible tier).");
            return;
        }

        CouponBenefit? lower = null;
        foreach (var (tier, benefit) in TierBenefits.OrderBy(e => e.Key))
        {
            var field = $"tierBenefits.{tier}";
            if (!Enum.IsDefined(tier))
            {
                errors.Add("tierBenefits", $"Unknown tier {(int)tier}.");
                continue;
            }

            if (benefit is null)
            {
                errors.Add(field, "Is required.");
                continue;
            }

            if (kindValid && benefit.Kind != Kind)
            {
                errors.Add(field, $"Is a {benefit.Kind} benefit on a {Kind} definition.");
                continue;
            }

            var benefitErrors = new FieldErrors();
            benefit.Validate(benefitErrors, field);
            if (!benefitErrors.IsEmpty)
            {
                errors.Merge(benefitErrors);
                continue;
            }

            // A tier inherits the lower tiers' benefits (DESIGN §7): never offer a higher tier less.
            errors.AddIf(lower is not null && !benefit.IsAtLeastAsGenerousAs(lower), field, "Must be at least as generous as the lower tiers' benefit.");
            lower = benefit;
        }
    }

    public bool Equals(CouponTerms? other) =>
        other is not null
        && string.Equals(Name, other.Name, StringComparison.Ordinal)
        && Kind == other.Kind
        && BenefitsEqual(TierBenefits, other.TierBenefits)
        && MinimumSpend == other.MinimumSpend
        && Equals(Validity, other.Validity)
        && TotalQuantity == other.TotalQuantity
        && PerMemberLimit == other.PerMemberLimit
        && DailyIssueLimit == other.DailyIssueLimit
        && BudgetCap == other.BudgetCap
        && string.Equals(StackingGroup, other.StackingGroup, StringComparison.Ordinal)
        && string.Equals(CampaignId, other.CampaignId, StringComparison.Ordinal)
        && string.Equals(TimeZoneId, other.TimeZoneId, StringComparison.Ordinal)
        && Equals(Scope, other.Scope);

    public override int GetHashCode() => HashCode.Combine(Name, Kind, TotalQuantity, Validity, StackingGroup, CampaignId);

    internal static bool BenefitsEqual(IReadOnlyDictionary<MemberTier, CouponBenefit>? a, IReadOnlyDictionary<MemberTier, CouponBenefit>? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        return a.Count == b.Count && a.All(e => b.TryGetValue(e.Key, out var other) && Equals(e.Value, other));
    }
}
