using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace EcomFunctions.App.Platform;

public static class DurableClientExtensions
{
    /// <summary>
    /// Without dedupe statuses, scheduling an existing instance id silently <em>replaces</em> a running instance.
    /// Every business-keyed start (campaign-{id}, reactivation-{date}) passes these.
    /// </summary>
    public static readonly OrchestrationRuntimeStatus[] ActiveStatuses =
        [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended];

    /// <summary>
    /// Starts <paramref name="orchestrator"/> as <paramref name="instanceId"/> unless an instance with that id is
    /// already pending, running or suspended. Returns false when it was already there (a retry, a second timer firing).
    /// </summary>
    public static async Task<bool> StartOnceAsync(this DurableTaskClient client, TaskName orchestrator, string instanceId, object? input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var options = new StartOrchestrationOptions(instanceId).WithDedupeStatuses(ActiveStatuses);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input, options, cancellationToken);
            return true;
        }
        catch (OrchestrationAlreadyExistsException)
        {
            return false;
        }
    }

    /// <summary>
    /// Raises an event only to an instance that exists and is not finished. (Raising to a missing instance makes
    /// the in-memory test engine spin, and in Azure the event would be dropped anyway.) Returns whether it was raised.
    /// </summary>
    public static async Task<bool> RaiseEventIfActiveAsync(this DurableTaskClient client, string instanceId, string eventName, object? payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        if (instance is null || !ActiveStatuses.Contains(instance.RuntimeStatus))
        {
            return false;
        }

        await client.RaiseEventAsync(instanceId, eventName, payload, cancellationToken);
        return true;
    }
}
