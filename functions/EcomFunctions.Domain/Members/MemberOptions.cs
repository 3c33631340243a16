using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Members;

/// <summary>
/// Member rules (DESIGN §7). Every number here is a default bound from the "Members" configuration section.
/// Collections are get-only and pre-filled: configuration keys overwrite or add entries one by one.
/// </summary>
public sealed class MemberOptions
{
    public const string SectionName = "Members";

    /// <summary>The store's time zone: default member time zone, month boundaries of tier evaluation.</summary>
    public string StoreTimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>Minimum rolling 12-month growth value for each tier.</summary>
    public Dictionary<MemberTier, long> TierThresholds { get; } = new()
    {
        [MemberTier.Regular] = 0,
        [MemberTier.Silver] = 500,
        [MemberTier.Gold] = 2_000,
        [MemberTier.Platinum] = 8_000,
        [MemberTier.Diamond] = 20_000,
    };

    /// <summary>Points per currency unit paid, by tier (floor of amount × multiplier).</summary>
    public Dictionary<MemberTier, decimal> PointsMultipliers { get; } = new()
    {
        [MemberTier.Regular] = 1.0m,
        [MemberTier.Silver] = 1.2m,
        [MemberTier.Gold] = 1.5m,
        [MemberTier.Platinum] = 1.8m,
        [MemberTier.Diamond] = 2.0m,
    };

    /// <summary>How many points buy one currency unit when redeeming, by tier (lower is better for the member).</summary>
    public Dictionary<MemberTier, int> RedemptionPointsPerCurrencyUnit { get; } = new()
    {
        [MemberTier.Regular] = 100,
        [MemberTier.Silver] = 90,
        [MemberTier.Gold] = 80,
        [MemberTier.Platinum] = 70,
        [MemberTier.Diamond] = 50,
    };

    /// <summary>Growth value per currency unit paid (floor of amount × this).</summary>
    public decimal GrowthPerCurrencyUnit { get; set; } = 1m;

    public int ReviewGrowth { get; set; } = 10;

    /// <summary>Extra growth when the approved review has a photo.</summary>
    public int ReviewPhotoBonusGrowth { get; set; } = 5;

    public int ShareGrowth { get; set; } = 2;

    /// <summary>Most growth value shares can earn in one member-local day.</summary>
    public int ShareGrowthDailyCap { get; set; } = 10;

    /// <summary>Growth value per configured task code (unknown codes are rejected).</summary>
    public Dictionary<string, int> TaskGrowth { get; } = new(StringComparer.Ordinal)
    {
        ["complete-profile"] = 20,
        ["bind-phone"] = 10,
        ["first-app-login"] = 10,
    };

    /// <summary>Months after the earn day at which points expire.</summary>
    public int PointsLifetimeMonths { get; set; } = 12;

    /// <summary>No login and no purchase for this long → Dormant.</summary>
    public TimeSpan DormantAfter { get; set; } = TimeSpan.FromDays(60);

    /// <summary>No login and no purchase for this long → Churned.</summary>
    public TimeSpan ChurnedAfter { get; set; } = TimeSpan.FromDays(180);

    /// <summary>Coupon definitions granted on reaching a tier by upgrade.</summary>
    public Dictionary<MemberTier, string[]> TierUpgradeCoupons { get; } = new()
    {
        [MemberTier.Silver] = ["tier-silver-welcome"],
        [MemberTier.Gold] = ["tier-gold-welcome", "tier-gold-free-shipping"],
        [MemberTier.Platinum] = ["tier-platinum-welcome", "tier-platinum-free-shipping"],
        [MemberTier.Diamond] = ["tier-diamond-welcome", "tier-diamond-free-shipping"],
    };

    /// <summary>Coupon definitions granted as a birthday gift, by tier.</summary>
    public Dictionary<MemberTier, string[]> BirthdayCoupons { get; } = new()
    {
        [MemberTier.Regular] = ["birthday-regular"],
        [MemberTier.Silver] = ["birthday-silver"],
        [MemberTier.Gold] = ["birthday-gold"],
        [MemberTier.Platinum] = ["birthday-platinum"],
        [MemberTier.Diamond] = ["birthday-diamond"],
    };

    /// <summary>Activities reported further in the future than this are rejected (client clocks drift).</summary>
    public TimeSpan MaxActivityClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Month buckets kept in the growth and purchase ledgers (≥ 13 so a 12-month window is always complete).</summary>
    public int LedgerRetentionMonths { get; set; } = 24;

    /// <summary>Days of share counters kept for the daily cap; shares reported later than this earn nothing.</summary>
    public int ShareCapMemoryDays { get; set; } = 7;

    /// <summary>Redemptions remembered on the member so that a retried request gets the same answer.</summary>
    public int RecentRedemptionsKept { get; set; } = 20;

    /// <summary>
    /// Member partitions (hash buckets of the member id). The unit of fan-out of the daily, monthly and birthday
    /// runs: one activity call scans one partition page by page. Size it so a partition holds about one page of
    /// members (≈ 1 000): every page costs a query of its own, so a partition read in one page is read most cheaply.
    /// Changing it re-partitions the stored members (they must be rewritten).
    /// </summary>
    public int PartitionCount { get; set; } = 128;

    /// <summary>Retries of a read-modify-write when another writer changed the member meanwhile (ETag mismatch).</summary>
    public int ConcurrencyRetries { get; set; } = 5;

    public TimeZoneInfo StoreZone => ZonedTime.Resolve(StoreTimeZone);

    public long ThresholdOf(MemberTier tier) =>
        TierThresholds.TryGetValue(tier, out var value) ? value : throw new InvalidOperationException($"No threshold for {tier}.");

    public decimal MultiplierOf(MemberTier tier) => PointsMultipliers.GetValueOrDefault(tier, 1m);

    public int RedemptionRatioOf(MemberTier tier) =>
        RedemptionPointsPerCurrencyUnit.TryGetValue(tier, out var ratio) ? ratio : RedemptionPointsPerCurrencyUnit[MemberTier.Regular];

    /// <summary>Configuration errors, checked at start-up (the App wires this into options validation).</summary>
    public FieldErrors Validate()
    {
        var errors = new FieldErrors();
        errors.AddIf(ZonedTime.TryResolve(StoreTimeZone) is null, nameof(StoreTimeZone), "Unknown time zone.");
        long previous = -1;
        foreach (var tier in MemberTiers.All)
        {
            if (!TierThresholds.TryGetValue(tier, out var threshold))
            {
                errors.Add(nameof(TierThresholds), $"Missing threshold for {tier}.");
                continue;
            }

            errors.AddIf(tier == MemberTier.Regular && threshold != 0, nameof(TierThresholds), "Regular must start at 0.");
            errors.AddIf(threshold <= previous, nameof(TierThresholds), $"{tier} must be above the tier below.");
            previous = threshold;
            errors.AddIf(!PointsMultipliers.TryGetValue(tier, out var multiplier) || multiplier < 0,
                nameof(PointsMultipliers), $"{tier} needs a multiplier ≥ 0.");
            errors.AddIf(!RedemptionPointsPerCurrencyUnit.TryGetValue(tier, out var ratio) || ratio <= 0,
                nameof(RedemptionPointsPerCurrencyUnit), $"{tier} needs a ratio > 0.");
        }

        errors.AddIf(GrowthPerCurrencyUnit < 0, nameof(GrowthPerCurrencyUnit), "Must be ≥ 0.");
        errors.AddIf(ReviewGrowth < 0 || ReviewPhotoBonusGrowth < 0 || ShareGrowth < 0 || ShareGrowthDailyCap < 0,
            nameof(ReviewGrowth), "Growth values must be ≥ 0.");
        errors.AddIf(TaskGrowth.Values.Any(v => v < 0), nameof(TaskGrowth), "Task growth must be ≥ 0.");
        errors.AddIf(PointsLifetimeMonths < 1, nameof(PointsLifetimeMonths), "Must be ≥ 1.");
        errors.AddIf(DormantAfter <= TimeSpan.Zero || ChurnedAfter <= DormantAfter, nameof(ChurnedAfter),
            "Need 0 < DormantAfter < ChurnedAfter.");
        errors.AddIf(LedgerRetentionMonths < 13, nameof(LedgerRetentionMonths), "Must be ≥ 13.");
        errors.AddIf(ShareCapMemoryDays < 1, nameof(ShareCapMemoryDays), "Must be ≥ 1.");
        errors.AddIf(PartitionCount is < 1 or > 1000, nameof(PartitionCount), "Must be 1–1000.");
        errors.AddIf(ConcurrencyRetries < 1, nameof(ConcurrencyRetries), "Must be ≥ 1.");
        return errors;
    }
}
