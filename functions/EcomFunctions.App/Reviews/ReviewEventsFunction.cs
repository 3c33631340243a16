using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Reviews;
using EcomFunctions.Storage;
using Microsoft.Azure.Functions.Worker;

namespace EcomFunctions.App.Reviews;

/// <summary>
/// The capability's own events back from the outbox: approval rewards to member-activity, work queues refreshed.
/// Idempotent (rewards carry the review's activity id; a refresh writes the state as stored), so duplicates are harmless.
/// </summary>
public sealed class ReviewEventsFunction(ReviewEventReactions reactions, DeadLetters deadLetters)
{
    [Function("ReactToReviewEvents")]
    public async Task Run([QueueTrigger(QueueNames.ReviewEvents)] string message, CancellationToken cancellationToken)
    {
        var delivery = QueueMessages.Read<EventDelivery>(message);
        if (delivery.Problem is { } unreadable)
        {
            await deadLetters.ParkAsync(QueueNames.ReviewEvents, message, QueueMessages.Reason(unreadable), cancellationToken);
            return;
        }

        var skipped = await reactions.HandleAsync(delivery.Value!.Events, cancellationToken);
        if (skipped.Count > 0)
        {
            await deadLetters.ParkAsync(QueueNames.ReviewEvents, EcomJson.Serialize(new EventDelivery(skipped)),
                $"{skipped.Count} event(s) without readable review data.", cancellationToken);
        }
    }
}
