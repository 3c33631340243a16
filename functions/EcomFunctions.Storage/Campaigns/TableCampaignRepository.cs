using System.Globalization;
using System.Net;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Storage.Campaigns;

/// <summary>
/// Campaigns on Table Storage: table <see cref="CampaignTables.Campaigns"/>, <b>partition key = campaign id</b>, so that
/// a campaign, its availability row, its audit trail and its outbox rows share one partition and every change is one
/// entity-group transaction:
/// <list type="bullet">
/// <item><c>campaign</c> — the aggregate as JSON (<see cref="CampaignJson"/>, split over Doc, Doc1 … when large) with
/// its Version; replaced only with the ETag read for the expected version (optimistic concurrency), added for a
/// create (409 = the id exists).</item>
/// <item><c>availability</c> — <see cref="CampaignAvailability"/> for the claim path, rewritten in the same transaction.</item>
/// <item><c>audit|{version:D19}|{sequence:D4}</c> — one row per audit entry, added (never replaced), so the trail
/// reads back in order with one range query.</item>
/// <item><c>~outbox~{event id}</c> — the events of the change (<see cref="Outbox"/>), dispatched after the commit.</item>
/// </list>
/// After the commit the directory entry and the coupon paths' liveness are published (<see cref="CampaignPublication"/>).
/// </summary>
public sealed class TableCampaignRepository(StorageClients storage, Outbox outbox, CampaignPublication publication, CampaignDirectory directory, CampaignTables tables, TimeProvider time)
    : ICampaignRepository, ICampaignAuditTrail, ICampaignAvailabilitySource
{
    public const string CampaignRow = "campaign";
    public const string AvailabilityRow = "availability";
    private const string AuditPrefix = "audit|";

    /// <summary>The availability row is read on every claim; this bounds how stale a cached one may be (DESIGN §5: 1 s).</summary>
    private static readonly TimeSpan AvailabilityCacheFor = TimeSpan.FromMilliseconds(500);
    private readonly TimedCache<string, CampaignAvailability?> availabilityCache = new(AvailabilityCacheFor, time);

    public async Task<Campaign?> GetAsync(string campaignId, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(campaignId))
        {
            return null;
        }

        var table = await storage.TableAsync(tables.Campaigns, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(campaignId, CampaignRow, cancellationToken: cancellationToken);
        return row.HasValue && row.Value is { } entity ? CampaignEntities.ReadDocument<Campaign>(entity, CampaignJson.Options) : null;
    }

    public async Task<Result<Campaign>> SaveAsync(CampaignChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var campaign = change.Campaign;
        var table = await storage.TableAsync(tables.Campaigns, cancellationToken);
        var stored = await table.GetEntityIfExistsAsync<TableEntity>(campaign.Id, CampaignRow, ["Version"], cancellationToken);
        var actions = new List<TableTransactionAction>();
        var entity = new TableEntity(campaign.Id, CampaignRow)
        {
            ["Version"] = campaign.Version,
            ["State"] = campaign.State.ToString(),
            ["UpdatedAt"] = campaign.UpdatedAt,
        };
        CampaignEntities.WriteDocument(entity, JsonSerializer.Serialize(campaign, CampaignJson.Options));
        if (change.ExpectedVersion == 0)
        {
            if (stored.HasValue)
            {
                await ResyncAsync(campaign.Id, cancellationToken);
                return Problem.Conflict("campaign-exists", $"Campaign '{campaign.Id}' exists.");
            }

            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, entity));
        }
        else
        {
            if (!stored.HasValue || stored.Value is not { } row)
            {
                return Problem.NotFound($"Campaign '{campaign.Id}'.");
            }

            var storedVersion = row.GetInt64("Version") ?? 0;
            if (storedVersion != change.ExpectedVersion)
            {
                return Problem.PreconditionFailed($"Campaign '{campaign.Id}' is at version {storedVersion}, not {change.ExpectedVersion}.");
            }

            actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, row.ETag));
        }

        var availability = new TableEntity(campaign.Id, AvailabilityRow)
        {
            ["Version"] = campaign.Version,
            ["Availability"] = JsonSerializer.Serialize(CampaignAvailability.Of(campaign), CampaignJson.Options),
        };
        actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, availability));
        actions.AddRange(change.Audit.Select(a => new TableTransactionAction(TableTransactionActionType.Add, ToEntity(a))));

        try
        {
            await outbox.CommitAsync(table, campaign.Id, actions, change.Events, cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
        {
            // Someone saved in between (ETag changed, or the create lost a race): nothing of this change was stored.
            await ResyncAsync(campaign.Id, cancellationToken);
            return change.ExpectedVersion == 0
                ? Problem.Conflict("campaign-exists", $"Campaign '{campaign.Id}' exists.")
                : Problem.PreconditionFailed($"Campaign '{campaign.Id}' changed since version {change.ExpectedVersion}.");
        }

        availabilityCache.Set(campaign.Id, CampaignAvailability.Of(campaign));
        await publication.SyncAsync(campaign, cancellationToken);
        return campaign;
    }

    /// <summary>
    /// Newest first, from the directory; each page's campaigns are read by id (the aggregate is the truth: an entry
    /// whose campaign has meanwhile left the requested state is skipped). The continuation token is the position after
    /// the page's last entry (created-at ticks and id), so pages stay stable while campaigns are added.
    /// </summary>
    public async Task<CampaignPage> ListAsync(CampaignQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var entries = await directory.ListAsync(query.State is { } state ? [state] : null, cancellationToken);
        var ordered = entries.OrderByDescending(e => e.CreatedAt).ThenBy(e => e.CampaignId, StringComparer.Ordinal).ToList();
        if (Cursor.TryParse(query.ContinuationToken, out var after))
        {
            ordered = ordered.SkipWhile(e => !after.IsBefore(e)).ToList();
        }

        var page = ordered.Take(query.PageSize).ToList();
        var loaded = await Task.WhenAll(page.Select(e => GetAsync(e.CampaignId, cancellationToken)));
        var items = loaded.OfType<Campaign>().Where(c => query.State is null || c.State == query.State).ToList();
        var next = ordered.Count > page.Count ? new Cursor(page[^1].CreatedAt.UtcTicks, page[^1].CampaignId).ToString() : null;
        return new CampaignPage(items, next);
    }

    async Task<IReadOnlyList<CampaignAuditEntry>> ICampaignAuditTrail.ListAsync(string campaignId, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(campaignId))
        {
            return [];
        }

        var table = await storage.TableAsync(tables.Campaigns, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {campaignId} and RowKey ge {AuditPrefix} and RowKey lt {AuditPrefix + "~"}");
        var entries = new List<CampaignAuditEntry>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            entries.Add(new CampaignAuditEntry(
                campaignId,
                row.GetInt64("Version") ?? 0,
                row.GetInt32("Sequence") ?? 0,
                row.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue,
                row.GetString("Actor") ?? "",
                Enum.Parse<CampaignAction>(row.GetString("Action") ?? nameof(CampaignAction.Update)),
                Enum.Parse<CampaignState>(row.GetString("From") ?? nameof(CampaignState.Draft)),
                Enum.Parse<CampaignState>(row.GetString("To") ?? nameof(CampaignState.Draft)),
                row.GetString("Comment")));
        }

        return entries;
    }

    /// <summary>Point read of the availability row, cached for at most 0.5 s per process.</summary>
    async Task<CampaignAvailability?> ICampaignAvailabilitySource.GetAsync(string campaignId, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(campaignId))
        {
            return null;
        }

        if (availabilityCache.TryGet(campaignId, out var cached))
        {
            return cached;
        }

        var table = await storage.TableAsync(tables.Campaigns, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(campaignId, AvailabilityRow, cancellationToken: cancellationToken);
        var availability = row.HasValue && row.Value is { } entity
            ? JsonSerializer.Deserialize<CampaignAvailability>(entity.GetString("Availability") ?? "null", CampaignJson.Options)
            : null;
        availabilityCache.Set(campaignId, availability);
        return availability;
    }

    /// <summary>Publishes the stored campaign again (after a lost race, or for a request retried after its change was saved).</summary>
    public async Task ResyncAsync(string campaignId, CancellationToken cancellationToken)
    {
        if (await GetAsync(campaignId, cancellationToken) is { } current)
        {
            await publication.SyncAsync(current, cancellationToken);
        }
    }

    private static TableEntity ToEntity(CampaignAuditEntry entry) =>
        new(entry.CampaignId, string.Create(CultureInfo.InvariantCulture, $"{AuditPrefix}{entry.Version:D19}|{entry.Sequence:D4}"))
        {
            ["Version"] = entry.Version,
            ["Sequence"] = entry.Sequence,
            ["At"] = entry.At,
            ["Actor"] = entry.Actor,
            ["Action"] = entry.Action.ToString(),
            ["From"] = entry.From.ToString(),
            ["To"] = entry.To.ToString(),
            ["Comment"] = entry.Comment is { Length: > 30_000 } text ? text[..30_000] : entry.Comment,
        };

    /// <summary>A position in the newest-first listing.</summary>
    private readonly record struct Cursor(long CreatedTicks, string CampaignId)
    {
        /// <summary>Whether <paramref name="entry"/> comes after this position in newest-first order.</summary>
        public bool IsBefore(CampaignIndexEntry entry) =>
            entry.CreatedAt.UtcTicks < CreatedTicks ||
            (entry.CreatedAt.UtcTicks == CreatedTicks && string.CompareOrdinal(entry.CampaignId, CampaignId) > 0);

        public override string ToString() =>
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{CreatedTicks}|{CampaignId}")));

        public static bool TryParse(string? token, out Cursor cursor)
        {
            cursor = default;
            if (string.IsNullOrEmpty(token))
            {
                return false;
            }

            try
            {
                var parts = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('|', 2);
                if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks))
                {
                    cursor = new Cursor(ticks, parts[1]);
                    return true;
                }
            }
            catch (FormatException)
            {
                // Not a token we issued: start from the beginning.
            }

            return false;
        }
    }
}
