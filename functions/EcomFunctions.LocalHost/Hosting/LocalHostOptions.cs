namespace EcomFunctions.LocalHost.Hosting;

public enum OrchestrationBackend
{
    /// <summary>No orchestration engine (HTTP, queue and timer functions only).</summary>
    None,

    /// <summary>In-memory engine: fast, state lost on exit. Tests use it.</summary>
    InMemory,

    /// <summary>Microsoft.Azure.DurableTask.AzureStorage on Azurite, as Durable Functions runs in Azure: state survives restarts.</summary>
    AzureStorage,
}

/// <summary>How to run the LocalHost (section <c>LocalHost</c> of the app settings, or set by tests).</summary>
public sealed class LocalHostOptions
{
    /// <summary>Kestrel URL; port 0 picks a free port (tests).</summary>
    public string Url { get; set; } = "http://localhost:7071";

    /// <summary>Key accepted for <c>AuthorizationLevel.Function</c> endpoints (header x-functions-key or query code).</summary>
    public string FunctionKey { get; set; } = "local-function-key";

    /// <summary>Key accepted for every level, and for the admin endpoints.</summary>
    public string MasterKey { get; set; } = "local-master-key";

    public OrchestrationBackend DurableBackend { get; set; } = OrchestrationBackend.AzureStorage;

    /// <summary>Task hub name for the Azure Storage backend; defaults to the app setting DurableTaskHubName.</summary>
    public string? TaskHubName { get; set; }

    /// <summary>Run timer functions on their schedules (tests usually trigger them through the admin endpoint instead).</summary>
    public bool EnableTimers { get; set; } = true;

    /// <summary>Poll queues for queue-triggered functions.</summary>
    public bool EnableQueues { get; set; } = true;

    /// <summary>Replace a timer function's schedule (development and tests: "*/1 * * * * *" instead of hourly).</summary>
    public Dictionary<string, string> TimerSchedules { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Overrides how often an empty queue is polled at most (host.json maxPollingInterval otherwise).</summary>
    public TimeSpan? MaxQueuePollingInterval { get; set; }

    /// <summary>
    /// Fault injection for tests: every queue message is delivered twice (after a successful run the listener
    /// re-enqueues a copy once), to prove each handler is idempotent under the at-least-once contract of queues.
    /// </summary>
    public bool DeliverEveryMessageTwice { get; set; }

    /// <summary>
    /// Overrides how long a message stays invisible while its function runs (10 minutes, the Functions host's
    /// functionTimeout, otherwise). Crash tests shorten it so a killed host's in-flight messages reappear in seconds.
    /// </summary>
    public TimeSpan? QueueProcessingVisibility { get; set; }

    /// <summary>
    /// Azure Storage durable backend: how long orchestration/activity messages a dead host had taken stay hidden (5 minutes
    /// otherwise, as in Azure). Crash tests shorten it so a restarted host resumes the orchestrations in seconds.
    /// </summary>
    public TimeSpan? DurableMessageVisibility { get; set; }

    /// <summary>Overrides how long a failed message stays invisible before its retry (host.json visibilityTimeout otherwise).</summary>
    public TimeSpan? QueueRetryDelay { get; set; }
}
