using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Reviews;

/// <summary>What a storefront submits (validated by the caller: ids, rating 1–5, text and image limits).</summary>
public sealed record ReviewSubmission(
    string MemberId,
    string OrderId,
    string ProductId,
    int Rating,
    string Text,
    IReadOnlyList<string> ImageUrls,
    DateTimeOffset? MemberSince);

/// <summary>
/// The rules of a review's life: submission, the screening decision, operator decisions, merchant responses and the
/// overdue reminder. Each operation returns the next version with its audit entry and events, or a problem; storage
/// writes them together.
/// </summary>
public sealed class ReviewLifecycle(NegativeReviewPolicy negativeReviews)
{
    private readonly NegativeReviewPolicy negativeReviews = negativeReviews ?? throw new ArgumentNullException(nameof(negativeReviews));

    public static ReviewChange Submit(ReviewSubmission submission, bool verifiedPurchase, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var review = new Review
        {
            Id = ReviewIds.For(submission.MemberId, submission.OrderId, submission.ProductId),
            ProductId = submission.ProductId,
            MemberId = submission.MemberId,
            OrderId = submission.OrderId,
            Rating = submission.Rating,
            Text = submission.Text,
            ImageUrls = submission.ImageUrls.ToList(),
            SubmittedAt = now,
            MemberSince = submission.MemberSince,
            VerifiedPurchase = verifiedPurchase,
            Status = ReviewStatus.Pending,
            Version = 1,
        };
        var actor = ReviewActor.Storefront(submission.MemberId);
        var codes = verifiedPurchase ? Array.Empty<string>() : [ScreeningReasonCodes.UnverifiedPurchase];
        return new ReviewChange(null, review,
            [Audit(review, ReviewAuditActions.Submitted, actor, now, null, null, codes)],
            [ReviewEvents.Create(ReviewEventTypes.ReviewSubmitted, review, actor, now, codes)]);
    }

    /// <summary>Whether a repeated submission is the same review (a retry) rather than a second, different one.</summary>
    public static bool IsSameSubmission(Review existing, ReviewSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(submission);
        return existing.Rating == submission.Rating
            && string.Equals(existing.Text, submission.Text, StringComparison.Ordinal)
            && existing.ImageUrls.SequenceEqual(submission.ImageUrls, StringComparer.Ordinal);
    }

    /// <summary>Records the screening result. Only a pending review is screened (Conflict <c>review-already-screened</c> otherwise).</summary>
    public Result<ReviewChange> ApplyScreening(Review review, ScreeningResult result, long blocklistVersion, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(review);
        ArgumentNullException.ThrowIfNull(result);
        if (review.Status != ReviewStatus.Pending)
        {
            return Problem.Conflict("review-already-screened", $"Review '{review.Id}' is {review.Status}, not Pending.");
        }

        var status = result.Decision switch
        {
            ScreeningDecision.AutoApproved => ReviewStatus.Approved,
            ScreeningDecision.AutoRejected => ReviewStatus.Rejected,
            _ => ReviewStatus.NeedsReview,
        };
        var codes = result.Reasons.Select(r => r.Code).Distinct(StringComparer.Ordinal).ToList();
        var next = review with
        {
            Status = status,
            Version = review.Version + 1,
            Screening = new ReviewScreeningRecord(result.Decision, result.Reasons, result.Fingerprint.ToString(), blocklistVersion, now),
        };
        var actor = ReviewActor.Screening;
        var comment = result.Decision.ToString();
        var events = new List<DomainEvent>();
        if (status == ReviewStatus.Approved)
        {
            next = Publish(next, now, actor, codes, comment, events);
        }
        else
        {
            next = next with { PublishedAt = null };
            events.Add(ReviewEvents.Create(
                status == ReviewStatus.Rejected ? ReviewEventTypes.ReviewRejected : ReviewEventTypes.ReviewNeedsModeration,
                next, actor, now, codes, comment));
        }

        return new ReviewChange(review, next, [Audit(next, ReviewAuditActions.Screened, actor, now, review.Status, comment, codes)], events);
    }

    /// <summary>
    /// An operator approves or rejects. Any review not already in that state may be decided: a pending one whose
    /// screening is stuck, one waiting in the queue, an auto-approved one taken down, an auto-rejected one restored.
    /// </summary>
    public Result<ReviewChange> Decide(Review review, bool approve, string reason, ReviewActor moderator, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(review);
        ArgumentNullException.ThrowIfNull(moderator);
        if (string.IsNullOrWhiteSpace(reason))
        {
            return Problem.Validation("reason", "A reason is required.");
        }

        var target = approve ? ReviewStatus.Approved : ReviewStatus.Rejected;
        if (review.Status == target)
        {
            return Problem.Conflict(approve ? "review-already-approved" : "review-already-rejected", $"Review '{review.Id}' is already {target}.");
        }

        var next = review with
        {
            Status = target,
            Version = review.Version + 1,
            Decision = new ReviewDecisionRecord(approve, reason, moderator.Id, moderator.Name, now),
        };
        var events = new List<DomainEvent>();
        if (approve)
        {
            next = Publish(next, now, moderator, [], reason, events);
        }
        else
        {
            next = next with { PublishedAt = null };
            events.Add(ReviewEvents.Create(ReviewEventTypes.ReviewRejected, next, moderator, now, [], reason));
        }

        var action = approve ? ReviewAuditActions.Approved : ReviewAuditActions.Rejected;
        return new ReviewChange(review, next, [Audit(next, action, moderator, now, review.Status, reason, [])], events);
    }

    /// <summary>A merchant answers a published review, once.</summary>
    public static Result<ReviewChange> Respond(Review review, string text, ReviewActor merchant, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(review);
        ArgumentNullException.ThrowIfNull(merchant);
        if (string.IsNullOrWhiteSpace(text))
        {
            return Problem.Validation("text", "A response text is required.");
        }

        if (review.Status != ReviewStatus.Approved)
        {
            return Problem.Conflict("review-not-published", $"Review '{review.Id}' is {review.Status}; only published reviews can be answered.");
        }

        if (review.Response is not null)
        {
            return Problem.Conflict("response-exists", $"Review '{review.Id}' was already answered at {review.Response.RespondedAt:O}.");
        }

        var next = review with
        {
            Version = review.Version + 1,
            Response = new MerchantResponse(text.Trim(), merchant.Id, merchant.Name, now),
        };
        return new ReviewChange(review, next,
            [Audit(next, ReviewAuditActions.ResponsePublished, merchant, now, review.Status, null, [])],
            [ReviewEvents.Create(ReviewEventTypes.ResponsePublished, next, merchant, now)]);
    }

    /// <summary>
    /// Flags a negative review whose response is overdue and emits the reminder — once per review (the flag stays and
    /// the event id is fixed). Null when there is nothing to flag.
    /// </summary>
    public static ReviewChange? FlagOverdue(Review review, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(review);
        if (!review.AwaitsResponse || review.OverdueFlaggedAt is not null
            || !NegativeReviewPolicy.IsOverdue(review.ResponseDueAt!.Value, null, now))
        {
            return null;
        }

        var next = review with { Version = review.Version + 1, OverdueFlaggedAt = now };
        var overdueBy = NegativeReviewPolicy.OverdueBy(review.ResponseDueAt.Value, null, now);
        var comment = $"no merchant response {overdueBy.TotalHours:0.#} h after the due time";
        var actor = ReviewActor.ResponseTimer;
        return new ReviewChange(review, next,
            [Audit(next, ReviewAuditActions.ResponseOverdue, actor, now, review.Status, comment, [])],
            [ReviewEvents.Create(ReviewEventTypes.ResponseOverdue, next, actor, now, comment: comment, discriminator: "once")]);
    }

    /// <summary>
    /// Makes a review visible: ReviewApproved (carrying the reward the first time only), and for a negative review
    /// published for the first time the entry into the merchant-response queue (NegativeReviewReceived).
    /// </summary>
    private Review Publish(Review next, DateTimeOffset now, ReviewActor actor, IReadOnlyList<string> codes, string? comment, List<DomainEvent> events)
    {
        var rewardDue = !next.Rewarded;
        var enteringResponseQueue = negativeReviews.IsNegative(next.Rating) && next.ResponseDueAt is null && next.Response is null;
        next = next with
        {
            PublishedAt = now,
            Rewarded = true,
            ResponseDueAt = enteringResponseQueue ? negativeReviews.ResponseDueAt(now) : next.ResponseDueAt,
        };
        events.Add(ReviewEvents.Create(ReviewEventTypes.ReviewApproved, next, actor, now, codes, comment, rewardDue));
        if (enteringResponseQueue)
        {
            events.Add(ReviewEvents.Create(ReviewEventTypes.NegativeReviewReceived, next, actor, now, codes, comment));
        }

        return next;
    }

    private static ReviewAuditEntry Audit(Review after, string action, ReviewActor actor, DateTimeOffset at, ReviewStatus? from, string? comment, IReadOnlyList<string> codes) =>
        new(after.Id, after.Version, at, action, actor.Id, actor.Name, from, after.Status, comment, codes);
}
