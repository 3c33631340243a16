using System.Globalization;
using System.Net;
using System.Text;
using Azure;
using Azure.Data.Tables;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Reviews;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.Storage.Reviews;

/// <summary>
/// Reviews on Table Storage.
/// <para>
/// Table <see cref="ReviewTables.Reviews"/>, <b>PK = product id</b>: everything that must change together with a review
/// lives in its product's partition, so one batch transaction writes it atomically — the review row
/// (<c>review|{id}</c>, ETag concurrency), its audit entries (<c>audit|{id}|{version}</c>), its public listing entry
/// (<c>published|{inverted publish ticks}|{id}</c>: a range query gives the newest first), the product's rating counters
/// (<c>ratings</c>, ETag concurrency) and the outbox rows of its events. The public listing and distribution are then
/// one range query and one point read. A product's reviews arrive slowly, so the counter row is not a hot spot.
/// </para>
/// <para>
/// Table <see cref="ReviewTables.Lookup"/>, PK = review id: the product of a review, for endpoints that only know the id.
/// Written (insert-if-absent) before the review, so every stored review can be found.
/// </para>
/// <para>
/// Table <see cref="ReviewTables.Queues"/>: the two work queues operators page through, PK = queue name
/// (<c>moderation</c>, <c>responses</c>), RK = a fixed-width time key + review id, so a range query gives oldest
/// submission / earliest due time first and "overdue" is a row-key range. These are projections written after the
/// review's transaction (a different partition cannot join it): listings re-read each review and drop rows that no
/// longer belong, and <see cref="RefreshQueuesAsync"/> (run again by every retry and by the review-events consumer)
/// adds rows a crash left out.
/// </para>
/// </summary>
public sealed class TableReviewStore(StorageClients storage, Outbox outbox, ReviewTables tables, ILogger<TableReviewStore> logger) : IReviewStore
{
    public const string ModerationQueue = "moderation";
    public const string ResponseQueue = "responses";

    private const string ReviewPrefix = "review|";
    private const string PublishedPrefix = "published|";
    private const string PublishedEnd = "published}"; // '}' follows '|': the end of the published| range
    private const string AuditPrefix = "audit|";
    private const string RatingsRow = "ratings";
    private const string LookupRow = "product";
    private const int MaxTokenLength = 1024;

    public async Task<Review?> GetAsync(string reviewId, CancellationToken cancellationToken)
    {
        var productId = await ProductOfAsync(reviewId, cancellationToken);
        return productId is null ? null : await GetAsync(productId, reviewId, cancellationToken);
    }

    public async Task<Review?> GetAsync(string productId, string reviewId, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(productId) || !ReviewIds.IsWellFormed(reviewId))
        {
            return null;
        }

        var table = await storage.TableAsync(tables.Reviews, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(productId, ReviewPrefix + reviewId, cancellationToken: cancellationToken);
        return row.HasValue && row.Value is { } entity ? ToReview(entity) : null;
    }

    public async Task<Result<Review>> SaveAsync(ReviewChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var after = change.After;
        var before = change.Before;
        var productId = after.ProductId;
        if (change.IsCreate && !await RecordLookupAsync(after, cancellationToken))
        {
            return Problem.Conflict("review-exists", $"Review '{after.Id}' belongs to another product.");
        }

        var table = await storage.TableAsync(tables.Reviews, cancellationToken);
        var actions = new List<TableTransactionAction>
        {
            change.IsCreate
                ? new TableTransactionAction(TableTransactionActionType.Add, ReviewEntity(after))
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, ReviewEntity(after), new ETag(before!.ConcurrencyStamp ?? throw new ArgumentException("The review was not loaded from this store.", nameof(change)))),
        };
        actions.AddRange(change.Audit.Select(entry => new TableTransactionAction(TableTransactionActionType.Add, AuditEntity(productId, entry))));
        AddListingActions(before, after, actions);
        if (await RatingsActionAsync(table, before, after, cancellationToken) is { } ratings)
        {
            actions.Add(ratings);
        }

        var changeCount = actions.Count;
        actions.AddRange(change.Events.Select(e => Outbox.RowFor(productId, e)));
        Response<IReadOnlyList<Response>> response;
        try
        {
            response = await table.SubmitTransactionAsync(actions, cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            if (change.IsCreate && ex.FailedTransactionActionIndex is 0 or null && ex.Status == (int)HttpStatusCode.Conflict)
            {
                return Problem.Conflict("review-exists", $"Review '{after.Id}' exists.");
            }

            // The review, or the product's rating counters, changed since they were read.
            return Problem.PreconditionFailed($"Review '{after.Id}' or the ratings of product '{productId}' changed meanwhile (action {ex.FailedTransactionActionIndex} of {changeCount}).");
        }

        var saved = after with { ConcurrencyStamp = response.Value[0].Headers.ETag?.ToString() };
        await SignalAsync(table.Name, productId, change.Events, cancellationToken);
        try
        {
            await RefreshQueuesAsync(saved, cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            // The review is saved; its events make the review-events consumer refresh the queues again.
            logger.LogWarning(ex, "Work queues of review {ReviewId} not refreshed; the review-events consumer will.", saved.Id);
        }

        return saved;
    }

    public async Task RefreshQueuesAsync(Review review, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(review);
        var queues = await storage.TableAsync(tables.Queues, cancellationToken);
        var moderationKey = TimeKey(review.SubmittedAt, review.Id);
        if (review.Status == ReviewStatus.NeedsReview)
        {
            await queues.UpsertEntityAsync(new TableEntity(ModerationQueue, moderationKey) { ["ProductId"] = review.ProductId }, TableUpdateMode.Replace, cancellationToken);
        }
        else if (review.Screening?.Decision == ScreeningDecision.NeedsReview)
        {
            await DeleteIfExistsAsync(queues, ModerationQueue, moderationKey, cancellationToken);
        }

        if (review.ResponseDueAt is not { } due)
        {
            return;
        }

        var responseKey = TimeKey(due, review.Id);
        if (review.AwaitsResponse)
        {
            await queues.UpsertEntityAsync(new TableEntity(ResponseQueue, responseKey)
            {
                ["ProductId"] = review.ProductId,
                ["DueAt"] = due,
                ["OverdueFlaggedAt"] = review.OverdueFlaggedAt,
            }, TableUpdateMode.Replace, cancellationToken);
        }
        else
        {
            await DeleteIfExistsAsync(queues, ResponseQueue, responseKey, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<ReviewAuditEntry>> GetAuditTrailAsync(string reviewId, CancellationToken cancellationToken)
    {
        var productId = await ProductOfAsync(reviewId, cancellationToken);
        if (productId is null)
        {
            return [];
        }

        var table = await storage.TableAsync(tables.Reviews, cancellationToken);
        var prefix = $"{AuditPrefix}{reviewId}|";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {productId} and RowKey gt {prefix} and RowKey lt {prefix + "~"}");
        var entries = new List<ReviewAuditEntry>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            entries.Add(EcomJson.Deserialize<ReviewAuditEntry>(TableDocuments.Read(row, "Doc"))!);
        }

        return entries;
    }

    public async Task<Result<ReviewPage<PublishedReview>>> ListPublishedAsync(string productId, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        var after = DecodeToken(continuationToken, PublishedPrefix);
        if (!after.IsSuccess)
        {
            return after.Problem!;
        }

        if (!TableKeys.IsValid(productId))
        {
            return new ReviewPage<PublishedReview>([], null);
        }

        var table = await storage.TableAsync(tables.Reviews, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {productId} and RowKey gt {after.Value ?? PublishedPrefix} and RowKey lt {PublishedEnd}");
        var items = new List<PublishedReview>();
        string? last = null;
        var more = false;
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: pageSize, cancellationToken: cancellationToken).AsPages(pageSizeHint: pageSize))
        {
            foreach (var row in page.Values)
            {
                items.Add(EcomJson.Deserialize<PublishedReview>(TableDocuments.Read(row, "Doc"))!);
                last = row.RowKey;
            }

            more = page.ContinuationToken is not null;
            if (items.Count >= pageSize || !more)
            {
                break;
            }
        }

        return new ReviewPage<PublishedReview>(items, more && last is not null ? EncodeToken(last) : null);
    }

    public async Task<RatingDistribution> GetRatingDistributionAsync(string productId, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(productId))
        {
            return RatingDistribution.Empty;
        }

        var table = await storage.TableAsync(tables.Reviews, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(productId, RatingsRow, cancellationToken: cancellationToken);
        return row.HasValue && row.Value is { } entity ? ToDistribution(entity) : RatingDistribution.Empty;
    }

    public Task<Result<ReviewPage<Review>>> ListModerationQueueAsync(int pageSize, string? continuationToken, CancellationToken cancellationToken) =>
        ListQueueAsync(ModerationQueue, lowerBound: null, upperBound: null, pageSize, continuationToken, r => r.Status == ReviewStatus.NeedsReview, cancellationToken);

    public Task<Result<ReviewPage<Review>>> ListResponseQueueAsync(ResponseQueueFilter filter, DateTimeOffset now, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        // Row keys start with the due time: "overdue" (due before now) and "in time" are the two sides of one key.
        var boundary = now.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
        return filter switch
        {
            ResponseQueueFilter.Overdue => ListQueueAsync(ResponseQueue, null, boundary, pageSize, continuationToken,
                r => r.AwaitsResponse && NegativeReviewPolicy.IsOverdue(r.ResponseDueAt!.Value, null, now), cancellationToken),
            ResponseQueueFilter.InTime => ListQueueAsync(ResponseQueue, boundary, null, pageSize, continuationToken,
                r => r.AwaitsResponse && !NegativeReviewPolicy.IsOverdue(r.ResponseDueAt!.Value, null, now), cancellationToken),
            _ => ListQueueAsync(ResponseQueue, null, null, pageSize, continuationToken, r => r.AwaitsResponse, cancellationToken),
        };
    }

    private async Task<Result<ReviewPage<Review>>> ListQueueAsync(string queue, string? lowerBound, string? upperBound, int pageSize, string? continuationToken,
        Func<Review, bool> belongs, CancellationToken cancellationToken)
    {
        var after = DecodeToken(continuationToken, expectedPrefix: null);
        if (!after.IsSuccess)
        {
            return after.Problem!;
        }

        var table = await storage.TableAsync(tables.Queues, cancellationToken);
        var start = after.Value is { } token && (lowerBound is null || string.CompareOrdinal(token, lowerBound) >= 0) ? token : lowerBound;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {queue}");
        if (start is not null)
        {
            filter += start == after.Value
                ? TableClient.CreateQueryFilter($" and RowKey gt {start}")
                : TableClient.CreateQueryFilter($" and RowKey ge {start}");
        }

        if (upperBound is not null)
        {
            filter += TableClient.CreateQueryFilter($" and RowKey lt {upperBound}");
        }

        var items = new List<Review>();
        string? last = null;
        var more = false;
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: pageSize, cancellationToken: cancellationToken).AsPages(pageSizeHint: pageSize))
        {
            var rows = page.Values;
            var reviews = await Task.WhenAll(rows.Select(row => GetAsync(row.GetString("ProductId") ?? string.Empty, ReviewIdOf(row.RowKey), cancellationToken)));
            var consumed = 0;
            for (var i = 0; i < rows.Count && items.Count < pageSize; i++, consumed++)
            {
                last = rows[i].RowKey;
                if (reviews[i] is { } review && belongs(review))
                {
                    items.Add(review);
                }
                else
                {
                    // Decided, answered or deleted meanwhile: the row is a leftover of a queue refresh that did not happen.
                    await DeleteIfExistsAsync(table, queue, rows[i].RowKey, cancellationToken);
                }
            }

            more = consumed < rows.Count || page.ContinuationToken is not null;
            if (items.Count >= pageSize || !more)
            {
                break;
            }
        }

        return new ReviewPage<Review>(items, more && last is not null ? EncodeToken(last) : null);
    }

    private async Task<string?> ProductOfAsync(string reviewId, CancellationToken cancellationToken)
    {
        if (!ReviewIds.IsWellFormed(reviewId))
        {
            return null;
        }

        var lookup = await storage.TableAsync(tables.Lookup, cancellationToken);
        var row = await lookup.GetEntityIfExistsAsync<TableEntity>(reviewId, LookupRow, ["ProductId"], cancellationToken);
        return row.HasValue && row.Value is { } entity ? entity.GetString("ProductId") : null;
    }

    /// <summary>Insert-if-absent of the id → product row; false when the id already belongs to another product.</summary>
    private async Task<bool> RecordLookupAsync(Review review, CancellationToken cancellationToken)
    {
        var lookup = await storage.TableAsync(tables.Lookup, cancellationToken);
        try
        {
            await lookup.AddEntityAsync(new TableEntity(review.Id, LookupRow) { ["ProductId"] = review.ProductId }, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            // A retried submission wrote it before.
            return await ProductOfAsync(review.Id, cancellationToken) == review.ProductId;
        }
    }

    private static void AddListingActions(Review? before, Review after, List<TableTransactionAction> actions)
    {
        var oldKey = before is { Status: ReviewStatus.Approved, PublishedAt: { } was } ? ListingKey(was, before.Id) : null;
        var newKey = after is { Status: ReviewStatus.Approved, PublishedAt: { } now } ? ListingKey(now, after.Id) : null;
        if (oldKey is not null && oldKey != newKey)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(after.ProductId, oldKey), ETag.All));
        }

        if (newKey is not null)
        {
            var listing = new TableEntity(after.ProductId, newKey) { ["ReviewId"] = after.Id };
            TableDocuments.Write(listing, "Doc", EcomJson.Serialize(PublishedReview.From(after)));
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, listing));
        }
    }

    /// <summary>The rating counters' change when a review enters or leaves the public listing (read with its ETag).</summary>
    private static async Task<TableTransactionAction?> RatingsActionAsync(TableClient table, Review? before, Review after, CancellationToken cancellationToken)
    {
        var wasPublished = before?.Status == ReviewStatus.Approved;
        var isPublished = after.Status == ReviewStatus.Approved;
        if (wasPublished == isPublished)
        {
            return null;
        }

        var row = await table.GetEntityIfExistsAsync<TableEntity>(after.ProductId, RatingsRow, cancellationToken: cancellationToken);
        var current = row.HasValue && row.Value is { } existing ? ToDistribution(existing) : RatingDistribution.Empty;
        var next = isPublished ? current.Add(after.Rating) : current.Remove(after.Rating);
        var entity = new TableEntity(after.ProductId, RatingsRow)
        {
            ["OneStar"] = next.OneStar,
            ["TwoStars"] = next.TwoStars,
            ["ThreeStars"] = next.ThreeStars,
            ["FourStars"] = next.FourStars,
            ["FiveStars"] = next.FiveStars,
        };
        return row.HasValue && row.Value is { } loaded
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, loaded.ETag)
            : new TableTransactionAction(TableTransactionActionType.Add, entity);
    }

    private async Task SignalAsync(string table, string productId, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count > 0)
        {
            await outbox.SignalAsync(table, productId, events.Select(e => e.Id).ToList(), cancellationToken);
        }
    }

    private static async Task DeleteIfExistsAsync(TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            // Already gone.
        }
    }

    private static TableEntity ReviewEntity(Review review)
    {
        var entity = new TableEntity(review.ProductId, ReviewPrefix + review.Id)
        {
            // Plain columns for people browsing the table; the document is what the store reads.
            ["Status"] = review.Status.ToString(),
            ["Rating"] = review.Rating,
            ["MemberId"] = review.MemberId,
            ["SubmittedAt"] = review.SubmittedAt,
            ["Version"] = review.Version,
        };
        TableDocuments.Write(entity, "Doc", EcomJson.Serialize(review with { ConcurrencyStamp = null }));
        return entity;
    }

    private static TableEntity AuditEntity(string productId, ReviewAuditEntry entry)
    {
        var entity = new TableEntity(productId, string.Create(CultureInfo.InvariantCulture, $"{AuditPrefix}{entry.ReviewId}|{entry.Version:D10}"))
        {
            ["Action"] = entry.Action,
            ["ActorId"] = entry.ActorId,
            ["At"] = entry.At,
        };
        TableDocuments.Write(entity, "Doc", EcomJson.Serialize(entry));
        return entity;
    }

    private static Review ToReview(TableEntity entity) =>
        EcomJson.Deserialize<Review>(TableDocuments.Read(entity, "Doc"))! with { ConcurrencyStamp = entity.ETag.ToString() };

    private static RatingDistribution ToDistribution(TableEntity entity) => new(
        entity.GetInt32("OneStar") ?? 0, entity.GetInt32("TwoStars") ?? 0, entity.GetInt32("ThreeStars") ?? 0,
        entity.GetInt32("FourStars") ?? 0, entity.GetInt32("FiveStars") ?? 0);

    private static string ListingKey(DateTimeOffset publishedAt, string reviewId) =>
        string.Create(CultureInfo.InvariantCulture, $"{PublishedPrefix}{DateTimeOffset.MaxValue.UtcTicks - publishedAt.UtcTicks:D19}|{reviewId}");

    private static string TimeKey(DateTimeOffset at, string reviewId) =>
        string.Create(CultureInfo.InvariantCulture, $"{at.UtcTicks:D19}|{reviewId}");

    private static string ReviewIdOf(string timeKey) => timeKey[(timeKey.LastIndexOf('|') + 1)..];

    private static string EncodeToken(string rowKey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(rowKey)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static Result<string?> DecodeToken(string? token, string? expectedPrefix)
    {
        if (string.IsNullOrEmpty(token))
        {
            return (string?)null;
        }

        try
        {
            if (token.Length > MaxTokenLength)
            {
                throw new FormatException();
            }

            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var key = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            if (!TableKeys.IsValid(key) || (expectedPrefix is not null && !key.StartsWith(expectedPrefix, StringComparison.Ordinal)))
            {
                throw new FormatException();
            }

            return key;
        }
        catch (FormatException)
        {
            return Problem.Validation("continuationToken", "Not a continuation token this listing returned.");
        }
    }
}
