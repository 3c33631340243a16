using System.Security.Cryptography;
using System.Text;

namespace EcomFunctions.Domain.Reviews;

/// <summary>
/// Where a review is in moderation. Pending until screened; screening moves it to Approved (published), Rejected or
/// NeedsReview (waiting for an operator); operators may move any screened review to Approved or Rejected (a takedown
/// or a restored false positive).
/// </summary>
public enum ReviewStatus
{
    Pending,
    NeedsReview,
    Approved,
    Rejected,
}

/// <summary>What automatic screening found, kept with the review so operators see every reason and where it is.</summary>
public sealed record ReviewScreeningRecord(
    ScreeningDecision Decision,
    IReadOnlyList<ScreeningReason> Reasons,
    string Fingerprint,
    long BlocklistVersion,
    DateTimeOffset ScreenedAt);

/// <summary>The last operator decision on a review.</summary>
public sealed record ReviewDecisionRecord(bool Approved, string Reason, string OperatorId, string OperatorName, DateTimeOffset DecidedAt);

/// <summary>A merchant's public answer, shown with the review.</summary>
public sealed record MerchantResponse(string Text, string MerchantId, string MerchantName, DateTimeOffset RespondedAt);

/// <summary>Who changed a review: automatic screening, a timer, or a named operator.</summary>
public sealed record ReviewActor(string Id, string Name)
{
    public static ReviewActor Screening { get; } = new("system:screening", "Automatic screening");

    public static ReviewActor ResponseTimer { get; } = new("system:response-timer", "Response SLA timer");

    public static ReviewActor Storefront(string memberId) => new("member:" + memberId, memberId);
}

/// <summary>
/// A product review. Immutable: every change goes through <see cref="ReviewLifecycle"/>, which returns the next version
/// with its audit entries and events. <see cref="ConcurrencyStamp"/> belongs to the store (the version it loaded) and
/// means nothing to the domain.
/// </summary>
public sealed record Review
{
    public required string Id { get; init; }

    public required string ProductId { get; init; }

    public required string MemberId { get; init; }

    public required string OrderId { get; init; }

    public required int Rating { get; init; }

    public required string Text { get; init; }

    public required IReadOnlyList<string> ImageUrls { get; init; }

    public required DateTimeOffset SubmittedAt { get; init; }

    /// <summary>When the member's account was created, as the storefront reported it (the new-account signal).</summary>
    public DateTimeOffset? MemberSince { get; init; }

    public required bool VerifiedPurchase { get; init; }

    public required ReviewStatus Status { get; init; }

    /// <summary>1 after submission, +1 per change; the ETag the API exposes.</summary>
    public required long Version { get; init; }

    public ReviewScreeningRecord? Screening { get; init; }

    public ReviewDecisionRecord? Decision { get; init; }

    /// <summary>When the review last became visible to buyers; null while it is not.</summary>
    public DateTimeOffset? PublishedAt { get; init; }

    /// <summary>Whether the approval reward was already sent (at most once per review, whatever happens later).</summary>
    public bool Rewarded { get; init; }

    /// <summary>Set when a negative review enters the merchant-response queue (on its first publication).</summary>
    public DateTimeOffset? ResponseDueAt { get; init; }

    public MerchantResponse? Response { get; init; }

    /// <summary>When the SLA timer flagged the missing response (the reminder is sent once).</summary>
    public DateTimeOffset? OverdueFlaggedAt { get; init; }

    public string? ConcurrencyStamp { get; init; }

    public bool WithPhoto => ImageUrls.Count > 0;

    /// <summary>Waiting for a merchant response: published, in the response queue, not answered.</summary>
    public bool AwaitsResponse => Status == ReviewStatus.Approved && ResponseDueAt is not null && Response is null;
}

/// <summary>A change to one review: the version before (null when created), the version after, audit and events.</summary>
public sealed record ReviewChange(Review? Before, Review After, IReadOnlyList<ReviewAuditEntry> Audit, IReadOnlyList<Platform.DomainEvent> Events)
{
    public bool IsCreate => Before is null;
}

/// <summary>One line of a review's audit trail. <see cref="Version"/> is the review version the change produced.</summary>
public sealed record ReviewAuditEntry(
    string ReviewId,
    long Version,
    DateTimeOffset At,
    string Action,
    string ActorId,
    string ActorName,
    ReviewStatus? From,
    ReviewStatus To,
    string? Comment,
    IReadOnlyList<string> ReasonCodes);

/// <summary>Audit actions (stable strings).</summary>
public static class ReviewAuditActions
{
    public const string Submitted = "Submitted";
    public const string Screened = "Screened";
    public const string Approved = "Approved";
    public const string Rejected = "Rejected";
    public const string ResponsePublished = "ResponsePublished";
    public const string ResponseOverdue = "ResponseOverdue";
}

/// <summary>
/// Review ids. An id is derived from (member, order, product): a member reviews a purchased product once per order, so
/// a storefront retrying a submission reaches the same review instead of creating a second one.
/// </summary>
public static class ReviewIds
{
    public const string Prefix = "rv";

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    public static string For(string memberId, string orderId, string productId)
    {
        ArgumentNullException.ThrowIfNull(memberId);
        ArgumentNullException.ThrowIfNull(orderId);
        ArgumentNullException.ThrowIfNull(productId);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{memberId}\n{orderId}\n{productId}"));
        return Prefix + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    /// <summary>Whether a caller-supplied id can be a review id at all (anything else is simply not found).</summary>
    public static bool IsWellFormed(string? id) =>
        id is { Length: 34 } && id.StartsWith(Prefix, StringComparison.Ordinal) && !id.AsSpan(2).ContainsAnyExcept(LowerHex);
}

/// <summary>Fixed limits of a submission (issue 7: text ≤ 2 000 characters, ≤ 9 images).</summary>
public static class ReviewLimits
{
    public const int MaxTextLength = 2000;
    public const int MaxImages = 9;
    public const int MaxImageUrlLength = 1000;
    public const int MaxIdLength = 128;
    public const int MaxResponseLength = 1000;
    public const int MaxReasonLength = 500;
}
