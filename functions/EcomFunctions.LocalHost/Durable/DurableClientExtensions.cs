using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;

namespace EcomFunctions.LocalHost.Durable;

/// <summary>Safe defaults for talking to the engine: keyed instances that cannot be replaced, events that cannot go astray.</summary>
public static class DurableClientExtensions
{
    private static readonly OrchestrationRuntimeStatus[] Active =
    [
        OrchestrationRuntimeStatus.Pending,
        OrchestrationRuntimeStatus.Running,
        OrchestrationRuntimeStatus.Suspended,
    ];

    /// <summary>The statuses in which an instance id is "taken": scheduling it again must fail rather than replace the run.</summary>
    public static IReadOnlyList<OrchestrationRuntimeStatus> ActiveStatuses => Active;

    /// <summary>Connects a Durable Task client to the engine's sidecar.</summary>
    public static IDurableTaskClientBuilder UseDurableEngine(this IDurableTaskClientBuilder builder, DurableEngine engine)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(engine);
        return builder.UseGrpc(engine.Channel);
    }

    /// <summary>Connects the (single) Durable Task worker to the engine's sidecar.</summary>
    public static IDurableTaskWorkerBuilder UseDurableEngine(this IDurableTaskWorkerBuilder builder, DurableEngine engine)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(engine);
        return builder.UseGrpc(engine.Channel);
    }

    /// <summary>
    /// Starts <paramref name="orchestratorName"/> under a business-keyed instance id (e.g. <c>campaign-{id}</c>) unless an
    /// instance with that id is already pending, running or suspended. Returns false when it is: a retried HTTP call or a
    /// timer firing twice must neither start a second run nor silently replace the running one (which is what scheduling
    /// without dedupe statuses does). A completed, failed or terminated instance is replaced by a fresh run.
    /// </summary>
    public static async Task<bool> TryScheduleKeyedInstanceAsync<TInput>(
        this DurableTaskClient client, TaskName orchestratorName, string instanceId, TInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                orchestratorName, input, new StartOrchestrationOptions(instanceId).WithDedupeStatuses(Active), cancellationToken);
            return true;
        }
        catch (OrchestrationAlreadyExistsException)
        {
            return false;
        }
    }

    /// <summary>
    /// Raises <paramref name="eventName"/> to an instance only if it exists and can still receive events (pending, running
    /// or suspended). Returns false otherwise, without sending anything: the in-memory provider cannot discard an event
    /// for a missing instance and would retry it forever, and a typo'd id should be reported, not swallowed.
    /// </summary>
    public static async Task<bool> RaiseEventIfExistsAsync(
        this DurableTaskClient client, string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        if (metadata is null || !Active.Contains(metadata.RuntimeStatus))
        {
            return false;
        }

        await client.RaiseEventAsync(instanceId, eventName, eventPayload, cancellationToken);
        return true;
    }
}
