namespace EcomFunctions.Domain.Members;

/// <summary>
/// How activities turn into growth value and points. Rounding: both are whole numbers computed from the exact
/// decimal amount and rounded DOWN (⌊amount × rate⌋), so nobody earns for money not paid: ¥99.90 at Silver earns
/// ⌊99.90 × 1.2⌋ = 119 points and ⌊99.90 × 1⌋ = 99 growth; an amount below one unit earns nothing.
/// </summary>
public static class EarningRules
{
    public static long GrowthForPurchase(decimal amountPaid, MemberOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return FloorToLong(amountPaid * options.GrowthPerCurrencyUnit);
    }

    public static long PointsForPurchase(decimal amountPaid, MemberTier tier, MemberOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return FloorToLong(amountPaid * options.MultiplierOf(tier));
    }

    /// <summary>Growth for an approved review. Rating plays no part: rewards must not buy praise.</summary>
    public static long GrowthForReview(bool withPhoto, MemberOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.ReviewGrowth + (withPhoto ? options.ReviewPhotoBonusGrowth : 0);
    }

    /// <summary>Growth for one share given what shares already earned that member-local day.</summary>
    public static long GrowthForShare(int alreadyEarnedToday, MemberOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Math.Clamp(options.ShareGrowthDailyCap - alreadyEarnedToday, 0, options.ShareGrowth);
    }

    public static long GrowthForTask(string taskCode, MemberOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.TaskGrowth.TryGetValue(taskCode, out var value) ? value : 0;
    }

    private static long FloorToLong(decimal value) => value <= 0 ? 0 : (long)decimal.Floor(value);
}

/// <summary>Tier from rolling 12-month growth value: up any number of levels, down at most one per evaluation.</summary>
public static class TierPolicy
{
    /// <summary>The highest tier whose threshold the growth value reaches.</summary>
    public static MemberTier QualifiedTier(long rollingGrowth, MemberOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var qualified = MemberTier.Regular;
        foreach (var tier in MemberTiers.All)
        {
            if (rollingGrowth >= options.ThresholdOf(tier))
            {
                qualified = tier;
            }
        }

        return qualified;
    }

    /// <summary>
    /// The tier after one evaluation. Downgrades move one level at a time so a member who had a quiet year is
    /// not dropped from Diamond to Regular in one go (tiers neither inflated nor punishing).
    /// </summary>
    public static MemberTier Evaluate(MemberTier current, long rollingGrowth, MemberOptions options)
    {
        var qualified = QualifiedTier(rollingGrowth, options);
        if (qualified > current)
        {
            return qualified;
        }

        return qualified < current ? current.OneBelow() : current;
    }

    /// <summary>Distance to the next tier (what the member page shows); no next tier for Diamond.</summary>
    public static TierProgress Progress(MemberTier current, long rollingGrowth, MemberOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (current.Next() is not { } next)
        {
            return new TierProgress(current, null, null, 0);
        }

        var threshold = options.ThresholdOf(next);
        return new TierProgress(current, next, threshold, Math.Max(0, threshold - rollingGrowth));
    }
}

/// <summary>Next-tier progress: growth value still needed to qualify for <see cref="NextTier"/> at the next monthly evaluation.</summary>
public sealed record TierProgress(MemberTier Tier, MemberTier? NextTier, long? NextTierThreshold, long GrowthNeeded);

/// <summary>Outcome of one monthly tier evaluation of one member.</summary>
public sealed record TierEvaluationResult(MemberTier From, MemberTier To, long RollingGrowth, YearMonth EvaluationMonth, bool AlreadyEvaluated)
{
    public bool Changed => From != To;

    public bool IsUpgrade => To > From;

    public bool IsDowngrade => To < From;
}

public enum LifecycleState
{
    Active = 0,
    Dormant = 1,
    Churned = 2,
}

/// <summary>
/// Active / Dormant / Churned from the time since the last login or purchase (sign-up for members who never
/// did either). Elapsed time, not calendar days: exactly 60 × 24 h without activity is Dormant, one second less
/// is still Active, the same in every time zone.
/// </summary>
public static class LifecyclePolicy
{
    public static LifecycleState Classify(DateTimeOffset lastActivityAt, DateTimeOffset now, MemberOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var idle = now - lastActivityAt;
        if (idle >= options.ChurnedAfter)
        {
            return LifecycleState.Churned;
        }

        return idle >= options.DormantAfter ? LifecycleState.Dormant : LifecycleState.Active;
    }
}
