using EcomFunctions.App.Platform;
using System.Diagnostics;
using EcomFunctions.LocalHost.Durable;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace EcomFunctions.LocalHost.Tests.Durable;

public sealed class DurableEngineRestartTests(ITestOutputHelper output) : IDisposable
{
    private readonly ILoggerFactory loggers = TestOutputLoggerProvider.Factory(output);
    private readonly CancellationTokenSource budget = new(TimeSpan.FromSeconds(90));

    [Fact]
    public async Task Azure_storage_orchestration_started_before_a_restart_completes_after_it()
    {
        var options = RunningEngine.OptionsFor(DurableBackend.AzureStorage);
        var clock = Stopwatch.StartNew();
        var first = await RunningEngine.StartAsync(options, TestTasks.Register, loggers, budget.Token);
        output.WriteLine($"Engine #1 started in {clock.ElapsedMilliseconds} ms.");
        string id;
        try
        {
            id = await first.Client.ScheduleNewOrchestrationInstanceAsync(TestTasks.AwaitApproval, "restart", budget.Token);
            await first.WaitForStatusAsync(id, OrchestrationRuntimeStatus.Running, budget.Token);
            output.WriteLine($"Instance running after {clock.ElapsedMilliseconds} ms.");
        }
        finally
        {
            clock.Restart();
            await first.DisposeAsync();
            output.WriteLine($"Engine #1 stopped in {clock.ElapsedMilliseconds} ms.");
        }

        var restart = Stopwatch.StartNew();
        await using var second = await RunningEngine.StartAsync(options, TestTasks.Register, loggers, budget.Token);
        var raised = await second.Client.RaiseEventIfActiveAsync(id, TestTasks.ApprovalEvent, new ApprovalDecision(true, "after"), budget.Token);
        var done = await second.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, budget.Token);
        output.WriteLine($"Restarted and completed in {restart.ElapsedMilliseconds} ms.");

        Assert.True(raised);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("restart:True:after", done.ReadOutputAs<string>());
    }

    public void Dispose()
    {
        budget.Dispose();
        loggers.Dispose();
    }
}
