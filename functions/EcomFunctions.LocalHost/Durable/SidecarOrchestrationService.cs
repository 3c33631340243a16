using System.Diagnostics;
using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Query;
using Microsoft.DurableTask.Testing.Sidecar.Dispatcher;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.LocalHost.Durable;

/// <summary>What <see cref="SidecarOrchestrationService"/> changes about the provider it wraps.</summary>
public sealed class SidecarServiceBehaviour
{
    /// <summary>Activity work items handed out and not yet completed or abandoned, at most.</summary>
    public int MaxConcurrentActivityWorkItems { get; init; } = 100;

    /// <summary>Orchestration work items handed out and not yet released, at most.</summary>
    public int MaxConcurrentOrchestrationWorkItems { get; init; } = 100;

    /// <summary>
    /// Activity work items fetched ahead from the provider by this many parallel fetchers (0: fetch on demand). The
    /// sidecar fetches one at a time, and the Azure Storage provider dequeues one queue message per fetch, so without
    /// this a fan-out is dispatched at one storage round trip per activity.
    /// </summary>
    public int ActivityPrefetch { get; init; }

    /// <summary>
    /// Replace the provider's "wait for completion" with a status poll at this interval (null: use the provider's own).
    /// </summary>
    public TimeSpan? StatusPollingInterval { get; init; }

    /// <summary>
    /// Drop messages addressed to instances that do not exist instead of handing them to the dispatcher, which can
    /// neither run nor discard them: the in-memory service would re-deliver them forever in a tight loop.
    /// </summary>
    public bool DropMessagesForMissingInstances { get; init; }
}

/// <summary>
/// The <see cref="IOrchestrationService"/> the self-hosted sidecar (<c>TaskHubGrpcServer</c>) runs on: it delegates to
/// a real provider (in-memory or Azure Storage) and repairs what the sidecar and the providers disagree on.
/// <list type="bullet">
/// <item>Concurrency: the sidecar's dispatchers size themselves from <c>MaxConcurrent*WorkItems</c> and sleep 500 ms
/// whenever they are full (the in-memory service reports <see cref="Environment.ProcessorCount"/>: a few activities per
/// second). They are told "unlimited" and the configured limits are enforced here instead, where a finished work item
/// frees its slot at once; Azure Storage activities are also fetched ahead in parallel.</item>
/// <item>Sub-orchestrations on Azure Storage hang without two repairs, each needed on its own (verified by disabling it):
/// the sidecar records their creation with its own <see cref="GrpcSubOrchestrationInstanceCreatedEvent"/> subclass, which
/// the history table stores without an <c>EventType</c> column (reloading the parent's history then fails with "The
/// TableEntity did not contain a 'EventType' property", forever); and it passes sub-orchestration tags as a protobuf
/// <c>MapField</c>, whose type name the queue message serializer writes and then cannot resolve when reading the child's
/// start message. Both are replaced by plain Durable Task types before the provider saves them.</item>
/// <item>Orphan messages (e.g. an event raised to an instance id that was never started) are dropped when
/// <see cref="SidecarServiceBehaviour.DropMessagesForMissingInstances"/> is set.</item>
/// <item>Stopping is idempotent: both the sidecar and <see cref="DurableEngine"/> stop the provider.</item>
/// </list>
/// </summary>
public sealed partial class SidecarOrchestrationService :
    IOrchestrationService, IOrchestrationServiceClient, IOrchestrationServiceQueryClient, IOrchestrationServicePurgeClient, IDisposable
{
    private readonly IOrchestrationService service;
    private readonly IOrchestrationServiceClient client;
    private readonly SidecarServiceBehaviour behaviour;
    private readonly ILogger logger;
    private readonly Lock stopLock = new();
    private Task? stopping;
    private long droppedOrphanMessages;

    public SidecarOrchestrationService(
        IOrchestrationService service, IOrchestrationServiceClient client, SidecarServiceBehaviour behaviour, ILogger logger)
    {
        this.service = service ?? throw new ArgumentNullException(nameof(service));
        this.client = client ?? throw new ArgumentNullException(nameof(client));
        this.behaviour = behaviour ?? throw new ArgumentNullException(nameof(behaviour));
        this.logger = logger ?? throw new ArgumentNullException(nameof(logger));
        activitySlots = new SemaphoreSlim(behaviour.MaxConcurrentActivityWorkItems);
        orchestrationSlots = new SemaphoreSlim(behaviour.MaxConcurrentOrchestrationWorkItems);
    }

    /// <summary>How many messages were dropped because their instance does not exist (diagnostics and tests).</summary>
    public long DroppedOrphanMessages => Interlocked.Read(ref droppedOrphanMessages);

    public int TaskOrchestrationDispatcherCount => service.TaskOrchestrationDispatcherCount;

    public int MaxConcurrentTaskOrchestrationWorkItems => UnlimitedForDispatcher;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => service.EventBehaviourForContinueAsNew;

    public int TaskActivityDispatcherCount => service.TaskActivityDispatcherCount;

    public int MaxConcurrentTaskActivityWorkItems => UnlimitedForDispatcher;

    /// <summary>
    /// Rewrites, in place, what the sidecar produced into types every provider can store and read back: plain
    /// <see cref="SubOrchestrationInstanceCreatedEvent"/>s in the history and plain dictionaries as tags.
    /// </summary>
    public static void NormaliseForStorage(OrchestrationRuntimeState runtimeState, IEnumerable<TaskMessage> orchestratorMessages)
    {
        ArgumentNullException.ThrowIfNull(runtimeState);
        ArgumentNullException.ThrowIfNull(orchestratorMessages);

        // Events and NewEvents share event objects (providers persist NewEvents and replay Events): keep them shared.
        var replacements = new Dictionary<HistoryEvent, HistoryEvent>(ReferenceEqualityComparer.Instance);
        ReplaceSidecarEvents(runtimeState.Events, replacements);
        ReplaceSidecarEvents(runtimeState.NewEvents, replacements);
        foreach (var historyEvent in runtimeState.NewEvents)
        {
            if (historyEvent is ExecutionStartedEvent started)
            {
                started.Tags = PlainTags(started.Tags);
            }
        }

        foreach (var message in orchestratorMessages)
        {
            if (message?.Event is ExecutionStartedEvent started)
            {
                started.Tags = PlainTags(started.Tags);
            }
        }
    }

    private async Task<TaskOrchestrationWorkItem?> LockNextRunnableOrchestrationAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            var workItem = await service.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);
            if (workItem is null || !behaviour.DropMessagesForMissingInstances || !await IsOrphanAsync(workItem))
            {
                return workItem;
            }

            // Releasing after the messages were taken discards them: the in-memory service deletes messages on load.
            Interlocked.Add(ref droppedOrphanMessages, workItem.NewMessages.Count);
            logger.LogWarning(
                "Dropped {Count} message(s) ({Events}) for orchestration instance '{InstanceId}', which does not exist.",
                workItem.NewMessages.Count,
                string.Join(", ", workItem.NewMessages.Select(m => m.Event.EventType)),
                workItem.InstanceId);
            await service.ReleaseTaskOrchestrationWorkItemAsync(workItem);
        }
    }

    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState)
    {
        NormaliseForStorage(newOrchestrationRuntimeState, orchestratorMessages);
        if (continuedAsNewMessage?.Event is ExecutionStartedEvent started)
        {
            started.Tags = PlainTags(started.Tags);
        }

        if (orchestrationState is not null)
        {
            orchestrationState.Tags = PlainTags(orchestrationState.Tags);
        }

        return service.CompleteTaskOrchestrationWorkItemAsync(
            workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);
    }

    public Task<OrchestrationState> WaitForOrchestrationAsync(string instanceId, string executionId, TimeSpan timeout, CancellationToken cancellationToken) =>
        behaviour.StatusPollingInterval is { } interval
            ? PollUntilFinishedAsync(instanceId, executionId, timeout, interval, cancellationToken)
            : client.WaitForOrchestrationAsync(instanceId, executionId, timeout, cancellationToken);

    public Task StopAsync() => StopAsync(isForced: false);

    public Task StopAsync(bool isForced)
    {
        lock (stopLock)
        {
            return stopping ??= StopCoreAsync(isForced);
        }
    }

    public Task StartAsync() => service.StartAsync();

    public Task CreateAsync() => service.CreateAsync();

    public Task CreateAsync(bool recreateInstanceStore) => service.CreateAsync(recreateInstanceStore);

    public Task CreateIfNotExistsAsync() => service.CreateIfNotExistsAsync();

    public Task DeleteAsync() => service.DeleteAsync();

    public Task DeleteAsync(bool deleteInstanceStore) => service.DeleteAsync(deleteInstanceStore);

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
        service.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => service.GetDelayInSecondsAfterOnProcessException(exception);

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => service.GetDelayInSecondsAfterOnFetchException(exception);

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => service.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => service.AbandonTaskOrchestrationWorkItemAsync(workItem);

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => service.RenewTaskActivityWorkItemLockAsync(workItem);

    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage) => client.CreateTaskOrchestrationAsync(creationMessage);

    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage, OrchestrationStatus[] dedupeStatuses) =>
        client.CreateTaskOrchestrationAsync(creationMessage, dedupeStatuses);

    public Task SendTaskOrchestrationMessageAsync(TaskMessage message) => client.SendTaskOrchestrationMessageAsync(message);

    public Task SendTaskOrchestrationMessageBatchAsync(params TaskMessage[] messages) => client.SendTaskOrchestrationMessageBatchAsync(messages);

    public Task ForceTerminateTaskOrchestrationAsync(string instanceId, string reason) => client.ForceTerminateTaskOrchestrationAsync(instanceId, reason);

    public Task<IList<OrchestrationState>> GetOrchestrationStateAsync(string instanceId, bool allExecutions) =>
        client.GetOrchestrationStateAsync(instanceId, allExecutions);

    public Task<OrchestrationState> GetOrchestrationStateAsync(string instanceId, string executionId) =>
        client.GetOrchestrationStateAsync(instanceId, executionId);

    public Task<string> GetOrchestrationHistoryAsync(string instanceId, string executionId) => client.GetOrchestrationHistoryAsync(instanceId, executionId);

    public Task PurgeOrchestrationHistoryAsync(DateTime thresholdDateTimeUtc, OrchestrationStateTimeRangeFilterType timeRangeFilterType) =>
        client.PurgeOrchestrationHistoryAsync(thresholdDateTimeUtc, timeRangeFilterType);

    public Task<OrchestrationQueryResult> GetOrchestrationWithQueryAsync(OrchestrationQuery query, CancellationToken cancellationToken) =>
        client is IOrchestrationServiceQueryClient queryClient
            ? queryClient.GetOrchestrationWithQueryAsync(query, cancellationToken)
            : throw new NotSupportedException($"{client.GetType().Name} does not support instance queries.");

    public Task<PurgeResult> PurgeInstanceStateAsync(string instanceId) =>
        client is IOrchestrationServicePurgeClient purge
            ? purge.PurgeInstanceStateAsync(instanceId)
            : throw new NotSupportedException($"{client.GetType().Name} does not support purging.");

    public Task<PurgeResult> PurgeInstanceStateAsync(PurgeInstanceFilter purgeInstanceFilter) =>
        client is IOrchestrationServicePurgeClient purge
            ? purge.PurgeInstanceStateAsync(purgeInstanceFilter)
            : throw new NotSupportedException($"{client.GetType().Name} does not support purging.");

    private static void ReplaceSidecarEvents(IList<HistoryEvent> events, Dictionary<HistoryEvent, HistoryEvent> replacements)
    {
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is GrpcSubOrchestrationInstanceCreatedEvent sidecarEvent)
            {
                if (!replacements.TryGetValue(sidecarEvent, out var plain))
                {
                    plain = new SubOrchestrationInstanceCreatedEvent(sidecarEvent.EventId)
                    {
                        Name = sidecarEvent.Name,
                        Version = sidecarEvent.Version,
                        InstanceId = sidecarEvent.InstanceId,
                        Input = sidecarEvent.Input,
                        Timestamp = sidecarEvent.Timestamp,
                        IsPlayed = sidecarEvent.IsPlayed,
                    };
                    replacements.Add(sidecarEvent, plain);
                }

                events[i] = plain;
            }
        }
    }

    private static IDictionary<string, string>? PlainTags(IDictionary<string, string>? tags) =>
        tags is null || tags.GetType() == typeof(Dictionary<string, string>)
            ? tags
            : new Dictionary<string, string>(tags, StringComparer.Ordinal);

    private async Task<bool> IsOrphanAsync(TaskOrchestrationWorkItem workItem)
    {
        if (workItem.OrchestrationRuntimeState?.ExecutionStartedEvent is not null ||
            workItem.NewMessages.Any(m => m.Event is ExecutionStartedEvent))
        {
            return false;
        }

        // A Pending instance (created, start message not yet delivered) has a status record: its messages must wait.
        return await client.GetOrchestrationStateAsync(workItem.InstanceId, executionId: null!) is null;
    }

    private async Task<OrchestrationState> PollUntilFinishedAsync(
        string instanceId, string executionId, TimeSpan timeout, TimeSpan interval, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        var unbounded = timeout <= TimeSpan.Zero || timeout == Timeout.InfiniteTimeSpan;
        while (true)
        {
            var state = await client.GetOrchestrationStateAsync(instanceId, executionId);
            if (state?.OrchestrationStatus is OrchestrationStatus.Completed or OrchestrationStatus.Failed
                or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled)
            {
                return state;
            }

            if (!unbounded && waited.Elapsed >= timeout)
            {
                return null!;
            }

            await Task.Delay(interval, cancellationToken);
        }
    }
}
