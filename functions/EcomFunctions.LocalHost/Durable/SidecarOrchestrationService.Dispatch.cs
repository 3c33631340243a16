using System.Collections.Concurrent;
using System.Threading.Channels;
using DurableTask.Core;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.LocalHost.Durable;

// Work-item flow control: the configured concurrency limits and activity prefetching.
public sealed partial class SidecarOrchestrationService
{
    // What the sidecar's dispatchers are told. They sleep 500 ms whenever their in-flight count reaches it, so it must
    // never be reached; the real limits are the semaphores below.
    private const int UnlimitedForDispatcher = 1_000_000;

    private readonly SemaphoreSlim activitySlots;
    private readonly SemaphoreSlim orchestrationSlots;
    private readonly ConcurrentDictionary<TaskActivityWorkItem, byte> activitiesInFlight = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<TaskOrchestrationWorkItem, byte> orchestrationsInFlight = new(ReferenceEqualityComparer.Instance);
    private readonly Lock prefetchLock = new();
    private readonly CancellationTokenSource prefetchStop = new();
    private Channel<TaskActivityWorkItem>? prefetched;
    private Task[] prefetchers = [];
    private bool prefetchStopped;

    public async Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        await orchestrationSlots.WaitAsync(cancellationToken);
        TaskOrchestrationWorkItem? workItem = null;
        try
        {
            workItem = await LockNextRunnableOrchestrationAsync(receiveTimeout, cancellationToken);
        }
        finally
        {
            HoldOrFreeSlot(workItem, orchestrationsInFlight, orchestrationSlots);
        }

        return workItem!;
    }

    // The sidecar releases every orchestration work item it was given, whatever happened to it.
    public async Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        try
        {
            await service.ReleaseTaskOrchestrationWorkItemAsync(workItem);
        }
        finally
        {
            FreeSlot(workItem, orchestrationsInFlight, orchestrationSlots);
        }
    }

    public async Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        await activitySlots.WaitAsync(cancellationToken);
        TaskActivityWorkItem? workItem = null;
        try
        {
            workItem = behaviour.ActivityPrefetch > 0
                ? await TakePrefetchedActivityAsync(cancellationToken)
                : await service.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);
        }
        finally
        {
            HoldOrFreeSlot(workItem, activitiesInFlight, activitySlots);
        }

        return workItem!;
    }

    // An activity work item ends with exactly one of these two (the sidecar abandons it when completing fails).
    public async Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
    {
        try
        {
            await service.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);
        }
        finally
        {
            FreeSlot(workItem, activitiesInFlight, activitySlots);
        }
    }

    public async Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        try
        {
            await service.AbandonTaskActivityWorkItemAsync(workItem);
        }
        finally
        {
            FreeSlot(workItem, activitiesInFlight, activitySlots);
        }
    }

    public void Dispose()
    {
        prefetchStop.Dispose();
        activitySlots.Dispose();
        orchestrationSlots.Dispose();
    }

    private static void HoldOrFreeSlot<T>(T? workItem, ConcurrentDictionary<T, byte> inFlight, SemaphoreSlim slots)
        where T : class
    {
        if (workItem is null)
        {
            slots.Release();
        }
        else
        {
            inFlight.TryAdd(workItem, 0);
        }
    }

    private static void FreeSlot<T>(T workItem, ConcurrentDictionary<T, byte> inFlight, SemaphoreSlim slots)
        where T : class
    {
        if (workItem is not null && inFlight.TryRemove(workItem, out _))
        {
            slots.Release();
        }
    }

    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task StopCoreAsync(bool isForced)
    {
        await StopPrefetchingAsync();
        await service.StopAsync(isForced);
    }

    private async Task<TaskActivityWorkItem?> TakePrefetchedActivityAsync(CancellationToken cancellationToken)
    {
        Channel<TaskActivityWorkItem> channel;
        lock (prefetchLock)
        {
            if (prefetched is null && !prefetchStopped)
            {
                // Bounded: prefetched messages stay locked in storage until handed out, so keep few of them.
                prefetched = Channel.CreateBounded<TaskActivityWorkItem>(behaviour.ActivityPrefetch);
                var stop = prefetchStop.Token;
                prefetchers = Enumerable.Range(0, behaviour.ActivityPrefetch)
                    .Select(_ => Task.Run(() => PrefetchActivitiesAsync(prefetched.Writer, stop), CancellationToken.None))
                    .ToArray();
            }

            channel = prefetched ?? Channel.CreateBounded<TaskActivityWorkItem>(1);
        }

        try
        {
            return await channel.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException)
        {
            // Stopping: there is no more work to hand out; wait for the dispatcher to be cancelled.
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return null;
        }
    }

    private async Task PrefetchActivitiesAsync(ChannelWriter<TaskActivityWorkItem> writer, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TaskActivityWorkItem? workItem;
            try
            {
                workItem = await service.LockNextTaskActivityWorkItem(Timeout.InfiniteTimeSpan, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Fetching an activity work item failed; retrying in a second.");
                if (!await DelayAsync(TimeSpan.FromSeconds(1), stop))
                {
                    return;
                }

                continue;
            }

            if (workItem is null)
            {
                // The provider answers null while it shuts down.
                if (!await DelayAsync(TimeSpan.FromMilliseconds(100), stop))
                {
                    return;
                }

                continue;
            }

            try
            {
                await writer.WriteAsync(workItem, stop);
            }
            catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
            {
                await AbandonUnstartedAsync(workItem);
                return;
            }
        }
    }

    private async Task StopPrefetchingAsync()
    {
        Channel<TaskActivityWorkItem>? channel;
        Task[] loops;
        lock (prefetchLock)
        {
            prefetchStopped = true;
            channel = prefetched;
            loops = prefetchers;
        }

        await prefetchStop.CancelAsync();
        await Task.WhenAll(loops);
        if (channel is null)
        {
            return;
        }

        channel.Writer.TryComplete();
        while (channel.Reader.TryRead(out var workItem))
        {
            await AbandonUnstartedAsync(workItem);
        }
    }

    // Makes a fetched but never started activity visible again now, rather than when its queue lock expires (minutes).
    private async Task AbandonUnstartedAsync(TaskActivityWorkItem workItem)
    {
        try
        {
            await service.AbandonTaskActivityWorkItemAsync(workItem);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Returning prefetched activity work item {Id} failed; it reappears when its lock expires.", workItem.Id);
        }
    }
}
