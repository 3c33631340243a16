using System.Collections.Concurrent;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using EcomFunctions.Domain.Campaigns;

namespace EcomFunctions.Storage.Campaigns;

/// <summary>One campaign as the directory lists it (enough to filter and sort without reading the aggregate).</summary>
public sealed record CampaignIndexEntry(
    string CampaignId,
    string Name,
    CampaignState State,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset PreheatStart,
    DateTimeOffset Start,
    DateTimeOffset End,
    CampaignAudience Audience);

/// <summary>
/// The campaign directory: table <see cref="CampaignTables.Directory"/>, one partition (<see cref="Partition"/>) with one
/// row per campaign (RK = campaign id) holding its state, version, window and audience. A single partition because its
/// readers want all campaigns at once (operator list, calendar overlap check, storefront offers, orchestration repair)
/// and its write rate is that of campaign state changes — operators' actions and a few orchestration steps per
/// campaign, far below a partition's limit. Rows are written after the campaign's own transaction and only when they
/// carry a newer version, so a late or retried writer never moves an entry backwards; the aggregate stays the truth
/// and readers that need it (offers, list) read it by id.
/// </summary>
public sealed class CampaignDirectory(StorageClients storage, CampaignTables tables) : ICampaignCalendar
{
    public const string Partition = "campaigns";

    private static readonly CampaignState[] Competing =
        [CampaignState.PendingApproval, CampaignState.Approved, CampaignState.Scheduled, CampaignState.Live, CampaignState.Paused];

    /// <summary>Writes the entry unless the directory already holds this or a later version of the campaign.</summary>
    public async Task<bool> UpsertAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var table = await storage.TableAsync(tables.Directory, cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            var stored = await table.GetEntityIfExistsAsync<TableEntity>(Partition, campaign.Id, ["Version"], cancellationToken);
            var entity = ToEntity(campaign);
            try
            {
                if (stored.HasValue && stored.Value is { } row)
                {
                    if ((row.GetInt64("Version") ?? 0) >= campaign.Version)
                    {
                        return false;
                    }

                    await table.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await table.AddEntityAsync(entity, cancellationToken);
                }

                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 10)
            {
                // A concurrent writer: compare versions again.
            }
        }
    }

    /// <summary>Entries in the given states (all when null).</summary>
    public async Task<IReadOnlyList<CampaignIndexEntry>> ListAsync(IReadOnlyCollection<CampaignState>? states, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tables.Directory, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        if (states is { Count: > 0 })
        {
            filter += " and (" + string.Join(" or ", states.Select(s => TableClient.CreateQueryFilter($"State eq {s.ToString()}"))) + ")";
        }

        var entries = new List<CampaignIndexEntry>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            entries.Add(FromEntity(row));
        }

        return entries;
    }

    public async Task<IReadOnlyList<CampaignCalendarEntry>> ListOverlappingAsync(TimeWindow window, CancellationToken cancellationToken)
    {
        var entries = await ListAsync(Competing, cancellationToken);
        return entries
            .Where(e => new TimeWindow(e.PreheatStart, e.End).Overlaps(window))
            .Select(e => new CampaignCalendarEntry(e.CampaignId, e.Name, e.State, new TimeWindow(e.PreheatStart, e.End), e.Audience))
            .ToList();
    }

    private static TableEntity ToEntity(Campaign campaign)
    {
        var schedule = campaign.Plan.Schedule;
        return new TableEntity(Partition, campaign.Id)
        {
            ["Name"] = campaign.Plan.Name,
            ["State"] = campaign.State.ToString(),
            ["Version"] = campaign.Version,
            ["CreatedAt"] = campaign.CreatedAt,
            ["PreheatStart"] = schedule.PreheatOrStart,
            ["Start"] = schedule.Start,
            ["End"] = schedule.End,
            ["Audience"] = JsonSerializer.Serialize(campaign.Plan.Audience, CampaignJson.Options),
        };
    }

    private static CampaignIndexEntry FromEntity(TableEntity row) => new(
        row.RowKey,
        row.GetString("Name") ?? "",
        Enum.TryParse<CampaignState>(row.GetString("State"), out var state) ? state : CampaignState.Draft,
        row.GetInt64("Version") ?? 0,
        row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset("PreheatStart") ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset("Start") ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset("End") ?? DateTimeOffset.MinValue,
        JsonSerializer.Deserialize<CampaignAudience>(row.GetString("Audience") ?? "{}", CampaignJson.Options) ?? CampaignAudience.Everyone);
}

/// <summary>
/// Everything other readers see of a campaign besides its own row: the directory entry and the liveness the coupon
/// paths read (<see cref="CampaignStatusDirectory"/>). Both writes are conditional on the campaign version, so calling
/// this again — after every orchestration step, or on a retried request that found its change already made — repairs
/// a write that failed after the campaign itself was saved, and never undoes a newer change.
/// </summary>
public sealed class CampaignPublication(CampaignDirectory directory, CampaignStatusDirectory status)
{
    public async Task SyncAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);

        // Liveness first: it is the kill switch, the directory only feeds listings.
        await status.PublishAsync(campaign.Id, CampaignLivenessPolicy.Of(campaign), campaign.Version, cancellationToken);
        await directory.UpsertAsync(campaign, cancellationToken);
    }
}

/// <summary>Settings of the storefront's view of live campaigns.</summary>
public sealed class LiveCampaignDirectoryOptions
{
    /// <summary>
    /// How stale the list of active campaigns may be. A pause or kill must reach the offer listing within the same 1 s
    /// bound as the claim path (DESIGN §5), so this stays at or below one second.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// The campaigns storefronts may show offers of (<see cref="ILiveCampaignDirectory"/>), served from memory: the
/// directory's active entries (ids and versions, one small partition query) are re-read at most every
/// <see cref="LiveCampaignDirectoryOptions.RefreshInterval"/>, and each campaign is read by id only when its version
/// changes — the offer listing is cached per campaign version.
/// </summary>
public sealed class LiveCampaignDirectory(CampaignDirectory directory, ICampaignRepository campaigns, LiveCampaignDirectoryOptions options, TimeProvider time)
    : ILiveCampaignDirectory, IDisposable
{
    private static readonly CampaignState[] Active = [CampaignState.Scheduled, CampaignState.Live, CampaignState.Paused];

    private readonly ConcurrentDictionary<string, Campaign> documents = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim refresh = new(1, 1);
    private IReadOnlyList<Campaign> current = [];
    private DateTimeOffset refreshedAt = DateTimeOffset.MinValue;

    public async Task<IReadOnlyList<Campaign>> ListActiveAsync(CancellationToken cancellationToken)
    {
        if (time.GetUtcNow() - refreshedAt < options.RefreshInterval)
        {
            return current;
        }

        await refresh.WaitAsync(cancellationToken);
        try
        {
            // Another caller may have refreshed while this one waited.
            if (time.GetUtcNow() - refreshedAt < options.RefreshInterval)
            {
                return current;
            }

            var startedAt = time.GetUtcNow();
            var entries = await directory.ListAsync(Active, cancellationToken);
            var stale = entries.Where(e => !documents.TryGetValue(e.CampaignId, out var cached) || cached.Version < e.Version).ToList();
            var fetched = await Task.WhenAll(stale.Select(e => campaigns.GetAsync(e.CampaignId, cancellationToken)));
            foreach (var campaign in fetched.OfType<Campaign>())
            {
                documents[campaign.Id] = campaign;
            }

            var ids = entries.Select(e => e.CampaignId).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in documents.Keys.Where(id => !ids.Contains(id)).ToList())
            {
                documents.TryRemove(gone, out _);
            }

            current = documents.Values.Where(c => Active.Contains(c.State)).OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
            refreshedAt = startedAt;
            return current;
        }
        finally
        {
            refresh.Release();
        }
    }

    public void Dispose() => refresh.Dispose();
}
