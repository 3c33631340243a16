namespace EcomFunctions.Domain.Campaigns;

/// <summary>What the campaign orchestration should do next.</summary>
public enum CampaignStepKind
{
    /// <summary>Wait for the approval decision (external event) until <see cref="CampaignStep.Until"/>.</summary>
    WaitForApproval,

    /// <summary>The approval deadline has passed: call <see cref="Campaign.ExpireApproval"/>.</summary>
    ExpireApproval,

    /// <summary>Durable timer to the preheat start.</summary>
    WaitForPreheat,

    /// <summary>Allocate coupon inventory, schedule audience notifications, then <see cref="Campaign.Schedule"/>.</summary>
    Schedule,

    /// <summary>Durable timer to the start.</summary>
    WaitForStart,

    /// <summary>The start has come but the readiness gate is closed: alert operators, re-check at <see cref="CampaignStep.Until"/>.</summary>
    AwaitReadiness,

    /// <summary>Call <see cref="Campaign.GoLive"/>.</summary>
    GoLive,

    /// <summary>
    /// Live or paused: snapshot metrics, check budget and incidents, then wait for Pause / Resume / Kill / Extend until
    /// <see cref="CampaignStep.Until"/> (the next monitoring tick, stage boundary or end) and <c>ContinueAsNew</c>.
    /// </summary>
    Monitor,

    /// <summary>Close offers, release unused inventory, call <see cref="Campaign.End"/>.</summary>
    End,

    /// <summary>Durable timer to the end of the late-order window.</summary>
    WaitForLateOrders,

    /// <summary>Build the report and call <see cref="Campaign.Evaluate"/>.</summary>
    Evaluate,

    /// <summary>The window passed before the campaign could go live: cancel it (system) with <see cref="CampaignStep.Reason"/>.</summary>
    CancelUnstarted,

    /// <summary>Nothing left to orchestrate (Draft, Rejected, Evaluated, Cancelled).</summary>
    Complete,
}

/// <summary>One step of the plan: its kind, the instant to wait for (if any), the current stage and what is missing.</summary>
public sealed record CampaignStep(
    CampaignStepKind Kind,
    DateTimeOffset? Until = null,
    string? Stage = null,
    IReadOnlyList<ReadinessItem>? MissingReadiness = null,
    string? Reason = null);

public sealed record CampaignMilestone(string Name, DateTimeOffset At);

/// <summary>
/// The orchestration-facing plan of a campaign: a pure function of the stored campaign and "now" telling the
/// orchestrator its next step. The orchestrator reads the campaign through an activity, passes
/// <c>context.CurrentUtcDateTime</c> as now, performs the step (activities, durable timers, external events) and asks
/// again — so a replay, a restart or a lost timer always resumes at the right place.
/// </summary>
public static class CampaignTimeline
{
    public static CampaignStep Next(Campaign campaign, DateTimeOffset now, CampaignOptions options)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(options);
        var schedule = campaign.Plan.Schedule;
        switch (campaign.State)
        {
            case CampaignState.PendingApproval:
                var deadline = campaign.ApprovalDeadline(options) ?? now;
                return now >= deadline
                    ? new CampaignStep(CampaignStepKind.ExpireApproval, deadline)
                    : new CampaignStep(CampaignStepKind.WaitForApproval, deadline);

            case CampaignState.Approved:
                if (now >= schedule.End)
                {
                    return new CampaignStep(CampaignStepKind.CancelUnstarted, Reason: "The campaign's window passed before it was scheduled.");
                }

                return now < schedule.PreheatOrStart
                    ? new CampaignStep(CampaignStepKind.WaitForPreheat, schedule.PreheatOrStart)
                    : new CampaignStep(CampaignStepKind.Schedule);

            case CampaignState.Scheduled:
                if (now >= schedule.End)
                {
                    return new CampaignStep(CampaignStepKind.CancelUnstarted,
                        MissingReadiness: ReadinessGate.Check(campaign).Missing,
                        Reason: "The campaign's window passed while it was not ready to go live.");
                }

                if (now < schedule.Start)
                {
                    // A preheat stage opening or closing before the start wakes the orchestrator too.
                    var startOrBoundary = NextStageBoundary(schedule, now) is { } next ? Min(next, schedule.Start) : schedule.Start;
                    return new CampaignStep(CampaignStepKind.WaitForStart, startOrBoundary, StageAt(schedule, now)?.Name);
                }

                var readiness = ReadinessGate.Check(campaign);
                if (!readiness.IsReady)
                {
                    return new CampaignStep(CampaignStepKind.AwaitReadiness, Min(now + options.ReadinessRecheckInterval, schedule.End),
                        MissingReadiness: readiness.Missing);
                }

                return new CampaignStep(CampaignStepKind.GoLive, Stage: StageAt(schedule, now)?.Name);

            case CampaignState.Live:
            case CampaignState.Paused:
                if (now >= schedule.End)
                {
                    return new CampaignStep(CampaignStepKind.End);
                }

                var until = Min(now + options.MonitoringInterval, schedule.End);
                if (NextStageBoundary(schedule, now) is { } boundary)
                {
                    until = Min(until, boundary);
                }

                return new CampaignStep(CampaignStepKind.Monitor, until, StageAt(schedule, now)?.Name);

            case CampaignState.Ended:
            case CampaignState.Killed:
                var lateOrdersUntil = (campaign.StoppedAt ?? now) + options.LateOrderWindow;
                return now < lateOrdersUntil
                    ? new CampaignStep(CampaignStepKind.WaitForLateOrders, lateOrdersUntil)
                    : new CampaignStep(CampaignStepKind.Evaluate);

            default:
                return new CampaignStep(CampaignStepKind.Complete);
        }
    }

    /// <summary>The stage whose window contains now, if any.</summary>
    public static CampaignStage? StageAt(CampaignSchedule schedule, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return schedule.Stages.FirstOrDefault(s => s.Window.Contains(now));
    }

    /// <summary>The next instant after now at which a stage starts or ends.</summary>
    public static DateTimeOffset? NextStageBoundary(CampaignSchedule schedule, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return schedule.Stages
            .SelectMany(s => new[] { s.Start, s.End })
            .Where(t => t > now)
            .Order()
            .Select(t => (DateTimeOffset?)t)
            .FirstOrDefault();
    }

    /// <summary>The campaign's key instants for the status page, in order.</summary>
    public static IReadOnlyList<CampaignMilestone> Milestones(Campaign campaign, CampaignOptions options)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(options);
        var schedule = campaign.Plan.Schedule;
        var milestones = new List<CampaignMilestone>();
        if (campaign.ApprovalDeadline(options) is { } deadline)
        {
            milestones.Add(new("approvalDeadline", deadline));
        }

        if (schedule.PreheatStart is { } preheat)
        {
            milestones.Add(new("preheat", preheat));
        }

        milestones.Add(new("start", schedule.Start));
        milestones.AddRange(schedule.Stages.Select(s => new CampaignMilestone($"stage:{s.Name}", s.Start)));
        milestones.Add(new("end", schedule.End));
        milestones.Add(new("evaluation", (campaign.StoppedAt ?? schedule.End) + options.LateOrderWindow));
        return milestones.OrderBy(m => m.At).ToList();
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
