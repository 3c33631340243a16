using EcomFunctions.App.Platform;
using EcomFunctions.LocalHost.Durable;
using EcomFunctions.Testing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace EcomFunctions.LocalHost.Tests.Durable;

/// <summary>The engine on both backends, through the real sidecar, worker and client. Every instance gets its own task hub.</summary>
public sealed class DurableEngineTests(ITestOutputHelper output) : IDisposable
{
    // Azurite fires durable timers up to ~1 s early (it rounds queue visibility delays to whole seconds).
    private static readonly TimeSpan AzuriteTimerSlack = TimeSpan.FromSeconds(1.5);

    private readonly ILoggerFactory loggers = TestOutputLoggerProvider.Factory(output);
    private readonly CancellationTokenSource budget = new(TimeSpan.FromSeconds(90));

    // Azurite is started on ports found free a moment earlier; an engine's sidecar binding an ephemeral port meanwhile
    // could take one of them. Starting Azurite before any engine of this class closes that window in this process.
    private readonly string azuriteStartedFirst = Azurite.ConnectionString;

    public static TheoryData<DurableBackend> Backends => new() { DurableBackend.InMemory, DurableBackend.AzureStorage };

    private CancellationToken Budget => budget.Token;

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Orchestration_with_an_activity_and_a_durable_timer_completes(DurableBackend backend)
    {
        await using var engine = await RunningEngine.StartAsync(backend, TestTasks.Register, loggers, Budget);

        var id = await engine.Client.ScheduleNewOrchestrationInstanceAsync(
            TestTasks.ActivityThenTimer, new TimerRequest(21, DelaySeconds: 3), Budget);
        var done = await engine.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Budget);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var outcome = done.ReadOutputAs<TimerOutcome>()!;
        Assert.Equal(42, outcome.Doubled);
        Assert.True(
            outcome.ResumedAt >= outcome.FireAt - AzuriteTimerSlack,
            $"The timer due at {outcome.FireAt:O} let the orchestration resume at {outcome.ResumedAt:O}.");
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Orchestration_waiting_for_an_external_event_completes_when_it_is_raised(DurableBackend backend)
    {
        await using var engine = await RunningEngine.StartAsync(backend, TestTasks.Register, loggers, Budget);
        var id = await engine.Client.ScheduleNewOrchestrationInstanceAsync(TestTasks.AwaitApproval, "spring-sale", Budget);
        await engine.WaitForStatusAsync(id, OrchestrationRuntimeStatus.Running, Budget);

        var raised = await engine.Client.RaiseEventIfActiveAsync(id, TestTasks.ApprovalEvent, new ApprovalDecision(true, "ok"), Budget);
        var done = await engine.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Budget);

        Assert.True(raised);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("spring-sale:True:ok", done.ReadOutputAs<string>());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task ContinueAsNew_loop_runs_each_generation_and_completes_with_the_last_input(DurableBackend backend)
    {
        await using var engine = await RunningEngine.StartAsync(backend, TestTasks.Register, loggers, Budget);

        var id = await engine.Client.ScheduleNewOrchestrationInstanceAsync(TestTasks.CountUp, 0, Budget);
        var done = await engine.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Budget);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(TestTasks.CountUpTarget, done.ReadOutputAs<int>());
    }

    // On AzureStorage this hangs without SidecarOrchestrationService's history repair (the parent never sees its child's
    // creation on replay) — the reason the engine wraps every provider.
    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Sub_orchestrations_with_and_without_tags_complete_and_report_their_tags(DurableBackend backend)
    {
        await using var engine = await RunningEngine.StartAsync(backend, TestTasks.Register, loggers, Budget);

        var id = await engine.Client.ScheduleNewOrchestrationInstanceAsync(TestTasks.Parent, 5, Budget);
        var done = await engine.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Budget);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal((5 * 2) + (6 * 2), done.ReadOutputAs<int>());
        var tagged = await engine.Client.GetInstanceAsync(id + TestTasks.TaggedChildSuffix, Budget);
        var untagged = await engine.Client.GetInstanceAsync(id + TestTasks.UntaggedChildSuffix, Budget);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, tagged!.RuntimeStatus);
        Assert.Equal("parent", tagged.Tags["origin"]);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, untagged!.RuntimeStatus);
        Assert.Empty(untagged.Tags);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_business_keyed_instance_is_not_started_twice_or_replaced_while_active(DurableBackend backend)
    {
        await using var engine = await RunningEngine.StartAsync(backend, TestTasks.Register, loggers, Budget);
        var id = "campaign-" + Guid.NewGuid().ToString("N");

        var first = await engine.Client.StartOnceAsync(TestTasks.AwaitApproval, id, "first", Budget);
        var whilePending = await engine.Client.StartOnceAsync(TestTasks.AwaitApproval, id, "second", Budget);
        await engine.WaitForStatusAsync(id, OrchestrationRuntimeStatus.Running, Budget);
        var whileRunning = await engine.Client.StartOnceAsync(TestTasks.AwaitApproval, id, "third", Budget);
        await engine.Client.RaiseEventIfActiveAsync(id, TestTasks.ApprovalEvent, new ApprovalDecision(true, "go"), Budget);
        var done = await engine.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Budget);
        var afterCompletion = await engine.Client.StartOnceAsync(TestTasks.AwaitApproval, id, "next-run", Budget);
        var rerun = await engine.WaitForStatusAsync(id, OrchestrationRuntimeStatus.Running, Budget);

        Assert.True(first);
        Assert.False(whilePending);
        Assert.False(whileRunning);
        Assert.Equal("first:True:go", done.ReadOutputAs<string>());
        Assert.True(afterCompletion);
        Assert.Equal("next-run", rerun.ReadInputAs<string>());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Suspended_instance_keeps_raised_events_until_resumed_and_a_terminated_one_stops(DurableBackend backend)
    {
        await using var engine = await RunningEngine.StartAsync(backend, TestTasks.Register, loggers, Budget);
        var paused = await engine.Client.ScheduleNewOrchestrationInstanceAsync(TestTasks.AwaitApproval, "paused", Budget);
        var stopped = await engine.Client.ScheduleNewOrchestrationInstanceAsync(TestTasks.AwaitApproval, "stopped", Budget);
        await engine.WaitForStatusAsync(paused, OrchestrationRuntimeStatus.Running, Budget);
        await engine.WaitForStatusAsync(stopped, OrchestrationRuntimeStatus.Running, Budget);

        await engine.Client.SuspendInstanceAsync(paused, "operator pause", Budget);
        await engine.WaitForStatusAsync(paused, OrchestrationRuntimeStatus.Suspended, Budget);
        var raisedWhileSuspended = await engine.Client.RaiseEventIfActiveAsync(paused, TestTasks.ApprovalEvent, new ApprovalDecision(true, "later"), Budget);
        await engine.Client.ResumeInstanceAsync(paused, "operator resume", Budget);
        await engine.Client.TerminateInstanceAsync(stopped, new TerminateInstanceOptions { Output = "killed" }, Budget);
        var resumed = await engine.Client.WaitForInstanceCompletionAsync(paused, getInputsAndOutputs: true, Budget);
        var terminated = await engine.Client.WaitForInstanceCompletionAsync(stopped, getInputsAndOutputs: true, Budget);

        Assert.True(raisedWhileSuspended);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, resumed.RuntimeStatus);
        Assert.Equal("paused:True:later", resumed.ReadOutputAs<string>());
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, terminated.RuntimeStatus);
        Assert.Equal("killed", terminated.ReadOutputAs<string>());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Raising_an_event_to_a_missing_instance_reports_false_and_sends_nothing(DurableBackend backend)
    {
        await using var engine = await RunningEngine.StartAsync(backend, TestTasks.Register, loggers, Budget);
        var missing = "campaign-missing-" + Guid.NewGuid().ToString("N");

        var raised = await engine.Client.RaiseEventIfActiveAsync(missing, TestTasks.ApprovalEvent, new ApprovalDecision(true, "x"), Budget);

        Assert.False(raised);
        Assert.Null(await engine.Client.GetInstanceAsync(missing, Budget));
        Assert.Equal(0, engine.Engine.Service.DroppedOrphanMessages);
    }

    [Fact]
    public async Task In_memory_engine_drops_an_event_raised_directly_to_a_missing_instance_and_keeps_working()
    {
        await using var engine = await RunningEngine.StartAsync(DurableBackend.InMemory, TestTasks.Register, loggers, Budget);
        var missing = "campaign-missing-" + Guid.NewGuid().ToString("N");

        await engine.Client.RaiseEventAsync(missing, TestTasks.ApprovalEvent, new ApprovalDecision(true, "x"), Budget);
        while (engine.Engine.Service.DroppedOrphanMessages == 0)
        {
            await Task.Delay(20, Budget);
        }

        var id = await engine.Client.ScheduleNewOrchestrationInstanceAsync(TestTasks.CountUp, 0, Budget);
        var done = await engine.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Budget);
        Assert.Equal(1, engine.Engine.Service.DroppedOrphanMessages);
        Assert.Null(await engine.Client.GetInstanceAsync(missing, Budget));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
    }

    public void Dispose()
    {
        budget.Dispose();
        loggers.Dispose();
    }
}
