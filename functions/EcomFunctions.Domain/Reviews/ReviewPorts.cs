using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Reviews;

// The review capability's ports. Storage implements them on Azure Tables; every method is safe to retry.

/// <summary>
/// Did this member buy this product in this order? Implemented on the orders read model that storefront order intake
/// fills. An unknown order is simply not verified (a fake signal for screening, not an error).
/// </summary>
public interface IOrderVerifier
{
    Task<bool> IsVerifiedPurchaseAsync(string memberId, string orderId, string productId, CancellationToken cancellationToken);
}

/// <summary>A page of items and the opaque token that continues after it (null on the last page).</summary>
public sealed record ReviewPage<T>(IReadOnlyList<T> Items, string? ContinuationToken);

/// <summary>A published review as buyers see it.</summary>
public sealed record PublishedReview(
    string Id,
    string ProductId,
    string MemberId,
    int Rating,
    string Text,
    IReadOnlyList<string> ImageUrls,
    bool VerifiedPurchase,
    DateTimeOffset SubmittedAt,
    DateTimeOffset PublishedAt,
    PublishedResponse? Response)
{
    public static PublishedReview From(Review review)
    {
        ArgumentNullException.ThrowIfNull(review);
        return new PublishedReview(review.Id, review.ProductId, review.MemberId, review.Rating, review.Text, review.ImageUrls,
            review.VerifiedPurchase, review.SubmittedAt, review.PublishedAt ?? review.SubmittedAt,
            review.Response is { } r ? new PublishedResponse(r.Text, r.RespondedAt) : null);
    }
}

/// <summary>A merchant response as buyers see it (who answered stays internal).</summary>
public sealed record PublishedResponse(string Text, DateTimeOffset RespondedAt);

/// <summary>Which negative reviews to list: all unanswered, only overdue ones, or only those still in time.</summary>
public enum ResponseQueueFilter
{
    All,
    Overdue,
    InTime,
}

/// <summary>
/// Reviews, their audit trail, the public listing with its rating distribution, and the two work queues (moderation,
/// merchant responses). Contract:
/// <list type="bullet">
/// <item><see cref="SaveAsync"/> writes the review, its audit entries, its listing entry and rating counters and its
/// events (the outbox) atomically. A create (<see cref="ReviewChange.IsCreate"/>) of an existing id returns Conflict
/// (code <c>review-exists</c>); an update whose <see cref="Review.ConcurrencyStamp"/> is stale returns
/// PreconditionFailed (callers re-load and re-apply). It then brings the work queues in step with the review.</item>
/// <item>The work queues are kept in step after the atomic write, so a crash in between can leave them behind;
/// <see cref="RefreshQueuesAsync"/> brings them in step again (idempotent) and the queue listings never show a review
/// that no longer belongs there.</item>
/// <item>Listings page with opaque continuation tokens; a malformed token is a Validation problem.</item>
/// </list>
/// </summary>
public interface IReviewStore
{
    Task<Review?> GetAsync(string reviewId, CancellationToken cancellationToken);

    Task<Review?> GetAsync(string productId, string reviewId, CancellationToken cancellationToken);

    Task<Result<Review>> SaveAsync(ReviewChange change, CancellationToken cancellationToken);

    Task RefreshQueuesAsync(Review review, CancellationToken cancellationToken);

    Task<IReadOnlyList<ReviewAuditEntry>> GetAuditTrailAsync(string reviewId, CancellationToken cancellationToken);

    /// <summary>Published reviews of a product, newest first.</summary>
    Task<Result<ReviewPage<PublishedReview>>> ListPublishedAsync(string productId, int pageSize, string? continuationToken, CancellationToken cancellationToken);

    Task<RatingDistribution> GetRatingDistributionAsync(string productId, CancellationToken cancellationToken);

    /// <summary>Reviews waiting for an operator, oldest submission first.</summary>
    Task<Result<ReviewPage<Review>>> ListModerationQueueAsync(int pageSize, string? continuationToken, CancellationToken cancellationToken);

    /// <summary>Negative reviews waiting for a merchant response, earliest due first.</summary>
    Task<Result<ReviewPage<Review>>> ListResponseQueueAsync(ResponseQueueFilter filter, DateTimeOffset now, int pageSize, string? continuationToken, CancellationToken cancellationToken);
}

/// <summary>
/// Near-duplicate lookup by SimHash band keys (<see cref="PreparedReview.NearDuplicateBandKeys"/>). Contract: candidates
/// are read by band key (never by scanning), posted at or after <paramref name="since"/>, each once, without
/// <paramref name="excludeReviewId"/>; <see cref="AddAsync"/> is idempotent per review.
/// </summary>
public interface INearDuplicateIndex
{
    Task<IReadOnlyList<NearDuplicateCandidate>> FindAsync(IReadOnlyList<string> bandKeys, DateTimeOffset since, string excludeReviewId, CancellationToken cancellationToken);

    Task AddAsync(IReadOnlyList<string> bandKeys, NearDuplicateCandidate candidate, CancellationToken cancellationToken);
}

/// <summary>
/// Each member's recent submissions, for burst detection. Contract: <see cref="RecordAsync"/> is idempotent per review and
/// may forget entries older than <paramref name="forgetBefore"/>; <see cref="CountAsync"/> counts the member's reviews
/// submitted in [<paramref name="windowStart"/>, <paramref name="windowEnd"/>) other than <paramref name="excludeReviewId"/>.
/// </summary>
public interface IMemberReviewLog
{
    Task RecordAsync(string memberId, string reviewId, DateTimeOffset submittedAt, DateTimeOffset forgetBefore, CancellationToken cancellationToken);

    Task<int> CountAsync(string memberId, DateTimeOffset windowStart, DateTimeOffset windowEnd, string excludeReviewId, CancellationToken cancellationToken);
}

/// <summary>The operator-managed blocklist as stored: a version that grows by one per save.</summary>
public sealed record StoredBlocklist(long Version, IReadOnlyList<BlocklistEntry> Entries, DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>
/// The blocklist every instance shares. Contract: <see cref="GetVersionAsync"/> is one cheap read (0 when nothing is
/// stored); <see cref="SaveAsync"/> stores a new version only if the stored version is <paramref name="expectedVersion"/>
/// (0 = nothing stored yet), otherwise PreconditionFailed; a reader never sees a half-written list.
/// </summary>
public interface IBlocklistStore
{
    Task<long> GetVersionAsync(CancellationToken cancellationToken);

    Task<StoredBlocklist?> GetAsync(CancellationToken cancellationToken);

    Task<Result<StoredBlocklist>> SaveAsync(IReadOnlyList<BlocklistEntry> entries, long expectedVersion, string updatedBy, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>
/// Hands approval rewards to the member capability. Contract: at least once; the member capability applies each
/// <see cref="ReviewReward.ActivityId"/> at most once, so sending a reward again is harmless.
/// </summary>
public interface IReviewRewardSink
{
    Task SendAsync(IReadOnlyList<ReviewReward> rewards, CancellationToken cancellationToken);
}
