using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Reviews;

/// <summary>A review with its audit trail, for operators.</summary>
public sealed record ReviewDetail(Review Review, IReadOnlyList<ReviewAuditEntry> AuditTrail);

/// <summary>
/// What operators and merchants do to reviews: moderation decisions, merchant responses, the hourly overdue check,
/// and the queues and details they work from. Changes are load → rule → save; with an If-Match version a stale version
/// fails with PreconditionFailed, without one a lost race is re-applied to the fresh review (the rule is checked again).
/// </summary>
public sealed class ReviewOperations(IReviewStore reviews, ReviewLifecycle lifecycle, ReviewOptions options, TimeProvider time)
{
    public Task<Result<Review>> DecideAsync(string reviewId, bool approve, string reason, ReviewActor moderator, long? expectedVersion, CancellationToken cancellationToken) =>
        ApplyAsync(reviewId, expectedVersion, review => lifecycle.Decide(review, approve, reason, moderator, time.GetUtcNow()), cancellationToken);

    public Task<Result<Review>> RespondAsync(string reviewId, string text, ReviewActor merchant, long? expectedVersion, CancellationToken cancellationToken) =>
        ApplyAsync(reviewId, expectedVersion, review => ReviewLifecycle.Respond(review, text, merchant, time.GetUtcNow()), cancellationToken);

    /// <summary>
    /// Flags every negative review whose response is overdue and publishes its reminder (ResponseOverdue), once per
    /// review; returns how many were flagged now. Safe to run twice: flagged reviews are skipped.
    /// </summary>
    public async Task<int> FlagOverdueResponsesAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var flagged = 0;
        string? token = null;
        do
        {
            var page = await reviews.ListResponseQueueAsync(ResponseQueueFilter.Overdue, now, options.MaxPageSize, token, cancellationToken);
            var due = page.GetValueOrThrow();
            foreach (var review in due.Items.Where(r => r.OverdueFlaggedAt is null))
            {
                var outcome = await ApplyAsync(review.Id, null, r => ReviewLifecycle.FlagOverdue(r, now) is { } change
                    ? change
                    : Problem.Conflict("not-overdue", "Answered or flagged meanwhile."), cancellationToken);
                flagged += outcome.IsSuccess ? 1 : 0;
            }

            token = due.ContinuationToken;
        }
        while (token is not null);

        return flagged;
    }

    public async Task<Result<ReviewDetail>> GetDetailAsync(string reviewId, CancellationToken cancellationToken)
    {
        var review = await LoadAsync(reviewId, cancellationToken);
        if (!review.IsSuccess)
        {
            return review.Problem!;
        }

        return new ReviewDetail(review.Value!, await reviews.GetAuditTrailAsync(reviewId, cancellationToken));
    }

    public Task<Result<Review>> GetAsync(string reviewId, CancellationToken cancellationToken) => LoadAsync(reviewId, cancellationToken);

    public Task<Result<ReviewPage<Review>>> ModerationQueueAsync(int pageSize, string? continuationToken, CancellationToken cancellationToken) =>
        reviews.ListModerationQueueAsync(Math.Clamp(pageSize, 1, options.MaxPageSize), continuationToken, cancellationToken);

    public Task<Result<ReviewPage<Review>>> ResponseQueueAsync(ResponseQueueFilter filter, int pageSize, string? continuationToken, CancellationToken cancellationToken) =>
        reviews.ListResponseQueueAsync(filter, time.GetUtcNow(), Math.Clamp(pageSize, 1, options.MaxPageSize), continuationToken, cancellationToken);

    private async Task<Result<Review>> LoadAsync(string reviewId, CancellationToken cancellationToken)
    {
        if (!ReviewIds.IsWellFormed(reviewId))
        {
            return Problem.NotFound($"Review '{reviewId}'.");
        }

        var review = await reviews.GetAsync(reviewId, cancellationToken);
        return review is null ? Problem.NotFound($"Review '{reviewId}'.") : review;
    }

    private async Task<Result<Review>> ApplyAsync(string reviewId, long? expectedVersion, Func<Review, Result<ReviewChange>> operation, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var loaded = await LoadAsync(reviewId, cancellationToken);
            if (!loaded.IsSuccess)
            {
                return loaded;
            }

            var review = loaded.Value!;
            if (expectedVersion is { } expected && expected != review.Version)
            {
                return Problem.PreconditionFailed($"Review '{reviewId}' is at version {review.Version}, not {expected}.");
            }

            var change = operation(review);
            if (!change.IsSuccess)
            {
                // A refused change may be the retry of one that was saved before a crash: make sure the queues caught up.
                await reviews.RefreshQueuesAsync(review, cancellationToken);
                return change.Problem!;
            }

            var saved = await reviews.SaveAsync(change.Value!, cancellationToken);
            if (saved.IsSuccess || saved.Problem!.Kind != ProblemKind.PreconditionFailed || expectedVersion is not null || attempt >= options.SaveAttempts)
            {
                return saved;
            }
        }
    }
}

/// <summary>A product's top keywords and how many of its newest published reviews they were counted over.</summary>
public sealed record ProductKeywords(IReadOnlyList<KeywordCount> Keywords, int ReviewsRead);

/// <summary>A product's published reviews with its rating distribution.</summary>
public sealed record ProductReviewsPage(string ProductId, RatingDistribution Ratings, IReadOnlyList<PublishedReview> Items, string? ContinuationToken);

/// <summary>
/// What buyers see of a product: published reviews (newest first, with merchant responses), the rating distribution,
/// and the top keywords of its reviews. Keywords are cached per product for <see cref="ReviewOptions.KeywordCacheFor"/>:
/// segmentation is the expensive part and a product page is viewed far more often than reviewed.
/// </summary>
public sealed class ProductReviews(IReviewStore reviews, KeywordExtractor keywords, ReviewOptions options, TimeProvider time)
{
    private const int MaxCachedProducts = 10_000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, int), (ProductKeywords Keywords, DateTimeOffset Until)> cache = new();

    public async Task<Result<ProductReviewsPage>> ListAsync(string productId, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        var page = await reviews.ListPublishedAsync(productId, Math.Clamp(pageSize, 1, options.MaxPageSize), continuationToken, cancellationToken);
        if (!page.IsSuccess)
        {
            return page.Problem!;
        }

        var ratings = await reviews.GetRatingDistributionAsync(productId, cancellationToken);
        return new ProductReviewsPage(productId, ratings, page.Value!.Items, page.Value.ContinuationToken);
    }

    public async Task<ProductKeywords> TopKeywordsAsync(string productId, int top, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (cache.TryGetValue((productId, top), out var cached) && cached.Until > now)
        {
            return cached.Keywords;
        }

        var texts = new List<string>();
        string? token = null;
        do
        {
            var page = (await reviews.ListPublishedAsync(productId, Math.Min(options.MaxPageSize, options.KeywordSampleSize - texts.Count), token, cancellationToken))
                .GetValueOrThrow();
            texts.AddRange(page.Items.Select(r => r.Text));
            token = page.ContinuationToken;
        }
        while (token is not null && texts.Count < options.KeywordSampleSize);

        var result = new ProductKeywords(keywords.TopKeywords(texts, top), texts.Count);
        if (cache.Count >= MaxCachedProducts)
        {
            cache.Clear();
        }

        cache[(productId, top)] = (result, now + options.KeywordCacheFor);
        return result;
    }
}
