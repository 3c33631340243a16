using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Reviews;
using EcomFunctions.Testing;

namespace EcomFunctions.Storage.Tests.Reviews;

/// <summary>Operator decisions, merchant responses and the response SLA on Azurite with a fake clock.</summary>
public sealed class ReviewOperationsStorageTests : IDisposable
{
    private static readonly ReviewActor Olga = new("olga", "Olga Moderator");
    private static readonly ReviewActor Shop = new("shop-7", "Kettle Shop");
    private readonly ReviewStorageHarness harness = new();
    private readonly string product = Azurite.UniqueName("p");

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task An_operator_approval_leaves_the_queue_publishes_the_review_and_is_audited()
    {
        var queued = await harness.SubmitAndScreenAsync("m1", product, 4, "Good, more at https://photos.example/kettle");
        harness.Time.Advance(TimeSpan.FromMinutes(30));

        var approved = (await harness.Operations.DecideAsync(queued.Id, true, "link is a photo album", Olga, queued.Version, CancellationToken.None)).GetValueOrThrow();

        Assert.Equal(ReviewStatus.Approved, approved.Status);
        Assert.Empty((await harness.Store.ListModerationQueueAsync(10, null, CancellationToken.None)).GetValueOrThrow().Items);
        Assert.Equal(queued.Id, Assert.Single((await harness.Store.ListPublishedAsync(product, 10, null, CancellationToken.None)).GetValueOrThrow().Items).Id);
        var audit = (await harness.Operations.GetDetailAsync(queued.Id, CancellationToken.None)).GetValueOrThrow().AuditTrail;
        Assert.Equal([ReviewAuditActions.Submitted, ReviewAuditActions.Screened, ReviewAuditActions.Approved], audit.Select(a => a.Action));
        Assert.Equal(("olga", "Olga Moderator", "link is a photo album", harness.Time.GetUtcNow()), (audit[2].ActorId, audit[2].ActorName, audit[2].Comment, audit[2].At));
        var approvedEvent = Assert.Single(await harness.OutboxEventsAsync(product), e => e.Type == ReviewEventTypes.ReviewApproved);
        Assert.True(ReviewEvents.Read(approvedEvent)!.RewardDue);
    }

    [Fact]
    public async Task A_decision_on_a_stale_version_fails_and_unknown_reviews_are_not_found()
    {
        var queued = await harness.SubmitAndScreenAsync("m1", product, 4, "Good, more at https://photos.example/kettle");

        var stale = await harness.Operations.DecideAsync(queued.Id, false, "ad", Olga, queued.Version - 1, CancellationToken.None);
        var unknown = await harness.Operations.DecideAsync(ReviewIds.For("a", "b", "c"), false, "ad", Olga, null, CancellationToken.None);
        var malformed = await harness.Operations.DecideAsync("../../etc", false, "ad", Olga, null, CancellationToken.None);

        Assert.Equal(ProblemKind.PreconditionFailed, stale.Problem!.Kind);
        Assert.Equal(ProblemKind.NotFound, unknown.Problem!.Kind);
        Assert.Equal(ProblemKind.NotFound, malformed.Problem!.Kind);
        Assert.Equal(ReviewStatus.NeedsReview, (await harness.Store.GetAsync(queued.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task The_sla_check_flags_each_unanswered_negative_review_once_after_24_hours()
    {
        var ignored = await harness.SubmitAndScreenAsync("m1", product, 1, "Broke after a day.");
        var answered = await harness.SubmitAndScreenAsync("m2", product, 2, "Lid does not close.");
        var positive = await harness.SubmitAndScreenAsync("m3", product, 5, "Perfect.");
        (await harness.Operations.RespondAsync(answered.Id, "Sorry, we are sending a new lid.", Shop, null, CancellationToken.None)).GetValueOrThrow();

        harness.Time.Advance(TimeSpan.FromHours(23));
        var early = await harness.Operations.FlagOverdueResponsesAsync(CancellationToken.None);
        harness.Time.Advance(TimeSpan.FromHours(2));
        var due = await harness.Operations.FlagOverdueResponsesAsync(CancellationToken.None);
        harness.Time.Advance(TimeSpan.FromHours(1));
        var again = await harness.Operations.FlagOverdueResponsesAsync(CancellationToken.None);

        Assert.Equal((0, 1, 0), (early, due, again));
        var flagged = (await harness.Store.GetAsync(ignored.Id, CancellationToken.None))!;
        Assert.Equal(ignored.SubmittedAt.AddHours(25), flagged.OverdueFlaggedAt);
        var reminder = Assert.Single(await harness.OutboxEventsAsync(product), e => e.Type == ReviewEventTypes.ResponseOverdue);
        Assert.Equal(ReviewEvents.Subject(ignored), reminder.Subject);
        var overdue = (await harness.Operations.ResponseQueueAsync(ResponseQueueFilter.Overdue, 10, null, CancellationToken.None)).GetValueOrThrow();
        Assert.Equal([ignored.Id], overdue.Items.Select(r => r.Id));
        Assert.Null(positive.ResponseDueAt);
    }

    [Fact]
    public async Task A_response_takes_the_review_out_of_the_queue_and_is_published_with_it()
    {
        var negative = await harness.SubmitAndScreenAsync("m1", product, 1, "Broke after a day.");

        var answered = (await harness.Operations.RespondAsync(negative.Id, "We are sorry — refund issued.", Shop, negative.Version, CancellationToken.None)).GetValueOrThrow();
        var twice = await harness.Operations.RespondAsync(negative.Id, "Again", Shop, null, CancellationToken.None);

        Assert.Equal("response-exists", twice.Problem!.Code);
        Assert.Empty((await harness.Operations.ResponseQueueAsync(ResponseQueueFilter.All, 10, null, CancellationToken.None)).GetValueOrThrow().Items);
        var listed = Assert.Single((await harness.Store.ListPublishedAsync(product, 10, null, CancellationToken.None)).GetValueOrThrow().Items);
        Assert.Equal(new PublishedResponse("We are sorry — refund issued.", answered.Response!.RespondedAt), listed.Response);
        Assert.Single(await harness.OutboxEventsAsync(product), e => e.Type == ReviewEventTypes.ResponsePublished);
    }

    [Fact]
    public async Task Rejected_and_pending_reviews_cannot_be_answered()
    {
        var rejected = await harness.SubmitAndScreenAsync("m1", product, 1, "加我微 信 ｖｘ１２３４５ 退钱");

        var outcome = await harness.Operations.RespondAsync(rejected.Id, "Hello", Shop, null, CancellationToken.None);

        Assert.Equal(ReviewStatus.Rejected, rejected.Status);
        Assert.Equal("review-not-published", outcome.Problem!.Code);
    }
}
