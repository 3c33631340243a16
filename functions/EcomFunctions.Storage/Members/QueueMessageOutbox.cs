using EcomFunctions.Domain.Members;

namespace EcomFunctions.Storage;

/// <summary>
/// Win-back messages on their way to the sender, packed. <see cref="Attempt"/> counts deliveries retried after temporary
/// channel failures (the sender gives up and parks the message after its configured maximum).
/// </summary>
public sealed record WinBackMessageBatch(IReadOnlyList<OutboundMessage> Messages, int Attempt = 0, int Version = 1) : IVersionedMessage
{
    /// <summary>About 270 bytes each as JSON: 150 stay below the 64 KiB queue limit after Base64 (4/3) with room to spare.</summary>
    public const int MaxMessages = 150;
}

/// <summary>
/// The message outbox on queue <see cref="QueueNames.WinBackMessages"/>. Messages are grouped by send time (members of
/// one time zone deferred by quiet hours share the window opening) and packed; each group becomes visible at its send
/// time. Queue visibility delays end at 7 days: a message due later is made visible at the limit and the sender, finding
/// it early, enqueues it again for the rest — so no delay is ever too long to be kept. Messages never expire (the queue
/// sender stores them without a time to live).
/// </summary>
public sealed class QueueMessageOutbox(IQueueSender queue, TimeProvider time) : IMessageOutbox
{
    /// <summary>Azure Storage queues accept visibility delays up to 7 days; a minute of margin for clock skew.</summary>
    public static readonly TimeSpan MaxVisibilityDelay = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);

    public Task EnqueueAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken) =>
        EnqueueAsync(messages, 0, null, cancellationToken);

    /// <summary>Enqueues for each message's send time, or not before <paramref name="notBefore"/> when that is later (retries).</summary>
    public async Task EnqueueAsync(IReadOnlyList<OutboundMessage> messages, int attempt, DateTimeOffset? notBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var now = time.GetUtcNow();
        var sends = new List<Task>();
        foreach (var group in messages.GroupBy(m => notBefore is { } floor && floor > m.SendAt ? floor : m.SendAt))
        {
            var delay = group.Key - now;
            delay = delay <= TimeSpan.Zero ? TimeSpan.Zero : delay > MaxVisibilityDelay ? MaxVisibilityDelay : delay;
            sends.AddRange(group.Chunk(WinBackMessageBatch.MaxMessages)
                .Select(chunk => queue.SendAsync(QueueNames.WinBackMessages, new WinBackMessageBatch(chunk, attempt), delay, cancellationToken)));
        }

        await Task.WhenAll(sends);
    }
}
