namespace EcomFunctions.Domain.Reviews;

/// <summary>
/// An approved review's reward as the member capability receives it: a ReviewApproved activity, with or without photo.
/// The growth amounts (+10, +5 with photo) are the member capability's options (MemberOptions.ReviewGrowth and
/// ReviewPhotoBonusGrowth), applied once per <see cref="ActivityId"/>.
/// </summary>
public sealed record ReviewReward(string MemberId, string ActivityId, DateTimeOffset ApprovedAt, bool WithPhoto);

/// <summary>
/// Which approval earns a reward. The rating is deliberately not an input: rewards must not buy praise, so a one-star
/// review earns exactly what a five-star one does. A review is rewarded once, on its first approval (the lifecycle
/// marks the one ReviewApproved event that is due a reward); the activity id is derived from the review id so that a
/// redelivered event cannot reward twice either.
/// </summary>
public static class ReviewRewardPolicy
{
    public static string ActivityId(string reviewId)
    {
        ArgumentNullException.ThrowIfNull(reviewId);
        return "review-" + reviewId;
    }

    /// <summary>The reward an approval event carries, or null (not an approval, or a re-approval already rewarded).</summary>
    public static ReviewReward? For(string eventType, ReviewEventData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return eventType == ReviewEventTypes.ReviewApproved && data.RewardDue
            ? new ReviewReward(data.MemberId, ActivityId(data.ReviewId), data.At, data.WithPhoto)
            : null;
    }
}
