using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Members;

/// <summary>A member as read, with the storage version (ETag) the next write must match.</summary>
public sealed record VersionedMember(Member Member, string Version);

/// <summary>
/// One atomic member write: the member row, an optional idempotency marker (<see cref="OperationKey"/>, e.g.
/// <c>activity:{id}</c>, <c>redemption:{id}</c>) and the outbox rows of <see cref="Events"/>. ExpectedVersion null
/// means "create; must not exist".
/// </summary>
public sealed record MemberWrite(Member Member, string? ExpectedVersion, IReadOnlyList<DomainEvent> Events, string? OperationKey = null);

/// <summary>One page of a partition scan.</summary>
public sealed record MemberPage(IReadOnlyList<VersionedMember> Members, string? ContinuationToken);

/// <summary>
/// One page of a partition as the win-back run reads it: every member row of the page is classified, the candidates
/// (inactive since the cutoff, or erased) as read-only planning views (<see cref="Member.ToWinBackState"/>), the active
/// ones only counted. <see cref="Scanned"/> = candidates + active.
/// </summary>
public sealed record WinBackPage(IReadOnlyList<Member> Candidates, int Active, string? ContinuationToken)
{
    public int Scanned => Candidates.Count + Active;
}

/// <summary>Codes of the write conflicts a repository reports (<see cref="Problem.Code"/>).</summary>
public static class MemberWriteProblems
{
    /// <summary>Create failed: the member exists (Conflict).</summary>
    public const string MemberExists = "member-exists";

    /// <summary>The operation key was applied before (Conflict): the request is a duplicate.</summary>
    public const string OperationApplied = "operation-applied";

    public static bool IsVersionMismatch(Problem? problem) => problem?.Kind == ProblemKind.PreconditionFailed;

    public static bool IsMemberExists(Problem? problem) => problem is { Kind: ProblemKind.Conflict, Code: MemberExists };

    public static bool IsOperationApplied(Problem? problem) => problem is { Kind: ProblemKind.Conflict, Code: OperationApplied };
}

/// <summary>
/// Member storage. Contract for adapters:
/// <list type="bullet">
/// <item>The partition of a member is <see cref="MemberPartitions.Of"/>(id, <c>MemberOptions.PartitionCount</c>); the
/// member row, its operation markers and its outbox rows live in that partition so one write is one entity-group
/// transaction.</item>
/// <item><see cref="SaveAsync"/>: ExpectedVersion null → insert (exists → Conflict <c>member-exists</c>); otherwise
/// replace if the version matches (else PreconditionFailed). An OperationKey marker is inserted in the same
/// transaction (exists → Conflict <c>operation-applied</c>, nothing written). Events go to the outbox in the same
/// transaction. Success returns the new version. Storage outages → Unavailable.</item>
/// <item><see cref="SaveManyAsync"/>: the same per write, results in input order; adapters may group writes of one
/// partition into batch transactions but must report per-write outcomes (fall back to single writes when a group
/// fails).</item>
/// <item><see cref="ScanPartitionAsync"/>: members of one partition in a stable order, at most pageSize per page,
/// ContinuationToken null on the last page.</item>
/// <item>Lookup hashes (<see cref="ProtectedPersonalData.EmailLookup"/>/<see cref="ProtectedPersonalData.PhoneLookup"/>)
/// are indexed by the adapter; the index may lag or be stale, so callers verify the hash on the member they load.</item>
/// </list>
/// </summary>
public interface IMemberRepository
{
    Task<VersionedMember?> GetAsync(string memberId, CancellationToken cancellationToken);

    Task<Result<string>> SaveAsync(MemberWrite write, CancellationToken cancellationToken);

    Task<IReadOnlyList<Result<string>>> SaveManyAsync(IReadOnlyList<MemberWrite> writes, CancellationToken cancellationToken);

    Task<MemberPage> ScanPartitionAsync(string partition, string? continuationToken, int pageSize, CancellationToken cancellationToken);

    /// <summary>
    /// The win-back run's read of one partition, page by page in the order of <see cref="ScanPartitionAsync"/> (pageSize
    /// counts every member row): members whose last activity (sign-up, login, purchase) is at or before
    /// <paramref name="inactiveSince"/> and erased members come back as planning views; the others are counted as active
    /// without being read. Adapters classify on stored columns and read only the planning part of each row, in one query.
    /// </summary>
    Task<WinBackPage> ScanWinBackAsync(string partition, DateTimeOffset inactiveSince, string? continuationToken, int pageSize, CancellationToken cancellationToken);

    /// <summary>Whether an operation key (activity or redemption id) was already applied to the member.</summary>
    Task<bool> IsOperationAppliedAsync(string memberId, string operationKey, CancellationToken cancellationToken);

    /// <summary>Member ids whose e-mail or phone lookup hash equals <paramref name="lookupHash"/> (normally zero or one).</summary>
    Task<IReadOnlyList<string>> FindByLookupAsync(string lookupHash, CancellationToken cancellationToken);
}

/// <summary>How a delivery claim on a message id turned out.</summary>
public enum DeliveryClaim
{
    /// <summary>This caller owns the delivery now.</summary>
    Claimed = 0,

    /// <summary>The message was delivered, suppressed or failed for good before: nothing to do.</summary>
    Finished = 1,

    /// <summary>Another delivery holds a recent claim; try again after the lease (it may have crashed).</summary>
    InProgress = 2,
}

/// <summary>
/// Win-back contact history, partitioned like the members. Contract:
/// <list type="bullet">
/// <item><see cref="GetRecentAsync"/>: records of the given members whose SendAt is after <c>since</c>; members without
/// records may be absent from the result.</item>
/// <item><see cref="RecordAsync"/>: stores records by id; recording an id again stores the same planned values and never
/// touches the delivery state (claim, final status) of an existing record (idempotent).</item>
/// <item><see cref="TryClaimDeliveryAsync"/>: conditional write on the record of the message. Claimed when there is no
/// claim yet or the claim is unfinished and older than <c>lease</c>; Finished when delivered/suppressed/failed; InProgress
/// when claimed recently. A record that does not exist yet is created from the message by the claim (the sender can run
/// before the planner records, e.g. after a crash between enqueueing and recording), so a sent message always counts
/// toward the caps.</item>
/// <item><see cref="CompleteDeliveryAsync"/> stores the final status and the events describing it atomically (outbox);
/// <see cref="ReleaseDeliveryClaimAsync"/> drops a claim so a retry can deliver.</item>
/// </list>
/// </summary>
public interface IContactHistory
{
    Task<IReadOnlyDictionary<string, IReadOnlyList<ContactRecord>>> GetRecentAsync(
        IReadOnlyCollection<string> memberIds, DateTimeOffset since, CancellationToken cancellationToken);

    Task RecordAsync(IReadOnlyList<ContactRecord> records, CancellationToken cancellationToken);

    Task<DeliveryClaim> TryClaimDeliveryAsync(OutboundMessage message, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    Task CompleteDeliveryAsync(string memberId, string contactId, ContactStatus status, DateTimeOffset at, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken);

    Task ReleaseDeliveryClaimAsync(string memberId, string contactId, CancellationToken cancellationToken);
}

/// <summary>A system coupon grant: <see cref="GrantId"/> is the idempotency key (the same id is issued at most once).</summary>
/// <remarks>
/// <see cref="Amount"/> is the face value the member capability reports (offer table); the coupon definition decides
/// the value actually issued, so the coupon-grants contract does not carry it.
/// </remarks>
public sealed record CouponGrant(string GrantId, string MemberId, string CouponDefinitionId, decimal? Amount, GrantReason Reason, DateTimeOffset RequestedAt);

/// <summary>
/// Coupon granting, implemented by the coupon capability through its <c>coupon-grants</c> queue. Contract: grants
/// travel packed (as few queue messages as the message size allows, never one per grant); issuing is idempotent per
/// GrantId, so enqueuing the same grant twice issues one coupon. Returns once the grants are durably enqueued.
/// </summary>
public interface ICouponGrants
{
    Task EnqueueAsync(IReadOnlyList<CouponGrant> grants, CancellationToken cancellationToken);
}

/// <summary>
/// A win-back message waiting for delivery. Carries no address or other personal data (it travels through queues);
/// the sender resolves the address at delivery time, when consent is checked again.
/// </summary>
public sealed record OutboundMessage(
    string MessageId,
    string MemberId,
    ContactChannel Channel,
    string TemplateId,
    DateTimeOffset SendAt,
    string CouponDefinitionId,
    decimal CouponAmount,
    LifecycleState Lifecycle,
    DateOnly RunDate);

/// <summary>
/// The message outbox. Contract: messages travel packed; each becomes deliverable at its SendAt (queue visibility
/// delay, capped by the queue's maximum and re-delayed by the sender when reached early); duplicates are possible
/// and are absorbed by the sender's delivery claim on the message id.
/// </summary>
public interface IMessageOutbox
{
    Task EnqueueAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken);
}

/// <summary>Where a message goes: an e-mail address, an E.164 phone number, or the member id for push/app inbox. Redacted ToString.</summary>
public sealed class MessageAddress(ContactChannel channel, string value)
{
    public ContactChannel Channel { get; } = channel;

    public string Value { get; } = value;

    public override string ToString() => $"MessageAddress({Channel}, redacted)";
}

public enum DeliveryStatus
{
    Delivered = 0,
    Failed = 1,
}

/// <summary>What a channel adapter reports. Retryable failures (throttling, outages) are tried again later.</summary>
public sealed record DeliveryResult(DeliveryStatus Status, string? ProviderMessageId = null, string? Error = null, bool Retryable = false)
{
    public static DeliveryResult Delivered(string? providerMessageId = null) => new(DeliveryStatus.Delivered, providerMessageId);

    public static DeliveryResult Failed(string error, bool retryable) => new(DeliveryStatus.Failed, null, error, retryable);
}

/// <summary>
/// A delivery channel adapter (local table recorder; e-mail, SMS, push providers selected by configuration).
/// Contract: sends one message to one address; passes <see cref="OutboundMessage.MessageId"/> to the provider as its
/// idempotency key where the provider supports one; never logs the address.
/// </summary>
public interface IMessageChannel
{
    ContactChannel Channel { get; }

    Task<DeliveryResult> SendAsync(OutboundMessage message, MessageAddress address, CancellationToken cancellationToken);
}

/// <summary>
/// Where the members' tiers are published for other capabilities (Coupons check tiers on the claim path). Contract:
/// idempotent upsert / delete; the latest call wins.
/// </summary>
public interface IMemberTierPublisher
{
    Task PublishAsync(string memberId, MemberTier tier, CancellationToken cancellationToken);

    Task RemoveAsync(string memberId, CancellationToken cancellationToken);
}
