using EcomFunctions.Domain.Reviews;
using Microsoft.Extensions.Time.Testing;

namespace EcomFunctions.Domain.Tests.Reviews;

public sealed class ReviewPoliciesTests
{
    [Fact]
    public void Rating_distribution_counts_shares_and_averages()
    {
        var distribution = RatingDistribution.From([5, 5, 5, 4, 1, 2, 5]);

        Assert.Equal(new RatingDistribution(1, 1, 0, 1, 4), distribution);
        Assert.Equal(7, distribution.Total);
        Assert.Equal(3.9, distribution.Average); // 27 / 7 = 3.857
        Assert.Equal(4 / 7.0, distribution.Share(5), 10);
        Assert.Equal(0, distribution.Share(3));
    }

    [Fact]
    public void An_empty_distribution_has_a_zero_average()
    {
        Assert.Equal(0, RatingDistribution.Empty.Average);
        Assert.Equal(0, RatingDistribution.Empty.Share(5));
    }

    [Fact]
    public void Ratings_outside_one_to_five_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RatingDistribution.Empty.Add(6));
        Assert.Throws<ArgumentOutOfRangeException>(() => RatingDistribution.Empty.Count(0));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    [InlineData(5, false)]
    public void Ratings_of_two_or_less_are_negative(int rating, bool negative)
    {
        Assert.Equal(negative, new NegativeReviewPolicy(new ReviewResponseOptions()).IsNegative(rating));
    }

    [Fact]
    public void A_negative_review_is_due_a_response_within_24_hours_and_overdue_after()
    {
        var policy = new NegativeReviewPolicy(new ReviewResponseOptions());
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var due = policy.ResponseDueAt(time.GetUtcNow());

        time.Advance(TimeSpan.FromHours(24));
        var atDeadline = NegativeReviewPolicy.IsOverdue(due, null, time);
        time.Advance(TimeSpan.FromMinutes(1));
        var justAfter = NegativeReviewPolicy.IsOverdue(due, null, time);

        Assert.Equal(new DateTimeOffset(2025, 3, 2, 9, 0, 0, TimeSpan.Zero), due);
        Assert.False(atDeadline);
        Assert.True(justAfter);
        Assert.Equal(TimeSpan.FromMinutes(1), NegativeReviewPolicy.OverdueBy(due, null, time.GetUtcNow()));
    }

    [Fact]
    public void An_answered_review_is_never_overdue()
    {
        var due = new DateTimeOffset(2025, 3, 2, 9, 0, 0, TimeSpan.Zero);

        Assert.False(NegativeReviewPolicy.IsOverdue(due, due.AddHours(5), due.AddDays(3)));
        Assert.Equal(TimeSpan.Zero, NegativeReviewPolicy.OverdueBy(due, due.AddHours(5), due.AddDays(3)));
    }

    [Fact]
    public void The_response_window_is_an_option()
    {
        var policy = new NegativeReviewPolicy(new ReviewResponseOptions { ResponseSla = TimeSpan.FromHours(12), NegativeRatingAtMost = 3 });
        var start = new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

        Assert.Equal(start.AddHours(12), policy.ResponseDueAt(start));
        Assert.True(policy.IsNegative(3));
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(5, false)]
    [InlineData(1, true)]
    [InlineData(5, true)]
    public void An_approval_due_a_reward_earns_the_same_activity_whatever_the_rating(int rating, bool withPhoto)
    {
        var approvedAt = new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
        var data = new ReviewEventData("rv1", "p1", "m1", "o1", rating, ReviewStatus.Approved, true, withPhoto, "system:screening", [], null,
            RewardDue: true, null, approvedAt);

        var reward = ReviewRewardPolicy.For(ReviewEventTypes.ReviewApproved, data);

        Assert.Equal(new ReviewReward("m1", "review-rv1", approvedAt, withPhoto), reward);
    }

    [Fact]
    public void Only_the_approval_marked_as_due_earns_a_reward()
    {
        var data = new ReviewEventData("rv1", "p1", "m1", "o1", 4, ReviewStatus.Approved, true, false, "ops", [], null, RewardDue: false, null, DateTimeOffset.UnixEpoch);

        Assert.Null(ReviewRewardPolicy.For(ReviewEventTypes.ReviewApproved, data));
        Assert.Null(ReviewRewardPolicy.For(ReviewEventTypes.ReviewRejected, data with { RewardDue = true }));
    }

    [Fact]
    public void Removing_a_rating_never_goes_below_zero()
    {
        var distribution = RatingDistribution.From([4, 4, 1]);

        Assert.Equal(new RatingDistribution(1, 0, 0, 1, 0), distribution.Remove(4));
        Assert.Equal(RatingDistribution.Empty, RatingDistribution.Empty.Remove(5));
    }
}
