using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Storage;

/// <summary>Sends JSON messages to a queue (Base64-encoded, as the queue trigger expects).</summary>
public interface IQueueSender
{
    /// <param name="visibilityDelay">Delivery delay (e.g. to defer a message out of quiet hours); at most 7 days.</param>
    Task SendAsync<T>(string queue, T message, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default);

    Task SendTextAsync(string queue, string text, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default);
}

public sealed class QueueSender(StorageClients storage) : IQueueSender
{
    public Task SendAsync<T>(string queue, T message, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default) =>
        SendTextAsync(queue, EcomJson.Serialize(message), visibilityDelay, cancellationToken);

    public async Task SendTextAsync(string queue, string text, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default)
    {
        var client = await storage.QueueAsync(queue, cancellationToken);
        var delay = visibilityDelay is { } d && d > TimeSpan.Zero ? d : (TimeSpan?)null;
        // A negative time-to-live keeps the message until processed: the default 7-day expiry would silently drop
        // work that waited out an outage.
        await client.SendMessageAsync(text, delay, TimeSpan.FromSeconds(-1), cancellationToken);
    }
}
