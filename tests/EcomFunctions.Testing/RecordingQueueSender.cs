using System.Collections.Concurrent;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;

namespace EcomFunctions.Testing;

/// <summary>Records messages instead of sending them: outbox signals, dead letters and rewards stay visible to the test.</summary>
public sealed class RecordingQueueSender : IQueueSender
{
    public ConcurrentQueue<(string Queue, string Text)> Sent { get; } = new();

    public IEnumerable<T> Messages<T>(string queue) =>
        Sent.Where(m => m.Queue == queue).Select(m => EcomJson.Deserialize<T>(m.Text)!);

    public Task SendAsync<T>(string queue, T message, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default) =>
        SendTextAsync(queue, EcomJson.Serialize(message), visibilityDelay, cancellationToken);

    public Task SendTextAsync(string queue, string text, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default)
    {
        Sent.Enqueue((queue, text));
        return Task.CompletedTask;
    }
}
