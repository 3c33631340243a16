using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Storage.Campaigns;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.App.Campaigns;

/// <summary>Retry settings of the orchestration's activities, carried in its input (orchestrators cannot read options).</summary>
public sealed record RunRetry(int Attempts, double FirstIntervalSeconds);

/// <summary>
/// The input of one episode of <c>campaign-{id}</c>: the campaign, which episode this is (each episode performs the
/// immediate steps and one step that takes time, then continues as new), the stages whose sub-orchestration failed (not
/// retried; the parent keeps monitoring), the operator signal seen last, the steps taken so far, and the campaign
/// version the previous episode saw.
/// </summary>
public sealed record CampaignRun(
    string CampaignId,
    int Episode = 0,
    IReadOnlyList<string>? FailedStages = null,
    CampaignSignal? LastSignal = null,
    RunRetry? Retry = null,
    int Steps = 0,
    long KnownVersion = 0);

/// <summary>
/// Where an episode's activity stopped: the step that takes time (its kind, until when, the stage at that moment and
/// the stage the campaign has open), the campaign's state and version, and the immediate steps it performed first.
/// </summary>
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
    string? Reason,
    IReadOnlyList<string> Performed)
{
    /// <summary>The operators' decision the campaign's state rests on (who paused, killed, rejected it, when and why).</summary>
    public CampaignSignal? Decision { get; init; }
}

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
    CampaignSignal? LastSignal,
    IReadOnlyList<string> Performed,
    CampaignSignal? Decision);

/// <summary>The orchestration's output once nothing is left to do.</summary>
public sealed record CampaignRunOutcome(string CampaignId, string State, int Episodes, int Steps);

/// <summary>What an activity did: whether the step happened and the campaign's state afterwards.</summary>
public sealed record StepResult(bool Done, string State, string? Problem);

/// <summary>The next-step question: which campaign, the version the previous episode saw, and the episode number.</summary>
public sealed record StepRequest(string CampaignId, long KnownVersion, int Episode, IReadOnlyList<string>? FailedStages = null);

public sealed record StageTransition(string CampaignId, string? From, string? To, RunRetry? Retry);

public sealed record StageFailureInput(string CampaignId, string Stage, string Error);

public sealed record MonitorView(string State, long Version, MetricsCounts Totals, decimal? SpendingBurn, bool BudgetExhausted, int OpenIncidents, IReadOnlyList<string> NewAlerts);

/// <summary>
/// When a stage sub-orchestration is due: the timeline's stage at this step differs from the stage the campaign has
/// open. Going live and ending come first — offers open and close on time — and the stage bookkeeping follows in the
/// next step (a stage opens while waiting for the start or monitoring, and closes at the latest before the evaluation).
/// </summary>
public static class CampaignStages
{
    private static readonly string[] Stageful =
    [
        nameof(CampaignStepKind.WaitForStart), nameof(CampaignStepKind.Monitor),
        nameof(CampaignStepKind.WaitForLateOrders), nameof(CampaignStepKind.Evaluate),
    ];

    /// <summary>The stage to open (or, between stages and at the end, to close), unless its sub-orchestration failed before.</summary>
    public static string? TransitionTarget(string stepKind, string? stage, string? currentStage, IReadOnlyCollection<string> failedStages)
    {
        ArgumentNullException.ThrowIfNull(failedStages);
        if (!Stageful.Contains(stepKind, StringComparer.Ordinal) || string.Equals(stage, currentStage, StringComparison.Ordinal))
        {
            return null;
        }

        var target = stage ?? currentStage!;
        return failedStages.Contains(target, StringComparer.Ordinal) ? null : target;
    }
}

/// <summary>
/// <c>campaign-{id}</c>: drives a campaign from submission to evaluation. Each episode lets
/// <see cref="CampaignActivities.AdvanceCampaign"/> ask the domain's <see cref="CampaignTimeline"/> what to do and do
/// the immediate steps, then performs the one step that takes time — a durable timer that operator signals (Approval,
/// Readiness, Pause, Resume, Kill, Extend, Cancel, Budget) cut short, or a stage sub-orchestration — and continues as
/// new, so the history stays small however long the campaign runs, and a replay, a restart or a lost timer always
/// resumes from the campaign's stored state. Deterministic: time only from the context, I/O only in activities.
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
        var signal = run.LastSignal;

        // The activity performs every immediate step the timeline calls for (schedule, go live, end, evaluate …) and
        // stops at the first thing that takes time: a wait, or a stage boundary.
        var step = await context.CallActivityAsync<CampaignStepView>(nameof(CampaignActivities.AdvanceCampaign),
            new StepRequest(run.CampaignId, run.KnownVersion, run.Episode, failed), retry);
        var steps = run.Steps + step.Performed.Count + 1;
        context.SetCustomStatus(new CampaignRunStatus(run.CampaignId, step.State, step.Kind, step.CurrentStage ?? step.Stage, step.Until, run.Episode, steps, failed,
            step.Missing, signal, step.Performed, step.Decision));
        if (step.Kind == nameof(CampaignStepKind.Complete))
        {
            return new CampaignRunOutcome(run.CampaignId, step.State, run.Episode + 1, steps);
        }

        if (CampaignStages.TransitionTarget(step.Kind, step.Stage, step.CurrentStage, failed) is { } target)
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
        }
        else
        {
            // Wait for approval, preheat, start, the next monitoring tick or the late-order window — or an operator.
            signal = await WaitAsync(context, step.Until) ?? signal;
        }

        context.ContinueAsNew(run with { Episode = run.Episode + 1, FailedStages = failed, LastSignal = signal, Steps = steps, KnownVersion = step.Version });
        return null;
    }

    /// <summary>
    /// One stage boundary as its own orchestration instance (<c>campaign-{id}:stage-{n}:{episode}</c>, visible and
    /// retried on its own): close the stage that was open, open the next, and take a snapshot there — one activity, so a
    /// boundary costs one round trip through the task hub; its operations are idempotent, so a retry completes it.
    /// </summary>
    [Function(nameof(CampaignStageOrchestrator))]
    public static async Task<string> CampaignStageOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var transition = context.GetInput<StageTransition>()!;
        var snapshot = await context.CallActivityAsync<MonitorView>(nameof(CampaignActivities.TransitionCampaignStage), transition, Retry(transition.Retry));
        return $"{transition.From ?? "-"} -> {transition.To ?? "-"} ({snapshot.State})";
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
    private const int SyncEvery = 10;

    /// <summary>Immediate steps one episode performs at most (a full day of catching up is schedule, go live, end, evaluate).</summary>
    private const int MaxStepsPerEpisode = 8;

    /// <summary>The view's kind when a step was refused and is tried again after a short wait.</summary>
    public const string RetryKind = "Retry";

    /// <summary>
    /// One episode's work: asks the timeline for the next step and performs it while it is immediate — expire the
    /// approval, schedule (its CampaignScheduled event names the coupon definitions, channels and audience: what the
    /// Coupons capability allocates from and audience notifications are scheduled from), go live, end (CampaignEnded
    /// lets Coupons release unused inventory), evaluate, cancel an unstarted campaign — re-planning after each; it stops
    /// at the first step that takes time (returned to the orchestrator, which waits or runs a stage sub-orchestration),
    /// taking the monitoring snapshot or raising the readiness alert on the way. Every operation is idempotent, so a
    /// retry resumes from what was stored. It also re-publishes liveness and the directory entry (version-guarded) when
    /// the campaign changed since the last episode, and every few episodes, which repairs a publish lost after a save.
    /// </summary>
    [Function(nameof(AdvanceCampaign))]
    public async Task<CampaignStepView> AdvanceCampaign([ActivityTrigger] StepRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var performed = new List<string>();
        CampaignStepKind? refused = null;
        for (var round = 0; ; round++)
        {
            var campaign = await campaigns.GetAsync(request.CampaignId, cancellationToken);
            if (campaign is null)
            {
                return new CampaignStepView(nameof(CampaignStepKind.Complete), null, null, null, null, null, "Missing", 0, [], "No such campaign.", performed);
            }

            if (round == 0 && (campaign.Version != request.KnownVersion || request.Episode % SyncEvery == 0))
            {
                await publication.SyncAsync(campaign, cancellationToken);
            }

            var now = time.GetUtcNow();
            var step = CampaignTimeline.Next(campaign, now, options);

            // Signals only wake the orchestration early; it looks at the stored campaign at least every monitoring
            // interval whatever it waits for, so a lost signal (an approval during a 72 h wait) costs one interval.
            if (step.Until is { } until && until > now + options.MonitoringInterval)
            {
                step = step with { Until = now + options.MonitoringInterval };
            }

            var view = View(campaign, step, performed);
            if (CampaignStages.TransitionTarget(view.Kind, view.Stage, view.CurrentStage, request.FailedStages ?? []) is not null)
            {
                return view;
            }

            switch (step.Kind)
            {
                case CampaignStepKind.Complete:
                case CampaignStepKind.WaitForApproval:
                case CampaignStepKind.WaitForPreheat:
                case CampaignStepKind.WaitForStart:
                case CampaignStepKind.WaitForLateOrders:
                    return view;
                case CampaignStepKind.Monitor:
                    await MonitorAsync(request.CampaignId, cancellationToken);
                    return view;
                case CampaignStepKind.AwaitReadiness:
                    var alerted = await operations.AlertReadinessAsync(request.CampaignId, cancellationToken);
                    if (alerted.IsSuccess && alerted.Value!.Version != campaign.Version)
                    {
                        logger.LogWarning("Campaign {CampaignId} cannot start: readiness gate closed ({Missing} missing); operators alerted.",
                            request.CampaignId, string.Join(", ", step.MissingReadiness ?? []));
                    }

                    return view;
            }

            if (refused == step.Kind || round >= MaxStepsPerEpisode)
            {
                // The same step was refused again (an operator's change raced it): try again after a short wait.
                var retryAt = now + (options.MonitoringInterval < options.ReadinessRecheckInterval ? options.MonitoringInterval : options.ReadinessRecheckInterval);
                return view with { Kind = RetryKind, Until = retryAt };
            }

            var result = step.Kind switch
            {
                CampaignStepKind.ExpireApproval => await approvals.ExpireAsync(request.CampaignId, cancellationToken),
                CampaignStepKind.Schedule => await operations.ScheduleAsync(request.CampaignId, cancellationToken),
                CampaignStepKind.GoLive => await operations.GoLiveAsync(request.CampaignId, cancellationToken),
                CampaignStepKind.End => await operations.EndAsync(request.CampaignId, cancellationToken),
                CampaignStepKind.Evaluate => await EvaluateAsync(request.CampaignId, cancellationToken),
                CampaignStepKind.CancelUnstarted => await operations.CancelUnstartedAsync(request.CampaignId,
                    step.Reason ?? "The campaign's window passed before it could go live.", cancellationToken),
                _ => throw new InvalidOperationException($"Unknown step {step.Kind}."),
            };
            if (result.IsSuccess)
            {
                performed.Add(step.Kind.ToString());
                continue;
            }

            ThrowIfTransient(result.Problem!);
            logger.LogInformation("Campaign {CampaignId}: {Step} not done: {Problem}", request.CampaignId, step.Kind, result.Problem!.Detail);
            refused = step.Kind;
        }
    }

    /// <summary>The snapshot of one monitoring tick, also taken by the stage sub-orchestrations at each boundary.</summary>
    [Function(nameof(MonitorCampaign))]
    public Task<MonitorView> MonitorCampaign([ActivityTrigger] string campaignId, CancellationToken cancellationToken) =>
        MonitorAsync(campaignId, cancellationToken);

    /// <summary>The monitoring tick: budget guard (alerts at the threshold, pause at 100 %), figures, incidents, and a stored snapshot.</summary>
    private async Task<MonitorView> MonitorAsync(string campaignId, CancellationToken cancellationToken)
    {
        var monitored = await evaluation.MonitorAsync(campaignId, cancellationToken);
        if (!monitored.IsSuccess)
        {
            ThrowIfTransient(monitored.Problem!);
            return new MonitorView("Missing", 0, MetricsCounts.Zero, null, false, 0, []);
        }

        var s = monitored.Value!;
        var critical = s.OpenCriticalIncidents;
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

    private async Task<Domain.Platform.Result<Campaign>> EvaluateAsync(string campaignId, CancellationToken cancellationToken)
    {
        var evaluated = await evaluation.EvaluateAsync(campaignId, cancellationToken);
        if (!evaluated.IsSuccess)
        {
            return evaluated.Problem!;
        }

        var report = evaluated.Value!;
        logger.LogInformation("Campaign {CampaignId} evaluated: sales {Sales}, orders {Orders}, cost {Cost}, ROI {Roi}.",
            campaignId, report.Totals.Sales, report.Totals.Orders, report.Totals.Cost, report.Totals.Roi);
        return await campaigns.GetAsync(campaignId, cancellationToken) is { } campaign ? campaign : Domain.Platform.Problem.NotFound(campaignId);
    }

    private static CampaignStepView View(Campaign campaign, CampaignStep step, IReadOnlyList<string> performed)
    {
        var stages = campaign.Plan.Schedule.Stages.OrderBy(s => s.Start).Select(s => s.Name).ToList();
        int? IndexOf(string? name) => name is null ? null : stages.IndexOf(name);
        return new CampaignStepView(step.Kind.ToString(), step.Until, step.Stage, IndexOf(step.Stage), campaign.CurrentStage, IndexOf(campaign.CurrentStage),
            campaign.State.ToString(), campaign.Version, (step.MissingReadiness ?? []).Select(m => m.ToString()).ToList(), step.Reason, [.. performed])
        {
            Decision = DecisionOf(campaign),
        };
    }

    /// <summary>
    /// Who decided the state the campaign is in, from the campaign itself: signals only wake the orchestration early,
    /// so its record of who paused or killed the campaign and why never depends on an event being delivered.
    /// </summary>
    private static CampaignSignal? DecisionOf(Campaign campaign)
    {
        static CampaignSignal? Of(string action, CampaignDecision? decision) =>
            decision is null ? null : new CampaignSignal(action, decision.By, decision.Comment, decision.At);
        return campaign.State switch
        {
            CampaignState.Paused => Of(CampaignSignals.Pause, campaign.CurrentPause),
            CampaignState.Killed => Of(CampaignSignals.Kill, campaign.Termination),
            CampaignState.Cancelled => Of(CampaignSignals.Cancel, campaign.Termination),
            CampaignState.Rejected => Of("Reject", campaign.Rejection),
            CampaignState.Evaluated when campaign.EndedAt is null => Of(CampaignSignals.Kill, campaign.Termination),
            CampaignState.Approved or CampaignState.Scheduled => Of(CampaignSignals.Approval, campaign.Approval),
            _ => null,
        };
    }

    /// <summary>The stage sub-orchestration's work: close the open stage, open the next, snapshot the boundary.</summary>
    [Function(nameof(TransitionCampaignStage))]
    public async Task<MonitorView> TransitionCampaignStage([ActivityTrigger] StageTransition transition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transition);
        if (transition.From is { } from)
        {
            ThrowUnlessDone($"complete stage {from}", transition.CampaignId, await operations.CompleteStageAsync(transition.CampaignId, from, cancellationToken));
        }

        if (transition.To is { } to)
        {
            ThrowUnlessDone($"enter stage {to}", transition.CampaignId, await operations.EnterStageAsync(transition.CampaignId, to, cancellationToken));
        }

        return await MonitorAsync(transition.CampaignId, cancellationToken);
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

    /// <summary>A refusal the timeline did not foresee (an operator's change raced the boundary) is logged, not retried.</summary>
    private void ThrowUnlessDone(string what, string campaignId, Domain.Platform.Result<Campaign> result)
    {
        if (result.IsSuccess)
        {
            return;
        }

        ThrowIfTransient(result.Problem!);
        logger.LogInformation("Campaign {CampaignId}: {Step} not done: {Problem}", campaignId, what, result.Problem!.Detail);
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
