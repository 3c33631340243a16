using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// Bulk code batches and their coupons. Codes are unique by insert across all bearer coupons, and a batch coupon's
/// id and code are fixed per position, so a duplicate chunk message inserts nothing twice.
/// </summary>
/// <remarks>
/// Storage design: the batch row (partition = batch id) and one row per generated chunk in the same partition (the
/// chunk's completion marker, with the few positions whose first code collided), so chunk progress never contends on
/// the batch row; bearer coupons are stored in the global code index under their code, inserted in entity-group
/// transactions of the codes that share an index partition. The CSV is rebuilt from the batch's code secret and the
/// chunk rows.
/// </remarks>
public interface ICouponBatchStore
{
    /// <summary>The batch with <see cref="CouponBatch.CompletedChunks"/> filled from the chunk records; its version is the batch row's.</summary>
    Task<Versioned<CouponBatch>?> GetAsync(string batchId, CancellationToken cancellationToken);

    /// <summary>The batches of a definition with their generated chunks, newest request first.</summary>
    Task<IReadOnlyList<CouponBatch>> ListByDefinitionAsync(string definitionId, CancellationToken cancellationToken);

    /// <summary>Inserts a new batch; false when the id exists.</summary>
    Task<bool> TryAddAsync(CouponBatch batch, CancellationToken cancellationToken);

    /// <summary>Replaces the batch row if unchanged since read, writing <paramref name="events"/> to the outbox atomically with it.</summary>
    Task<bool> TryUpdateAsync(CouponBatch batch, string expectedVersion, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts bearer coupons of a batch. A coupon whose code row already holds this coupon is skipped (duplicate chunk
    /// message); a coupon whose code another coupon already has is not inserted and its id is returned in
    /// <see cref="BatchInsertResult.CodeTaken"/> so the caller can retry it with the next code attempt.
    /// </summary>
    Task<BatchInsertResult> AddCouponsAsync(IReadOnlyList<Coupon> coupons, CancellationToken cancellationToken);

    /// <summary>Records that a chunk's coupons all exist (idempotent), with the attempts of positions whose first code collided.</summary>
    Task MarkChunkGeneratedAsync(string batchId, int chunkIndex, IReadOnlyDictionary<int, int> attempts, CancellationToken cancellationToken);

    /// <summary>The generated chunks of a batch, in index order.</summary>
    Task<IReadOnlyList<GeneratedChunk>> ListGeneratedChunksAsync(string batchId, CancellationToken cancellationToken);
}

/// <summary>Ids of coupons not inserted because their code was taken, and how many were inserted or already present.</summary>
public sealed record BatchInsertResult(IReadOnlyList<string> CodeTaken, int Inserted, int AlreadyPresent);
