using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// Issuing coupons against a definition's inventory: the port that makes the §6 invariants hold under any
/// concurrency, retries and duplicate messages — issued ≤ total quantity, per-member count ≤ limit, issued per
/// store-local day ≤ daily limit, money issued ≤ budget, one coupon per idempotency key.
/// </summary>
/// <remarks>
/// <para><b>Intended storage design (Azure Tables; the adapter documents the final partition keys).</b></para>
/// <para><i>Shards.</i> <see cref="EnsureAllocatedAsync"/> writes <see cref="InventoryPlan.ShardCount"/> shard rows per
/// definition (16–64 by default, see <see cref="InventoryPlan"/>), each an <see cref="InventoryShard"/>: allocated
/// quantity, issued, budget share, money issued, daily allowance and the store-local day it last counted. There is
/// no definition-wide counter row, so there is no hot row. A shard and its claim receipts share a partition.</para>
/// <para><i>One claim = one conditional write on one shard.</i> Probe shards in <see cref="InventoryPlan.ProbeOrder"/>
/// from <see cref="IssueRequest.ShardSeed"/>; for each, read the row, apply <see cref="InventoryShard.TryTake"/>, and
/// write it back with its ETag in one entity-group transaction together with a receipt row keyed by the issue key
/// (so a resumed issue can tell that this shard already served it). 412 → re-read the same shard a few times, then
/// move on; when every shard refuses, <see cref="InventoryPlan.RefusalFor"/> names the refusal.</para>
/// <para><i>Per-member limit without a counter.</i> Before the shard write, AddEntity a member-slot row keyed
/// (definition, member, slot k) for k = the member's current slot count … limit−1, holding the issue key. Concurrent
/// claims of the same member collide on the insert (409) and the loser tries the next slot; no free slot →
/// MemberLimitReached. If the shard step then refuses, the slot row is deleted again (compensation).</para>
/// <para><i>Idempotency and crash safety.</i> The first write is an issue row keyed by the issue key (AddEntity: the
/// duplicate-request detector) recording the coupon id, code and seed; every later step writes a row keyed by the
/// same issue key (code-index row, member slot, shard receipt, coupon row, outbox event), so a retry with the same
/// key finds what was done and finishes it, and a duplicate that arrives after completion gets
/// <see cref="IssueStatus.AlreadyIssued"/>. A crash between steps can leave a taken slot or shard unit without a
/// coupon — that under-issues until the retry or a sweep of stale issue rows repairs it; it can never over-issue.</para>
/// <para><i>Codes.</i> Codes are unique through an AddEntity on a code-index row (partition = code), done before the
/// member slot and shard, so <see cref="IssueStatus.CodeTaken"/> consumes nothing and the caller retries with another
/// code.</para>
/// <para><i>Events.</i> The <see cref="IssueRequest.IssuedEvent"/> goes to the transactional outbox with the coupon row
/// (same partition, same batch), keyed by the event id, so a resumed issue cannot publish twice.</para>
/// <para>The in-memory fake in the test project implements exactly this contract (under a lock) and the use-case
/// tests run against it; the Table adapter must pass the same behaviours with real concurrency.</para>
/// </remarks>
public interface ICouponInventory
{
    /// <summary>
    /// Makes the definition's inventory at least <paramref name="plan"/>: creates the shards on first call, and on later
    /// calls raises each existing shard to its target from <see cref="InventoryPlan.AllocationsFor"/> with the existing
    /// shard count (<see cref="InventoryShard.RaiseTo"/>). Never lowers anything, so it is idempotent and safe to retry.
    /// </summary>
    Task EnsureAllocatedAsync(string definitionId, InventoryPlan plan, CancellationToken cancellationToken);

    /// <summary>
    /// What has been issued: totals summed over the shards, today's count for <paramref name="localDay"/>, and the
    /// member's slot count (0 when <paramref name="memberId"/> is null). May be slightly stale; only used to refuse early.
    /// </summary>
    Task<ClaimCounters> GetCountersAsync(string definitionId, string? memberId, DateOnly localDay, CancellationToken cancellationToken);

    /// <summary>The coupon issued under an issue key, or null (the replay check before any rule is evaluated).</summary>
    Task<Coupon?> FindIssuedAsync(string issueKey, CancellationToken cancellationToken);

    /// <summary>
    /// Issues <see cref="IssueRequest.Coupon"/> if the member slot, a shard unit (quantity, budget share, day allowance)
    /// and the code can all be taken; atomically from the caller's view: either the coupon exists with every counter
    /// moved and its event in the outbox, or nothing changed (see remarks for the resumable steps in between).
    /// </summary>
    Task<IssueOutcome> TryIssueAsync(IssueRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Takes <paramref name="count"/> units for a bulk batch, all or nothing (<see cref="InventoryPlan.PlanBulkTake"/>),
    /// idempotent per batch id: shard updates carry a per-batch receipt row, and a partial take that cannot be completed
    /// is given back before returning a refusal. Bulk codes count towards quantity and budget, not the daily limit.
    /// </summary>
    Task<BulkReservationOutcome> TryReserveBulkAsync(string definitionId, string batchId, int count, decimal faceValue, CancellationToken cancellationToken);
}

/// <summary>One coupon to issue to a member.</summary>
/// <param name="IssueKey">Idempotency key (<see cref="CouponKeys.ClaimIssueKey"/> or <see cref="CouponKeys.GrantIssueKey"/>).</param>
/// <param name="Coupon">The coupon to write (id derived from the key; code freshly generated).</param>
/// <param name="LocalDay">The store-local day of issue, for the daily allowance.</param>
/// <param name="PerMemberLimit">Slots available to one member.</param>
/// <param name="ShardSeed">Random seed for the first shard to try.</param>
/// <param name="IssuedEvent">The CouponIssued event to write to the outbox with the coupon.</param>
public sealed record IssueRequest(string IssueKey, Coupon Coupon, DateOnly LocalDay, int PerMemberLimit, int ShardSeed, DomainEvent IssuedEvent);

/// <summary>How <see cref="ICouponInventory.TryIssueAsync"/> ended.</summary>
public enum IssueStatus
{
    /// <summary>The coupon was issued now.</summary>
    Issued,

    /// <summary>The issue key was used before for the same definition and member; the earlier coupon is returned.</summary>
    AlreadyIssued,

    /// <summary>The issue key was used before for a different definition or member; nothing changed.</summary>
    KeyReused,

    /// <summary>The code belongs to another coupon; nothing was consumed; retry with a new code.</summary>
    CodeTaken,

    /// <summary>A limit refused it (<see cref="IssueOutcome.Refusal"/>: member limit, sold out, budget, daily limit).</summary>
    Refused,
}

/// <summary>The outcome of an issue attempt: the coupon (issued now or earlier) or the refusal.</summary>
public sealed record IssueOutcome(IssueStatus Status, Coupon? Coupon, ClaimRefusal? Refusal)
{
    public static IssueOutcome Issued(Coupon coupon) => new(IssueStatus.Issued, coupon, null);

    public static IssueOutcome AlreadyIssued(Coupon coupon) => new(IssueStatus.AlreadyIssued, coupon, null);

    public static IssueOutcome KeyReused(Coupon existing) => new(IssueStatus.KeyReused, existing, null);

    public static IssueOutcome CodeTaken { get; } = new(IssueStatus.CodeTaken, null, null);

    public static IssueOutcome Refused(ClaimRefusal refusal) => new(IssueStatus.Refused, null, refusal);
}

/// <summary>How a bulk reservation ended: reserved (now or by an earlier call with the same batch id) or refused.</summary>
public sealed record BulkReservationOutcome(bool Reserved, ClaimRefusal? Refusal)
{
    public static BulkReservationOutcome Success { get; } = new(true, null);

    public static BulkReservationOutcome Refused(ClaimRefusal refusal) => new(false, refusal);
}
