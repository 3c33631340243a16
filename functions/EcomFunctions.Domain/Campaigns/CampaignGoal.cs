namespace EcomFunctions.Domain.Campaigns;

public enum CampaignGoalType
{
    SalesGrowth,
    InventoryClearance,
    NewUsers,
    Engagement,
    MarketShare,
    BrandAwareness,
    ProductLaunch,
}

/// <summary>
/// What a campaign's target is measured in. Counts and money are absolute figures for the campaign; rates are
/// fractions (0.05 = 5 %). Each metric is computed by the evaluation report (see <see cref="EvaluationReport"/>).
/// </summary>
public enum TargetMetric
{
    /// <summary>Order value attributed to the campaign (currency).</summary>
    Sales,

    Orders,

    /// <summary>Sales / orders (currency).</summary>
    AverageOrderValue,

    /// <summary>Unique visitors (UV).</summary>
    Visits,

    PageViews,

    /// <summary>Orders / visits (fraction).</summary>
    ConversionRate,

    /// <summary>New-member sign-ups during the campaign.</summary>
    NewMembers,

    /// <summary>New members / participating members (fraction).</summary>
    NewUserShare,

    ParticipatingMembers,

    /// <summary>Participating members / eligible members (fraction).</summary>
    Coverage,

    /// <summary>Units sold / units offered for the campaign's stock (fraction).</summary>
    SellThroughRate,
}

/// <summary>The goal type and its measurable target: a metric and the value that counts as success.</summary>
public sealed record CampaignGoal(CampaignGoalType Type, TargetMetric? Metric, decimal? Target)
{
    public static bool IsRate(TargetMetric metric) =>
        metric is TargetMetric.ConversionRate or TargetMetric.NewUserShare or TargetMetric.Coverage or TargetMetric.SellThroughRate;

    public static bool IsMoney(TargetMetric metric) => metric is TargetMetric.Sales or TargetMetric.AverageOrderValue;

    /// <summary>
    /// Metrics that measure the goal type. Another metric is allowed (a warning, not an error): the handbooks only
    /// ask that the goal be quantified, and operators sometimes have good reasons.
    /// </summary>
    public static IReadOnlySet<TargetMetric> MetricsFor(CampaignGoalType type) => type switch
    {
        CampaignGoalType.SalesGrowth => Set(TargetMetric.Sales, TargetMetric.Orders, TargetMetric.AverageOrderValue, TargetMetric.ConversionRate),
        CampaignGoalType.InventoryClearance => Set(TargetMetric.SellThroughRate, TargetMetric.Orders, TargetMetric.Sales),
        CampaignGoalType.NewUsers => Set(TargetMetric.NewMembers, TargetMetric.NewUserShare),
        CampaignGoalType.Engagement => Set(TargetMetric.Visits, TargetMetric.PageViews, TargetMetric.ParticipatingMembers, TargetMetric.Coverage),
        CampaignGoalType.MarketShare => Set(TargetMetric.Sales, TargetMetric.Orders, TargetMetric.NewMembers),
        CampaignGoalType.BrandAwareness => Set(TargetMetric.Visits, TargetMetric.PageViews, TargetMetric.Coverage, TargetMetric.ParticipatingMembers),
        CampaignGoalType.ProductLaunch => Set(TargetMetric.Sales, TargetMetric.Orders, TargetMetric.Visits, TargetMetric.ConversionRate, TargetMetric.SellThroughRate),
        _ => Set(),
    };

    private static HashSet<TargetMetric> Set(params TargetMetric[] metrics) => [.. metrics];
}
