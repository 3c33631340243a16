using Microsoft.Extensions.Logging;

namespace EcomFunctions.LocalHost.Durable;

/// <summary>Where the <see cref="DurableEngine"/> keeps orchestration state.</summary>
public enum DurableBackend
{
    /// <summary>Process memory: fast, lost on restart. For tests.</summary>
    InMemory,

    /// <summary>
    /// Microsoft.Azure.DurableTask.AzureStorage (the provider Durable Functions uses in Azure) against Azurite or a real
    /// account: state survives a restart of the host. The LocalHost default.
    /// </summary>
    AzureStorage,
}

/// <summary>
/// Settings of the local Durable Task engine. A plain bindable class (e.g. <c>configuration.GetSection(...).Bind(options)</c>);
/// the defaults mirror host.json's <c>extensions.durableTask</c> where it has an equivalent.
/// </summary>
public sealed class DurableEngineOptions
{
    public DurableBackend Backend { get; set; } = DurableBackend.AzureStorage;

    /// <summary>
    /// Azure Storage backend: how long an orchestration or activity message a worker dequeued stays hidden (5 minutes,
    /// the library default, when null). A worker that dies leaves its messages hidden this long; crash tests shorten it.
    /// </summary>
    public TimeSpan? MessageVisibilityTimeout { get; set; }

    /// <summary>
    /// Task hub name (AzureStorage: 3–45 letters/digits, starting with a letter; it prefixes the hub's queues, tables and
    /// blob containers). Engines on the same storage account with different names never see each other's instances.
    /// </summary>
    public string TaskHubName { get; set; } = "ecomlocal";

    /// <summary>Storage connection string; required for <see cref="DurableBackend.AzureStorage"/>.</summary>
    public string? StorageConnectionString { get; set; }

    /// <summary>AzureStorage control-queue partitions (host.json <c>partitionCount</c>). Fixed once the hub exists.</summary>
    public int PartitionCount { get; set; } = 4;

    /// <summary>
    /// AzureStorage: the longest back-off between polls of an idle queue. The provider's default (30 s) makes a quiet
    /// local host feel frozen; about 1 s gives 100+ activities/s on Azurite.
    /// </summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Activities the engine has handed to the worker and not yet seen finish, at most (both backends). The worker does
    /// not throttle itself over this connection: this is the limit host.json's <c>maxConcurrentActivityFunctions</c> maps to.
    /// </summary>
    public int MaxConcurrentActivityWorkItems { get; set; } = 100;

    /// <summary>Orchestration episodes running at once, at most (both backends; host.json <c>maxConcurrentOrchestratorFunctions</c>).</summary>
    public int MaxConcurrentOrchestrationWorkItems { get; set; } = 100;

    /// <summary>
    /// AzureStorage: parallel fetchers reading activity messages ahead of the dispatcher (0 disables). The provider
    /// dequeues one message per round trip; fetching them one after another caps a fan-out near 1 / latency. Each idle
    /// fetcher polls the work-item queue at most once per <see cref="MaxQueuePollingInterval"/>.
    /// </summary>
    public int ActivityPrefetchCount { get; set; } = 4;

    /// <summary>
    /// AzureStorage: control-queue messages (activity results, events, timers) buffered in memory before the provider
    /// stops reading and pauses a fixed second. The provider's 64 turns the fan-in of a fast fan-out into one-second steps
    /// of 64 results each.
    /// </summary>
    public int ControlQueueBufferThreshold { get; set; } = 1000;

    /// <summary>
    /// AzureStorage: how often "wait for completion" re-reads the instance status (the provider itself polls every 2 s,
    /// which would dominate short orchestrations).
    /// </summary>
    public TimeSpan StatusPollingInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// AzureStorage worker identity for partition leases. Keeping it stable across restarts lets a restarted host take its
    /// own partitions back at once instead of waiting for the old leases to expire.
    /// </summary>
    public string WorkerId { get; set; } = Environment.MachineName;

    /// <summary>Loopback port of the gRPC sidecar; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>
    /// Minimum level of the engine's own logs (sidecar, Kestrel, storage provider), forwarded to the logger factory given to
    /// <see cref="DurableEngine.StartAsync"/>. Quiet by default: these components log every poll at Information.
    /// </summary>
    public LogLevel LogLevel { get; set; } = LogLevel.Warning;

    /// <summary>How long <see cref="DurableEngine.DisposeAsync"/> waits for the sidecar and the provider to stop.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    internal void Validate()
    {
        if (Backend == DurableBackend.AzureStorage && string.IsNullOrWhiteSpace(StorageConnectionString))
        {
            throw new ArgumentException("The AzureStorage durable backend needs a StorageConnectionString.", nameof(StorageConnectionString));
        }

        if (string.IsNullOrWhiteSpace(TaskHubName) || TaskHubName.Length is < 3 or > 45 ||
            !char.IsAsciiLetter(TaskHubName[0]) || !TaskHubName.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"Task hub name '{TaskHubName}' must be 3-45 letters or digits, starting with a letter.", nameof(TaskHubName));
        }

        if (PartitionCount is < 1 or > 16)
        {
            throw new ArgumentException("PartitionCount must be between 1 and 16.", nameof(PartitionCount));
        }

        if (MaxConcurrentActivityWorkItems < 1 || MaxConcurrentOrchestrationWorkItems < 1)
        {
            throw new ArgumentException("Concurrency limits must be at least 1.", nameof(MaxConcurrentActivityWorkItems));
        }

        if (ControlQueueBufferThreshold is < 32 or > 10_000)
        {
            throw new ArgumentException("ControlQueueBufferThreshold must be between 32 and 10000.", nameof(ControlQueueBufferThreshold));
        }

        if (ActivityPrefetchCount is < 0 or > 64)
        {
            throw new ArgumentException("ActivityPrefetchCount must be between 0 and 64.", nameof(ActivityPrefetchCount));
        }

        if (MaxQueuePollingInterval <= TimeSpan.Zero || StatusPollingInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("Polling intervals must be positive.", nameof(MaxQueuePollingInterval));
        }
    }
}
