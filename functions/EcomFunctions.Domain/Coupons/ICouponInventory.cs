using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// Issuing coupons against a definition's inventory: the port that makes the §6 invariants hold under any
/// concurrency, retries and duplicate messages — issued ≤ total quantity, per-member count ≤ limit, issued per
/// store-local day ≤ daily limit, money issued ≤ budget, one coupon per idempotency key.
/// </summary>
/// <remarks>
/// <para><b>Storage design (Azure Tables; the adapter's header comment names the tables and keys).</b></para>
/// <para><i>Shards.</i> <see cref="EnsureAllocatedAsync"/> writes <see cref="InventoryPlan.ShardCount"/> shard rows per
/// definition (16–64 by default, see <see cref="InventoryPlan"/>), each an <see cref="InventoryShard"/> in its own
/// partition: allocated quantity, issued, budget share, money issued, daily allowance and the store-local day it last
/// counted. There is no definition-wide counter row, so there is no hot row.</para>
/// <para><i>One claim = one conditional write on one shard.</i> Probe shards in <see cref="InventoryPlan.ProbeOrder"/>
/// from <see cref="IssueRequest.ShardSeed"/> (derived from the issue key, so a retried issue probes the same shards
/// first); apply <see cref="InventoryShard.TryTake"/> and write the shard back with its ETag in one entity-group
/// transaction together with an insert-only receipt row keyed by the coupon id (so a resumed issue finds that this shard
/// already served it: the receipt insert fails). 412 → re-read that shard and try again; an empty shard → the next one;
/// when every shard refuses, <see cref="InventoryPlan.RefusalFor"/> names the refusal. An adapter may combine the
/// takes of concurrent issues on one shard into one such transaction (one shard update, one receipt per issue).</para>
/// <para><i>Per-member limit without a counter.</i> The coupon is created by one transaction in the member's partition
/// that inserts a member-slot row (definition, slot k), a key row (the coupon id, i.e. the issue key) and the coupon
/// row, with the CouponIssued outbox row. Concurrent issues to one member collide on the slot insert (409): the loser
/// tries the next slot; no free slot → MemberLimitReached and its shard unit is given back
/// (<see cref="InventoryShard.Return"/>). The key-row insert is the duplicate detector: a second issue under the same
/// key (a concurrent retry) loses, gives its unit back, and answers with the coupon of the first.</para>
/// <para><i>Crash safety.</i> Every step is keyed by the issue key (shard receipt, slot, key row), so a retry with the
/// same key finds what was done and finishes it: the retry probes the same shards in the same order, reaches the shard
/// that holds its receipt and uses that unit. A crash between the shard write and the member transaction that is never
/// retried leaves a unit taken without a coupon — an under-issue of one, never an over-issue; its receipt (coupon id on
/// the shard, no coupon with that id) is the evidence an audit needs to give it back.</para>
/// <para><i>Codes.</i> A member's coupon is stored under its code in the member's partition, so a code only has to be
/// unique among the coupons one member can redeem (their own and the bearer codes); a collision inside the partition
/// fails the transaction with <see cref="IssueStatus.CodeTaken"/>, the unit is given back and the caller retries with
/// another code. Bearer codes (bulk batches) are unique by insert across the whole store.</para>
/// <para><i>Grants.</i> A grant id is global: its first issue inserts a grant row (grant id → member, definition), so
/// a grant id reused for another member or definition is refused as <see cref="IssueStatus.KeyReused"/>.</para>
/// <para><i>Events.</i> The <see cref="IssueRequest.IssuedEvent"/> goes to the transactional outbox with the coupon row
/// (same partition, same batch), keyed by the event id, so a resumed issue cannot publish twice.</para>
/// <para>The in-memory fake in the test project implements exactly this contract (under a lock) and the use-case
/// tests run against it; the Table adapter passes the same behaviours with real concurrency.</para>
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
    /// What an issue needs to know before it decides: the coupon of this definition already issued to the member under
    /// <paramref name="issueKey"/> (the replay), how many of the definition's coupons the member holds, and the
    /// inventory counters for <paramref name="localDay"/>. May be a few seconds stale (adapters cache it): it only
    /// refuses early and finds replays; <see cref="TryIssueAsync"/> enforces every limit again.
    /// </summary>
    Task<ClaimState> GetClaimStateAsync(string definitionId, string memberId, string issueKey, DateOnly localDay, int perMemberLimit, CancellationToken cancellationToken);

    /// <summary>
    /// Issues <see cref="IssueRequest.Coupon"/> if a member slot, a shard unit (quantity, budget share, day allowance)
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

    /// <summary>
    /// Gives up the definition's unused inventory for good (<see cref="InventoryShard.ReleaseUnused"/> on every shard):
    /// the linked campaign is over. Idempotent: a second call releases nothing more; the summary counts everything
    /// released so far.
    /// </summary>
    Task<InventoryRelease> ReleaseUnusedAsync(string definitionId, CancellationToken cancellationToken);

    /// <summary>The inventory summed over its shards, read now (operators; tests check issued counts with it).</summary>
    Task<InventorySummary> GetSummaryAsync(string definitionId, CancellationToken cancellationToken);
}

/// <summary>The replay (coupon issued earlier under the key, if known) and the counters for one issue.</summary>
public sealed record ClaimState(Coupon? Issued, ClaimCounters Counters)
{
    public static ClaimState Empty { get; } = new(null, ClaimCounters.None);
}

/// <summary>What a release gave up now, and the inventory after it.</summary>
public sealed record InventoryRelease(int ReleasedNow, InventorySummary Summary);

/// <summary>One coupon to issue to a member.</summary>
/// <param name="IssueKey">Idempotency key (<see cref="CouponKeys.ClaimIssueKey"/> or <see cref="CouponKeys.GrantIssueKey"/>).</param>
/// <param name="Coupon">The coupon to write (id derived from the key; code freshly generated).</param>
/// <param name="LocalDay">The store-local day of issue, for the daily allowance.</param>
/// <param name="PerMemberLimit">Slots available to one member.</param>
/// <param name="ShardSeed">Seed of the shard probe order (<see cref="CouponKeys.ShardSeed"/>: stable per issue key).</param>
/// <param name="IssuedEvent">The CouponIssued event to write to the outbox with the coupon.</param>
/// <param name="SlotHint">The member's coupon count as last seen: the first slot worth trying.</param>
/// <param name="MemberCheck">
/// When given, asked once a unit is secured and before the coupon is written: a refusal gives the unit back and is the
/// outcome. Used for definitions whose benefit does not depend on the tier, so that in a flash sale only the members who
/// secured a unit are looked up (everybody else hears "sold out" without a member read).
/// </param>
public sealed record IssueRequest(
    string IssueKey,
    Coupon Coupon,
    DateOnly LocalDay,
    int PerMemberLimit,
    int ShardSeed,
    DomainEvent IssuedEvent,
    int SlotHint = 0,
    Func<CancellationToken, Task<ClaimRefusal?>>? MemberCheck = null);

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

    public static IssueOutcome KeyReused(Coupon? existing) => new(IssueStatus.KeyReused, existing, null);

    public static IssueOutcome CodeTaken { get; } = new(IssueStatus.CodeTaken, null, null);

    public static IssueOutcome Refused(ClaimRefusal refusal) => new(IssueStatus.Refused, null, refusal);
}

/// <summary>How a bulk reservation ended: reserved (now or by an earlier call with the same batch id) or refused.</summary>
public sealed record BulkReservationOutcome(bool Reserved, ClaimRefusal? Refusal)
{
    public static BulkReservationOutcome Success { get; } = new(true, null);

    public static BulkReservationOutcome Refused(ClaimRefusal refusal) => new(false, refusal);
}
