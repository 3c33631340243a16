using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Reviews;

namespace EcomFunctions.Storage.Reviews;

/// <summary>
/// Approval rewards as member activities on <see cref="QueueNames.MemberActivity"/> (the contract Members reads):
/// Kind ReviewApproved, WithPhoto, ActivityId "review-{id}" — Members applies an activity id once per member, so a
/// redelivered reward earns nothing twice. Packed up to <see cref="MemberActivityBatch.MaxActivities"/> per message.
/// </summary>
public sealed class MemberActivityRewardSink(IQueueSender queue) : IReviewRewardSink
{
    public async Task SendAsync(IReadOnlyList<ReviewReward> rewards, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        foreach (var chunk in rewards.Chunk(MemberActivityBatch.MaxActivities))
        {
            var activities = chunk.Select(r => new MemberActivityReport(r.MemberId, r.ActivityId, ActivityKind.ReviewApproved, r.ApprovedAt, WithPhoto: r.WithPhoto)).ToList();
            await queue.SendAsync(QueueNames.MemberActivity, new MemberActivityBatch(activities), cancellationToken: cancellationToken);
        }
    }
}
