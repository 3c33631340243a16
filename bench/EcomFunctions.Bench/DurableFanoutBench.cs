using System.Diagnostics;
using System.Globalization;
using EcomFunctions.LocalHost.Durable;
using EcomFunctions.Testing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.Bench;

/// <summary>
/// A fan-out of trivial activities and the fan-in of their results, through the LocalHost's durable engine with its
/// default options, on both backends (Azure Storage against a private Azurite). Rate = activities / wall time from
/// scheduling the orchestration to seeing it completed; best of <see cref="MeasuredRuns"/> after a warm-up run.
/// Targets: in-memory ≥ 1 000 activities/s (the engine must not throttle tests), Azure Storage on Azurite ≥ 100/s (the
/// provider's documented fan-out rate in Azure).
/// </summary>
public sealed class DurableFanoutBench : IBenchScenario
{
    private const string FanOut = nameof(FanOut);
    private const string Double = nameof(Double);
    private const int MeasuredRuns = 3;
    private const double InMemoryTarget = 1000;
    private const double AzureStorageTarget = 100;

    public string Name => "durable-fanout";

    /// <summary>
    /// Options (all optional): <c>--activities N</c>, and for experiments with the Azure Storage engine
    /// <c>--partitions N</c>, <c>--prefetch N</c>, <c>--buffer N</c>, <c>--polling-ms N</c> (defaults: the engine's).
    /// </summary>
    public async Task<Dictionary<string, object?>> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var activities = IntOption(args, "--activities") ?? 200;
        using var loggers = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
        using var azurite = AzuriteProcess.Start(persistenceFolder: null);

        var inMemory = await MeasureAsync(
            new DurableEngineOptions { Backend = DurableBackend.InMemory, TaskHubName = "benchmemory" },
            activities, loggers, cancellationToken);
        var azureStorageOptions = new DurableEngineOptions
        {
            Backend = DurableBackend.AzureStorage,
            TaskHubName = Azurite.UniqueName("bench"),
            StorageConnectionString = azurite.ConnectionString,
        };
        azureStorageOptions.PartitionCount = IntOption(args, "--partitions") ?? azureStorageOptions.PartitionCount;
        azureStorageOptions.ActivityPrefetchCount = IntOption(args, "--prefetch") ?? azureStorageOptions.ActivityPrefetchCount;
        azureStorageOptions.ControlQueueBufferThreshold = IntOption(args, "--buffer") ?? azureStorageOptions.ControlQueueBufferThreshold;
        if (IntOption(args, "--polling-ms") is { } pollingMs)
        {
            azureStorageOptions.MaxQueuePollingInterval = TimeSpan.FromMilliseconds(pollingMs);
        }

        var azureStorage = await MeasureAsync(azureStorageOptions, activities, loggers, cancellationToken);

        return new Dictionary<string, object?>
        {
            ["activities"] = activities,
            ["inMemoryPerSec"] = Math.Round(inMemory.Max(), 1),
            ["azureStoragePerSec"] = Math.Round(azureStorage.Max(), 1),
            ["inMemoryRunsPerSec"] = inMemory.Select(r => Math.Round(r, 1)).ToArray(),
            ["azureStorageRunsPerSec"] = azureStorage.Select(r => Math.Round(r, 1)).ToArray(),
            ["azureStorageSettings"] = $"partitions={azureStorageOptions.PartitionCount} prefetch={azureStorageOptions.ActivityPrefetchCount} " +
                $"buffer={azureStorageOptions.ControlQueueBufferThreshold} " +
                $"maxPolling={azureStorageOptions.MaxQueuePollingInterval.TotalMilliseconds}ms",
            ["pass"] = inMemory.Max() >= InMemoryTarget && azureStorage.Max() >= AzureStorageTarget,
        };
    }

    private static int? IntOption(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : null;
    }

    private static void Register(DurableTaskRegistry tasks)
    {
        tasks.AddActivityFunc<int, int>(Double, (_, value) => value * 2);
        tasks.AddOrchestratorFunc<int, int>(FanOut, async (context, count) =>
        {
            var calls = new Task<int>[count];
            for (var i = 0; i < count; i++)
            {
                calls[i] = context.CallActivityAsync<int>(Double, i);
            }

            return (await Task.WhenAll(calls)).Sum();
        });
    }

    private static async Task<double[]> MeasureAsync(
        DurableEngineOptions options, int activities, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var expectedSum = activities * (activities - 1);
        await using var engine = await DurableEngine.StartAsync(options, loggers, cancellationToken);
        await using var worker = await DurableWorkerHost.StartAsync(engine, Register, loggers, cancellationToken: cancellationToken);

        var warmUp = await RunOnceAsync(worker.Client, activities, expectedSum, cancellationToken);
        Console.Error.WriteLine($"{options.Backend}: warm-up {activities / warmUp.TotalSeconds:F1} activities/s");
        var rates = new double[MeasuredRuns];
        for (var run = 0; run < MeasuredRuns; run++)
        {
            var elapsed = await RunOnceAsync(worker.Client, activities, expectedSum, cancellationToken);
            rates[run] = activities / elapsed.TotalSeconds;
            Console.Error.WriteLine($"{options.Backend}: run {run + 1} {elapsed.TotalMilliseconds:F0} ms, {rates[run]:F1} activities/s");
        }

        return rates;
    }

    private static async Task<TimeSpan> RunOnceAsync(DurableTaskClient client, int activities, int expectedSum, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        var clock = Stopwatch.StartNew();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(FanOut, activities, timeout.Token);
        var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
        clock.Stop();
        if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed || done.ReadOutputAs<int>() != expectedSum)
        {
            throw new InvalidOperationException(
                $"Fan-out {id} ended {done.RuntimeStatus} with {done.SerializedOutput}; expected {expectedSum}. {done.FailureDetails?.ErrorMessage}");
        }

        return clock.Elapsed;
    }
}
