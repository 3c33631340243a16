using EcomFunctions.Domain.Platform;

using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Campaigns;

public enum MechanicKind
{
    FullReduction,
    PercentOff,
    TimeLimitedDiscount,
    FlashSale,
    GroupBuy,
    PointsRedemption,
    GiftWithPurchase,
    Coupon,
    MemberExclusive,
}

/// <summary>
/// A promotion mechanic of a campaign. Each kind carries its own parameters and validates them. <see cref="Window"/>
/// defaults to the campaign's main window, so "how many mechanics are live at once" can be computed; an explicit
/// window may start in preheat (e.g. coupons claimable before the start) but never outside the campaign.
/// <see cref="Variants"/> empty = every A/B variant sees the mechanic; otherwise only members assigned to one of them.
/// </summary>
/// <remarks>
/// Serialisation: the Domain carries no JSON attributes; <see cref="CampaignJson.Options"/> registers the derived types
/// with a <c>kind</c> discriminator (the <see cref="Kind"/> names).
/// </remarks>
public abstract record Mechanic
{
    public string Id { get; init; } = "";

    public string? Name { get; init; }

    public TimeWindow? Window { get; init; }

    public IReadOnlyList<string> Variants { get; init; } = [];

    public abstract MechanicKind Kind { get; }

    /// <summary>
    /// Whether redemptions of this mechanic are charged to the campaign budget, so that the budget guard pauses it
    /// when the budget is exhausted. Points redemption is funded by the members' own points, not by the budget.
    /// </summary>
    public virtual bool IsSpending => true;

    public TimeWindow EffectiveWindow(CampaignSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return Window ?? schedule.Main;
    }

    public bool IsVisibleToVariant(string? variant) =>
        Variants.Count == 0 || (variant is not null && Variants.Contains(variant, StringComparer.Ordinal));

    internal abstract void CheckParameters(MechanicCheck check);
}

/// <summary>Spend at least <see cref="Threshold"/>, get <see cref="Reduction"/> off (满减).</summary>
public sealed record FullReductionTier(decimal Threshold, decimal Reduction);

/// <summary>Tiered "spend X get Y off": thresholds and reductions both strictly increasing.</summary>
public sealed record FullReductionMechanic : Mechanic
{
    public IReadOnlyList<FullReductionTier> Tiers { get; init; } = [];

    public override MechanicKind Kind => MechanicKind.FullReduction;

    internal override void CheckParameters(MechanicCheck check)
    {
        if (Tiers is null || Tiers.Count == 0)
        {
            check.Error("tiers", "At least one spend threshold is required.");
            return;
        }

        check.AddIf(Tiers.Count > MechanicCheck.MaxTiers, "tiers", $"At most {MechanicCheck.MaxTiers} tiers.");
        for (var i = 0; i < Tiers.Count; i++)
        {
            var tier = Tiers[i];
            var path = $"tiers[{i}]";
            check.Money(tier.Threshold, $"{path}.threshold", positive: true);
            check.Money(tier.Reduction, $"{path}.reduction", positive: true);
            check.AddIf(tier.Reduction >= tier.Threshold, $"{path}.reduction", "The reduction must be smaller than the threshold.");
            if (i > 0)
            {
                check.AddIf(tier.Threshold <= Tiers[i - 1].Threshold, $"{path}.threshold", "Thresholds must increase from tier to tier.");
                check.AddIf(tier.Reduction <= Tiers[i - 1].Reduction, $"{path}.reduction", "Reductions must increase from tier to tier.");
            }
        }
    }
}

/// <summary>A percentage off, optionally capped and with a minimum spend.</summary>
public sealed record PercentOffMechanic : Mechanic
{
    /// <summary>Percent off, 0 &lt; value &lt; 100 (20 = 20 % off).</summary>
    public decimal PercentOff { get; init; }

    public decimal? MaxDiscount { get; init; }

    public decimal MinimumSpend { get; init; }

    public override MechanicKind Kind => MechanicKind.PercentOff;

    internal override void CheckParameters(MechanicCheck check)
    {
        check.Percent(PercentOff, "percentOff");
        if (MaxDiscount is { } cap)
        {
            check.Money(cap, "maxDiscount", positive: true);
        }

        check.Money(MinimumSpend, "minimumSpend", positive: false);
    }
}

/// <summary>A discount for a limited time inside the campaign: its window must be given explicitly.</summary>
public sealed record TimeLimitedDiscountMechanic : Mechanic
{
    public decimal PercentOff { get; init; }

    public override MechanicKind Kind => MechanicKind.TimeLimitedDiscount;

    internal override void CheckParameters(MechanicCheck check)
    {
        check.Percent(PercentOff, "percentOff");
        check.AddIf(Window is null, "window", "A time-limited discount needs its own window.");
    }
}

/// <summary>A limited stock of one product at a flash price, with a per-member limit (秒杀).</summary>
public sealed record FlashSaleMechanic : Mechanic
{
    public string Sku { get; init; } = "";

    public decimal FlashPrice { get; init; }

    public int Stock { get; init; }

    public int PerMemberLimit { get; init; } = 1;

    public override MechanicKind Kind => MechanicKind.FlashSale;

    internal override void CheckParameters(MechanicCheck check)
    {
        check.Text(Sku, "sku", required: true, MechanicCheck.MaxIdLength);
        check.Money(FlashPrice, "flashPrice", positive: true);
        check.AddIf(Stock <= 0, "stock", "Stock must be at least 1.");
        check.AddIf(PerMemberLimit <= 0, "perMemberLimit", "The per-member limit must be at least 1.");
        check.AddIf(Stock > 0 && PerMemberLimit > Stock, "perMemberLimit", "The per-member limit cannot exceed the stock.");
    }
}

/// <summary>A group price once <see cref="MinimumGroupSize"/> members join within <see cref="TimeToForm"/> (拼团).</summary>
public sealed record GroupBuyMechanic : Mechanic
{
    public string Sku { get; init; } = "";

    public decimal GroupPrice { get; init; }

    public int MinimumGroupSize { get; init; } = 2;

    public TimeSpan TimeToForm { get; init; }

    public override MechanicKind Kind => MechanicKind.GroupBuy;

    internal override void CheckParameters(MechanicCheck check)
    {
        check.Text(Sku, "sku", required: true, MechanicCheck.MaxIdLength);
        check.Money(GroupPrice, "groupPrice", positive: true);
        check.AddIf(MinimumGroupSize < 2, "minimumGroupSize", "A group needs at least 2 members.");
        check.AddIf(TimeToForm <= TimeSpan.Zero, "timeToForm", "The time to form a group must be positive.");
        check.AddIf(TimeToForm > TimeSpan.Zero && TimeToForm > check.Window.Duration, "timeToForm", "The time to form a group cannot exceed the mechanic's window.");
    }
}

/// <summary>Members pay part of an order with points: <see cref="PointsPerCurrencyUnit"/> points per unit, up to a share of the order.</summary>
public sealed record PointsRedemptionMechanic : Mechanic
{
    public int PointsPerCurrencyUnit { get; init; }

    /// <summary>Largest share of an order payable with points, 0 &lt; value ≤ 1.</summary>
    public decimal MaxShareOfOrder { get; init; } = 1m;

    public override MechanicKind Kind => MechanicKind.PointsRedemption;

    public override bool IsSpending => false;

    internal override void CheckParameters(MechanicCheck check)
    {
        check.AddIf(PointsPerCurrencyUnit <= 0, "pointsPerCurrencyUnit", "Points per currency unit must be at least 1.");
        check.AddIf(MaxShareOfOrder <= 0 || MaxShareOfOrder > 1, "maxShareOfOrder", "The share of an order payable with points must be above 0 and at most 1.");
    }
}

/// <summary>A gift with orders of at least <see cref="MinimumSpend"/>, while gift stock lasts.</summary>
public sealed record GiftWithPurchaseMechanic : Mechanic
{
    public decimal MinimumSpend { get; init; }

    public string GiftSku { get; init; } = "";

    public int GiftStock { get; init; }

    /// <summary>Cost of one gift, for the budget.</summary>
    public decimal GiftValue { get; init; }

    public override MechanicKind Kind => MechanicKind.GiftWithPurchase;

    internal override void CheckParameters(MechanicCheck check)
    {
        check.Money(MinimumSpend, "minimumSpend", positive: true);
        check.Text(GiftSku, "giftSku", required: true, MechanicCheck.MaxIdLength);
        check.AddIf(GiftStock <= 0, "giftStock", "Gift stock must be at least 1.");
        check.Money(GiftValue, "giftValue", positive: false);
    }
}

/// <summary>Coupons of an existing coupon definition (Coupons capability), claimable during the mechanic's window.</summary>
public sealed record CouponMechanic : Mechanic
{
    public string CouponDefinitionId { get; init; } = "";

    public override MechanicKind Kind => MechanicKind.Coupon;

    internal override void CheckParameters(MechanicCheck check)
    {
        if (!check.Text(CouponDefinitionId, "couponDefinitionId", required: true, MechanicCheck.MaxIdLength))
        {
            return;
        }

        if (!check.CouponDefinitions.TryGetValue(CouponDefinitionId, out var definition))
        {
            check.Error("couponDefinitionId", $"Unknown coupon definition '{CouponDefinitionId}'.");
            return;
        }

        check.AddIf(
            definition.CampaignId is { Length: > 0 } linked && !string.Equals(linked, check.CampaignId, StringComparison.Ordinal),
            "couponDefinitionId",
            $"Coupon definition '{CouponDefinitionId}' belongs to campaign '{definition.CampaignId}'.");
    }
}

/// <summary>A discount only members at or above <see cref="MinimumTier"/> see (会员专享).</summary>
public sealed record MemberExclusiveMechanic : Mechanic
{
    public MemberTier MinimumTier { get; init; } = MemberTier.Silver;

    public decimal PercentOff { get; init; }

    public override MechanicKind Kind => MechanicKind.MemberExclusive;

    internal override void CheckParameters(MechanicCheck check)
    {
        if (!Enum.IsDefined(MinimumTier))
        {
            check.Error("minimumTier", "Unknown tier.");
        }
        else
        {
            check.AddIf(MinimumTier == MemberTier.Regular, "minimumTier", "A member-exclusive offer needs a tier above Regular; use PercentOff for everyone.");
        }

        check.Percent(PercentOff, "percentOff");
    }
}

/// <summary>What a mechanic needs to know while it checks its parameters; collects errors under <c>mechanics[i]</c>.</summary>
internal sealed class MechanicCheck(
    FieldErrors errors,
    string path,
    string campaignId,
    TimeWindow window,
    IReadOnlyDictionary<string, CouponDefinitionSummary> couponDefinitions)
{
    public const int MaxTiers = 10;
    public const int MaxIdLength = 64;

    public string CampaignId { get; } = campaignId;

    public TimeWindow Window { get; } = window;

    public IReadOnlyDictionary<string, CouponDefinitionSummary> CouponDefinitions { get; } = couponDefinitions;

    public void Error(string field, string message) => errors.Add($"{path}.{field}", message);

    public void AddIf(bool condition, string field, string message)
    {
        if (condition)
        {
            Error(field, message);
        }
    }

    public void Percent(decimal value, string field) =>
        AddIf(value <= 0 || value >= 100, field, "The percentage must be above 0 and below 100.");

    public void Money(decimal value, string field, bool positive)
    {
        if (positive ? value <= 0 : value < 0)
        {
            Error(field, positive ? "The amount must be positive." : "The amount cannot be negative.");
        }
        else if (decimal.Round(value, 2) != value)
        {
            Error(field, "At most 2 decimal places.");
        }
    }

    public bool Text(string? value, string field, bool required, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            AddIf(required, field, "Required.");
            return false;
        }

        if (value.Length > maxLength)
        {
            Error(field, $"At most {maxLength} characters.");
            return false;
        }

        return true;
    }
}
