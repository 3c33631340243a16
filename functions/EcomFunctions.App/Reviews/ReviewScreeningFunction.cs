using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Reviews;
using EcomFunctions.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.App.Reviews;

/// <summary>
/// Screens submitted reviews. Messages are the ReviewSubmitted events the outbox delivers (EventDelivery, usually one
/// event: reviews arrive one by one). Unreadable messages and events, and events of reviews that do not exist, are
/// parked with their reason; storage failures throw, so the host retries and finally moves the message to the poison
/// queue. A duplicate delivery finds the review screened already and only repeats the idempotent follow-up writes.
/// </summary>
public sealed class ReviewScreeningFunction(ReviewModeration moderation, DeadLetters deadLetters, ILogger<ReviewScreeningFunction> logger)
{
    [Function("ScreenReviews")]
    public async Task Run([QueueTrigger(QueueNames.ReviewModeration)] string message, CancellationToken cancellationToken)
    {
        var delivery = QueueMessages.Read<EventDelivery>(message);
        if (delivery.Problem is { } unreadable)
        {
            await deadLetters.ParkAsync(QueueNames.ReviewModeration, message, QueueMessages.Reason(unreadable), cancellationToken);
            return;
        }

        foreach (var submitted in delivery.Value!.Events.Where(e => e.Type == ReviewEventTypes.ReviewSubmitted).DistinctBy(e => e.Id))
        {
            if (ReviewEvents.Read(submitted) is not { } data)
            {
                await ParkAsync(submitted, "The event data is not a review event.", cancellationToken);
                continue;
            }

            var outcome = await moderation.ScreenAsync(data.ProductId, data.ReviewId, cancellationToken);
            if (outcome.Problem is { Kind: ProblemKind.NotFound } missing)
            {
                await ParkAsync(submitted, $"{missing.Title} {missing.Detail}", cancellationToken);
                continue;
            }

            // Anything else (a concurrency race lost every attempt) is worth a retry of the whole message.
            var result = outcome.GetValueOrThrow();
            logger.LogInformation("Review {ReviewId} {Action}: {Status} ({Reasons}).", result.Review.Id,
                result.Screened ? "screened" : "already screened", result.Review.Status,
                string.Join(", ", result.Review.Screening?.Reasons.Select(r => r.Code) ?? []));
        }
    }

    private Task ParkAsync(DomainEvent domainEvent, string reason, CancellationToken cancellationToken) =>
        deadLetters.ParkAsync(QueueNames.ReviewModeration, EcomJson.Serialize(new EventDelivery([domainEvent])), reason, cancellationToken);
}
