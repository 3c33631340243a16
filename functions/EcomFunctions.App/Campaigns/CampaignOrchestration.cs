using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Storage.Campaigns;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.App.Campaigns;

/// <summary>Retry settings of the orchestration's activities, carried in its input (orchestrators cannot read options).</summary>
public sealed record RunRetry(int Attempts, double FirstIntervalSeconds);

/// <summary>
/// The input of one episode of <c>campaign-{id}</c>: the campaign, which episode this is (each episode performs one
/// step and continues as new), the stages whose sub-orchestration failed (not retried; the parent keeps monitoring),
/// the operator signal seen last, and the number of steps taken so far.
/// </summary>
public sealed record CampaignRun(
    string CampaignId,
    int Episode = 0,
    IReadOnlyList<string>? FailedStages = null,
    CampaignSignal? LastSignal = null,
    RunRetry? Retry = null,
    int Steps = 0);

/// <summary>The timeline's next step as the orchestrator needs it (state and stage included).</summary>
public sealed record CampaignStepView(
    string Kind,
    DateTimeOffset? Until,
    string? Stage,
    int? StageIndex,
    string? CurrentStage,
    int? CurrentStageIndex,
    string State,
    long Version,
    IReadOnlyList<string> Missing,
    string? Reason);

/// <summary>The orchestration's custom status: where the campaign is and what the orchestration is doing about it.</summary>
public sealed record CampaignRunStatus(
    string CampaignId,
    string State,
    string Step,
    string? Stage,
    DateTimeOffset? Until,
    int Episode,
    int Steps,
    IReadOnlyList<string> FailedStages,
    IReadOnlyList<string> MissingReadiness,
    CampaignSignal? LastSignal);

/// <summary>The orchestration's output once nothing is left to do.</summary>
public sealed record CampaignRunOutcome(string CampaignId, string State, int Episodes, int Steps);

/// <summary>What an activity did: whether the step happened and the campaign's state afterwards.</summary>
public sealed record StepResult(bool Done, string State, string? Problem);

public sealed record StageTransition(string CampaignId, string? From, string? To, RunRetry? Retry);

public sealed record StageInput(string CampaignId, string Stage);

public sealed record StageFailureInput(string CampaignId, string Stage, string Error);

public sealed record CancelInput(string CampaignId, string Reason);

public sealed record MonitorView(string State, long Version, MetricsCounts Totals, decimal? SpendingBurn, bool BudgetExhausted, int OpenIncidents, IReadOnlyList<string> NewAlerts);

public sealed record EvaluationView(bool Done, string State, decimal Sales, long Orders, decimal Cost, decimal? Roi, string? Problem);

/// <summary>
/// <c>campaign-{id}</c>: drives a campaign from submission to evaluation. Each episode asks the domain's
/// <see cref="CampaignTimeline"/> (through <see cref="CampaignActivities.NextCampaignStep"/>) what to do next, performs
/// that one step — an activity, a durable timer that operator signals can cut short, or a stage sub-orchestration — and
/// continues as new, so the history stays small however long the campaign runs, and a replay, a restart or a lost timer
/// always resumes from the campaign's stored state. Deterministic: time only from the context, I/O only in activities.
/// </summary>
public static class CampaignOrchestration
{
    private static readonly RunRetry DefaultRetry = new(3, 2);

    [Function(nameof(CampaignOrchestrator))]
    public static async Task<CampaignRunOutcome?> CampaignOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var run = context.GetInput<CampaignRun>()!;
        var retry = Retry(run.Retry);
        var failed = (run.FailedStages ?? []).ToList();
        var steps = run.Steps + 1;
        var signal = run.LastSignal;

        var step = await context.CallActivityAsync<CampaignStepView>(nameof(CampaignActivities.NextCampaignStep), run.CampaignId, retry);
        var kind = Enum.Parse<CampaignStepKind>(step.Kind);
        context.SetCustomStatus(new CampaignRunStatus(run.CampaignId, step.State, step.Kind, step.CurrentStage ?? step.Stage, step.Until, run.Episode, steps, failed, step.Missing, signal));
        if (kind == CampaignStepKind.Complete)
        {
            return new CampaignRunOutcome(run.CampaignId, step.State, run.Episode + 1, steps);
        }

        if (StageToOpenOrClose(kind, step, failed) is { } target)
        {
            // Stages run as sub-orchestrations: close the open one, open the next, snapshot at the boundary. A stage
            // that fails is recorded as an incident and not retried; the campaign itself carries on.
            var index = step.Stage is null ? $"{step.CurrentStageIndex}-close" : $"{step.StageIndex}";
            var options = retry.WithInstanceId($"{context.InstanceId}:stage-{index}:{run.Episode}");
            try
            {
                await context.CallSubOrchestratorAsync<string>(nameof(CampaignStageOrchestrator),
                    new StageTransition(run.CampaignId, step.CurrentStage, step.Stage, run.Retry), options);
            }
            catch (TaskFailedException ex)
            {
                failed.Add(target);
                await context.CallActivityAsync<StepResult>(nameof(CampaignActivities.RecordStageFailure),
                    new StageFailureInput(run.CampaignId, target, ex.FailureDetails.ErrorMessage), retry);
            }

            steps++;
        }
        else
        {
            switch (kind)
            {
                case CampaignStepKind.WaitForApproval:
                case CampaignStepKind.WaitForPreheat:
                case CampaignStepKind.WaitForStart:
                case CampaignStepKind.WaitForLateOrders:
                    signal = await WaitAsync(context, step.Until) ?? signal;
                    break;
                case CampaignStepKind.ExpireApproval:
                    await context.CallActivityAsync<StepResult>(nameof(CampaignActivities.ExpireCampaignApproval), run.CampaignId, retry);
                    break;
                case CampaignStepKind.Schedule:
                    await context.CallActivityAsync<StepResult>(nameof(CampaignActivities.ScheduleCampaign), run.CampaignId, retry);
                    break;
                case CampaignStepKind.AwaitReadiness:
                    await context.CallActivityAsync<StepResult>(nameof(CampaignActivities.AlertCampaignReadiness), run.CampaignId, retry);
                    signal = await WaitAsync(context, step.Until) ?? signal;
                    steps++;
                    break;
                case CampaignStepKind.GoLive:
                    await context.CallActivityAsync<StepResult>(nameof(CampaignActivities.TakeCampaignLive), run.CampaignId, retry);
                    break;
                case CampaignStepKind.Monitor:
                    await context.CallActivityAsync<MonitorView>(nameof(CampaignActivities.MonitorCampaign), run.CampaignId, retry);
                    signal = await WaitAsync(context, step.Until) ?? signal;
                    steps++;
                    break;
                case CampaignStepKind.End:
                    await context.CallActivityAsync<StepResult>(nameof(CampaignActivities.EndCampaign), run.CampaignId, retry);
                    break;
                case CampaignStepKind.Evaluate:
                    await context.CallActivityAsync<EvaluationView>(nameof(CampaignActivities.EvaluateCampaign), run.CampaignId, retry);
                    break;
                case CampaignStepKind.CancelUnstarted:
                    await context.CallActivityAsync<StepResult>(nameof(CampaignActivities.CancelUnstartedCampaign),
                        new CancelInput(run.CampaignId, step.Reason ?? "The campaign's window passed before it could go live."), retry);
                    break;
            }

            steps++;
        }

        context.ContinueAsNew(run with { Episode = run.Episode + 1, FailedStages = failed, LastSignal = signal, Steps = steps });
        return null;
    }

    /// <summary>One stage boundary: close the stage that was open, open the next, and take a snapshot there.</summary>
    [Function(nameof(CampaignStageOrchestrator))]
    public static async Task<string> CampaignStageOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var transition = context.GetInput<StageTransition>()!;
        var retry = Retry(transition.Retry);
        if (transition.From is { } from)
        {
            await context.CallActivityAsync<StepResult>(nameof(CampaignActivities.CompleteCampaignStage), new StageInput(transition.CampaignId, from), retry);
        }

        if (transition.To is { } to)
        {
            await context.CallActivityAsync<StepResult>(nameof(CampaignActivities.EnterCampaignStage), new StageInput(transition.CampaignId, to), retry);
        }

        var snapshot = await context.CallActivityAsync<MonitorView>(nameof(CampaignActivities.MonitorCampaign), transition.CampaignId, retry);
        return $"{transition.From ?? "-"} -> {transition.To ?? "-"} ({snapshot.State})";
    }

    /// <summary>The stage to open (or, between stages and at the end, to close) before this step, unless its sub-orchestration failed before.</summary>
    private static string? StageToOpenOrClose(CampaignStepKind kind, CampaignStepView step, IReadOnlyCollection<string> failed)
    {
        var stageful = kind is CampaignStepKind.WaitForStart or CampaignStepKind.GoLive or CampaignStepKind.Monitor or
            CampaignStepKind.End or CampaignStepKind.WaitForLateOrders or CampaignStepKind.Evaluate;
        if (!stageful || string.Equals(step.Stage, step.CurrentStage, StringComparison.Ordinal))
        {
            return null;
        }

        var target = step.Stage ?? step.CurrentStage!;
        return failed.Contains(target, StringComparer.Ordinal) ? null : target;
    }

    /// <summary>
    /// Waits until <paramref name="until"/> or the first operator signal, whichever comes first; the loser is cancelled
    /// so the episode can continue as new without a pending timer.
    /// </summary>
    private static async Task<CampaignSignal?> WaitAsync(TaskOrchestrationContext context, DateTimeOffset? until)
    {
        if (until is { } due && due.UtcDateTime <= context.CurrentUtcDateTime)
        {
            return null;
        }

        using var cancel = new CancellationTokenSource();
        var waits = new List<Task>();
        var signals = CampaignSignals.All.Select(name => context.WaitForExternalEvent<CampaignSignal>(name, cancel.Token)).ToList();
        waits.AddRange(signals);
        if (until is { } at)
        {
            waits.Add(context.CreateTimer(at.UtcDateTime, cancel.Token));
        }

        var first = await Task.WhenAny(waits);

        // Synchronously: CancelAsync would run the cancellation callbacks on the thread pool, outside the
        // orchestrator's single-threaded replay, and the episode would never reach ContinueAsNew.
#pragma warning disable CA1849
        cancel.Cancel();
#pragma warning restore CA1849
        return first is Task<CampaignSignal> { IsCompletedSuccessfully: true } received ? received.Result : null;
    }

    private static TaskOptions Retry(RunRetry? retry)
    {
        var settings = retry ?? DefaultRetry;
        return TaskOptions.FromRetryPolicy(new RetryPolicy(Math.Max(1, settings.Attempts), TimeSpan.FromSeconds(Math.Max(0.1, settings.FirstIntervalSeconds))));
    }
}

/// <summary>The orchestration's activities: each is one idempotent domain operation acting as the system.</summary>
public sealed class CampaignActivities(
    ICampaignRepository campaigns,
    CampaignOperations operations,
    CampaignApprovals approvals,
    CampaignEvaluation evaluation,
    CampaignIncidents incidents,
    CampaignPublication publication,
    CampaignSnapshotLog snapshots,
    CampaignOptions options,
    TimeProvider time,
    ILogger<CampaignActivities> logger)
{
    /// <summary>
    /// The next step from the stored campaign and the current time. It also re-publishes the campaign's liveness and
    /// directory entry (version-guarded), which repairs a publish lost after an earlier save.
    /// </summary>
    [Function(nameof(NextCampaignStep))]
    public async Task<CampaignStepView> NextCampaignStep([ActivityTrigger] string campaignId, CancellationToken cancellationToken)
    {
        var campaign = await campaigns.GetAsync(campaignId, cancellationToken);
        if (campaign is null)
        {
            return new CampaignStepView(nameof(CampaignStepKind.Complete), null, null, null, null, null, "Missing", 0, [], "No such campaign.");
        }

        await publication.SyncAsync(campaign, cancellationToken);
        var step = CampaignTimeline.Next(campaign, time.GetUtcNow(), options);
        var stages = campaign.Plan.Schedule.Stages.OrderBy(s => s.Start).Select(s => s.Name).ToList();
        int? IndexOf(string? name) => name is null ? null : stages.IndexOf(name);
        return new CampaignStepView(step.Kind.ToString(), step.Until, step.Stage, IndexOf(step.Stage), campaign.CurrentStage, IndexOf(campaign.CurrentStage),
            campaign.State.ToString(), campaign.Version, (step.MissingReadiness ?? []).Select(m => m.ToString()).ToList(), step.Reason);
    }

    [Function(nameof(ExpireCampaignApproval))]
    public async Task<StepResult> ExpireCampaignApproval([ActivityTrigger] string campaignId, CancellationToken cancellationToken) =>
        Report("expire approval", campaignId, await approvals.ExpireAsync(campaignId, cancellationToken));

    /// <summary>
    /// At preheat: Scheduled. Its CampaignScheduled event names the linked coupon definitions, the channels and the
    /// audience, which is what the Coupons capability allocates inventory from and what audience notifications are
    /// scheduled from.
    /// </summary>
    [Function(nameof(ScheduleCampaign))]
    public async Task<StepResult> ScheduleCampaign([ActivityTrigger] string campaignId, CancellationToken cancellationToken) =>
        Report("schedule", campaignId, await operations.ScheduleAsync(campaignId, cancellationToken));

    [Function(nameof(AlertCampaignReadiness))]
    public async Task<StepResult> AlertCampaignReadiness([ActivityTrigger] string campaignId, CancellationToken cancellationToken)
    {
        var alerted = await operations.AlertReadinessAsync(campaignId, cancellationToken);
        if (alerted.IsSuccess)
        {
            logger.LogWarning("Campaign {CampaignId} cannot start: readiness gate closed ({Missing} missing); operators alerted.",
                campaignId, string.Join(", ", ReadinessGate.Check(alerted.Value!).Missing));
        }

        return Report("alert readiness", campaignId, alerted);
    }

    [Function(nameof(TakeCampaignLive))]
    public async Task<StepResult> TakeCampaignLive([ActivityTrigger] string campaignId, CancellationToken cancellationToken) =>
        Report("go live", campaignId, await operations.GoLiveAsync(campaignId, cancellationToken));

    /// <summary>The monitoring tick: budget guard (alerts at the threshold, pause at 100 %), figures, incidents, and a stored snapshot.</summary>
    [Function(nameof(MonitorCampaign))]
    public async Task<MonitorView> MonitorCampaign([ActivityTrigger] string campaignId, CancellationToken cancellationToken)
    {
        var monitored = await evaluation.MonitorAsync(campaignId, cancellationToken);
        if (!monitored.IsSuccess)
        {
            ThrowIfTransient(monitored.Problem!);
            return new MonitorView("Missing", 0, MetricsCounts.Zero, null, false, 0, []);
        }

        var s = monitored.Value!;
        var open = await incidents.ListAsync(campaignId, cancellationToken);
        var critical = open.IsSuccess
            ? open.Value!.Where(i => i.Status == IncidentStatus.Open && i.Severity == IncidentSeverity.Critical).Select(i => i.Id).ToList()
            : [];
        var alerts = s.BudgetCheck.NewAlerts.Select(a => a.Describe()).ToList();
        await snapshots.RecordAsync(new CampaignSnapshot(
            campaignId, time.GetUtcNow(), s.Campaign.State, s.Campaign.Version, s.Campaign.CurrentStage, s.Totals,
            s.Budget.SpendingAllocated, s.Budget.SpendingSpent, s.Budget.SpendingBurn, s.BudgetCheck.IsExhausted, alerts,
            [.. s.Campaign.PausedMechanics.Select(p => p.MechanicId)], s.OpenIncidents, critical), cancellationToken);
        foreach (var alert in alerts)
        {
            logger.LogWarning("Campaign {CampaignId}: {Alert}.", campaignId, alert);
        }

        if (critical.Count > 0)
        {
            logger.LogWarning("Campaign {CampaignId} has {Count} open critical incident(s): {Incidents}.", campaignId, critical.Count, string.Join(", ", critical));
        }

        return new MonitorView(s.Campaign.State.ToString(), s.Campaign.Version, s.Totals, s.Budget.SpendingBurn, s.BudgetCheck.IsExhausted, s.OpenIncidents, alerts);
    }

    /// <summary>Offers close (liveness Ended); the CampaignEnded event lets the Coupons capability release unused inventory.</summary>
    [Function(nameof(EndCampaign))]
    public async Task<StepResult> EndCampaign([ActivityTrigger] string campaignId, CancellationToken cancellationToken) =>
        Report("end", campaignId, await operations.EndAsync(campaignId, cancellationToken));

    [Function(nameof(EvaluateCampaign))]
    public async Task<EvaluationView> EvaluateCampaign([ActivityTrigger] string campaignId, CancellationToken cancellationToken)
    {
        var evaluated = await evaluation.EvaluateAsync(campaignId, cancellationToken);
        if (!evaluated.IsSuccess)
        {
            ThrowIfTransient(evaluated.Problem!);
            return new EvaluationView(false, "", 0, 0, 0, null, evaluated.Problem!.Code);
        }

        var report = evaluated.Value!;
        logger.LogInformation("Campaign {CampaignId} evaluated: sales {Sales}, orders {Orders}, cost {Cost}, ROI {Roi}.",
            campaignId, report.Totals.Sales, report.Totals.Orders, report.Totals.Cost, report.Totals.Roi);
        return new EvaluationView(true, report.State.ToString(), report.Totals.Sales, report.Totals.Orders, report.Totals.Cost, report.Totals.Roi, null);
    }

    [Function(nameof(CancelUnstartedCampaign))]
    public async Task<StepResult> CancelUnstartedCampaign([ActivityTrigger] CancelInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Report("cancel unstarted", input.CampaignId, await operations.CancelUnstartedAsync(input.CampaignId, input.Reason, cancellationToken));
    }

    [Function(nameof(EnterCampaignStage))]
    public async Task<StepResult> EnterCampaignStage([ActivityTrigger] StageInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var entered = await operations.EnterStageAsync(input.CampaignId, input.Stage, cancellationToken);
        return Report($"enter stage {input.Stage}", input.CampaignId, entered);
    }

    [Function(nameof(CompleteCampaignStage))]
    public async Task<StepResult> CompleteCampaignStage([ActivityTrigger] StageInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var completed = await operations.CompleteStageAsync(input.CampaignId, input.Stage, cancellationToken);
        return Report($"complete stage {input.Stage}", input.CampaignId, completed);
    }

    /// <summary>A stage sub-orchestration failed: a Technical incident notifies the owners; the campaign keeps running.</summary>
    [Function(nameof(RecordStageFailure))]
    public async Task<StepResult> RecordStageFailure([ActivityTrigger] StageFailureInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        logger.LogError("Campaign {CampaignId}: stage {Stage} failed: {Error}", input.CampaignId, input.Stage, input.Error);
        var report = new IncidentReport
        {
            // One incident per failed stage, however often this activity is retried.
            Id = "stage-failed-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(input.Stage)).AsSpan(0, 6)),
            Type = IncidentType.Technical,
            Severity = IncidentSeverity.High,
            Title = $"Stage '{input.Stage}' failed",
            Description = input.Error is { Length: > CampaignIncident.MaxTextLength } text ? text[..CampaignIncident.MaxTextLength] : input.Error,
            Actions = [new IncidentAction(IncidentActionKind.NotifyOwners)],
        };
        var opened = await incidents.OpenAsync(input.CampaignId, report, CampaignActor.System, cancellationToken);
        if (!opened.IsSuccess)
        {
            ThrowIfTransient(opened.Problem!);
            return new StepResult(false, "", opened.Problem!.Code);
        }

        return new StepResult(true, opened.Value!.Campaign.State.ToString(), null);
    }

    private StepResult Report(string what, string campaignId, Domain.Platform.Result<Campaign> result)
    {
        if (result.IsSuccess)
        {
            return new StepResult(true, result.Value!.State.ToString(), null);
        }

        ThrowIfTransient(result.Problem!);

        // An operator changed the campaign meanwhile (killed, cancelled, extended): the next step re-plans from it.
        logger.LogInformation("Campaign {CampaignId}: {Step} not done: {Problem}", campaignId, what, result.Problem!.Detail);
        return new StepResult(false, "", result.Problem.Code);
    }

    /// <summary>Storage trouble and lost races are retried by the orchestration's retry policy; business refusals are not.</summary>
    private static void ThrowIfTransient(Domain.Platform.Problem problem)
    {
        if (problem.Kind is Domain.Platform.ProblemKind.Unavailable or Domain.Platform.ProblemKind.PreconditionFailed)
        {
            throw new InvalidOperationException($"{problem.Kind}: {problem.Detail}");
        }
    }
}
