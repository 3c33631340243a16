using System.Net;
using Azure;
using Azure.Data.Tables;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using DefinitionPage = EcomFunctions.Domain.Coupons.Page<EcomFunctions.Domain.Coupons.CouponDefinition>;

namespace EcomFunctions.Storage.Coupons;

/// <summary>
/// Coupon definitions in table <see cref="TableNames.CouponDefinitions"/>.
/// <para>Partition key = definition id, row key = "definition": every read on the claim path is a point read, and the
/// CouponDefinitionClosed outbox row shares the definition's partition so it commits in the same transaction as the
/// state change. Columns State and CampaignId are kept outside the JSON document so that listings by state and the
/// campaign-end lookup filter on the server (a full scan of a small operator table; definitions number in the
/// thousands, not millions).</para>
/// <para>The ETag is the definition's version (If-Match in the API). <see cref="GetCachedAsync"/> serves claims from a
/// per-process cache of <see cref="CouponOptions.DefinitionCacheDuration"/> that coalesces concurrent misses, so a
/// flash sale opening costs one read per process; this process's own writes refresh the cache at once.</para>
/// </summary>
public sealed class TableCouponDefinitionStore : ICouponDefinitionStore
{
    private const string RowKey = "definition";
    private readonly StorageClients storage;
    private readonly Outbox outbox;
    private readonly string tableName;
    private readonly RecentValues<Versioned<CouponDefinition>?> cache;

    public TableCouponDefinitionStore(StorageClients storage, Outbox outbox, CouponOptions options, TimeProvider time, CouponTableSet? tables = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.storage = storage;
        this.outbox = outbox;
        tableName = (tables ?? CouponTableSet.Default).Definitions;
        cache = new RecentValues<Versioned<CouponDefinition>?>(options.DefinitionCacheDuration, time);
    }

    public async Task<Versioned<CouponDefinition>?> GetAsync(string definitionId, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(definitionId))
        {
            return null;
        }

        var table = await storage.TableAsync(tableName, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(definitionId, RowKey, cancellationToken: cancellationToken);
        var found = row.HasValue && row.Value is { } entity ? ToVersioned(entity) : null;
        cache.Set(definitionId, found);
        return found;
    }

    public Task<Versioned<CouponDefinition>?> GetCachedAsync(string definitionId, CancellationToken cancellationToken) =>
        TableKeys.IsValid(definitionId)
            ? cache.GetAsync(definitionId, () => GetAsync(definitionId, CancellationToken.None))
            : Task.FromResult<Versioned<CouponDefinition>?>(null);

    public async Task<string?> TryAddAsync(CouponDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var table = await storage.TableAsync(tableName, cancellationToken);
        try
        {
            var response = await table.AddEntityAsync(ToEntity(definition), cancellationToken);
            var version = response.Headers.ETag?.ToString() ?? throw new InvalidOperationException("Table storage returned no ETag.");
            cache.Set(definition.Id, new Versioned<CouponDefinition>(definition, version));
            return version;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            return null;
        }
    }

    public async Task<string?> TryReplaceAsync(CouponDefinition definition, string expectedVersion, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(events);
        var table = await storage.TableAsync(tableName, cancellationToken);
        var replace = new TableTransactionAction(TableTransactionActionType.UpdateReplace, ToEntity(definition), new ETag(expectedVersion));
        try
        {
            var response = await table.SubmitTransactionAsync([replace, .. events.Select(e => Outbox.RowFor(definition.Id, e))], cancellationToken);
            var version = response.Value[0].Headers.ETag?.ToString() ?? throw new InvalidOperationException("Table storage returned no ETag.");
            cache.Set(definition.Id, new Versioned<CouponDefinition>(definition, version));
            await outbox.SignalAsync(tableName, definition.Id, events.Select(e => e.Id).ToList(), cancellationToken);
            return version;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            // Somebody else changed it: our cached copy is stale too.
            cache.Forget(definition.Id);
            return null;
        }
    }

    public async Task<DefinitionPage> ListAsync(CouponDefinitionState? state, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tableName, cancellationToken);
        var filter = state is { } s
            ? TableClient.CreateQueryFilter($"RowKey eq {RowKey} and State eq {s.ToString()}")
            : TableClient.CreateQueryFilter($"RowKey eq {RowKey}");
        try
        {
            await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: pageSize, cancellationToken: cancellationToken).AsPages(continuationToken, pageSize))
            {
                return new DefinitionPage([.. page.Values.Select(e => ToVersioned(e).Value)], page.ContinuationToken);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.BadRequest && continuationToken is not null)
        {
            // A forged or corrupted continuation token: an empty page rather than a server error.
        }

        return new DefinitionPage([], null);
    }

    public async Task<IReadOnlyList<CouponDefinition>> ListByCampaignAsync(string campaignId, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(campaignId))
        {
            return [];
        }

        var table = await storage.TableAsync(tableName, cancellationToken);
        var found = new List<CouponDefinition>();
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {RowKey} and CampaignId eq {campaignId}"), cancellationToken: cancellationToken))
        {
            found.Add(ToVersioned(entity).Value);
        }

        return [.. found.OrderBy(d => d.Id, StringComparer.Ordinal)];
    }

    private static TableEntity ToEntity(CouponDefinition definition) => new(definition.Id, RowKey)
    {
        ["State"] = definition.State.ToString(),
        ["CampaignId"] = definition.CampaignId,
        ["Data"] = CouponColumns.Json(DefinitionRecord.From(definition)),
    };

    private static Versioned<CouponDefinition> ToVersioned(TableEntity entity) =>
        new(CouponColumns.FromJson<DefinitionRecord>(entity.GetString("Data")).ToDefinition(entity.PartitionKey), entity.ETag.ToString());
}
