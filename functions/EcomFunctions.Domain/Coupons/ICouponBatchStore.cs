using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// Bulk code batches and their coupons. Codes are unique by insert across all coupons (the same code index as
/// <see cref="ICouponInventory"/> uses), and a batch coupon's id is fixed per position, so a duplicate chunk
/// message inserts nothing twice.
/// </summary>
/// <remarks>
/// Intended storage design: the batch row (partition = batch id); batch coupons in partitions per (batch, chunk) so
/// a chunk's 100–1 000 coupons go in entity-group transactions of ≤100 rows; code-index rows inserted first
/// (AddEntity; 409 = code taken); the CSV download pages through the batch's partitions in position order.
/// </remarks>
public interface ICouponBatchStore
{
    Task<Versioned<CouponBatch>?> GetAsync(string batchId, CancellationToken cancellationToken);

    /// <summary>Inserts a new batch; false when the id exists.</summary>
    Task<bool> TryAddAsync(CouponBatch batch, CancellationToken cancellationToken);

    /// <summary>Replaces the batch if unchanged since read, writing <paramref name="events"/> to the outbox atomically with it.</summary>
    Task<bool> TryUpdateAsync(CouponBatch batch, string expectedVersion, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts bearer coupons of a batch. A coupon whose id already exists is skipped (duplicate chunk message); a
    /// coupon whose code another coupon already has is not inserted and its id is returned in
    /// <see cref="BatchInsertResult.CodeTaken"/> so the caller can retry it with a fresh code.
    /// </summary>
    Task<BatchInsertResult> AddCouponsAsync(IReadOnlyList<Coupon> coupons, CancellationToken cancellationToken);

    /// <summary>The batch's coupons in position order, a page at a time (for the CSV download).</summary>
    Task<Page<Coupon>> ListCouponsAsync(string batchId, int pageSize, string? continuationToken, CancellationToken cancellationToken);
}

/// <summary>Ids of coupons not inserted because their code was taken, and how many were inserted or already present.</summary>
public sealed record BatchInsertResult(IReadOnlyList<string> CodeTaken, int Inserted, int AlreadyPresent);
