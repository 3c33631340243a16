using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Reviews;

/// <summary>CloudEvent types the review capability publishes (through the outbox).</summary>
public static class ReviewEventTypes
{
    public const string ReviewSubmitted = "Ecom.Reviews.ReviewSubmitted";
    public const string ReviewApproved = "Ecom.Reviews.ReviewApproved";
    public const string ReviewRejected = "Ecom.Reviews.ReviewRejected";
    public const string ReviewNeedsModeration = "Ecom.Reviews.ReviewNeedsModeration";
    public const string NegativeReviewReceived = "Ecom.Reviews.NegativeReviewReceived";
    public const string ResponseOverdue = "Ecom.Reviews.ResponseOverdue";
    public const string ResponsePublished = "Ecom.Reviews.ResponsePublished";

    public static IReadOnlyList<string> All { get; } =
        [ReviewSubmitted, ReviewApproved, ReviewRejected, ReviewNeedsModeration, NegativeReviewReceived, ResponseOverdue, ResponsePublished];
}

/// <summary>
/// The data of every review event: ids, rating and what happened. Texts are not included (subscribers that need them
/// read the public listing); <see cref="RewardDue"/> is true on exactly one ReviewApproved event per review.
/// </summary>
public sealed record ReviewEventData(
    string ReviewId,
    string ProductId,
    string MemberId,
    string OrderId,
    int Rating,
    ReviewStatus Status,
    bool VerifiedPurchase,
    bool WithPhoto,
    string DecidedBy,
    IReadOnlyList<string> ReasonCodes,
    string? Comment,
    bool RewardDue,
    DateTimeOffset? ResponseDueAt,
    DateTimeOffset At);

public static class ReviewEvents
{
    public static string Subject(Review review)
    {
        ArgumentNullException.ThrowIfNull(review);
        return $"products/{review.ProductId}/reviews/{review.Id}";
    }

    /// <summary>
    /// An event of <paramref name="type"/> about <paramref name="review"/> (the version after the change). The id is
    /// stable per (type, review, discriminator): the review version for ordinary changes, so a retried change re-emits
    /// the same id and subscribers dedupe it.
    /// </summary>
    public static DomainEvent Create(string type, Review review, ReviewActor actor, DateTimeOffset at, IReadOnlyList<string>? reasonCodes = null,
        string? comment = null, bool rewardDue = false, string? discriminator = null)
    {
        ArgumentNullException.ThrowIfNull(review);
        ArgumentNullException.ThrowIfNull(actor);
        var subject = Subject(review);
        var data = new ReviewEventData(review.Id, review.ProductId, review.MemberId, review.OrderId, review.Rating, review.Status,
            review.VerifiedPurchase, review.WithPhoto, actor.Id, reasonCodes ?? [], comment, rewardDue, review.ResponseDueAt, at);
        return new DomainEvent(DomainEvent.StableId(type, subject, discriminator ?? "v" + review.Version), type, subject, at, EcomJson.Serialize(data));
    }

    /// <summary>Reads an event's data; null when the event is not a review event or its data is unreadable.</summary>
    public static ReviewEventData? Read(DomainEvent domainEvent)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        if (!domainEvent.Type.StartsWith("Ecom.Reviews.", StringComparison.Ordinal))
        {
            return null;
        }

        var parsed = InputValidation.Parse<ReviewEventData>(domainEvent.DataJson);
        return parsed.IsSuccess ? parsed.Value : null;
    }
}
