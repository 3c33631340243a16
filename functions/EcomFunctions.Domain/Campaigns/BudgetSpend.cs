using System.Globalization;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Campaigns;

public enum SpendSource
{
    /// <summary>A coupon of the campaign was redeemed; charged at face value.</summary>
    CouponRedemption,

    /// <summary>Paid promotion on a platform or channel (ads, placements, influencer fees).</summary>
    PaidPromotion,

    /// <summary>Any other cost booked by an operator against a named line (labour, materials, logistics …).</summary>
    Cost,
}

/// <summary>
/// One amount spent by a campaign. Mapping to lines: coupon redemptions go to
/// <see cref="CampaignOptions.MechanicSpendLine"/> (Marketing by default), paid promotion to PlatformPromotion unless
/// the entry names another line, other costs name their line. Nothing is booked on Contingency directly.
/// <see cref="EntryId"/> is the idempotency key: the ledger records an entry id once, however often it is delivered.
/// </summary>
public sealed record SpendEntry
{
    public const int MaxIdLength = 200;

    public string EntryId { get; init; } = "";

    public string CampaignId { get; init; } = "";

    public BudgetLineKind Line { get; init; }

    public decimal Amount { get; init; }

    public DateTimeOffset At { get; init; }

    public SpendSource Source { get; init; }

    public string? MechanicId { get; init; }

    public CampaignChannel? Channel { get; init; }

    public string? Variant { get; init; }

    public string? Reference { get; init; }

    /// <summary>A redeemed coupon at face value; a coupon is redeemed at most once, so its id keys the entry.</summary>
    public static SpendEntry ForCouponRedemption(
        string campaignId, string couponId, decimal faceValue, DateTimeOffset redeemedAt, CampaignOptions options,
        string? mechanicId = null, CampaignChannel? channel = null, string? variant = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new()
        {
            EntryId = $"coupon:{couponId}",
            CampaignId = campaignId,
            Line = options.MechanicSpendLine,
            Amount = faceValue,
            At = redeemedAt,
            Source = SpendSource.CouponRedemption,
            MechanicId = mechanicId,
            Channel = channel,
            Variant = variant,
            Reference = couponId,
        };
    }

    public static SpendEntry ForPaidPromotion(
        string campaignId, string promotionId, decimal amount, DateTimeOffset at, CampaignChannel? channel = null,
        BudgetLineKind line = BudgetLineKind.PlatformPromotion) => new()
        {
            EntryId = $"promotion:{promotionId}",
            CampaignId = campaignId,
            Line = line,
            Amount = amount,
            At = at,
            Source = SpendSource.PaidPromotion,
            Channel = channel,
            Reference = promotionId,
        };

    /// <summary>Checks the entry against the campaign it is booked on.</summary>
    public FieldErrors Validate(Campaign campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var errors = new FieldErrors();
        errors.AddIf(string.IsNullOrWhiteSpace(EntryId) || EntryId.Length > MaxIdLength, "entryId", $"Required, at most {MaxIdLength} characters.");
        errors.AddIf(!string.Equals(CampaignId, campaign.Id, StringComparison.Ordinal), "campaignId", "The entry belongs to another campaign.");
        if (!Enum.IsDefined(Line))
        {
            errors.Add("line", "Unknown budget line.");
        }
        else
        {
            errors.AddIf(Line == BudgetLineKind.Contingency, "line", "Contingency is not spent directly; reallocate it to a spending line first.");
        }

        errors.AddIf(!Enum.IsDefined(Source), "source", "Unknown spend source.");
        errors.AddIf(Amount <= 0, "amount", "The amount must be positive.");
        errors.AddIf(Amount > 0 && decimal.Round(Amount, 2) != Amount, "amount", "At most 2 decimal places.");
        errors.AddIf(At == default, "at", "Required.");
        errors.AddIf(MechanicId is not null && campaign.Plan.FindMechanic(MechanicId) is null, "mechanicId", $"Unknown mechanic '{MechanicId}'.");
        errors.AddIf(Channel is { } channel && !Enum.IsDefined(channel), "channel", "Unknown channel.");
        errors.AddIf(Variant is not null && !campaign.Plan.Variants.Any(v => string.Equals(v.Name, Variant, StringComparison.Ordinal)), "variant", $"Unknown variant '{Variant}'.");
        errors.AddIf(Reference is { Length: > MaxIdLength }, "reference", $"At most {MaxIdLength} characters.");
        return errors;
    }
}

/// <summary>
/// Spend of one campaign added up per line, per channel and per variant (entries without a channel or variant count
/// only in the line totals). Storage may keep these totals as sharded running sums; <see cref="Merge"/> adds shards.
/// </summary>
public sealed record SpendSummary
{
    public IReadOnlyDictionary<BudgetLineKind, decimal> ByLine { get; init; } = new Dictionary<BudgetLineKind, decimal>();

    public IReadOnlyDictionary<CampaignChannel, decimal> ByChannel { get; init; } = new Dictionary<CampaignChannel, decimal>();

    public IReadOnlyDictionary<string, decimal> ByVariant { get; init; } = new Dictionary<string, decimal>(StringComparer.Ordinal);

    public static SpendSummary Empty { get; } = new();

    public decimal Total => ByLine.Values.Sum();

    public decimal SpentOn(BudgetLineKind line) => ByLine.TryGetValue(line, out var amount) ? amount : 0m;

    public static SpendSummary FromEntries(IEnumerable<SpendEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var byLine = new Dictionary<BudgetLineKind, decimal>();
        var byChannel = new Dictionary<CampaignChannel, decimal>();
        var byVariant = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            Add(byLine, entry.Line, entry.Amount);
            if (entry.Channel is { } channel)
            {
                Add(byChannel, channel, entry.Amount);
            }

            if (entry.Variant is { } variant)
            {
                Add(byVariant, variant, entry.Amount);
            }
        }

        return new() { ByLine = byLine, ByChannel = byChannel, ByVariant = byVariant };
    }

    public static SpendSummary Merge(IEnumerable<SpendSummary> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        var byLine = new Dictionary<BudgetLineKind, decimal>();
        var byChannel = new Dictionary<CampaignChannel, decimal>();
        var byVariant = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var shard in shards)
        {
            foreach (var (key, amount) in shard.ByLine)
            {
                Add(byLine, key, amount);
            }

            foreach (var (key, amount) in shard.ByChannel)
            {
                Add(byChannel, key, amount);
            }

            foreach (var (key, amount) in shard.ByVariant)
            {
                Add(byVariant, key, amount);
            }
        }

        return new() { ByLine = byLine, ByChannel = byChannel, ByVariant = byVariant };
    }

    private static void Add<TKey>(Dictionary<TKey, decimal> totals, TKey key, decimal amount)
        where TKey : notnull =>
        totals[key] = (totals.TryGetValue(key, out var sum) ? sum : 0m) + amount;
}

/// <summary>
/// One line planned vs actual: <see cref="Planned"/> as approved, <see cref="Reallocated"/> the net of audited
/// reallocations, <see cref="Allocated"/> = planned + reallocated, <see cref="Spent"/> so far,
/// <see cref="Remaining"/> = allocated − spent, <see cref="VarianceToPlan"/> = spent − planned,
/// <see cref="Burn"/> = spent / allocated (null when nothing is allocated).
/// </summary>
public sealed record BudgetLineStatus(
    BudgetLineKind Line,
    decimal Planned,
    decimal Reallocated,
    decimal Allocated,
    decimal Spent,
    decimal Remaining,
    decimal VarianceToPlan,
    decimal? Burn);

/// <summary>Live spend against the budget; also the variance report (planned vs actual per line).</summary>
public sealed record BudgetStatus(
    string Currency,
    IReadOnlyList<BudgetLineStatus> Lines,
    decimal SpendingAllocated,
    decimal SpendingSpent,
    decimal? SpendingBurn)
{
    public BudgetLineStatus For(BudgetLineKind line) => Lines.First(l => l.Line == line);

    /// <summary>Every line in enum order (absent lines as zero), and the totals of the spending lines (all but contingency).</summary>
    public static BudgetStatus Compute(Campaign campaign, SpendSummary spend)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(spend);
        var lines = Enum.GetValues<BudgetLineKind>()
            .Select(line =>
            {
                var planned = campaign.Plan.Budget.PlannedFor(line);
                var allocated = campaign.AllocatedFor(line);
                var spent = spend.SpentOn(line);
                return new BudgetLineStatus(line, planned, allocated - planned, allocated, spent, allocated - spent, spent - planned, Ratio(spent, allocated));
            })
            .ToList();
        var spending = lines.Where(l => CampaignBudget.IsSpendingLine(l.Line)).ToList();
        var allocatedTotal = spending.Sum(l => l.Allocated);
        var spentTotal = spending.Sum(l => l.Spent);
        return new BudgetStatus(campaign.Plan.Budget.Currency, lines, allocatedTotal, spentTotal, Ratio(spentTotal, allocatedTotal));
    }

    internal static decimal? Ratio(decimal numerator, decimal denominator) => denominator == 0 ? null : numerator / denominator;
}

/// <summary>A burn threshold crossed by one spending line or by all of them (<see cref="BudgetGuard.TotalScope"/>).</summary>
public sealed record BudgetAlert(string Scope, decimal Threshold, decimal? Burn, decimal Spent, decimal Allocated)
{
    public string Key => BudgetGuard.KeyOf(Scope, Threshold);

    public bool IsExhaustion => Threshold >= 1m;

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"budget {Scope} at {(Burn is { } b ? (b * 100).ToString("0.#", CultureInfo.InvariantCulture) : "∞")} % ({Spent:0.00} of {Allocated:0.00}), threshold {Threshold * 100:0.#} %");
}

/// <summary>The guard's verdict for one check; applied by <see cref="Campaign.ApplyBudgetCheck"/>.</summary>
public sealed record BudgetCheck(
    IReadOnlyList<BudgetAlert> NewAlerts,
    IReadOnlyList<string> Rearmed,
    bool PauseSpendingMechanics,
    bool ResumeBudgetPausedMechanics)
{
    public bool IsExhausted { get; init; }
}

/// <summary>
/// Budget alerting and the automatic pause. Each spending line with an allocation, and all spending lines together
/// (scope <c>total</c>), alert at <see cref="CampaignOptions.BudgetAlertThreshold"/> and at 100 % — once per crossing:
/// an alert re-arms only when the burn falls back below its threshold (after a reallocation). When the mechanic spend
/// line or the total reaches 100 % the spending mechanics are paused; reallocating contingency (or any line) to it
/// brings the burn under 100 %, and the next check resumes the mechanics the guard paused.
/// </summary>
public static class BudgetGuard
{
    public const string TotalScope = "total";

    public static string KeyOf(string scope, decimal threshold) =>
        string.Create(CultureInfo.InvariantCulture, $"{scope}@{decimal.Round(threshold * 100, 1):0.#}");

    public static BudgetCheck Check(Campaign campaign, BudgetStatus status, CampaignOptions options)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(options);

        var thresholds = new[] { options.BudgetAlertThreshold, 1m }.Where(t => t > 0).Distinct().Order().ToList();
        var scopes = status.Lines
            .Where(l => CampaignBudget.IsSpendingLine(l.Line) && (l.Allocated > 0 || l.Spent > 0))
            .Select(l => (Scope: l.Line.ToString(), l.Spent, l.Allocated))
            .Append((Scope: TotalScope, Spent: status.SpendingSpent, Allocated: status.SpendingAllocated))
            .ToList();

        var raised = campaign.RaisedBudgetAlerts.ToHashSet(StringComparer.Ordinal);
        var newAlerts = new List<BudgetAlert>();
        var rearmed = new List<string>();
        foreach (var (scope, spent, allocated) in scopes)
        {
            foreach (var threshold in thresholds)
            {
                var key = KeyOf(scope, threshold);
                var crossed = Reached(spent, allocated, threshold);
                if (crossed && !raised.Contains(key))
                {
                    newAlerts.Add(new BudgetAlert(scope, threshold, BudgetStatus.Ratio(spent, allocated), spent, allocated));
                }
                else if (!crossed && raised.Contains(key))
                {
                    rearmed.Add(key);
                }
            }
        }

        var spendLine = status.For(options.MechanicSpendLine);
        var exhausted = Reached(spendLine.Spent, spendLine.Allocated, 1m) || Reached(status.SpendingSpent, status.SpendingAllocated, 1m);
        var pause = exhausted && campaign.Plan.Mechanics.Any(m => m.IsSpending && !campaign.IsMechanicPaused(m.Id));
        var resume = !exhausted && campaign.PausedMechanics.Any(p => p.Source == MechanicPauseSource.Budget);
        return new BudgetCheck(newAlerts, rearmed, pause, resume) { IsExhausted = exhausted };
    }

    /// <summary>Spending anything on a line with nothing allocated counts as having reached every threshold.</summary>
    private static bool Reached(decimal spent, decimal allocated, decimal threshold) =>
        allocated > 0 ? spent >= allocated * threshold : spent > 0;
}
