using Azure.Data.Tables;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Reviews;
using EcomFunctions.Storage.Reviews;
using EcomFunctions.Testing;

namespace EcomFunctions.Storage.Tests.Reviews;

public sealed class TableReviewStoreTests : IDisposable
{
    private static readonly ReviewActor Olga = new("olga", "Olga");
    private readonly ReviewStorageHarness harness = new();
    private readonly string product = Azurite.UniqueName("p");

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task A_published_review_is_listed_with_its_ratings_audit_trail_and_events_in_one_write()
    {
        var review = await harness.SubmitAndScreenAsync("m1", product, 4, "Solid kettle, boils in two minutes.");

        var page = (await harness.Store.ListPublishedAsync(product, 10, null, CancellationToken.None)).GetValueOrThrow();
        var ratings = await harness.Store.GetRatingDistributionAsync(product, CancellationToken.None);
        var audit = await harness.Store.GetAuditTrailAsync(review.Id, CancellationToken.None);
        var events = await harness.OutboxEventsAsync(product);

        Assert.Equal(ReviewStatus.Approved, review.Status);
        Assert.Equal(review.Id, Assert.Single(page.Items).Id);
        Assert.Null(page.ContinuationToken);
        Assert.Equal(new RatingDistribution(0, 0, 0, 1, 0), ratings);
        Assert.Equal([ReviewAuditActions.Submitted, ReviewAuditActions.Screened], audit.Select(a => a.Action));
        Assert.Equal([ReviewEventTypes.ReviewApproved, ReviewEventTypes.ReviewSubmitted], events.Select(e => e.Type).Order());
        Assert.Equal(2, harness.Queue.Messages<OutboxBatch>(QueueNames.OutboxDispatch).Count(b => b.PartitionKey == product));
    }

    [Fact]
    public async Task A_stale_version_writes_nothing()
    {
        var review = await harness.SubmitAndScreenAsync("m1", product, 5, "Great.");
        var stale = (await harness.Store.GetAsync(review.Id, CancellationToken.None))!;
        (await harness.Operations.DecideAsync(review.Id, false, "spam", Olga, null, CancellationToken.None)).GetValueOrThrow();

        var change = harness.Lifecycle.Decide(stale, false, "also spam", Olga, harness.Time.GetUtcNow()).GetValueOrThrow();
        var saved = await harness.Store.SaveAsync(change, CancellationToken.None);

        Assert.Equal(ProblemKind.PreconditionFailed, saved.Problem!.Kind);
        Assert.Equal(3, (await harness.Store.GetAuditTrailAsync(review.Id, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Creating_an_existing_review_is_a_conflict()
    {
        var change = ReviewLifecycle.Submit(new ReviewSubmission("m1", "o1", product, 5, "Great.", [], null), true, harness.Time.GetUtcNow());
        (await harness.Store.SaveAsync(change, CancellationToken.None)).GetValueOrThrow();

        var again = await harness.Store.SaveAsync(change, CancellationToken.None);

        Assert.Equal("review-exists", again.Problem!.Code);
    }

    [Fact]
    public async Task A_takedown_removes_the_review_from_the_listing_and_its_rating_from_the_distribution()
    {
        var kept = await harness.SubmitAndScreenAsync("m1", product, 5, "Great.");
        harness.Time.Advance(TimeSpan.FromMinutes(1));
        var removed = await harness.SubmitAndScreenAsync("m2", product, 3, "Average.");

        (await harness.Operations.DecideAsync(removed.Id, false, "off-topic", Olga, null, CancellationToken.None)).GetValueOrThrow();

        var page = (await harness.Store.ListPublishedAsync(product, 10, null, CancellationToken.None)).GetValueOrThrow();
        Assert.Equal([kept.Id], page.Items.Select(r => r.Id));
        Assert.Equal(new RatingDistribution(0, 0, 0, 0, 1), await harness.Store.GetRatingDistributionAsync(product, CancellationToken.None));
    }

    [Fact]
    public async Task The_public_listing_pages_newest_first_and_carries_merchant_responses()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await harness.SubmitAndScreenAsync($"m{i}", product, 1 + (i % 5), $"Review number {i}.")).Id);
            harness.Time.Advance(TimeSpan.FromMinutes(1));
        }

        (await harness.Operations.RespondAsync(ids[0], "Sorry, we will call you.", new ReviewActor("shop", "Shop"), null, CancellationToken.None)).GetValueOrThrow();

        var first = (await harness.Store.ListPublishedAsync(product, 2, null, CancellationToken.None)).GetValueOrThrow();
        var second = (await harness.Store.ListPublishedAsync(product, 2, first.ContinuationToken, CancellationToken.None)).GetValueOrThrow();
        var third = (await harness.Store.ListPublishedAsync(product, 2, second.ContinuationToken, CancellationToken.None)).GetValueOrThrow();

        Assert.Equal([ids[4], ids[3], ids[2], ids[1], ids[0]], first.Items.Concat(second.Items).Concat(third.Items).Select(r => r.Id));
        Assert.Null(third.ContinuationToken);
        Assert.Equal("Sorry, we will call you.", third.Items[0].Response!.Text);
        Assert.Equal(new RatingDistribution(1, 1, 1, 1, 1), await harness.Store.GetRatingDistributionAsync(product, CancellationToken.None));
    }

    [Fact]
    public async Task The_moderation_queue_pages_oldest_submission_first_and_drops_decided_reviews()
    {
        var queued = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            // One link in an otherwise genuine review goes to a human.
            var review = await harness.SubmitAndScreenAsync($"m{i}", product, 4, $"Review {i}: more photos at https://photos.example/{i} if you like.");
            Assert.Equal(ReviewStatus.NeedsReview, review.Status);
            queued.Add(review.Id);
            harness.Time.Advance(TimeSpan.FromMinutes(1));
        }

        (await harness.Operations.DecideAsync(queued[1], true, "harmless link", Olga, null, CancellationToken.None)).GetValueOrThrow();

        var first = (await harness.Store.ListModerationQueueAsync(2, null, CancellationToken.None)).GetValueOrThrow();
        var second = (await harness.Store.ListModerationQueueAsync(2, first.ContinuationToken, CancellationToken.None)).GetValueOrThrow();

        Assert.Equal([queued[0], queued[2], queued[3], queued[4]], first.Items.Concat(second.Items).Select(r => r.Id));
        Assert.Null(second.ContinuationToken);
    }

    [Fact]
    public async Task A_queue_row_left_behind_by_a_crash_is_skipped_and_removed()
    {
        var review = await harness.SubmitAndScreenAsync("m1", product, 4, "See https://photos.example/1 for the dent.");
        var decided = (await harness.Operations.DecideAsync(review.Id, false, "ad", Olga, null, CancellationToken.None)).GetValueOrThrow();
        // Simulate a crash between the review's write and the queue update: put the queue row back.
        var queues = await harness.Storage.TableAsync(harness.Tables.Queues);
        var rowKey = $"{decided.SubmittedAt.UtcTicks:D19}|{decided.Id}";
        await queues.UpsertEntityAsync(new TableEntity(TableReviewStore.ModerationQueue, rowKey) { ["ProductId"] = product });

        var page = (await harness.Store.ListModerationQueueAsync(10, null, CancellationToken.None)).GetValueOrThrow();

        Assert.Empty(page.Items);
        Assert.False((await queues.GetEntityIfExistsAsync<TableEntity>(TableReviewStore.ModerationQueue, rowKey)).HasValue);
    }

    [Fact]
    public async Task A_queue_row_a_crash_left_out_is_restored_by_a_refresh()
    {
        var review = await harness.SubmitAndScreenAsync("m1", product, 4, "See https://photos.example/1 for the dent.");
        var queues = await harness.Storage.TableAsync(harness.Tables.Queues);
        await queues.DeleteEntityAsync(TableReviewStore.ModerationQueue, $"{review.SubmittedAt.UtcTicks:D19}|{review.Id}");
        Assert.Empty((await harness.Store.ListModerationQueueAsync(10, null, CancellationToken.None)).GetValueOrThrow().Items);

        // A redelivered screening message finds the review screened and repeats only the follow-up writes.
        var again = (await harness.Screening.ScreenAsync(product, review.Id, CancellationToken.None)).GetValueOrThrow();

        Assert.False(again.Screened);
        Assert.Equal(review.Id, Assert.Single((await harness.Store.ListModerationQueueAsync(10, null, CancellationToken.None)).GetValueOrThrow().Items).Id);
    }

    [Fact]
    public async Task The_response_queue_splits_overdue_from_in_time_by_due_time()
    {
        var early = await harness.SubmitAndScreenAsync("m1", product, 1, "Broken on arrival.");
        harness.Time.Advance(TimeSpan.FromHours(10));
        var late = await harness.SubmitAndScreenAsync("m2", product, 2, "Smaller than described.");
        harness.Time.Advance(TimeSpan.FromHours(15)); // early is 25 h old, late 15 h
        var now = harness.Time.GetUtcNow();

        var all = (await harness.Store.ListResponseQueueAsync(ResponseQueueFilter.All, now, 10, null, CancellationToken.None)).GetValueOrThrow();
        var overdue = (await harness.Store.ListResponseQueueAsync(ResponseQueueFilter.Overdue, now, 10, null, CancellationToken.None)).GetValueOrThrow();
        var inTime = (await harness.Store.ListResponseQueueAsync(ResponseQueueFilter.InTime, now, 10, null, CancellationToken.None)).GetValueOrThrow();

        Assert.Equal([early.Id, late.Id], all.Items.Select(r => r.Id));
        Assert.Equal([early.Id], overdue.Items.Select(r => r.Id));
        Assert.Equal([late.Id], inTime.Items.Select(r => r.Id));
    }

    [Fact]
    public async Task A_continuation_token_this_store_did_not_issue_is_a_validation_problem()
    {
        var published = await harness.Store.ListPublishedAsync(product, 10, "not*a*token", CancellationToken.None);
        var queue = await harness.Store.ListModerationQueueAsync(10, Convert.ToBase64String("x/y"u8), CancellationToken.None);

        Assert.Equal("continuationToken", Assert.Single(published.Problem!.Errors!).Key);
        Assert.Equal(ProblemKind.Validation, queue.Problem!.Kind);
    }

    [Fact]
    public async Task A_maximal_review_round_trips()
    {
        var text = string.Concat(Enumerable.Repeat("质量很好物流也快", 250)); // 2 000 CJK characters, escaped in JSON
        var images = Enumerable.Range(0, 9).Select(i => $"https://img.example/{new string('a', 950)}/{i}.jpg").ToList();
        var change = ReviewLifecycle.Submit(new ReviewSubmission("m1", "o1", product, 5, text, images, harness.Time.GetUtcNow().AddYears(-1)), true, harness.Time.GetUtcNow());

        (await harness.Store.SaveAsync(change, CancellationToken.None)).GetValueOrThrow();
        var read = (await harness.Store.GetAsync(change.After.Id, CancellationToken.None))!;

        Assert.Equal(text, read.Text);
        Assert.Equal(images, read.ImageUrls);
        Assert.Equal(change.After with { ConcurrencyStamp = read.ConcurrencyStamp }, read with { ImageUrls = change.After.ImageUrls });
    }

    [Fact]
    public async Task Unknown_and_malformed_ids_are_not_found()
    {
        Assert.Null(await harness.Store.GetAsync(ReviewIds.For("x", "y", "z"), CancellationToken.None));
        Assert.Null(await harness.Store.GetAsync("rv/../x", CancellationToken.None));
        Assert.Null(await harness.Store.GetAsync("p#1", ReviewIds.For("x", "y", "z"), CancellationToken.None));
        Assert.Empty(await harness.Store.GetAuditTrailAsync("nope", CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_approvals_of_one_product_keep_exact_rating_counts()
    {
        // 24 screenings race for one product's rating counters; every lost race re-reads and retries.
        using var busy = new ReviewStorageHarness(options: new ReviewOptions { SaveAttempts = 100 });
        var submitted = new List<Review>();
        for (var i = 0; i < 24; i++)
        {
            await busy.BuyAsync($"m{i}", $"o{i}", product);
            submitted.Add((await busy.Submissions.SubmitAsync(new ReviewSubmission($"m{i}", $"o{i}", product, 1 + (i % 5), $"Honest review {i}.", [], null),
                CancellationToken.None)).GetValueOrThrow().Review);
        }

        var screened = await Task.WhenAll(submitted.Select(r => Task.Run(() => busy.Screening.ScreenAsync(product, r.Id, CancellationToken.None))));

        Assert.All(screened, s => Assert.Equal(ReviewStatus.Approved, s.GetValueOrThrow().Review.Status));
        Assert.Equal(new RatingDistribution(5, 5, 5, 5, 4), await busy.Store.GetRatingDistributionAsync(product, CancellationToken.None));
        Assert.Equal(24, (await busy.Store.ListPublishedAsync(product, 100, null, CancellationToken.None)).GetValueOrThrow().Items.Count);
    }
}
