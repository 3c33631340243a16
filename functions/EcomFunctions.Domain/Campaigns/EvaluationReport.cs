namespace EcomFunctions.Domain.Campaigns;

/// <summary>Units of the campaign's stock (flash sales, clearance lots) offered and sold, for the sell-through rate.</summary>
public sealed record StockOutcome(long UnitsOffered, long UnitsSold);

/// <summary>Everything the report is computed from; gathering it is the application's job (<see cref="CampaignEvaluation"/>).</summary>
public sealed record EvaluationInput
{
    public required Campaign Campaign { get; init; }

    /// <summary>The campaign's hourly buckets (all of them: late orders included).</summary>
    public IReadOnlyList<MetricsBucket> Metrics { get; init; } = [];

    /// <summary>Store-wide totals over <see cref="EvaluationReport.BaselineWindowOf"/>; null when unknown.</summary>
    public MetricsCounts? Baseline { get; init; }

    public SpendSummary Spend { get; init; } = SpendSummary.Empty;

    public IReadOnlyList<CampaignIncident> Incidents { get; init; } = [];

    /// <summary>Members in the campaign's audience (for coverage); null when unknown.</summary>
    public long? EligibleMembers { get; init; }

    public StockOutcome? Stock { get; init; }

    public DateTimeOffset GeneratedAt { get; init; }
}

/// <summary>
/// Headline figures. Ratios are null (never NaN or infinity) when their denominator is zero or unknown; ratios are
/// rounded to 4 decimals, money to 2 (midpoint away from zero).
/// </summary>
public sealed record PerformanceFigures
{
    public decimal Sales { get; init; }

    public long Orders { get; init; }

    /// <summary>AOV = sales / orders.</summary>
    public decimal? AverageOrderValue { get; init; }

    /// <summary>UV: unique visitors.</summary>
    public long Visits { get; init; }

    /// <summary>PV: page views.</summary>
    public long PageViews { get; init; }

    /// <summary>PV / UV: pages per visitor (depth of a visit).</summary>
    public decimal? PageViewsPerVisit { get; init; }

    /// <summary>Orders / visits.</summary>
    public decimal? ConversionRate { get; init; }

    public long NewMembers { get; init; }

    public long ParticipatingMembers { get; init; }

    /// <summary>New members / participating members.</summary>
    public decimal? NewUserShare { get; init; }

    public long? EligibleMembers { get; init; }

    /// <summary>Participating members / eligible members.</summary>
    public decimal? Coverage { get; init; }

    /// <summary>Everything spent on the campaign, all budget lines.</summary>
    public decimal Cost { get; init; }

    /// <summary>(sales − cost) / cost.</summary>
    public decimal? Roi { get; init; }

    public decimal? SellThroughRate { get; init; }
}

/// <summary>
/// The campaign against the window just before it: as long as the campaign proper (start to end) and ending where
/// preheat starts, so that preheat's pre-sale lull (shoppers wait for the start) does not depress the baseline.
/// IncrementalSales = sales − baseline sales; SalesLift = (sales − baseline sales) / baseline sales;
/// IncrementalRoi = (sales − baseline sales − cost) / cost.
/// </summary>
public sealed record BaselineComparison(
    TimeWindow Window,
    bool Known,
    decimal BaselineSales,
    long BaselineOrders,
    decimal? IncrementalSales,
    decimal? SalesLift,
    decimal? IncrementalRoi);

/// <summary>Actual vs target: Achievement = actual / target; Met = actual ≥ target (null when the actual is unknown).</summary>
public sealed record TargetOutcome(TargetMetric? Metric, decimal? Target, decimal? Actual, decimal? Achievement, bool? Met);

/// <summary>Input (traffic, cost) and output (orders, sales) of one channel or variant.</summary>
public sealed record SegmentFigures(
    string Segment,
    long Visits,
    long PageViews,
    long Orders,
    decimal Sales,
    decimal? AverageOrderValue,
    decimal? ConversionRate,
    decimal Cost,
    decimal? Roi);

public sealed record IncidentSummary(
    string Id,
    IncidentType Type,
    IncidentSeverity Severity,
    string Title,
    string Owner,
    IncidentStatus Status,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ResolvedAt,
    string Actions,
    string? Resolution);

/// <summary>
/// The evaluation report (活动效果评估): a pure function of the campaign, its metrics, the baseline, spend and incidents.
/// Formulas: see <see cref="PerformanceFigures"/>, <see cref="BaselineComparison"/> and <see cref="TargetOutcome"/>.
/// </summary>
public sealed record EvaluationReport
{
    public const int RatioDecimals = 4;
    public const int MoneyDecimals = 2;

    public string CampaignId { get; init; } = "";

    public string Name { get; init; } = "";

    public string Theme { get; init; } = "";

    public CampaignGoalType GoalType { get; init; }

    public CampaignState State { get; init; }

    public long CampaignVersion { get; init; }

    public string Currency { get; init; } = "";

    public string TimeZoneId { get; init; } = "";

    public TimeWindow Window { get; init; }

    public DateTimeOffset? PreheatStart { get; init; }

    /// <summary>Why the campaign was stopped early (killed), if it was.</summary>
    public CampaignDecision? Termination { get; init; }

    public DateTimeOffset GeneratedAt { get; init; }

    public PerformanceFigures Totals { get; init; } = new();

    public BaselineComparison Baseline { get; init; } = new(default, false, 0, 0, null, null, null);

    public TargetOutcome Target { get; init; } = new(null, null, null, null, null);

    public IReadOnlyList<SegmentFigures> ByChannel { get; init; } = [];

    public IReadOnlyList<SegmentFigures> ByVariant { get; init; } = [];

    public IReadOnlyList<BudgetLineStatus> BudgetVariance { get; init; } = [];

    public IReadOnlyList<IncidentSummary> Incidents { get; init; } = [];

    public int OpenIncidents { get; init; }

    public string? LessonsLearned { get; init; }

    /// <summary>The same length as the campaign (start to end), ending where the campaign (its preheat) begins.</summary>
    public static TimeWindow BaselineWindowOf(CampaignSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var end = schedule.PreheatOrStart;
        return new TimeWindow(end - schedule.Main.Duration, end);
    }

    public static EvaluationReport Build(EvaluationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var campaign = input.Campaign;
        var plan = campaign.Plan;
        var totals = HourlyMetrics.Total(input.Metrics);
        var cost = input.Spend.Total;
        var figures = new PerformanceFigures
        {
            Sales = totals.OrderValue,
            Orders = totals.Orders,
            AverageOrderValue = Money(Divide(totals.OrderValue, totals.Orders)),
            Visits = totals.Visits,
            PageViews = totals.PageViews,
            PageViewsPerVisit = Rate(Divide(totals.PageViews, totals.Visits)),
            ConversionRate = Rate(Divide(totals.Orders, totals.Visits)),
            NewMembers = totals.NewMembers,
            ParticipatingMembers = totals.ParticipatingMembers,
            NewUserShare = Rate(Divide(totals.NewMembers, totals.ParticipatingMembers)),
            EligibleMembers = input.EligibleMembers,
            Coverage = input.EligibleMembers is { } eligible ? Rate(Divide(totals.ParticipatingMembers, eligible)) : null,
            Cost = cost,
            Roi = Rate(Divide(totals.OrderValue - cost, cost)),
            SellThroughRate = input.Stock is { } stock ? Rate(Divide(stock.UnitsSold, stock.UnitsOffered)) : null,
        };

        var baselineWindow = BaselineWindowOf(plan.Schedule);
        var baseline = input.Baseline is { } b
            ? new BaselineComparison(
                baselineWindow,
                true,
                b.OrderValue,
                b.Orders,
                totals.OrderValue - b.OrderValue,
                Rate(Divide(totals.OrderValue - b.OrderValue, b.OrderValue)),
                Rate(Divide(totals.OrderValue - b.OrderValue - cost, cost)))
            : new BaselineComparison(baselineWindow, false, 0, 0, null, null, null);

        var channels = plan.Channels
            .Concat(input.Metrics.Select(m => m.Key.Channel))
            .Concat(input.Spend.ByChannel.Keys)
            .Distinct()
            .Order()
            .ToList();
        var metricsByChannel = HourlyMetrics.ByChannel(input.Metrics);
        var byChannel = channels
            .Select(c => Segment(c.ToString(), metricsByChannel.GetValueOrDefault(c) ?? MetricsCounts.Zero, input.Spend.ByChannel.GetValueOrDefault(c)))
            .ToList();

        var metricsByVariant = HourlyMetrics.ByVariant(input.Metrics);
        var variants = plan.Variants.Select(v => v.Name)
            .Concat(metricsByVariant.Keys.Order(StringComparer.Ordinal))
            .Concat(input.Spend.ByVariant.Keys.Order(StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var byVariant = variants
            .Select(v => Segment(v, metricsByVariant.GetValueOrDefault(v) ?? MetricsCounts.Zero, input.Spend.ByVariant.GetValueOrDefault(v)))
            .ToList();

        var incidents = input.Incidents
            .OrderBy(i => i.OpenedAt)
            .ThenBy(i => i.Id, StringComparer.Ordinal)
            .Select(i => new IncidentSummary(i.Id, i.Type, i.Severity, i.Title, i.Owner, i.Status, i.OpenedAt, i.ResolvedAt,
                string.Join("; ", i.Actions.Select(CampaignIncident.Describe)), i.Resolution))
            .ToList();

        return new EvaluationReport
        {
            CampaignId = campaign.Id,
            Name = plan.Name,
            Theme = plan.Theme,
            GoalType = plan.Goal.Type,
            State = campaign.State,
            CampaignVersion = campaign.Version,
            Currency = plan.Budget.Currency,
            TimeZoneId = campaign.TimeZoneId,
            Window = plan.Schedule.Main,
            PreheatStart = plan.Schedule.PreheatStart,
            Termination = campaign.State == CampaignState.Killed || (campaign.State == CampaignState.Evaluated && campaign.EndedAt is null) ? campaign.Termination : null,
            GeneratedAt = input.GeneratedAt,
            Totals = figures,
            Baseline = baseline,
            Target = TargetOf(plan.Goal, figures),
            ByChannel = byChannel,
            ByVariant = byVariant,
            BudgetVariance = BudgetStatus.Compute(campaign, input.Spend).Lines,
            Incidents = incidents,
            OpenIncidents = incidents.Count(i => i.Status == IncidentStatus.Open),
            LessonsLearned = campaign.LessonsLearned,
        };
    }

    /// <summary>The actual value of a target metric in the report's figures (null when it cannot be computed).</summary>
    public static decimal? ActualOf(TargetMetric metric, PerformanceFigures figures)
    {
        ArgumentNullException.ThrowIfNull(figures);
        return metric switch
        {
            TargetMetric.Sales => figures.Sales,
            TargetMetric.Orders => figures.Orders,
            TargetMetric.AverageOrderValue => figures.AverageOrderValue,
            TargetMetric.Visits => figures.Visits,
            TargetMetric.PageViews => figures.PageViews,
            TargetMetric.ConversionRate => figures.ConversionRate,
            TargetMetric.NewMembers => figures.NewMembers,
            TargetMetric.NewUserShare => figures.NewUserShare,
            TargetMetric.ParticipatingMembers => figures.ParticipatingMembers,
            TargetMetric.Coverage => figures.Coverage,
            TargetMetric.SellThroughRate => figures.SellThroughRate,
            _ => null,
        };
    }

    private static TargetOutcome TargetOf(CampaignGoal goal, PerformanceFigures figures)
    {
        if (goal.Metric is not { } metric || goal.Target is not { } target)
        {
            return new TargetOutcome(goal.Metric, goal.Target, null, null, null);
        }

        var actual = ActualOf(metric, figures);
        return actual is { } a
            ? new TargetOutcome(metric, target, a, Rate(Divide(a, target)), a >= target)
            : new TargetOutcome(metric, target, null, null, null);
    }

    private static SegmentFigures Segment(string name, MetricsCounts counts, decimal cost) => new(
        name,
        counts.Visits,
        counts.PageViews,
        counts.Orders,
        counts.OrderValue,
        Money(Divide(counts.OrderValue, counts.Orders)),
        Rate(Divide(counts.Orders, counts.Visits)),
        cost,
        Rate(Divide(counts.OrderValue - cost, cost)));

    private static decimal? Divide(decimal numerator, decimal denominator) => denominator == 0 ? null : numerator / denominator;

    private static decimal? Rate(decimal? value) => value is { } v ? decimal.Round(v, RatioDecimals, MidpointRounding.AwayFromZero) : null;

    private static decimal? Money(decimal? value) => value is { } v ? decimal.Round(v, MoneyDecimals, MidpointRounding.AwayFromZero) : null;
}
