using EcomFunctions.LocalHost.Durable;
using EcomFunctions.Testing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace EcomFunctions.LocalHost.Tests.Durable;

/// <summary>A real engine on one backend, its own task hub, and a worker with the given tasks connected to it.</summary>
internal sealed class RunningEngine : IAsyncDisposable
{
    private RunningEngine(DurableEngine engine, DurableWorkerHost worker)
    {
        Engine = engine;
        Worker = worker;
    }

    public DurableEngine Engine { get; }

    public DurableWorkerHost Worker { get; }

    public DurableTaskClient Client => Worker.Client;

    /// <summary>Options for a fresh task hub on the shared test Azurite (unique name, so tests run in parallel).</summary>
    public static DurableEngineOptions OptionsFor(DurableBackend backend, string? taskHubName = null) => new()
    {
        Backend = backend,
        TaskHubName = taskHubName ?? Azurite.UniqueName("hub"),
        StorageConnectionString = backend == DurableBackend.AzureStorage ? Azurite.ConnectionString : null,

        // One control queue is enough for a test's handful of instances and means fewer queues to create and poll.
        PartitionCount = 1,
    };

    public static Task<RunningEngine> StartAsync(
        DurableBackend backend, Action<DurableTaskRegistry> tasks, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        StartAsync(OptionsFor(backend), tasks, loggers, cancellationToken);

    public static async Task<RunningEngine> StartAsync(
        DurableEngineOptions options, Action<DurableTaskRegistry> tasks, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var engine = await DurableEngine.StartAsync(options, loggers, cancellationToken);
        try
        {
            var worker = await DurableWorkerHost.StartAsync(engine, tasks, loggers, cancellationToken: cancellationToken);
            return new RunningEngine(engine, worker);
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }
    }

    /// <summary>Polls until the instance reaches <paramref name="status"/> (the client has no "wait for status" call).</summary>
    public async Task<OrchestrationMetadata> WaitForStatusAsync(string instanceId, OrchestrationRuntimeStatus status, CancellationToken cancellationToken)
    {
        while (true)
        {
            var metadata = await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
            if (metadata?.RuntimeStatus == status)
            {
                return metadata;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Worker first: the sidecar would otherwise wait for the worker's open stream while shutting down.
        await Worker.DisposeAsync();
        await Engine.DisposeAsync();
    }
}

/// <summary>Sends engine logs (Warning and above by default) to the test's output, ignoring writes after the test ended.</summary>
internal sealed class TestOutputLoggerProvider(ITestOutputHelper output) : ILoggerProvider
{
    public static ILoggerFactory Factory(ITestOutputHelper output) =>
        LoggerFactory.Create(logging => logging.AddProvider(new TestOutputLoggerProvider(output)));

    public ILogger CreateLogger(string categoryName) => new OutputLogger(output, categoryName);

    public void Dispose()
    {
    }

    private sealed class OutputLogger(ITestOutputHelper output, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            try
            {
                output.WriteLine($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? string.Empty : " " + exception)}");
            }
            catch (InvalidOperationException)
            {
                // The test has finished; background engine threads may still log while shutting down.
            }
        }
    }
}
