using EcomFunctions.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.App.Platform;

/// <summary>Delivers outbox events: on each commit signal (queue) and, as a safety net, on a timer sweep.</summary>
public sealed class OutboxFunctions(OutboxDispatcher dispatcher, DeadLetters deadLetters, ILogger<OutboxFunctions> logger)
{
    [Function("DispatchOutbox")]
    public async Task Dispatch([QueueTrigger(QueueNames.OutboxDispatch)] string message, CancellationToken cancellationToken)
    {
        var batch = QueueMessages.Read<OutboxBatch>(message);
        if (batch.Problem is { } problem)
        {
            await deadLetters.ParkAsync(QueueNames.OutboxDispatch, message, QueueMessages.Reason(problem), cancellationToken);
            return;
        }

        // A failure here throws: the host retries the message (maxDequeueCount) and then parks it in the poison queue;
        // the rows stay in the outbox, so the sweeper delivers them once storage or Event Grid is back.
        var count = await dispatcher.DispatchAsync(batch.Value!, cancellationToken);
        logger.LogDebug("Dispatched {Count} event(s) from {Table}/{Partition}.", count, batch.Value!.Table, batch.Value.PartitionKey);
    }

    /// <summary>Every minute: events whose commit signal was lost (process died between commit and signal).</summary>
    [Function("SweepOutbox")]
    public Task Sweep([TimerTrigger("0 */1 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        dispatcher.SweepAsync(cancellationToken);
}
