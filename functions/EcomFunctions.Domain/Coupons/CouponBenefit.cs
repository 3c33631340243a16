using System.Globalization;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// What one coupon is worth for one tier: the kind-specific amount. A definition holds one benefit per tier it
/// sets; an issued coupon keeps a snapshot of the benefit it was issued with, so a later tier change of the
/// member does not change a coupon already in the wallet.
/// </summary>
public abstract record CouponBenefit
{
    private protected CouponBenefit()
    {
    }

    public abstract CouponKind Kind { get; }

    /// <summary>
    /// The most this coupon can take off one order. It is what the coupon charges against the definition's money
    /// budget when issued (worst case, so "money issued ≤ budget" holds whatever the shopper later buys) and what
    /// campaign spend uses as face value. FixedAmount: the amount; Percent: the cap; FullReduction: the highest
    /// step's amount; FreeShipping: the configured maximum shipping value covered.
    /// </summary>
    public abstract decimal FaceValue { get; }

    /// <summary>Spend on eligible goods below which this benefit gives nothing (FullReduction: the first threshold).</summary>
    public virtual decimal ImpliedMinimumSpend => 0m;

    /// <summary>Whether the discount applies to shipping rather than to goods.</summary>
    public bool AppliesToShipping => Kind == CouponKind.FreeShipping;

    /// <summary>
    /// The discount this benefit gives, before minimum-spend checks and stacking: never more than the eligible
    /// goods subtotal (goods benefits) or the shipping fee (FreeShipping).
    /// </summary>
    public abstract decimal Discount(decimal eligibleSubtotal, decimal shippingFee);

    internal abstract void Validate(FieldErrors errors, string field);

    /// <summary>
    /// Whether this benefit is at least as good as <paramref name="lower"/> everywhere, the rule for a higher tier
    /// (a tier inherits the lower tiers' benefits, so it must never be offered less).
    /// </summary>
    internal abstract bool IsAtLeastAsGenerousAs(CouponBenefit lower);

    private protected static string Format(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
}

/// <summary>A fixed amount off the eligible goods (立减).</summary>
public sealed record FixedAmountBenefit(decimal Amount) : CouponBenefit
{
    public override CouponKind Kind => CouponKind.FixedAmount;

    public override decimal FaceValue => Amount;

    public override decimal Discount(decimal eligibleSubtotal, decimal shippingFee) => Math.Min(Amount, Math.Max(eligibleSubtotal, 0m));

    internal override void Validate(FieldErrors errors, string field) =>
        CouponMoney.ValidateAmount(errors, $"{field}.amount", Amount, allowZero: false);

    internal override bool IsAtLeastAsGenerousAs(CouponBenefit lower) => lower is FixedAmountBenefit l && Amount >= l.Amount;

    public override string ToString() => $"{Format(Amount)} off";
}

/// <summary>
/// A percentage off the eligible goods, capped at <see cref="MaxDiscount"/>. <see cref="PercentOff"/> is the
/// share taken off (20 = 20% off, "8折").
/// </summary>
public sealed record PercentBenefit(decimal PercentOff, decimal MaxDiscount) : CouponBenefit
{
    public override CouponKind Kind => CouponKind.Percent;

    public override decimal FaceValue => MaxDiscount;

    public override decimal Discount(decimal eligibleSubtotal, decimal shippingFee)
    {
        if (eligibleSubtotal <= 0)
        {
            return 0m;
        }

        // PercentOff < 100, so the truncated result is always below the subtotal.
        var raw = CouponMoney.TruncateToFen(eligibleSubtotal * PercentOff / 100m);
        return Math.Min(raw, MaxDiscount);
    }

    internal override void Validate(FieldErrors errors, string field)
    {
        if (PercentOff is <= 0 or >= 100)
        {
            errors.Add($"{field}.percentOff", "Must be greater than 0 and less than 100.");
        }
        else if (decimal.Round(PercentOff, 2) != PercentOff)
        {
            errors.Add($"{field}.percentOff", "Must have at most two decimal places.");
        }

        // A cap is mandatory: it bounds the discount and is the coupon's face value for the budget.
        CouponMoney.ValidateAmount(errors, $"{field}.maxDiscount", MaxDiscount, allowZero: false);
    }

    internal override bool IsAtLeastAsGenerousAs(CouponBenefit lower) =>
        lower is PercentBenefit l && PercentOff >= l.PercentOff && MaxDiscount >= l.MaxDiscount;

    public override string ToString() =>
        $"{PercentOff.ToString("0.##", CultureInfo.InvariantCulture)}% off up to {Format(MaxDiscount)}";
}

/// <summary>One full-reduction step: spend at least <see cref="Threshold"/> on eligible goods, get <see cref="Amount"/> off.</summary>
public sealed record ReductionStep(decimal Threshold, decimal Amount);

/// <summary>
/// Spend X get Y off in tiered steps (满减), e.g. 200→20, 400→50.
/// </summary>
/// <remarks>
/// Rule: the highest step reached applies, once — 450 with 200→20 and 400→50 gives 50, not 70 and not 2×20.
/// "Every full 200 get 20 off" (每满减, repeating) is a different mechanic and not modelled here. Steps must be
/// strictly ascending in both threshold and amount (a higher step that is not worth more is a configuration
/// mistake), and each amount must be below its threshold (otherwise the goods would be free).
/// </remarks>
public sealed record FullReductionBenefit : CouponBenefit
{
    /// <summary>Most steps one benefit may have; more is unreadable for shoppers.</summary>
    public const int MaxSteps = 10;

    public FullReductionBenefit(IEnumerable<ReductionStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        Steps = [.. steps];
    }

    public IReadOnlyList<ReductionStep> Steps { get; }

    public override CouponKind Kind => CouponKind.FullReduction;

    public override decimal FaceValue => Steps.Count == 0 ? 0m : Steps[^1].Amount;

    public override decimal ImpliedMinimumSpend => Steps.Count == 0 ? 0m : Steps[0].Threshold;

    /// <summary>The step reached by an eligible subtotal, or null below the first threshold.</summary>
    public ReductionStep? StepReached(decimal eligibleSubtotal) => Steps.LastOrDefault(s => s.Threshold <= eligibleSubtotal);

    public override decimal Discount(decimal eligibleSubtotal, decimal shippingFee) => StepReached(eligibleSubtotal)?.Amount ?? 0m;

    internal override void Validate(FieldErrors errors, string field)
    {
        if (Steps.Count is 0 or > MaxSteps)
        {
            errors.Add($"{field}.steps", $"Must have between 1 and {MaxSteps} steps.");
            return;
        }

        for (var i = 0; i < Steps.Count; i++)
        {
            var step = Steps[i];
            var stepField = $"{field}.steps[{i}]";
            if (step is null)
            {
                errors.Add(stepField, "Is required.");
                continue;
            }

            CouponMoney.ValidateAmount(errors, $"{stepField}.threshold", step.Threshold, allowZero: false);
            CouponMoney.ValidateAmount(errors, $"{stepField}.amount", step.Amount, allowZero: false);
            errors.AddIf(step.Amount >= step.Threshold, $"{stepField}.amount", "Must be less than the step's threshold.");
            if (i > 0 && Steps[i - 1] is { } previous)
            {
                errors.AddIf(step.Threshold <= previous.Threshold, $"{stepField}.threshold", "Thresholds must be strictly ascending.");
                errors.AddIf(step.Amount <= previous.Amount, $"{stepField}.amount", "Amounts must be strictly ascending.");
            }
        }
    }

    /// <remarks>
    /// The lower benefit's discount is a step function that only changes at its own thresholds, and this one is
    /// non-decreasing, so comparing at the lower benefit's thresholds proves "at least as much for every cart".
    /// </remarks>
    internal override bool IsAtLeastAsGenerousAs(CouponBenefit lower) =>
        lower is FullReductionBenefit l && l.Steps.All(s => Discount(s.Threshold, 0m) >= s.Amount);

    public bool Equals(FullReductionBenefit? other) =>
        other is not null && Steps.SequenceEqual(other.Steps);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var step in Steps)
        {
            hash.Add(step);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => string.Join(", ", Steps.Select(s => $"{Format(s.Threshold)}→{Format(s.Amount)}"));
}

/// <summary>
/// Covers the order's shipping fee up to <see cref="MaxShippingCovered"/>. The cap is required because a free
/// shipping coupon still needs a face value for the budget; set it to the store's usual shipping fee.
/// </summary>
public sealed record FreeShippingBenefit(decimal MaxShippingCovered) : CouponBenefit
{
    public override CouponKind Kind => CouponKind.FreeShipping;

    public override decimal FaceValue => MaxShippingCovered;

    public override decimal Discount(decimal eligibleSubtotal, decimal shippingFee) => Math.Min(Math.Max(shippingFee, 0m), MaxShippingCovered);

    internal override void Validate(FieldErrors errors, string field) =>
        CouponMoney.ValidateAmount(errors, $"{field}.maxShippingCovered", MaxShippingCovered, allowZero: false);

    internal override bool IsAtLeastAsGenerousAs(CouponBenefit lower) =>
        lower is FreeShippingBenefit l && MaxShippingCovered >= l.MaxShippingCovered;

    public override string ToString() => $"free shipping up to {Format(MaxShippingCovered)}";
}
