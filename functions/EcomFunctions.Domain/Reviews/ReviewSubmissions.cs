using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Reviews;

/// <summary>The submitted review and whether this call created it (false: a retry of an earlier submission).</summary>
public sealed record SubmissionOutcome(Review Review, bool Created);

/// <summary>
/// Accepts a storefront's review as Pending. The verified-purchase check only records a fact for screening: an
/// unverified purchase is a fake signal, never a rejection by itself. Screening starts from the ReviewSubmitted event
/// (outbox → <c>review-moderation</c>), so an accepted review is always screened even if the process dies right after.
/// </summary>
public sealed class ReviewSubmissions(IReviewStore reviews, IOrderVerifier orders, IMemberReviewLog memberLog, ModerationOptions moderation, TimeProvider time)
{
    /// <summary>Member-log entries are kept this much longer than the burst window, for screening that runs late.</summary>
    private static readonly TimeSpan MemberLogGrace = TimeSpan.FromDays(1);

    public async Task<Result<SubmissionOutcome>> SubmitAsync(ReviewSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var id = ReviewIds.For(submission.MemberId, submission.OrderId, submission.ProductId);
        var existing = await reviews.GetAsync(submission.ProductId, id, cancellationToken);
        if (existing is not null)
        {
            return Repeat(existing, submission);
        }

        var verified = await orders.IsVerifiedPurchaseAsync(submission.MemberId, submission.OrderId, submission.ProductId, cancellationToken);
        var now = time.GetUtcNow();
        var change = ReviewLifecycle.Submit(submission, verified, now);
        // Logged before the review is stored, so that a member's concurrent submissions see each other when screened.
        await memberLog.RecordAsync(submission.MemberId, id, now, now - moderation.BurstWindow - MemberLogGrace, cancellationToken);
        var saved = await reviews.SaveAsync(change, cancellationToken);
        if (saved.IsSuccess)
        {
            return new SubmissionOutcome(saved.Value!, Created: true);
        }

        if (saved.Problem!.Code == "review-exists" && await reviews.GetAsync(submission.ProductId, id, cancellationToken) is { } raced)
        {
            // A concurrent duplicate of this very submission won the insert.
            return Repeat(raced, submission);
        }

        return saved.Problem;
    }

    private static Result<SubmissionOutcome> Repeat(Review existing, ReviewSubmission submission) =>
        ReviewLifecycle.IsSameSubmission(existing, submission)
            ? new SubmissionOutcome(existing, Created: false)
            : Problem.Conflict("review-exists", $"The member already reviewed product '{submission.ProductId}' for order '{submission.OrderId}' (review '{existing.Id}').");
}

/// <summary>The review after screening and whether this call screened it (false: it was screened before — a duplicate delivery).</summary>
public sealed record ScreeningOutcome(Review Review, bool Screened);

/// <summary>
/// Screens a pending review: near-duplicate candidates by band key, the member's recent submissions, the current
/// blocklist, the optional classifier, then the decision with every reason. Idempotent: a review that is no longer
/// pending is not screened again, but what follows a screening (its fingerprint in the near-duplicate index, the work
/// queues) is done again, which repairs a crash between the save and those writes.
/// </summary>
public sealed class ReviewModeration(
    IReviewStore reviews,
    INearDuplicateIndex nearDuplicates,
    IMemberReviewLog memberLog,
    ModerationBlocklist blocklist,
    ReviewScreening screening,
    ReviewLifecycle lifecycle,
    IContentClassifier classifier,
    ReviewOptions options,
    TimeProvider time)
{
    public async Task<Result<ScreeningOutcome>> ScreenAsync(string productId, string reviewId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var review = await reviews.GetAsync(productId, reviewId, cancellationToken);
            if (review is null)
            {
                return Problem.NotFound($"Review '{reviewId}' of product '{productId}'.");
            }

            var prepared = screening.Prepare(review.Text);
            if (review.Status != ReviewStatus.Pending)
            {
                await CompleteAsync(review, prepared, cancellationToken);
                return new ScreeningOutcome(review, Screened: false);
            }

            var thresholds = screening.Options;
            var candidates = prepared.IsNearDuplicateComparable
                ? await nearDuplicates.FindAsync(prepared.NearDuplicateBandKeys, review.SubmittedAt - thresholds.NearDuplicateWindow, review.Id, cancellationToken)
                : [];
            var recent = await memberLog.CountAsync(review.MemberId, review.SubmittedAt - thresholds.BurstWindow, review.SubmittedAt, review.Id, cancellationToken);
            var (list, version) = await blocklist.CurrentAsync(cancellationToken);
            var signals = new ReviewSignals
            {
                MemberId = review.MemberId,
                Rating = review.Rating,
                VerifiedPurchase = review.VerifiedPurchase,
                SubmittedAt = review.SubmittedAt,
                AccountCreatedAt = review.MemberSince,
                RecentReviewsByMember = recent,
                NearDuplicates = candidates,
            };
            var result = await screening.ScreenAsync(prepared, signals, list, classifier, cancellationToken);
            var change = lifecycle.ApplyScreening(review, result, version, time.GetUtcNow());
            if (!change.IsSuccess)
            {
                return change.Problem!;
            }

            var saved = await reviews.SaveAsync(change.Value!, cancellationToken);
            if (saved.IsSuccess)
            {
                await CompleteAsync(saved.Value!, prepared, cancellationToken);
                return new ScreeningOutcome(saved.Value!, Screened: true);
            }

            if (saved.Problem!.Kind != ProblemKind.PreconditionFailed || attempt >= options.SaveAttempts)
            {
                return saved.Problem;
            }
        }
    }

    private async Task CompleteAsync(Review review, PreparedReview prepared, CancellationToken cancellationToken)
    {
        if (review.Screening is not null && prepared.IsNearDuplicateComparable)
        {
            await nearDuplicates.AddAsync(prepared.NearDuplicateBandKeys,
                new NearDuplicateCandidate(review.Id, review.MemberId, prepared.Fingerprint, review.SubmittedAt), cancellationToken);
        }

        await reviews.RefreshQueuesAsync(review, cancellationToken);
    }
}
