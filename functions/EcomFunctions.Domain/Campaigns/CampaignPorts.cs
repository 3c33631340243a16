using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Campaigns;

// The Campaigns capability's ports. Storage implements them on Azure Tables (phase 2); the contracts below are what
// the application services rely on. All methods are safe to retry.

/// <summary>
/// Campaigns by id. Contract:
/// <list type="bullet">
/// <item><see cref="SaveAsync"/> writes the campaign, its audit entries and its events (the outbox) atomically, and only
/// if the stored version equals <see cref="CampaignChange.ExpectedVersion"/>; otherwise it returns PreconditionFailed
/// (code <c>precondition-failed</c>). ExpectedVersion 0 means "create": an existing id returns Conflict
/// (code <c>campaign-exists</c>). The campaign's <see cref="Campaign.Version"/> is the ETag the API exposes.</item>
/// <item>It also refreshes what <see cref="ICampaignAvailabilitySource"/> and <see cref="ILiveCampaignDirectory"/> read,
/// in the same write, so a pause or kill is visible to them at once.</item>
/// <item>A no-op change (<see cref="CampaignChange.IsNoOp"/>) is never passed in.</item>
/// </list>
/// </summary>
public interface ICampaignRepository
{
    Task<Campaign?> GetAsync(string campaignId, CancellationToken cancellationToken);

    Task<Result<Campaign>> SaveAsync(CampaignChange change, CancellationToken cancellationToken);

    /// <summary>A page of campaigns, newest first; <see cref="CampaignQuery.ContinuationToken"/> is opaque.</summary>
    Task<CampaignPage> ListAsync(CampaignQuery query, CancellationToken cancellationToken);
}

public sealed record CampaignQuery(CampaignState? State = null, int PageSize = 50, string? ContinuationToken = null)
{
    public const int MaxPageSize = 200;
}

public sealed record CampaignPage(IReadOnlyList<Campaign> Items, string? ContinuationToken);

/// <summary>The audit trail written by <see cref="ICampaignRepository.SaveAsync"/>, read back in (version, sequence) order.</summary>
public interface ICampaignAuditTrail
{
    Task<IReadOnlyList<CampaignAuditEntry>> ListAsync(string campaignId, CancellationToken cancellationToken);
}

/// <summary>Another campaign's window and audience, for the overlapping-audience warning.</summary>
public sealed record CampaignCalendarEntry(string CampaignId, string Name, CampaignState State, TimeWindow Window, CampaignAudience Audience);

/// <summary>
/// Campaigns that compete for shoppers in a window. Contract: returns campaigns in PendingApproval, Approved,
/// Scheduled, Live or Paused whose overall window (preheat to end) overlaps <paramref name="window"/>; drafts and
/// stopped campaigns are not competitors. May include the asking campaign (callers skip it).
/// </summary>
public interface ICampaignCalendar
{
    Task<IReadOnlyList<CampaignCalendarEntry>> ListOverlappingAsync(TimeWindow window, CancellationToken cancellationToken);
}

/// <summary>What planning needs to know about a coupon definition (owned by the Coupons capability).</summary>
public sealed record CouponDefinitionSummary(string Id, string? CampaignId, decimal? FaceValue);

/// <summary>Coupon definitions by id. Contract: null for an unknown id (never an exception).</summary>
public interface ICouponDefinitionLookup
{
    Task<CouponDefinitionSummary?> FindAsync(string couponDefinitionId, CancellationToken cancellationToken);
}

/// <summary>
/// Campaign traffic and sales counters. Contract:
/// <list type="bullet">
/// <item><see cref="AddAsync"/> adds increments to hourly buckets; storage spreads a bucket over sharded counter rows
/// (no hot row) and must be idempotent per <paramref name="batchId"/> (a redelivered queue message adds nothing).</item>
/// <item>Increments with campaign id <see cref="HourlyMetrics.StoreScope"/> are the store-wide buckets (every storefront
/// activity, attributed to a campaign or not).</item>
/// <item><see cref="AddUnitsSoldAsync"/> adds units per SKU, idempotent per <paramref name="batchId"/> like <see cref="AddAsync"/>.</item>
/// <item><see cref="ReadAsync"/> returns the campaign's buckets with the shards merged (<see cref="HourlyMetrics.Merge"/>).</item>
/// <item><see cref="ReadBaselineAsync"/> returns store-wide totals (all orders, campaign or not) for a window, or null
/// when the store has no data that far back.</item>
/// <item><see cref="ReadStockOutcomeAsync"/> returns units offered and sold for the campaign's stock-limited mechanics
/// (flash sales), or null when it has none.</item>
/// <item><see cref="MarkFirstSeenAsync"/> records (campaign, kind, visitor) markers — <c>AddEntity</c>, 409 = seen —
/// and returns the visitor ids seen for the first time, so that UV and participants count each person once. A marker
/// stores the batch id that wrote it, and a retry of that same batch gets its visitors back as first seen (otherwise a
/// crash between marking and <see cref="AddAsync"/> would lose them).</item>
/// </list>
/// </summary>
public interface ICampaignMetrics
{
    Task<IReadOnlySet<string>> MarkFirstSeenAsync(string batchId, string campaignId, StorefrontActivityKind kind, IReadOnlyCollection<string> visitorIds, CancellationToken cancellationToken);

    Task AddAsync(string batchId, IReadOnlyList<MetricsBucket> increments, CancellationToken cancellationToken);

    Task AddUnitsSoldAsync(string batchId, IReadOnlyList<UnitsSold> units, CancellationToken cancellationToken);

    Task<IReadOnlyList<MetricsBucket>> ReadAsync(string campaignId, CancellationToken cancellationToken);

    Task<MetricsCounts?> ReadBaselineAsync(TimeWindow window, CancellationToken cancellationToken);

    Task<StockOutcome?> ReadStockOutcomeAsync(string campaignId, CancellationToken cancellationToken);
}

/// <summary>Counts the members of an audience (Members capability), for coverage. Null when unknown.</summary>
public interface IAudienceSizer
{
    Task<long?> CountEligibleAsync(CampaignAudience audience, CancellationToken cancellationToken);
}

/// <summary>
/// The campaign's spend. Contract: <see cref="RecordAsync"/> records an entry once per
/// <see cref="SpendEntry.EntryId"/> (true when recorded now, false when it was already there) and keeps the running
/// totals <see cref="SummarizeAsync"/> returns consistent with the recorded entries.
/// </summary>
public interface IBudgetLedger
{
    Task<bool> RecordAsync(SpendEntry entry, CancellationToken cancellationToken);

    Task<SpendSummary> SummarizeAsync(string campaignId, CancellationToken cancellationToken);
}

/// <summary>
/// Incidents of campaigns. Contract: <see cref="AddAsync"/> returns Conflict (code <c>incident-exists</c>) when the id
/// exists; <see cref="SaveAsync"/> writes only if the stored version is <paramref name="expectedVersion"/> (else
/// PreconditionFailed). Both write the events with the incident (outbox).
/// </summary>
public interface IIncidentLog
{
    Task<Result<CampaignIncident>> AddAsync(CampaignIncident incident, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken);

    Task<Result<CampaignIncident>> SaveAsync(CampaignIncident incident, long expectedVersion, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken);

    Task<CampaignIncident?> GetAsync(string campaignId, string incidentId, CancellationToken cancellationToken);

    Task<IReadOnlyList<CampaignIncident>> ListAsync(string campaignId, CancellationToken cancellationToken);
}

/// <summary>
/// The campaigns storefronts may show offers of (Scheduled, Live, Paused — <see cref="StorefrontOffers"/> filters).
/// Contract: may be cached per campaign version (offer listing is the hottest read), but a pause or kill must reach it
/// within the same bound as <see cref="ICampaignAvailabilitySource"/>.
/// </summary>
public interface ILiveCampaignDirectory
{
    Task<IReadOnlyList<Campaign>> ListActiveAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The kill switch as seen by the coupon claim and redemption paths. Contract: a pause or kill saved through
/// <see cref="ICampaignRepository.SaveAsync"/> is reflected within 1 second. Storage meets it by writing a small
/// availability row (state, version, paused mechanics) in the same batch as the campaign and either point-reading it on
/// each claim (a few ms on Tables) or caching it for at most 1 s; a cache must not outlive that bound, and the claim's
/// own conditional write should re-check the version where it can. Results come from <see cref="CampaignAvailability.Of"/>.
/// Null for an unknown campaign.
/// </summary>
public interface ICampaignAvailabilitySource
{
    Task<CampaignAvailability?> GetAsync(string campaignId, CancellationToken cancellationToken);
}
