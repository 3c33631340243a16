using System.Text;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using EcomFunctions.LocalHost.Functions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.LocalHost.Hosting;

/// <summary>
/// Polls one queue for one queue-triggered function with the Functions host's semantics: batches of
/// <c>batchSize</c> processed concurrently; on success the message is deleted; on failure it becomes visible again
/// after <c>visibilityTimeout</c>; after <c>maxDequeueCount</c> failed attempts it moves to <c>&lt;queue&gt;-poison</c>.
/// Empty polls back off exponentially up to <c>maxPollingInterval</c>. Storage outages are waited out, not fatal.
/// </summary>
public sealed class QueueFunctionListener(
    FunctionDescriptor function,
    string queueName,
    string connectionString,
    QueueSettings settings,
    FunctionInvoker invoker,
    ILogger logger,
    bool deliverEveryMessageTwice = false) : BackgroundService
{
    // Ids of the copies made by the duplicate-delivery fault injection (copies are not copied again).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> duplicates = new(StringComparer.Ordinal);

    private static readonly TimeSpan MinimumPoll = TimeSpan.FromMilliseconds(50);

    public string QueueName => queueName;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Raw clients: the message text is decoded here, so a message that is not Base64 can be parked instead of
        // failing inside the SDK on every receive.
        var queue = new QueueClient(connectionString, queueName);
        var poison = new QueueClient(connectionString, queueName + "-poison");
        var delay = MinimumPoll;
        var created = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!created)
                {
                    await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                    await poison.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                    created = true;
                }

                QueueMessage[] messages = await queue.ReceiveMessagesAsync(settings.BatchSize, settings.Lease, stoppingToken);
                if (messages.Length == 0)
                {
                    await Task.Delay(delay, stoppingToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.PollingCeiling.Ticks));
                    continue;
                }

                delay = MinimumPoll;
                await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = settings.BatchSize, CancellationToken = stoppingToken },
                    (message, ct) => new ValueTask(ProcessAsync(queue, poison, message, ct)));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or AggregateException or TimeoutException or IOException)
            {
                logger.LogWarning("Queue {Queue} unreachable ({Error}); retrying.", queueName, ex.Message.Split('\n')[0]);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task ProcessAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = settings.Base64 ? Encoding.UTF8.GetString(Convert.FromBase64String(message.MessageText)) : message.MessageText;
        }
        catch (FormatException)
        {
            logger.LogError("Message {Id} on {Queue} is not Base64 (messageEncoding is base64): moved to poison.", message.MessageId, queueName);
            // Park it Base64-encoded so poison readers using the standard encoding can still read it.
            await MoveToPoisonAsync(queue, poison, message, Convert.ToBase64String(Encoding.UTF8.GetBytes(message.MessageText)), cancellationToken);
            return;
        }

        try
        {
            await invoker.InvokeAsync(function, new InvocationInput
            {
                QueueMessageText = text,
                QueueMessage = message,
                BindingData = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
                {
                    ["id"] = message.MessageId,
                    ["dequeueCount"] = (int)message.DequeueCount,
                    ["insertionTime"] = message.InsertedOn,
                    ["expirationTime"] = message.ExpiresOn,
                    ["nextVisibleTime"] = message.NextVisibleOn,
                    ["popReceipt"] = message.PopReceipt,
                },
            }, cancellationToken);
            if (deliverEveryMessageTwice && !duplicates.TryRemove(message.MessageId, out _))
            {
                var copy = await queue.SendMessageAsync(message.MessageText, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: CancellationToken.None);
                duplicates.TryAdd(copy.Value.MessageId, 0);
            }

            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the message reappears after its visibility timeout and is processed then.
        }
        catch (Exception ex)
        {
            if (message.DequeueCount >= settings.MaxDequeueCount)
            {
                logger.LogError(ex, "Function {Function} failed on message {Id} {Count} times: moved to {Queue}-poison.", function.Name, message.MessageId, message.DequeueCount, queueName);
                await MoveToPoisonAsync(queue, poison, message, message.MessageText, CancellationToken.None);
            }
            else
            {
                logger.LogWarning(ex, "Function {Function} failed on message {Id} (attempt {Count} of {Max}).", function.Name, message.MessageId, message.DequeueCount, settings.MaxDequeueCount);
                await TryAsync(() => queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: settings.RetryDelay, cancellationToken: CancellationToken.None));
            }
        }
    }

    private async Task MoveToPoisonAsync(QueueClient queue, QueueClient poison, QueueMessage message, string poisonText, CancellationToken cancellationToken)
    {
        await poison.SendMessageAsync(poisonText, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: cancellationToken);
        await TryAsync(() => queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None));
    }

    private async Task TryAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (RequestFailedException ex)
        {
            // Pop receipt expired (another consumer took the message) or storage blipped: the message simply
            // reappears later, which the at-least-once contract of queue functions already allows.
            logger.LogWarning("Queue {Queue}: {Error}", queueName, ex.Message.Split('\n')[0]);
        }
    }
}
