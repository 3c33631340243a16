using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Tests.Campaigns.Fakes;

internal sealed class InMemoryCouponDefinitions : ICouponDefinitionLookup
{
    private readonly Dictionary<string, CouponDefinitionSummary> definitions = new(StringComparer.Ordinal);

    public InMemoryCouponDefinitions(params CouponDefinitionSummary[] known)
    {
        foreach (var definition in known)
        {
            definitions[definition.Id] = definition;
        }
    }

    public Task<CouponDefinitionSummary?> FindAsync(string couponDefinitionId, CancellationToken cancellationToken) =>
        Task.FromResult(definitions.GetValueOrDefault(couponDefinitionId));
}

internal sealed class InMemoryBudgetLedger : IBudgetLedger
{
    private readonly Dictionary<string, SpendEntry> entries = new(StringComparer.Ordinal);

    public IReadOnlyCollection<SpendEntry> Entries => entries.Values;

    public Task<bool> RecordAsync(SpendEntry entry, CancellationToken cancellationToken) =>
        Task.FromResult(entries.TryAdd($"{entry.CampaignId}/{entry.EntryId}", entry));

    public Task<SpendSummary> SummarizeAsync(string campaignId, CancellationToken cancellationToken) =>
        Task.FromResult(SpendSummary.FromEntries(entries.Values.Where(e => e.CampaignId == campaignId)));
}

internal sealed class InMemoryIncidentLog : IIncidentLog
{
    private readonly Dictionary<(string, string), CampaignIncident> incidents = [];

    public List<DomainEvent> Outbox { get; } = [];

    public Task<Result<CampaignIncident>> AddAsync(CampaignIncident incident, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken)
    {
        if (!incidents.TryAdd((incident.CampaignId, incident.Id), incident))
        {
            return Task.FromResult<Result<CampaignIncident>>(Problem.Conflict("incident-exists", incident.Id));
        }

        Outbox.AddRange(events);
        return Task.FromResult<Result<CampaignIncident>>(incident);
    }

    public Task<Result<CampaignIncident>> SaveAsync(CampaignIncident incident, long expectedVersion, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken)
    {
        if (!incidents.TryGetValue((incident.CampaignId, incident.Id), out var stored) || stored.Version != expectedVersion)
        {
            return Task.FromResult<Result<CampaignIncident>>(Problem.PreconditionFailed("stale incident"));
        }

        incidents[(incident.CampaignId, incident.Id)] = incident;
        Outbox.AddRange(events);
        return Task.FromResult<Result<CampaignIncident>>(incident);
    }

    public Task<CampaignIncident?> GetAsync(string campaignId, string incidentId, CancellationToken cancellationToken) =>
        Task.FromResult(incidents.GetValueOrDefault((campaignId, incidentId)));

    public Task<IReadOnlyList<CampaignIncident>> ListAsync(string campaignId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CampaignIncident>>(incidents.Values.Where(i => i.CampaignId == campaignId).OrderBy(i => i.OpenedAt).ToList());
}

/// <summary>Every increment kept as its own row (as shards are in storage) and merged on read; idempotent per batch id.</summary>
internal sealed class InMemoryCampaignMetrics : ICampaignMetrics
{
    private readonly List<MetricsBucket> shards = [];
    private readonly HashSet<string> batches = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, StorefrontActivityKind, string), string> markers = [];

    public MetricsCounts? Baseline { get; set; }

    public TimeWindow? BaselineAskedFor { get; private set; }

    public StockOutcome? Stock { get; set; }

    public Task<IReadOnlySet<string>> MarkFirstSeenAsync(string batchId, string campaignId, StorefrontActivityKind kind, IReadOnlyCollection<string> visitorIds, CancellationToken cancellationToken)
    {
        var first = new HashSet<string>(StringComparer.Ordinal);
        foreach (var visitor in visitorIds)
        {
            if (markers.TryAdd((campaignId, kind, visitor), batchId) || markers[(campaignId, kind, visitor)] == batchId)
            {
                first.Add(visitor);
            }
        }

        return Task.FromResult<IReadOnlySet<string>>(first);
    }

    public Task AddAsync(string batchId, IReadOnlyList<MetricsBucket> increments, CancellationToken cancellationToken)
    {
        if (batches.Add(batchId))
        {
            shards.AddRange(increments);
        }

        return Task.CompletedTask;
    }

    public Dictionary<(string CampaignId, string Sku), long> UnitsSold { get; } = [];

    public Task AddUnitsSoldAsync(string batchId, IReadOnlyList<UnitsSold> units, CancellationToken cancellationToken)
    {
        if (batches.Add("units:" + batchId))
        {
            foreach (var u in units)
            {
                UnitsSold[(u.CampaignId, u.Sku)] = UnitsSold.GetValueOrDefault((u.CampaignId, u.Sku)) + u.Units;
            }
        }

        return Task.CompletedTask;
    }

    public void Seed(params MetricsBucket[] buckets) => shards.AddRange(buckets);

    public Task<IReadOnlyList<MetricsBucket>> ReadAsync(string campaignId, CancellationToken cancellationToken) =>
        Task.FromResult(HourlyMetrics.Merge(shards.Where(s => s.Key.CampaignId == campaignId)));

    public Task<MetricsCounts?> ReadBaselineAsync(TimeWindow window, CancellationToken cancellationToken)
    {
        BaselineAskedFor = window;
        return Task.FromResult(Baseline);
    }

    public Task<StockOutcome?> ReadStockOutcomeAsync(string campaignId, CancellationToken cancellationToken) => Task.FromResult(Stock);
}

internal sealed class FixedAudienceSizer(long? eligible) : IAudienceSizer
{
    public Task<long?> CountEligibleAsync(CampaignAudience audience, CancellationToken cancellationToken) => Task.FromResult(eligible);
}
