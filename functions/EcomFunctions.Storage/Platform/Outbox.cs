using System.Net;
using Azure;
using Azure.Data.Tables;
using EcomFunctions.Domain.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EcomFunctions.Storage;

/// <summary>The tables whose partitions may hold outbox rows; each capability adds the tables it writes events into.</summary>
public sealed class OutboxOptions
{
    public HashSet<string> Tables { get; } = new(StringComparer.Ordinal);

    /// <summary>Rows younger than this are left to their dispatch signal; the sweeper only recovers lost signals.</summary>
    public TimeSpan SweepGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// In-app subscribers: event type → queues that receive it (as an <see cref="EventDelivery"/>) after it is
    /// published. This is how one capability reacts to another's events (campaign spend from coupon redemptions)
    /// identically here and in Azure, without an Event Grid subscription back into the app.
    /// </summary>
    public Dictionary<string, HashSet<string>> Subscriptions { get; } = new(StringComparer.Ordinal);
}

/// <summary>Events delivered to an in-app subscriber queue, packed. At least once: consumers dedupe by event id.</summary>
public sealed record EventDelivery(IReadOnlyList<DomainEvent> Events, int Version = 1) : IVersionedMessage;

/// <summary>Names the outbox rows just committed in one table partition: the dispatcher reads exactly these.</summary>
public sealed record OutboxBatch(string Table, string PartitionKey, IReadOnlyList<string> EventIds, int Version = 1) : IVersionedMessage;

/// <summary>
/// Transactional outbox on Table Storage. An event is written as a row in the <em>same table partition and the same
/// batch transaction</em> as the change it describes, so either both are stored or neither is. After the commit a
/// batch message goes to <see cref="QueueNames.OutboxDispatch"/>; if the process dies before that, the sweeper finds
/// the row later. Outbox row keys start with <see cref="RowKeyPrefix"/> — a prefix no business row uses — so one
/// range query per partition finds them.
/// </summary>
public sealed class Outbox(StorageClients storage, IQueueSender queue, ILogger<Outbox> logger)
{
    public const string RowKeyPrefix = "~outbox~";

    // '~' sorts after every character an event id (hex) can contain, so [prefix, prefix + '~') covers all rows.
    private const string RowKeyEnd = RowKeyPrefix + "~";

    public static TableTransactionAction RowFor(string partitionKey, DomainEvent domainEvent)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        var entity = new TableEntity(partitionKey, RowKeyPrefix + domainEvent.Id)
        {
            ["EventType"] = domainEvent.Type,
            ["Subject"] = domainEvent.Subject,
            ["Time"] = domainEvent.Time,
            ["Data"] = domainEvent.DataJson,
        };
        // Upsert, not add: a retried business operation re-emits the same event id; the row may still be there.
        return new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity);
    }

    /// <summary>
    /// Commits <paramref name="changes"/> and the outbox rows for <paramref name="events"/> atomically (one partition,
    /// at most 100 actions in all), then signals the dispatcher. Throws <see cref="TableTransactionFailedException"/>
    /// when the change itself fails (e.g. an ETag conflict) — nothing is stored then.
    /// </summary>
    public async Task CommitAsync(TableClient table, string partitionKey, IReadOnlyCollection<TableTransactionAction> changes, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(events);
        var actions = changes.Concat(events.Select(e => RowFor(partitionKey, e))).ToList();
        if (actions.Count > 100)
        {
            throw new ArgumentException("A table transaction holds at most 100 entities.", nameof(changes));
        }

        if (actions.Count > 0)
        {
            await table.SubmitTransactionAsync(actions, cancellationToken);
        }

        await SignalAsync(table.Name, partitionKey, events.Select(e => e.Id).ToList(), cancellationToken);
    }

    /// <summary>Tells the dispatcher about committed outbox rows. A lost signal is recovered by the sweeper, so failure only logs.</summary>
    public async Task SignalAsync(string table, string partitionKey, IReadOnlyList<string> eventIds, CancellationToken cancellationToken)
    {
        if (eventIds.Count == 0)
        {
            return;
        }

        try
        {
            await queue.SendAsync(QueueNames.OutboxDispatch, new OutboxBatch(table, partitionKey, eventIds), cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (StorageFaults.IsTransient(ex) || ex is TaskCanceledException)
        {
            logger.LogWarning(ex, "Outbox signal for {Table}/{Partition} failed; the sweeper will dispatch {Count} event(s).", table, partitionKey, eventIds.Count);
        }
    }

    /// <summary>Reads the named outbox rows still present (rows already dispatched are gone).</summary>
    public async Task<IReadOnlyList<(DomainEvent Event, ETag ETag)>> ReadAsync(OutboxBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var table = await storage.TableAsync(batch.Table, cancellationToken);
        var rows = new List<(DomainEvent, ETag)>();
        foreach (var id in batch.EventIds.Distinct(StringComparer.Ordinal))
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(batch.PartitionKey, RowKeyPrefix + id, cancellationToken: cancellationToken);
            if (row.HasValue && row.Value is not null)
            {
                rows.Add((ToEvent(row.Value), row.Value.ETag));
            }
        }

        return rows;
    }

    /// <summary>Removes dispatched rows; a row re-written meanwhile (new ETag) stays for its own dispatch.</summary>
    public async Task MarkDispatchedAsync(string tableName, string partitionKey, IEnumerable<(DomainEvent Event, ETag ETag)> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var table = await storage.TableAsync(tableName, cancellationToken);
        foreach (var (domainEvent, etag) in rows)
        {
            try
            {
                await table.DeleteEntityAsync(partitionKey, RowKeyPrefix + domainEvent.Id, etag, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
            {
                // Re-written (will be dispatched again, deduped by id downstream) or already removed by a twin.
            }
        }
    }

    /// <summary>Outbox rows older than <paramref name="olderThan"/> in one table, grouped by partition.</summary>
    public async Task<IReadOnlyList<OutboxBatch>> FindStrandedAsync(string tableName, DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tableName, cancellationToken);
        var byPartition = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"RowKey ge {RowKeyPrefix} and RowKey lt {RowKeyEnd} and Timestamp lt {olderThan}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            if (!byPartition.TryGetValue(row.PartitionKey, out var ids))
            {
                ids = [];
                byPartition[row.PartitionKey] = ids;
            }

            ids.Add(row.RowKey[RowKeyPrefix.Length..]);
        }

        return byPartition.Select(p => new OutboxBatch(tableName, p.Key, p.Value)).ToList();
    }

    private static DomainEvent ToEvent(TableEntity row) =>
        new(row.RowKey[RowKeyPrefix.Length..], row.GetString("EventType") ?? string.Empty, row.GetString("Subject") ?? string.Empty,
            row.GetDateTimeOffset("Time") ?? DateTimeOffset.MinValue, row.GetString("Data") ?? "null");
}

/// <summary>
/// Publishes outbox rows and then removes them. If the process dies after publishing and before removing, the
/// next attempt publishes the same events again with the same ids: subscribers (and the local sink) dedupe by id,
/// so each event takes effect exactly once.
/// </summary>
public sealed class OutboxDispatcher(Outbox outbox, IEventPublisher publisher, IQueueSender queue, IOptions<OutboxOptions> options, TimeProvider time, ILogger<OutboxDispatcher> logger)
{
    // Queue messages are capped at 64 KiB; a few dozen events stay well below it.
    private const int EventsPerDelivery = 25;

    public async Task<int> DispatchAsync(OutboxBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var rows = await outbox.ReadAsync(batch, cancellationToken);
        if (rows.Count == 0)
        {
            return 0;
        }

        var events = rows.Select(r => r.Event).ToList();
        await publisher.PublishAsync(events, cancellationToken);
        await DeliverToSubscribersAsync(events, cancellationToken);
        await outbox.MarkDispatchedAsync(batch.Table, batch.PartitionKey, rows, cancellationToken);
        return rows.Count;
    }

    private async Task DeliverToSubscribersAsync(IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken)
    {
        var subscriptions = options.Value.Subscriptions;
        if (subscriptions.Count == 0)
        {
            return;
        }

        var byQueue = events
            .SelectMany(e => subscriptions.TryGetValue(e.Type, out var queues) ? queues.Select(q => (Queue: q, Event: e)) : [])
            .GroupBy(x => x.Queue, x => x.Event, StringComparer.Ordinal);
        foreach (var group in byQueue)
        {
            foreach (var chunk in group.Chunk(EventsPerDelivery))
            {
                await queue.SendAsync(group.Key, new EventDelivery(chunk), cancellationToken: cancellationToken);
            }
        }
    }

    /// <summary>Dispatches rows whose signal was lost (crash between commit and signal); returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var olderThan = time.GetUtcNow() - options.Value.SweepGrace;
        var dispatched = 0;
        foreach (var table in options.Value.Tables.Order(StringComparer.Ordinal))
        {
            foreach (var batch in await outbox.FindStrandedAsync(table, olderThan, cancellationToken))
            {
                dispatched += await DispatchAsync(batch, cancellationToken);
            }
        }

        if (dispatched > 0)
        {
            logger.LogWarning("Outbox sweep dispatched {Count} stranded event(s).", dispatched);
        }

        return dispatched;
    }
}
