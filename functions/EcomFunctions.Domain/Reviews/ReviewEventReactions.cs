using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Reviews;

/// <summary>
/// What the capability does when its own events come back from the outbox (at least once, possibly out of order):
/// rewards for approvals go to the member capability (once per review: only the first approval carries one, and its
/// activity id is the review's), and the work queues of every review mentioned are brought in step with the review as
/// stored now — which makes the order of events irrelevant and repairs a crash between a review's save and its queue
/// update. Returns the events it could not read.
/// </summary>
public sealed class ReviewEventReactions(IReviewStore reviews, IReviewRewardSink rewards)
{
    public async Task<IReadOnlyList<DomainEvent>> HandleAsync(IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var unreadable = new List<DomainEvent>();
        var due = new List<ReviewReward>();
        var mentioned = new HashSet<(string ProductId, string ReviewId)>();
        foreach (var domainEvent in events.DistinctBy(e => e.Id))
        {
            if (ReviewEvents.Read(domainEvent) is not { } data)
            {
                unreadable.Add(domainEvent);
                continue;
            }

            if (ReviewRewardPolicy.For(domainEvent.Type, data) is { } reward)
            {
                due.Add(reward);
            }

            mentioned.Add((data.ProductId, data.ReviewId));
        }

        if (due.Count > 0)
        {
            await rewards.SendAsync(due, cancellationToken);
        }

        foreach (var (productId, reviewId) in mentioned)
        {
            if (await reviews.GetAsync(productId, reviewId, cancellationToken) is { } review)
            {
                await reviews.RefreshQueuesAsync(review, cancellationToken);
            }
        }

        return unreadable;
    }
}
