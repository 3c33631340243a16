using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Campaigns;

/// <summary>A monitoring-loop snapshot for the orchestrator: figures so far, budget verdict, open incidents and the next step.</summary>
public sealed record MonitoringSnapshot(
    Campaign Campaign,
    MetricsCounts Totals,
    BudgetStatus Budget,
    BudgetCheck BudgetCheck,
    int OpenIncidents,
    CampaignStep Next)
{
    /// <summary>Open incidents of Critical severity (the monitoring loop escalates them every tick until resolved).</summary>
    public IReadOnlyList<string> OpenCriticalIncidents { get; init; } = [];
}

/// <summary>
/// Monitoring and evaluation: the hourly snapshot (which also runs the budget guard), the report (JSON-ready record and
/// CSV) and the final Evaluate transition.
/// </summary>
public sealed class CampaignEvaluation(
    ICampaignRepository campaigns,
    ICampaignMetrics metrics,
    IBudgetLedger ledger,
    IIncidentLog incidents,
    IAudienceSizer audiences,
    CampaignBudgets budgets,
    CampaignOptions options,
    TimeProvider time)
{
    public async Task<Result<MonitoringSnapshot>> MonitorAsync(string campaignId, CancellationToken cancellationToken)
    {
        var checkedBudget = await budgets.CheckAsync(campaignId, cancellationToken);
        if (!checkedBudget.IsSuccess)
        {
            return checkedBudget.Problem!;
        }

        var campaign = checkedBudget.Value!.Campaign;
        var totals = HourlyMetrics.Total(await metrics.ReadAsync(campaignId, cancellationToken));
        var open = (await incidents.ListAsync(campaignId, cancellationToken)).Where(i => i.Status == IncidentStatus.Open).ToList();
        return new MonitoringSnapshot(campaign, totals, checkedBudget.Value.Budget, checkedBudget.Value.Check, open.Count,
            CampaignTimeline.Next(campaign, time.GetUtcNow(), options))
        {
            OpenCriticalIncidents = [.. open.Where(i => i.Severity == IncidentSeverity.Critical).Select(i => i.Id)],
        };
    }

    public async Task<Result<EvaluationReport>> BuildReportAsync(string campaignId, CancellationToken cancellationToken)
    {
        var loaded = await CampaignStore.LoadAsync(campaigns, campaignId, cancellationToken);
        return loaded.IsSuccess ? await BuildAsync(loaded.Value!, cancellationToken) : loaded.Problem!;
    }

    public async Task<Result<string>> BuildCsvAsync(string campaignId, CancellationToken cancellationToken)
    {
        var report = await BuildReportAsync(campaignId, cancellationToken);
        return report.IsSuccess ? EvaluationReportCsv.Render(report.Value!) : report.Problem!;
    }

    /// <summary>Activity at the end of the late-order window: the final report, and the campaign moves to Evaluated.</summary>
    public async Task<Result<EvaluationReport>> EvaluateAsync(string campaignId, CancellationToken cancellationToken)
    {
        var loaded = await CampaignStore.LoadAsync(campaigns, campaignId, cancellationToken);
        if (!loaded.IsSuccess)
        {
            return loaded.Problem!;
        }

        var report = await BuildAsync(loaded.Value!, cancellationToken);
        var evaluated = await CampaignStore.ApplyAsync(campaigns, campaignId, null,
            c => c.Evaluate(report, CampaignActor.System, time.GetUtcNow(), options), cancellationToken);
        return evaluated.IsSuccess ? report with { State = evaluated.Value!.State, CampaignVersion = evaluated.Value.Version } : evaluated.Problem!;
    }

    private async Task<EvaluationReport> BuildAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        var input = new EvaluationInput
        {
            Campaign = campaign,
            Metrics = await metrics.ReadAsync(campaign.Id, cancellationToken),
            Baseline = await metrics.ReadBaselineAsync(EvaluationReport.BaselineWindowOf(campaign.Plan.Schedule), cancellationToken),
            Spend = await ledger.SummarizeAsync(campaign.Id, cancellationToken),
            Incidents = await incidents.ListAsync(campaign.Id, cancellationToken),
            EligibleMembers = await audiences.CountEligibleAsync(campaign.Plan.Audience, cancellationToken),
            Stock = await metrics.ReadStockOutcomeAsync(campaign.Id, cancellationToken),
            GeneratedAt = time.GetUtcNow(),
        };
        return EvaluationReport.Build(input);
    }
}

/// <summary>Storefront use cases: live offers for a member, and storefront activity into hourly metrics.</summary>
public sealed class CampaignStorefront(ILiveCampaignDirectory directory, ICampaignMetrics metrics, TimeProvider time)
{
    public const int MaxBatch = 1000;

    /// <summary>Events from the future beyond this skew are refused.</summary>
    public static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(5);

    public async Task<IReadOnlyList<LiveOffer>> ListOffersAsync(ShopperProfile shopper, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shopper);
        var active = await directory.ListActiveAsync(cancellationToken);
        return StorefrontOffers.ListFor(active, shopper, time.GetUtcNow());
    }

    /// <summary>Checks a batch (whole batch refused on any error, with <c>activities[i].field</c> paths).</summary>
    public FieldErrors Validate(IReadOnlyList<StorefrontActivity> activities)
    {
        ArgumentNullException.ThrowIfNull(activities);
        var errors = new FieldErrors();
        if (activities.Count > MaxBatch)
        {
            return errors.Add("activities", $"At most {MaxBatch} activities per batch.");
        }

        var now = time.GetUtcNow();
        for (var i = 0; i < activities.Count; i++)
        {
            if (activities[i] is null)
            {
                errors.Add($"activities[{i}]", "Required.");
                continue;
            }

            errors.Merge(activities[i].Validate(now, AllowedClockSkew), $"activities[{i}]");
        }

        return errors;
    }

    /// <summary>
    /// Queue-side ingestion of a validated batch: distinct visitors, new members and participants are marked, the batch
    /// is folded into one increment per hourly bucket of each campaign plus the store-wide buckets
    /// (<see cref="HourlyMetrics.StoreScope"/>), and added under <paramref name="batchId"/>, so a redelivered message
    /// changes nothing.
    /// </summary>
    public async Task<Result<IReadOnlyList<MetricsBucket>>> RecordAsync(string batchId, IReadOnlyList<StorefrontActivity> activities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activities);
        if (string.IsNullOrWhiteSpace(batchId))
        {
            return Problem.Validation("batchId", "Required.");
        }

        if (Validate(activities).ToProblem() is { } invalid)
        {
            return invalid;
        }

        var marked = new List<StorefrontActivity>(activities.Count);
        foreach (var group in activities.Where(a => a.IsAttributed).GroupBy(a => (a.CampaignId, a.Kind)))
        {
            if (!StorefrontActivity.IsDistinct(group.Key.Kind))
            {
                marked.AddRange(group);
                continue;
            }

            var firstSeen = await metrics.MarkFirstSeenAsync(batchId, group.Key.CampaignId, group.Key.Kind,
                group.Select(a => a.VisitorId!).Distinct(StringComparer.Ordinal).ToList(), cancellationToken);

            // The same visitor twice in one batch counts once: only their first activity carries the mark.
            var counted = new HashSet<string>(StringComparer.Ordinal);
            marked.AddRange(group.Select(a => a with { FirstForVisitor = firstSeen.Contains(a.VisitorId!) && counted.Add(a.VisitorId!) }));
        }

        var increments = HourlyMetrics.Aggregate(marked).Concat(HourlyMetrics.AggregateStore(activities)).ToList();
        await metrics.AddAsync(batchId, increments, cancellationToken);
        if (HourlyMetrics.UnitsOf(activities) is { Count: > 0 } units)
        {
            await metrics.AddUnitsSoldAsync(batchId, units, cancellationToken);
        }
        return Result<IReadOnlyList<MetricsBucket>>.Success(increments);
    }
}
