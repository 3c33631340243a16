using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Storage;

/// <summary>A message parked in <c>&lt;queue&gt;-poison</c> with the reason it could not be processed.</summary>
public sealed record DeadLetter(string Queue, string Reason, DateTimeOffset ParkedAt, string Message);

/// <summary>
/// Parks unreadable messages (invalid JSON, unknown version, failed validation) in the queue's poison twin right away,
/// with the reason, instead of letting them fail <c>maxDequeueCount</c> times: nothing is lost, operators see why,
/// and the queue is not blocked. Messages that keep failing for other reasons reach the same poison queue through the
/// host's retry policy (raw, without an envelope).
/// </summary>
public sealed class DeadLetters(IQueueSender sender, TimeProvider time)
{
    public Task ParkAsync(string queue, string message, string reason, CancellationToken cancellationToken) =>
        sender.SendAsync(QueueNames.Poison(queue), new DeadLetter(queue, reason, time.GetUtcNow(), message), cancellationToken: cancellationToken);

    /// <summary>Reads a poison-queue message: an envelope written by <see cref="ParkAsync"/>, or a raw message the host moved.</summary>
    public static DeadLetter Describe(string queue, string poisonText, DateTimeOffset? insertedOn)
    {
        ArgumentNullException.ThrowIfNull(poisonText);
        try
        {
            var envelope = EcomJson.Deserialize<DeadLetter>(poisonText);
            if (envelope is { Reason.Length: > 0 })
            {
                return envelope;
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not an envelope: the host moved the original message after repeated failures.
        }

        return new DeadLetter(queue, "Processing failed the maximum number of times (maxDequeueCount); see the function logs.",
            insertedOn ?? DateTimeOffset.MinValue, poisonText);
    }
}
