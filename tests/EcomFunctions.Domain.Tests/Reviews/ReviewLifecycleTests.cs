using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Reviews;

namespace EcomFunctions.Domain.Tests.Reviews;

public sealed class ReviewLifecycleTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly ReviewActor Olga = new("olga", "Olga");
    private readonly ReviewLifecycle lifecycle = new(new NegativeReviewPolicy(new ReviewResponseOptions()));
    private readonly ReviewScreening screening = new(new ModerationOptions());

    [Fact]
    public void A_submission_is_pending_version_one_with_its_event_and_audit_entry()
    {
        var change = ReviewLifecycle.Submit(Submission(rating: 4), verifiedPurchase: false, T0);

        var review = change.After;
        Assert.True(change.IsCreate);
        Assert.Equal(ReviewIds.For("m1", "o1", "p1"), review.Id);
        Assert.Equal((ReviewStatus.Pending, 1L, T0, false), (review.Status, review.Version, review.SubmittedAt, review.VerifiedPurchase));
        var submitted = Assert.Single(change.Events);
        Assert.Equal(ReviewEventTypes.ReviewSubmitted, submitted.Type);
        Assert.Equal($"products/p1/reviews/{review.Id}", submitted.Subject);
        Assert.Equal([ScreeningReasonCodes.UnverifiedPurchase], ReviewEvents.Read(submitted)!.ReasonCodes);
        var audit = Assert.Single(change.Audit);
        Assert.Equal((ReviewAuditActions.Submitted, "member:m1", (ReviewStatus?)null, ReviewStatus.Pending), (audit.Action, audit.ActorId, audit.From, audit.To));
    }

    [Fact]
    public void Review_ids_are_derived_from_member_order_and_product()
    {
        var id = ReviewIds.For("m1", "o1", "p1");

        Assert.Equal(id, ReviewIds.For("m1", "o1", "p1"));
        Assert.NotEqual(id, ReviewIds.For("m1", "o2", "p1"));
        Assert.True(ReviewIds.IsWellFormed(id));
        Assert.False(ReviewIds.IsWellFormed("rv" + new string('G', 32)));
        Assert.False(ReviewIds.IsWellFormed("negative"));
        Assert.False(ReviewIds.IsWellFormed(null));
    }

    [Fact]
    public void An_auto_approved_negative_review_is_published_rewarded_and_enters_the_response_queue()
    {
        var pending = Pending(rating: 1, text: "Arrived broken and the seller ignored my messages.");

        var change = lifecycle.ApplyScreening(pending, Screen(pending), 7, T0.AddMinutes(1)).GetValueOrThrow();

        var review = change.After;
        Assert.Equal((ReviewStatus.Approved, 2L, T0.AddMinutes(1)), (review.Status, review.Version, review.PublishedAt));
        Assert.Equal(T0.AddMinutes(1).AddHours(24), review.ResponseDueAt);
        Assert.True(review.Rewarded);
        Assert.True(review.AwaitsResponse);
        Assert.Equal(7, review.Screening!.BlocklistVersion);
        Assert.Equal([ReviewEventTypes.ReviewApproved, ReviewEventTypes.NegativeReviewReceived], change.Events.Select(e => e.Type));
        Assert.True(ReviewEvents.Read(change.Events[0])!.RewardDue);
        Assert.Equal(ReviewAuditActions.Screened, Assert.Single(change.Audit).Action);
    }

    [Fact]
    public void A_positive_review_is_published_without_a_response_deadline()
    {
        var pending = Pending(rating: 5, text: "Great kettle, boils fast.");

        var change = lifecycle.ApplyScreening(pending, Screen(pending), 1, T0).GetValueOrThrow();

        Assert.Null(change.After.ResponseDueAt);
        Assert.Equal(ReviewEventTypes.ReviewApproved, Assert.Single(change.Events).Type);
    }

    [Fact]
    public void Contact_details_reject_the_review_and_the_reasons_travel_with_the_event()
    {
        var pending = Pending(rating: 5, text: "加我微 信 ｖｘ１２３４５ 便宜卖给你");

        var change = lifecycle.ApplyScreening(pending, Screen(pending), 1, T0).GetValueOrThrow();

        Assert.Equal(ReviewStatus.Rejected, change.After.Status);
        Assert.Null(change.After.PublishedAt);
        Assert.False(change.After.Rewarded);
        var rejected = Assert.Single(change.Events);
        Assert.Equal(ReviewEventTypes.ReviewRejected, rejected.Type);
        Assert.Contains(ScreeningReasonCodes.MessagingId, ReviewEvents.Read(rejected)!.ReasonCodes);
        Assert.Contains(change.After.Screening!.Reasons, r => r.Code == ScreeningReasonCodes.MessagingId && r.Spans.Count > 0);
    }

    [Fact]
    public void A_review_needing_a_human_announces_it()
    {
        var pending = Pending(rating: 4, text: "Good quality, details at http://example.com/review-photos for anyone curious.");

        var change = lifecycle.ApplyScreening(pending, Screen(pending), 1, T0).GetValueOrThrow();

        Assert.Equal(ReviewStatus.NeedsReview, change.After.Status);
        Assert.Equal(ReviewEventTypes.ReviewNeedsModeration, Assert.Single(change.Events).Type);
    }

    [Fact]
    public void A_review_is_screened_once()
    {
        var pending = Pending(rating: 5, text: "Fine.");
        var screened = lifecycle.ApplyScreening(pending, Screen(pending), 1, T0).GetValueOrThrow().After;

        var again = lifecycle.ApplyScreening(screened, Screen(screened), 1, T0);

        Assert.Equal("review-already-screened", again.Problem!.Code);
    }

    [Fact]
    public void An_operator_approval_of_a_queued_review_publishes_and_rewards_it_once_even_after_a_takedown()
    {
        var queued = Pending(rating: 3, text: "ok") with { Status = ReviewStatus.NeedsReview, Version = 2 };

        var approved = lifecycle.Decide(queued, approve: true, "fine after all", Olga, T0).GetValueOrThrow();
        var takenDown = lifecycle.Decide(approved.After, approve: false, "complaint upheld", Olga, T0.AddHours(1)).GetValueOrThrow();
        var restored = lifecycle.Decide(takenDown.After, approve: true, "complaint withdrawn", Olga, T0.AddHours(2)).GetValueOrThrow();

        Assert.True(ReviewEvents.Read(approved.Events[0])!.RewardDue);
        Assert.Equal((ReviewStatus.Rejected, (DateTimeOffset?)null), (takenDown.After.Status, takenDown.After.PublishedAt));
        Assert.Equal(ReviewEventTypes.ReviewRejected, Assert.Single(takenDown.Events).Type);
        Assert.False(ReviewEvents.Read(Assert.Single(restored.Events))!.RewardDue);
        Assert.Equal(T0.AddHours(2), restored.After.PublishedAt);
        Assert.Equal(new ReviewDecisionRecord(true, "complaint withdrawn", "olga", "Olga", T0.AddHours(2)), restored.After.Decision);
        Assert.Equal((ReviewAuditActions.Approved, (ReviewStatus?)ReviewStatus.Rejected, "complaint withdrawn"),
            (restored.Audit[0].Action, restored.Audit[0].From, restored.Audit[0].Comment));
    }

    [Fact]
    public void Deciding_what_is_already_decided_or_without_a_reason_is_refused()
    {
        var approved = Pending(rating: 5, text: "ok") with { Status = ReviewStatus.Approved, Version = 2, PublishedAt = T0 };

        Assert.Equal("review-already-approved", lifecycle.Decide(approved, true, "again", Olga, T0).Problem!.Code);
        Assert.Equal(ProblemKind.Validation, lifecycle.Decide(approved, false, "  ", Olga, T0).Problem!.Kind);
    }

    [Fact]
    public void A_negative_review_restored_after_a_takedown_keeps_its_first_response_deadline()
    {
        var pending = Pending(rating: 2, text: "Too small.");
        var published = lifecycle.ApplyScreening(pending, Screen(pending), 1, T0).GetValueOrThrow().After;
        var takenDown = lifecycle.Decide(published, false, "spam", Olga, T0.AddHours(1)).GetValueOrThrow().After;

        var restored = lifecycle.Decide(takenDown, true, "not spam", Olga, T0.AddHours(3)).GetValueOrThrow();

        Assert.False(takenDown.AwaitsResponse);
        Assert.Equal(T0.AddHours(24), restored.After.ResponseDueAt);
        Assert.DoesNotContain(restored.Events, e => e.Type == ReviewEventTypes.NegativeReviewReceived);
    }

    [Fact]
    public void A_merchant_answers_a_published_review_once()
    {
        var pending = Pending(rating: 1, text: "Broken.");
        var published = lifecycle.ApplyScreening(pending, Screen(pending), 1, T0).GetValueOrThrow().After;
        var merchant = new ReviewActor("shop-1", "Kettle Shop");

        var answered = ReviewLifecycle.Respond(published, "  Sorry — a replacement is on its way.  ", merchant, T0.AddHours(2)).GetValueOrThrow();

        Assert.Equal(new MerchantResponse("Sorry — a replacement is on its way.", "shop-1", "Kettle Shop", T0.AddHours(2)), answered.After.Response);
        Assert.False(answered.After.AwaitsResponse);
        Assert.Equal(ReviewEventTypes.ResponsePublished, Assert.Single(answered.Events).Type);
        Assert.Equal("response-exists", ReviewLifecycle.Respond(answered.After, "again", merchant, T0.AddHours(3)).Problem!.Code);
        Assert.Equal("review-not-published", ReviewLifecycle.Respond(pending, "hello", merchant, T0).Problem!.Code);
    }

    [Fact]
    public void An_unanswered_negative_review_is_flagged_overdue_once_after_its_deadline()
    {
        var pending = Pending(rating: 1, text: "Broken.");
        var published = lifecycle.ApplyScreening(pending, Screen(pending), 1, T0).GetValueOrThrow().After;

        var atDeadline = ReviewLifecycle.FlagOverdue(published, T0.AddHours(24));
        var late = ReviewLifecycle.FlagOverdue(published, T0.AddHours(25))!;
        var lateAgain = ReviewLifecycle.FlagOverdue(published, T0.AddHours(26))!;

        Assert.Null(atDeadline);
        Assert.Equal(T0.AddHours(25), late.After.OverdueFlaggedAt);
        Assert.Equal(ReviewEventTypes.ResponseOverdue, Assert.Single(late.Events).Type);
        Assert.Equal(late.Events[0].Id, lateAgain.Events[0].Id); // the reminder has one id per review, whenever it is raised
        Assert.Null(ReviewLifecycle.FlagOverdue(late.After, T0.AddHours(30)));
        var answered = ReviewLifecycle.Respond(published, "Sorry", Olga, T0.AddHours(2)).GetValueOrThrow().After;
        Assert.Null(ReviewLifecycle.FlagOverdue(answered, T0.AddHours(30)));
    }

    [Fact]
    public void The_same_change_retried_emits_the_same_event_ids()
    {
        var pending = Pending(rating: 5, text: "Great.");

        var first = lifecycle.ApplyScreening(pending, Screen(pending), 1, T0).GetValueOrThrow();
        var retry = lifecycle.ApplyScreening(pending, Screen(pending), 1, T0.AddSeconds(5)).GetValueOrThrow();

        Assert.Equal(first.Events.Select(e => e.Id), retry.Events.Select(e => e.Id));
    }

    [Fact]
    public void A_repeated_submission_is_the_same_only_with_the_same_content()
    {
        var review = ReviewLifecycle.Submit(Submission(rating: 4, imageUrls: ["https://img.example/1.jpg"]), true, T0).After;

        Assert.True(ReviewLifecycle.IsSameSubmission(review, Submission(rating: 4, imageUrls: ["https://img.example/1.jpg"])));
        Assert.False(ReviewLifecycle.IsSameSubmission(review, Submission(rating: 5, imageUrls: ["https://img.example/1.jpg"])));
        Assert.False(ReviewLifecycle.IsSameSubmission(review, Submission(rating: 4)));
    }

    private static ReviewSubmission Submission(int rating, string text = "Nice.", IReadOnlyList<string>? imageUrls = null) =>
        new("m1", "o1", "p1", rating, text, imageUrls ?? [], null);

    private static Review Pending(int rating, string text) =>
        ReviewLifecycle.Submit(Submission(rating, text), verifiedPurchase: true, T0).After;

    private ScreeningResult Screen(Review review) => screening.Screen(review.Text, new ReviewSignals
    {
        MemberId = review.MemberId,
        Rating = review.Rating,
        VerifiedPurchase = review.VerifiedPurchase,
        SubmittedAt = review.SubmittedAt,
    }, Blocklist.Compile(DefaultBlocklist.Entries).GetValueOrThrow());
}
