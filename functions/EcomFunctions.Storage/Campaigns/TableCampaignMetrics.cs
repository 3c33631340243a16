using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using EcomFunctions.Domain.Campaigns;

namespace EcomFunctions.Storage.Campaigns;

/// <summary>Settings of the metrics counters.</summary>
public sealed class CampaignMetricsOptions
{
    /// <summary>
    /// Counter rows per hourly bucket. Each ingestion batch writes one shard of each bucket it touches with an ETag;
    /// concurrent batches that picked the same shard retry on another, so more shards mean fewer retries under load.
    /// </summary>
    public int Shards { get; set; } = 8;

    /// <summary>Parallel "first seen" inserts per batch.</summary>
    public int MarkerParallelism { get; set; } = 16;
}

/// <summary>
/// Campaign traffic and sales counters on Table Storage (<see cref="ICampaignMetrics"/>).
/// <para><b>Counters</b> — table <see cref="CampaignTables.Metrics"/>, <b>partition key = campaign id</b> (the
/// store-wide buckets use <see cref="HourlyMetrics.StoreScope"/>), so a report reads one partition and a batch's
/// increments for one campaign commit in one transaction. Row key <c>{yyyyMMddHH}|{channel}|{variant}|{shard}</c>: a
/// bucket (UTC hour × channel × variant) is spread over <see cref="CampaignMetricsOptions.Shards"/> rows, each batch
/// picks one shard at random and replaces it with its ETag — concurrent batches never fight over one hot row, and a
/// lost race (412) just retries on another shard. The transaction also adds a receipt row
/// <c>~batch|{batch id}|{chunk}</c>: a redelivered batch fails on that insert (409) and adds nothing.</para>
/// <para><b>First-seen markers</b> — table <see cref="CampaignTables.Visitors"/>, <b>partition key =
/// {campaign id}|{kind}</b>, row key = hash of the visitor id. <c>AddEntity</c> succeeds only for a visitor's first
/// activity of that kind in the campaign (409 = seen before); the marker keeps the batch id, so a retried batch gets
/// its own first-timers back.</para>
/// </summary>
public sealed class TableCampaignMetrics(StorageClients storage, ICampaignRepository campaigns, CampaignMetricsOptions options, CampaignTables tables) : ICampaignMetrics
{
    private const string ReceiptPrefix = "~batch|";
    private const string UnitsPrefix = "units|";

    // One receipt row plus at most 99 counters: a transaction holds at most 100 entities.
    private const int BucketsPerTransaction = 99;
    private const int MaxAttempts = 30;

    public async Task<IReadOnlySet<string>> MarkFirstSeenAsync(
        string batchId, string campaignId, StorefrontActivityKind kind, IReadOnlyCollection<string> visitorIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(visitorIds);
        var table = await storage.TableAsync(tables.Visitors, cancellationToken);
        var partition = $"{campaignId}|{kind}";
        var first = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(visitorIds.Distinct(StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MarkerParallelism), CancellationToken = cancellationToken },
            async (visitor, ct) =>
            {
                var key = CampaignEntities.HashKey(visitor);
                try
                {
                    await table.AddEntityAsync(new TableEntity(partition, key) { ["BatchId"] = batchId }, ct);
                    first.Add(visitor);
                }
                catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
                {
                    var marker = await table.GetEntityIfExistsAsync<TableEntity>(partition, key, ["BatchId"], ct);
                    if (marker.HasValue && marker.Value?.GetString("BatchId") == batchId)
                    {
                        first.Add(visitor);
                    }
                }
            });
        return first.ToHashSet(StringComparer.Ordinal);
    }

    public async Task AddAsync(string batchId, IReadOnlyList<MetricsBucket> increments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(increments);
        var table = await storage.TableAsync(tables.Metrics, cancellationToken);
        foreach (var partition in increments.GroupBy(b => b.Key.CampaignId, StringComparer.Ordinal))
        {
            var chunks = HourlyMetrics.Merge(partition).Select(BucketCounter).Chunk(BucketsPerTransaction).ToList();
            for (var i = 0; i < chunks.Count; i++)
            {
                await AddChunkAsync(table, partition.Key, $"{ReceiptPrefix}{CampaignEntities.SafeKey(batchId)}|{i.ToString(CultureInfo.InvariantCulture)}", chunks[i], cancellationToken);
            }
        }
    }

    public async Task<IReadOnlyList<MetricsBucket>> ReadAsync(string campaignId, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(campaignId))
        {
            return [];
        }

        return HourlyMetrics.Merge(await ReadRowsAsync(campaignId, null, null, cancellationToken));
    }

    /// <summary>
    /// Store-wide totals of the whole UTC hours inside the window (buckets are hourly; partial hours at the edges are
    /// left out rather than guessed). Null when no whole hour fits, or when the store's first recorded hour is later
    /// than the window's first hour (no data that far back).
    /// </summary>
    public async Task<MetricsCounts?> ReadBaselineAsync(TimeWindow window, CancellationToken cancellationToken)
    {
        var from = HourlyMetrics.HourOf(window.Start);
        if (from < window.Start)
        {
            from = from.AddHours(1);
        }

        var to = HourlyMetrics.HourOf(window.End);
        if (from >= to)
        {
            return null;
        }

        var table = await storage.TableAsync(tables.Metrics, cancellationToken);
        var earliestFilter = TableClient.CreateQueryFilter($"PartitionKey eq {HourlyMetrics.StoreScope} and RowKey lt {"~"}");
        TableEntity? earliest = null;
        await foreach (var row in table.QueryAsync<TableEntity>(earliestFilter, maxPerPage: 1, select: ["Hour"], cancellationToken: cancellationToken))
        {
            earliest = row;
            break;
        }

        if (earliest?.GetDateTimeOffset("Hour") is not { } first || first > from)
        {
            return null;
        }

        return HourlyMetrics.Total(await ReadRowsAsync(HourlyMetrics.StoreScope, HourKey(from), HourKey(to), cancellationToken));
    }

    /// <summary>
    /// Flash-sale stock offered and sold: offered is the plan's stock of every flash sale, sold the units of those SKUs
    /// in orders attributed to the campaign (capped at each sale's stock). Null when the campaign has no flash sale.
    /// </summary>
    public async Task<StockOutcome?> ReadStockOutcomeAsync(string campaignId, CancellationToken cancellationToken)
    {
        var campaign = await campaigns.GetAsync(campaignId, cancellationToken);
        var sales = campaign?.Plan.Mechanics.OfType<FlashSaleMechanic>().ToList() ?? [];
        if (sales.Count == 0)
        {
            return null;
        }

        var table = await storage.TableAsync(tables.Metrics, cancellationToken);
        var sold = new Dictionary<string, long>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {campaignId} and RowKey ge {UnitsPrefix} and RowKey lt {UnitsPrefix + "~"}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["Sku", "Units"], cancellationToken: cancellationToken))
        {
            var sku = row.GetString("Sku") ?? "";
            sold[sku] = sold.GetValueOrDefault(sku) + (row.GetInt64("Units") ?? 0);
        }

        return new StockOutcome(
            sales.Sum(s => (long)s.Stock),
            sales.GroupBy(s => s.Sku, StringComparer.Ordinal).Sum(g => Math.Min(g.Sum(s => (long)s.Stock), sold.GetValueOrDefault(g.Key))));
    }

    public async Task AddUnitsSoldAsync(string batchId, IReadOnlyList<UnitsSold> units, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(units);
        var table = await storage.TableAsync(tables.Metrics, cancellationToken);
        foreach (var partition in units.GroupBy(u => u.CampaignId, StringComparer.Ordinal))
        {
            var chunks = partition
                .GroupBy(u => u.Sku, StringComparer.Ordinal)
                .Select(g => UnitsCounter(g.Key, g.Sum(u => u.Units)))
                .Chunk(BucketsPerTransaction)
                .ToList();
            for (var i = 0; i < chunks.Count; i++)
            {
                await AddChunkAsync(table, partition.Key, $"{ReceiptPrefix}{CampaignEntities.SafeKey(batchId)}|u{i.ToString(CultureInfo.InvariantCulture)}", chunks[i], cancellationToken);
            }
        }
    }

    /// <summary>One counter row to increase: the key prefix its shards share and how to fold the increment into a row.</summary>
    private sealed record Counter(string Prefix, Func<string, TableEntity?, TableEntity> Apply);

    private static Counter BucketCounter(MetricsBucket bucket) => new(
        BucketPrefix(bucket.Key),
        (rowKey, row) => ToEntity(rowKey, bucket.Key, row is null ? bucket.Counts : bucket.Counts.Add(CountsOf(row))));

    private static Counter UnitsCounter(string sku, long units) => new(
        $"{UnitsPrefix}{CampaignEntities.SafeKey(sku)}|",
        (rowKey, row) => new TableEntity { RowKey = rowKey, ["Sku"] = sku, ["Units"] = units + (row?.GetInt64("Units") ?? 0) });

    private async Task AddChunkAsync(TableClient table, string partition, string receipt, IReadOnlyList<Counter> counters, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var shard = Random.Shared.Next(Math.Max(1, options.Shards));
            var shardKey = shard.ToString("D2", CultureInfo.InvariantCulture);
            var actions = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.Add, new TableEntity(partition, receipt) { ["Counters"] = counters.Count }),
            };

            // Point reads of this shard's rows, in parallel: one round trip per counter, whatever the partition's size.
            var rows = await Task.WhenAll(counters.Select(c => table.GetEntityIfExistsAsync<TableEntity>(partition, c.Prefix + shardKey, cancellationToken: cancellationToken)));
            for (var i = 0; i < counters.Count; i++)
            {
                var existing = rows[i].HasValue ? rows[i].Value : null;
                var entity = counters[i].Apply(counters[i].Prefix + shardKey, existing);
                entity.PartitionKey = partition;
                actions.Add(existing is null
                    ? new(TableTransactionActionType.Add, entity)
                    : new(TableTransactionActionType.UpdateReplace, entity, existing.ETag));
            }

            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.FailedTransactionActionIndex == 0 && ex.Status == (int)HttpStatusCode.Conflict)
            {
                // The receipt exists: this chunk of this batch was added before (a redelivered message).
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed && attempt < MaxAttempts)
            {
                // Another batch wrote one of these shard rows meanwhile; nothing was stored. Try again, probably on another shard.
            }
        }
    }

    private async Task<List<MetricsBucket>> ReadRowsAsync(string partition, string? fromKey, string? toKey, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tables.Metrics, cancellationToken);
        // Counter row keys start with the hour's digits; receipts ('~') and unit counters ('u') sort after them.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {fromKey ?? "0"} and RowKey lt {toKey ?? ":"}");
        var buckets = new List<MetricsBucket>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.GetDateTimeOffset("Hour") is not { } hour || !Enum.TryParse<CampaignChannel>(row.GetString("Channel"), out var channel))
            {
                continue;
            }

            buckets.Add(new MetricsBucket(new MetricsBucketKey(partition, hour, channel, row.GetString("Variant") ?? MetricsBucketKey.NoVariant), CountsOf(row)));
        }

        return buckets;
    }

    private static string HourKey(DateTimeOffset hour) => hour.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    private static string BucketPrefix(MetricsBucketKey key) =>
        $"{HourKey(key.HourUtc)}|{key.Channel}|{CampaignEntities.SafeKey(key.Variant)}|";

    private static TableEntity ToEntity(string rowKey, MetricsBucketKey key, MetricsCounts counts) => new()
    {
        RowKey = rowKey,
        ["Hour"] = key.HourUtc,
        ["Channel"] = key.Channel.ToString(),
        ["Variant"] = key.Variant,
        ["Visits"] = counts.Visits,
        ["PageViews"] = counts.PageViews,
        ["Orders"] = counts.Orders,
        ["OrderValue"] = CampaignEntities.Money(counts.OrderValue),
        ["NewMembers"] = counts.NewMembers,
        ["ParticipatingMembers"] = counts.ParticipatingMembers,
    };

    private static MetricsCounts CountsOf(TableEntity row) => new()
    {
        Visits = row.GetInt64("Visits") ?? 0,
        PageViews = row.GetInt64("PageViews") ?? 0,
        Orders = row.GetInt64("Orders") ?? 0,
        OrderValue = CampaignEntities.Money(row, "OrderValue"),
        NewMembers = row.GetInt64("NewMembers") ?? 0,
        ParticipatingMembers = row.GetInt64("ParticipatingMembers") ?? 0,
    };
}
