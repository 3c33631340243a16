using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Storage.Coupons;

/// <summary>
/// Bulk code batches in table <see cref="TableNames.CouponBatches"/> and their bearer coupons in the code index
/// (table <see cref="TableNames.CouponCodes"/>).
/// </summary>
/// <remarks>
/// <para><b>couponbatches.</b> PK = batch id: RK "batch" is the batch (its JSON includes the code secret, which never
/// leaves the App); RK "chunk|{index:D5}" marks a generated chunk, with the positions whose first code collided. Chunk
/// rows are separate inserts, so the up to 16 chunks a host processes in parallel never contend on the batch row; only
/// the completing write touches it (with its ETag, together with the CouponBatchCompleted outbox row).</para>
/// <para><b>couponcodes.</b> PK = one of <see cref="CouponRows.CodeBuckets"/> buckets of the code, RK = the canonical
/// code: a bearer coupon's row (id, batch, position and its redemption state). The code is the key, so uniqueness is
/// the insert itself. A chunk's codes are grouped by bucket and inserted as entity-group transactions (about 31 codes
/// per transaction for a chunk of 500) instead of one request per code; a transaction that fails on one code (taken by
/// another coupon, or already ours from a duplicate message) is retried without it.</para>
/// </remarks>
public sealed class TableCouponBatchStore(StorageClients storage, Outbox outbox, CouponTableSet? tables = null) : ICouponBatchStore
{
    private const string BatchRowKey = "batch";
    private const string ChunkPrefix = "chunk|";
    private const string ChunkEnd = "chunk}";
    private readonly CouponTableSet names = tables ?? CouponTableSet.Default;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, CouponBatch> issued = new(StringComparer.Ordinal);

    public async Task<Versioned<CouponBatch>?> GetAsync(string batchId, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(batchId))
        {
            return null;
        }

        var table = await storage.TableAsync(names.Batches, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(batchId, BatchRowKey, cancellationToken: cancellationToken);
        if (!row.HasValue || row.Value is not { } entity)
        {
            return null;
        }

        var batch = CouponColumns.FromJson<BatchRecord>(entity.GetString("Data")).ToBatch(batchId);
        var chunks = await ListGeneratedChunksAsync(batchId, cancellationToken);
        return new Versioned<CouponBatch>(batch.WithGeneratedChunks(chunks.Select(c => c.Index)), entity.ETag.ToString());
    }

    /// <summary>
    /// A filtered scan of the batch rows (RowKey "batch", DefinitionId column): batches are requested by operators a
    /// few at a time, so a per-definition index is not worth a second write on every request.
    /// </summary>
    public async Task<IReadOnlyList<CouponBatch>> ListByDefinitionAsync(string definitionId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(names.Batches, cancellationToken);
        var found = new List<CouponBatch>();
        await foreach (var entity in table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"RowKey eq {BatchRowKey} and DefinitionId eq {definitionId}"), cancellationToken: cancellationToken))
        {
            var batch = CouponColumns.FromJson<BatchRecord>(entity.GetString("Data")).ToBatch(entity.PartitionKey);
            // A completed batch has every chunk; only a batch still generating needs its chunk rows read.
            found.Add(batch.State == CouponBatchState.Completed
                ? batch.WithGeneratedChunks(Enumerable.Range(0, batch.ChunkCount))
                : batch.WithGeneratedChunks((await ListGeneratedChunksAsync(batch.Id, cancellationToken)).Select(c => c.Index)));
        }

        return [.. found.OrderByDescending(b => b.RequestedAt).ThenBy(b => b.Id, StringComparer.Ordinal)];
    }

    public async Task<bool> TryAddAsync(CouponBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var table = await storage.TableAsync(names.Batches, cancellationToken);
        try
        {
            await table.AddEntityAsync(ToEntity(batch), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    public async Task<bool> TryUpdateAsync(CouponBatch batch, string expectedVersion, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(events);
        var table = await storage.TableAsync(names.Batches, cancellationToken);
        try
        {
            await table.SubmitTransactionAsync(
                [new TableTransactionAction(TableTransactionActionType.UpdateReplace, ToEntity(batch), new ETag(expectedVersion)), .. events.Select(e => Outbox.RowFor(batch.Id, e))],
                cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            return false;
        }

        await outbox.SignalAsync(names.Batches, batch.Id, [.. events.Select(e => e.Id)], cancellationToken);
        return true;
    }

    public async Task<BatchInsertResult> AddCouponsAsync(IReadOnlyList<Coupon> coupons, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(coupons);
        var table = await storage.TableAsync(names.Codes, cancellationToken);
        var results = await Task.WhenAll(coupons
            .GroupBy(c => CouponRows.CodeBucket(c.Code))
            .SelectMany(bucket => bucket.Chunk(100).Select(part => InsertBucketAsync(table, bucket.Key, [.. part], cancellationToken))));
        return new BatchInsertResult([.. results.SelectMany(r => r.Taken)], results.Sum(r => r.Inserted), results.Sum(r => r.Present));
    }

    public async Task MarkChunkGeneratedAsync(string batchId, int chunkIndex, IReadOnlyDictionary<int, int> attempts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        var table = await storage.TableAsync(names.Batches, cancellationToken);
        try
        {
            await table.AddEntityAsync(new TableEntity(batchId, ChunkKey(chunkIndex))
            {
                ["Index"] = chunkIndex,
                ["Attempts"] = CouponColumns.Json(attempts.ToDictionary(a => a.Key.ToString(CultureInfo.InvariantCulture), a => a.Value)),
            }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            // A duplicate message generated the same chunk (same codes, same attempts).
        }
    }

    public async Task<IReadOnlyList<GeneratedChunk>> ListGeneratedChunksAsync(string batchId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(names.Batches, cancellationToken);
        var chunks = new List<GeneratedChunk>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {batchId} and RowKey ge {ChunkPrefix} and RowKey lt {ChunkEnd}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var attempts = CouponColumns.FromJson<Dictionary<string, int>>(row.GetString("Attempts"))
                .ToDictionary(a => int.Parse(a.Key, CultureInfo.InvariantCulture), a => a.Value);
            chunks.Add(new GeneratedChunk(row.GetInt32("Index") ?? 0, attempts));
        }

        return [.. chunks.OrderBy(c => c.Index)];
    }

    /// <summary>
    /// The batch as issued (its benefit, window and definition never change after the request), cached for this
    /// process: reading a bearer coupon needs them, and a batch can have a hundred thousand coupons.
    /// </summary>
    internal async Task<CouponBatch?> GetIssuedBatchAsync(string batchId, CancellationToken cancellationToken)
    {
        if (issued.TryGetValue(batchId, out var known))
        {
            return known;
        }

        var table = await storage.TableAsync(names.Batches, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(batchId, BatchRowKey, cancellationToken: cancellationToken);
        if (!row.HasValue || row.Value is not { } entity)
        {
            return null;
        }

        var batch = CouponColumns.FromJson<BatchRecord>(entity.GetString("Data")).ToBatch(batchId);
        if (issued.Count > 10_000)
        {
            issued.Clear();
        }

        issued[batchId] = batch;
        return batch;
    }

    internal static TableEntity BearerRow(Coupon coupon, int position) => new(CouponRows.CodeBucket(coupon.Code), coupon.Code)
    {
        ["CouponId"] = coupon.Id,
        ["BatchId"] = coupon.BatchId,
        ["Position"] = position,
        ["State"] = coupon.State.ToString(),
        ["Status"] = CouponColumns.Json(CouponStateRecord.From(coupon)),
    };

    private static string ChunkKey(int index) => string.Create(CultureInfo.InvariantCulture, $"{ChunkPrefix}{index:D5}");

    private static async Task<(List<string> Taken, int Inserted, int Present)> InsertBucketAsync(TableClient table, string bucket, List<Coupon> coupons, CancellationToken cancellationToken)
    {
        var taken = new List<string>();
        var present = 0;
        var inserted = 0;
        while (coupons.Count > 0)
        {
            try
            {
                await table.SubmitTransactionAsync(coupons.Select(c => new TableTransactionAction(TableTransactionActionType.Add, BearerRow(c, PositionOf(c)))), cancellationToken);
                return (taken, inserted + coupons.Count, present);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict && ex.FailedTransactionActionIndex is { } failed)
            {
                var conflicting = coupons[failed];
                var existing = await table.GetEntityIfExistsAsync<TableEntity>(bucket, conflicting.Code, cancellationToken: cancellationToken);
                if (existing.HasValue && existing.Value?.GetString("CouponId") == conflicting.Id)
                {
                    // Our own coupon: a duplicate (or resumed) chunk message. Sort out the rest with reads rather
                    // than one failed transaction per code.
                    var rest = await ClassifyAsync(table, bucket, [.. coupons.Where(c => c != conflicting)], cancellationToken);
                    present += 1 + rest.Present;
                    taken.AddRange(rest.Taken);
                    coupons = rest.Missing;
                    continue;
                }

                taken.Add(conflicting.Id);
                coupons.RemoveAt(failed);
            }
        }

        return (taken, inserted, present);
    }

    /// <summary>Which coupons of a bucket are already stored as ours, whose codes another coupon has, and which are missing.</summary>
    private static async Task<(int Present, List<string> Taken, List<Coupon> Missing)> ClassifyAsync(TableClient table, string bucket, List<Coupon> coupons, CancellationToken cancellationToken)
    {
        var rows = await Task.WhenAll(coupons.Select(c => table.GetEntityIfExistsAsync<TableEntity>(bucket, c.Code, select: ["CouponId"], cancellationToken: cancellationToken)));
        var present = 0;
        var taken = new List<string>();
        var missing = new List<Coupon>();
        for (var i = 0; i < coupons.Count; i++)
        {
            if (!rows[i].HasValue || rows[i].Value is null)
            {
                missing.Add(coupons[i]);
            }
            else if (rows[i].Value!.GetString("CouponId") == coupons[i].Id)
            {
                present++;
            }
            else
            {
                taken.Add(coupons[i].Id);
            }
        }

        return (present, taken, missing);
    }

    private static int PositionOf(Coupon coupon) => coupon.BatchPosition ?? throw new ArgumentException($"Coupon {coupon.Id} is not a batch coupon.", nameof(coupon));

    private static TableEntity ToEntity(CouponBatch batch) => new(batch.Id, BatchRowKey)
    {
        ["DefinitionId"] = batch.DefinitionId,
        ["State"] = batch.State.ToString(),
        // Chunk progress lives in the chunk rows; the batch row keeps the batch as requested plus its state.
        ["Data"] = CouponColumns.Json(BatchRecord.From(batch)),
    };
}
