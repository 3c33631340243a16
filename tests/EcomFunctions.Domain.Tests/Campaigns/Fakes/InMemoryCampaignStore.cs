using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Tests.Campaigns.Fakes;

/// <summary>
/// Campaigns, their audit trail and outbox in memory, with the storage contract of <see cref="ICampaignRepository"/>:
/// version-checked saves, create-only-once, and the read models (calendar, directory, availability) updated with the save.
/// </summary>
internal sealed class InMemoryCampaignStore : ICampaignRepository, ICampaignAuditTrail, ICampaignCalendar, ILiveCampaignDirectory, ICampaignAvailabilitySource
{
    private readonly Dictionary<string, Campaign> campaigns = new(StringComparer.Ordinal);
    private readonly List<CampaignAuditEntry> audit = [];
    private readonly List<DomainEvent> outbox = [];
    private readonly object gate = new();

    public IReadOnlyList<DomainEvent> Outbox
    {
        get
        {
            lock (gate)
            {
                return [.. outbox];
            }
        }
    }

    public int Saves { get; private set; }

    /// <summary>Called before a save is checked: lets a test slip in a concurrent write.</summary>
    public Action<CampaignChange>? BeforeSave { get; set; }

    public Task<Campaign?> GetAsync(string campaignId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(campaigns.GetValueOrDefault(campaignId));
        }
    }

    public Task<Result<Campaign>> SaveAsync(CampaignChange change, CancellationToken cancellationToken)
    {
        BeforeSave?.Invoke(change);
        lock (gate)
        {
            var stored = campaigns.GetValueOrDefault(change.Campaign.Id);
            if (change.ExpectedVersion == 0 && stored is not null)
            {
                return Task.FromResult<Result<Campaign>>(Problem.Conflict("campaign-exists", $"Campaign '{change.Campaign.Id}' exists."));
            }

            if (change.ExpectedVersion != 0 && (stored is null || stored.Version != change.ExpectedVersion))
            {
                return Task.FromResult<Result<Campaign>>(Problem.PreconditionFailed("stale version"));
            }

            campaigns[change.Campaign.Id] = change.Campaign;
            audit.AddRange(change.Audit);
            outbox.AddRange(change.Events);
            Saves++;
            return Task.FromResult<Result<Campaign>>(change.Campaign);
        }
    }

    /// <summary>Writes a campaign behind the domain's back (a concurrent writer).</summary>
    public void Put(Campaign campaign)
    {
        lock (gate)
        {
            campaigns[campaign.Id] = campaign;
        }
    }

    public Task<CampaignPage> ListAsync(CampaignQuery query, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var all = campaigns.Values
                .Where(c => query.State is null || c.State == query.State)
                .OrderByDescending(c => c.CreatedAt)
                .ThenBy(c => c.Id, StringComparer.Ordinal)
                .ToList();
            var skip = query.ContinuationToken is null ? 0 : int.Parse(query.ContinuationToken, System.Globalization.CultureInfo.InvariantCulture);
            var page = all.Skip(skip).Take(query.PageSize).ToList();
            var next = skip + page.Count < all.Count ? (skip + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            return Task.FromResult(new CampaignPage(page, next));
        }
    }

    public Task<IReadOnlyList<CampaignAuditEntry>> ListAsync(string campaignId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<CampaignAuditEntry>>(audit
                .Where(a => a.CampaignId == campaignId)
                .OrderBy(a => a.Version)
                .ThenBy(a => a.Sequence)
                .ToList());
        }
    }

    public Task<IReadOnlyList<CampaignCalendarEntry>> ListOverlappingAsync(TimeWindow window, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<CampaignCalendarEntry>>(campaigns.Values
                .Where(c => c.State is CampaignState.PendingApproval or CampaignState.Approved or CampaignState.Scheduled or CampaignState.Live or CampaignState.Paused)
                .Where(c => c.Plan.Schedule.Overall.Overlaps(window))
                .Select(c => new CampaignCalendarEntry(c.Id, c.Plan.Name, c.State, c.Plan.Schedule.Overall, c.Plan.Audience))
                .ToList());
        }
    }

    public Task<IReadOnlyList<Campaign>> ListActiveAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<Campaign>>(campaigns.Values
                .Where(c => c.State is CampaignState.Scheduled or CampaignState.Live or CampaignState.Paused)
                .ToList());
        }
    }

    Task<CampaignAvailability?> ICampaignAvailabilitySource.GetAsync(string campaignId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(campaigns.TryGetValue(campaignId, out var c) ? CampaignAvailability.Of(c) : null);
        }
    }
}
