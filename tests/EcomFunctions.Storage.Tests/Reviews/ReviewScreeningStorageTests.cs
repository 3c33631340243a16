using Azure.Data.Tables;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Reviews;
using EcomFunctions.Testing;

namespace EcomFunctions.Storage.Tests.Reviews;

/// <summary>Submission and screening on Azurite: verified purchase, near-duplicates by band key, bursts, idempotency.</summary>
public sealed class ReviewScreeningStorageTests : IDisposable
{
    private const string SpamText = "This is the best phone case I have ever bought, amazing quality and super fast shipping, five stars!";
    private readonly ReviewStorageHarness harness = new();
    private readonly string product = Azurite.UniqueName("p");

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task A_verified_purchase_is_recorded_and_an_unverified_one_goes_to_a_human_rather_than_being_rejected()
    {
        var verified = await harness.SubmitAndScreenAsync("m1", product, 5, "Exactly as described.");
        var unverified = await harness.SubmitAndScreenAsync("m2", product, 5, "Exactly as described, love it.", buy: false);

        Assert.True(verified.VerifiedPurchase);
        Assert.Equal(ReviewStatus.Approved, verified.Status);
        Assert.False(unverified.VerifiedPurchase);
        Assert.Equal(ReviewStatus.NeedsReview, unverified.Status);
        Assert.Contains(unverified.Screening!.Reasons, r => r.Code == ScreeningReasonCodes.UnverifiedPurchase);
    }

    [Fact]
    public async Task An_order_of_another_product_does_not_verify_the_purchase()
    {
        await harness.BuyAsync("m1", "o1", "other-product");

        var submitted = (await harness.Submissions.SubmitAsync(new ReviewSubmission("m1", "o1", product, 4, "Nice.", [], null), CancellationToken.None)).GetValueOrThrow();

        Assert.False(submitted.Review.VerifiedPurchase);
    }

    [Fact]
    public async Task A_repeated_submission_returns_the_same_review_and_a_different_one_for_the_same_purchase_conflicts()
    {
        await harness.BuyAsync("m1", "o1", product);
        var submission = new ReviewSubmission("m1", "o1", product, 4, "Nice.", ["https://img.example/1.jpg"], null);

        var first = (await harness.Submissions.SubmitAsync(submission, CancellationToken.None)).GetValueOrThrow();
        var retry = (await harness.Submissions.SubmitAsync(submission, CancellationToken.None)).GetValueOrThrow();
        var different = await harness.Submissions.SubmitAsync(submission with { Rating = 1 }, CancellationToken.None);

        Assert.True(first.Created);
        Assert.False(retry.Created);
        Assert.Equal(first.Review.Id, retry.Review.Id);
        Assert.Equal("review-exists", different.Problem!.Code);
        Assert.Single(await harness.Store.GetAuditTrailAsync(first.Review.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_duplicate_submissions_create_one_review()
    {
        await harness.BuyAsync("m1", "o1", product);
        var submission = new ReviewSubmission("m1", "o1", product, 4, "Nice.", [], null);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => harness.Submissions.SubmitAsync(submission, CancellationToken.None))));

        Assert.All(outcomes, o => Assert.True(o.IsSuccess));
        Assert.Equal(1, outcomes.Count(o => o.Value!.Created));
        Assert.Single(await harness.Store.GetAuditTrailAsync(outcomes[0].Value!.Review.Id, CancellationToken.None));
        Assert.Single(await harness.OutboxEventsAsync(product), e => e.Type == ReviewEventTypes.ReviewSubmitted);
    }

    [Fact]
    public async Task Screening_twice_decides_once_and_emits_each_event_once()
    {
        var review = await harness.SubmitAndScreenAsync("m1", product, 2, "Too small for my hands.");

        var again = (await harness.Screening.ScreenAsync(product, review.Id, CancellationToken.None)).GetValueOrThrow();
        var concurrently = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => harness.Screening.ScreenAsync(product, review.Id, CancellationToken.None)));

        Assert.False(again.Screened);
        Assert.All(concurrently, c => Assert.False(c.GetValueOrThrow().Screened));
        var audit = await harness.Store.GetAuditTrailAsync(review.Id, CancellationToken.None);
        Assert.Single(audit, a => a.Action == ReviewAuditActions.Screened);
        var events = await harness.OutboxEventsAsync(product);
        Assert.Single(events, e => e.Type == ReviewEventTypes.ReviewApproved);
        Assert.Single(events, e => e.Type == ReviewEventTypes.NegativeReviewReceived);
    }

    [Fact]
    public async Task Concurrent_first_screenings_of_one_review_decide_it_once()
    {
        await harness.BuyAsync("m1", "o1", product);
        var submitted = (await harness.Submissions.SubmitAsync(new ReviewSubmission("m1", "o1", product, 5, "Lovely.", [], null), CancellationToken.None)).GetValueOrThrow();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => harness.Screening.ScreenAsync(product, submitted.Review.Id, CancellationToken.None))));

        Assert.Equal(1, outcomes.Count(o => o.GetValueOrThrow().Screened));
        Assert.Single(await harness.Store.GetAuditTrailAsync(submitted.Review.Id, CancellationToken.None), a => a.Action == ReviewAuditActions.Screened);
    }

    [Fact]
    public async Task The_same_text_from_many_members_within_a_week_is_held_then_rejected()
    {
        var decisions = new List<ReviewStatus>();
        for (var i = 0; i < 5; i++)
        {
            decisions.Add((await harness.SubmitAndScreenAsync($"spammer{i}", product, 5, SpamText + (i % 2 == 0 ? "" : "!!"))).Status);
            harness.Time.Advance(TimeSpan.FromHours(1));
        }

        // First is original; the second and third are near-duplicates of one and two other members (review);
        // from three other members on it is a spam campaign (reject).
        Assert.Equal([ReviewStatus.Approved, ReviewStatus.NeedsReview, ReviewStatus.NeedsReview, ReviewStatus.Rejected, ReviewStatus.Rejected], decisions);
    }

    [Fact]
    public async Task Near_duplicates_older_than_the_window_do_not_count_and_are_cleaned_up()
    {
        for (var i = 0; i < 3; i++)
        {
            await harness.SubmitAndScreenAsync($"old{i}", product, 5, SpamText);
        }

        harness.Time.Advance(TimeSpan.FromDays(8));
        var fresh = await harness.SubmitAndScreenAsync("new", product, 5, SpamText);

        Assert.Equal(ReviewStatus.Approved, fresh.Status);
        var fingerprints = await harness.Storage.TableAsync(harness.Tables.Fingerprints);
        var remaining = new List<TableEntity>();
        await foreach (var row in fingerprints.QueryAsync<TableEntity>())
        {
            remaining.Add(row);
        }

        // Only the fresh review's rows are left: the lookup deleted the expired rows of every band it read.
        Assert.All(remaining, row => Assert.Equal(fresh.Id, row.GetString("ReviewId")));
        Assert.Equal(harness.Moderation.NearDuplicateMaxDistance + 1, remaining.Count);
    }

    [Fact]
    public async Task Candidates_are_read_by_band_key_without_the_review_itself()
    {
        var prepared = new ReviewScreening(harness.Moderation).Prepare(SpamText);
        var at = harness.Time.GetUtcNow();
        await harness.NearDuplicates.AddAsync(prepared.NearDuplicateBandKeys, new NearDuplicateCandidate("rv-a", "m1", prepared.Fingerprint, at), CancellationToken.None);
        await harness.NearDuplicates.AddAsync(prepared.NearDuplicateBandKeys, new NearDuplicateCandidate("rv-a", "m1", prepared.Fingerprint, at), CancellationToken.None);
        await harness.NearDuplicates.AddAsync(prepared.NearDuplicateBandKeys, new NearDuplicateCandidate("rv-b", "m2", prepared.Fingerprint, at), CancellationToken.None);
        var unrelated = new ReviewScreening(harness.Moderation).Prepare("完全不同的一条评论，讲的是手机壳的颜色和手感，还有快递包装。");

        var found = await harness.NearDuplicates.FindAsync(prepared.NearDuplicateBandKeys, at.AddDays(-7), "rv-b", CancellationToken.None);
        var none = await harness.NearDuplicates.FindAsync(unrelated.NearDuplicateBandKeys, at.AddDays(-7), "x", CancellationToken.None);

        var candidate = Assert.Single(found);
        Assert.Equal(("rv-a", "m1", prepared.Fingerprint), (candidate.ReviewId, candidate.MemberId, candidate.Fingerprint));
        Assert.Empty(none);
    }

    [Fact]
    public async Task A_burst_of_reviews_from_one_member_is_held_for_a_human()
    {
        var statuses = new List<ReviewStatus>();
        for (var i = 0; i < 7; i++)
        {
            statuses.Add((await harness.SubmitAndScreenAsync("busy-member", Azurite.UniqueName("p"), 5, $"Good product number {i}.")).Status);
            harness.Time.Advance(TimeSpan.FromMinutes(5));
        }

        // Five earlier reviews within the hour make the sixth a burst (ModerationOptions.BurstThreshold).
        Assert.Equal([.. Enumerable.Repeat(ReviewStatus.Approved, 5), ReviewStatus.NeedsReview, ReviewStatus.NeedsReview], statuses);
        harness.Time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(ReviewStatus.Approved, (await harness.SubmitAndScreenAsync("busy-member", product, 5, "Calm again.")).Status);
    }

    [Fact]
    public async Task The_member_log_counts_other_reviews_in_the_window_once_each_and_forgets_old_ones()
    {
        var member = Azurite.UniqueName("m");
        var t = harness.Time.GetUtcNow();
        await harness.MemberLog.RecordAsync(member, "r1", t.AddMinutes(-50), t.AddDays(-2), CancellationToken.None);
        await harness.MemberLog.RecordAsync(member, "r2", t.AddMinutes(-10), t.AddDays(-2), CancellationToken.None);
        await harness.MemberLog.RecordAsync(member, "r2", t.AddMinutes(-10), t.AddDays(-2), CancellationToken.None);
        await harness.MemberLog.RecordAsync(member, "r3", t, t.AddDays(-2), CancellationToken.None);
        await harness.MemberLog.RecordAsync(member, "ancient", t.AddDays(-3), t.AddDays(-4), CancellationToken.None);

        Assert.Equal(2, await harness.MemberLog.CountAsync(member, t.AddHours(-1), t.AddSeconds(1), "r3", CancellationToken.None));
        Assert.Equal(1, await harness.MemberLog.CountAsync(member, t.AddMinutes(-30), t, "r3", CancellationToken.None));

        await harness.MemberLog.RecordAsync(member, "r4", t.AddMinutes(1), t.AddDays(-2), CancellationToken.None);
        Assert.Equal(0, await harness.MemberLog.CountAsync(member, t.AddDays(-5), t.AddDays(-2), "x", CancellationToken.None));
    }
}
