using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Campaigns;

/// <summary>
/// Running a campaign: the orchestrator's activities (next step, schedule, go live, end, cancel an unstarted campaign)
/// and the operators' controls (pause, resume, kill, extend, readiness, mechanic pause). Activities act as
/// <see cref="CampaignActor.System"/> and are idempotent: retried after a crash they find the work done and succeed.
/// </summary>
public sealed class CampaignOperations(ICampaignRepository campaigns, CampaignPlanChecker checker, CampaignOptions options, TimeProvider time)
{
    /// <summary>What the orchestrator should do next (see <see cref="CampaignTimeline.Next"/>).</summary>
    public async Task<Result<CampaignStep>> NextStepAsync(string campaignId, CancellationToken cancellationToken)
    {
        var loaded = await CampaignStore.LoadAsync(campaigns, campaignId, cancellationToken);
        return loaded.IsSuccess ? CampaignTimeline.Next(loaded.Value!, time.GetUtcNow(), options) : loaded.Problem!;
    }

    public Task<Result<Campaign>> ScheduleAsync(string campaignId, CancellationToken cancellationToken) =>
        System(campaignId, c => c.Schedule(CampaignActor.System, time.GetUtcNow()), cancellationToken);

    /// <summary>Conflict <c>not-ready</c> lists what is missing; the orchestrator then alerts and waits (<see cref="CampaignStepKind.AwaitReadiness"/>).</summary>
    public Task<Result<Campaign>> GoLiveAsync(string campaignId, CancellationToken cancellationToken) =>
        System(campaignId, c => c.GoLive(CampaignActor.System, time.GetUtcNow()), cancellationToken);

    public Task<Result<Campaign>> EndAsync(string campaignId, CancellationToken cancellationToken) =>
        System(campaignId, c => c.End(CampaignActor.System, time.GetUtcNow()), cancellationToken);

    /// <summary>A stage sub-orchestration opens its stage (no-op when it is open already).</summary>
    public Task<Result<Campaign>> EnterStageAsync(string campaignId, string stageName, CancellationToken cancellationToken) =>
        System(campaignId, c => c.EnterStage(stageName, CampaignActor.System, time.GetUtcNow()), cancellationToken);

    /// <summary>A stage sub-orchestration closes the stage that was open (no-op when it is not).</summary>
    public Task<Result<Campaign>> CompleteStageAsync(string campaignId, string stageName, CancellationToken cancellationToken) =>
        System(campaignId, c => c.CompleteStage(stageName, CampaignActor.System, time.GetUtcNow()), cancellationToken);

    /// <summary>The start is held by the readiness gate: alert operators once per set of missing items.</summary>
    public Task<Result<Campaign>> AlertReadinessAsync(string campaignId, CancellationToken cancellationToken) =>
        System(campaignId, c => c.AlertReadiness(CampaignActor.System, time.GetUtcNow()), cancellationToken);

    public Task<Result<Campaign>> CancelUnstartedAsync(string campaignId, string reason, CancellationToken cancellationToken) =>
        System(campaignId, c => c.Cancel(CampaignActor.System, time.GetUtcNow(), reason), cancellationToken);

    public Task<Result<Campaign>> PauseAsync(string campaignId, string reason, long? expectedVersion, CampaignActor actor, CancellationToken cancellationToken) =>
        CampaignStore.ApplyAsync(campaigns, campaignId, expectedVersion, c => c.Pause(actor, time.GetUtcNow(), reason), cancellationToken);

    public Task<Result<Campaign>> ResumeAsync(string campaignId, string? comment, long? expectedVersion, CampaignActor actor, CancellationToken cancellationToken) =>
        CampaignStore.ApplyAsync(campaigns, campaignId, expectedVersion, c => c.Resume(actor, time.GetUtcNow(), comment), cancellationToken);

    /// <summary>Emergency stop. The saved state is what the claim path reads (<see cref="ICampaignAvailabilitySource"/>, ≤ 1 s).</summary>
    public Task<Result<Campaign>> KillAsync(string campaignId, string reason, long? expectedVersion, CampaignActor actor, CancellationToken cancellationToken) =>
        CampaignStore.ApplyAsync(campaigns, campaignId, expectedVersion, c => c.Kill(actor, time.GetUtcNow(), reason), cancellationToken);

    /// <summary>A later end; the extended plan is checked again (errors block, warnings are refreshed).</summary>
    public async Task<Result<Campaign>> ExtendAsync(string campaignId, DateTimeOffset newEnd, string reason, long? expectedVersion, CampaignActor actor, CancellationToken cancellationToken)
    {
        var loaded = await CampaignStore.LoadAsync(campaigns, campaignId, cancellationToken);
        if (!loaded.IsSuccess)
        {
            return loaded;
        }

        // An end that is not later is refused by the aggregate with its own message; only a real extension is re-checked.
        IReadOnlyList<CampaignWarning>? warnings = null;
        if (newEnd > loaded.Value!.Plan.Schedule.End)
        {
            var extended = loaded.Value.Plan with { Schedule = loaded.Value.Plan.Schedule with { End = newEnd } };
            var check = await checker.CheckAsync(campaignId, extended, cancellationToken);
            if (check.Errors.ToProblem() is { } invalid)
            {
                return invalid;
            }

            warnings = check.Warnings;
        }

        return await CampaignStore.ApplyAsync(campaigns, campaignId, expectedVersion,
            c => c.Extend(newEnd, warnings ?? c.Warnings, actor, time.GetUtcNow(), reason), cancellationToken);
    }

    public async Task<Result<ReadinessReport>> CheckReadinessAsync(string campaignId, CancellationToken cancellationToken)
    {
        var loaded = await CampaignStore.LoadAsync(campaigns, campaignId, cancellationToken);
        return loaded.IsSuccess ? ReadinessGate.Check(loaded.Value!) : loaded.Problem!;
    }

    public Task<Result<Campaign>> ConfirmReadinessAsync(string campaignId, IReadOnlyCollection<ReadinessItem> items, string? note, long? expectedVersion, CampaignActor actor, CancellationToken cancellationToken) =>
        CampaignStore.ApplyAsync(campaigns, campaignId, expectedVersion, c => c.ConfirmReadiness(items, actor, time.GetUtcNow(), note), cancellationToken);

    /// <summary>
    /// Confirms items, names contingency owners and/or overrides the gate in that order, saved as one change: if any
    /// part is refused nothing is saved.
    /// </summary>
    public Task<Result<Campaign>> UpdateReadinessAsync(string campaignId, ReadinessUpdate update, long? expectedVersion, CampaignActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        return CampaignStore.ApplyAsync(campaigns, campaignId, expectedVersion, c =>
        {
            var now = time.GetUtcNow();
            var steps = new List<Func<Campaign, Result<CampaignChange>>>();
            if (update.Confirm is { Count: > 0 } items)
            {
                steps.Add(x => x.ConfirmReadiness(items, actor, now, update.Note));
            }

            if (update.ContingencyOwners is { Count: > 0 } owners)
            {
                steps.Add(x => x.AssignContingencyOwners(owners, actor, now));
            }

            if (!string.IsNullOrWhiteSpace(update.OverrideReason))
            {
                steps.Add(x => x.OverrideReadiness(actor, now, update.OverrideReason));
            }

            if (steps.Count == 0)
            {
                return Problem.Validation("$", "Confirm items, name contingency owners or give an override reason.");
            }

            Result<CampaignChange> change = CampaignChange.NoChange(c);
            foreach (var step in steps)
            {
                change = change.IsSuccess ? change.Value!.Then(step) : change;
            }

            return change;
        }, cancellationToken);
    }

    public Task<Result<Campaign>> OverrideReadinessAsync(string campaignId, string reason, long? expectedVersion, CampaignActor actor, CancellationToken cancellationToken) =>
        CampaignStore.ApplyAsync(campaigns, campaignId, expectedVersion, c => c.OverrideReadiness(actor, time.GetUtcNow(), reason), cancellationToken);

    public Task<Result<Campaign>> PauseMechanicAsync(string campaignId, string mechanicId, string reason, long? expectedVersion, CampaignActor actor, CancellationToken cancellationToken) =>
        CampaignStore.ApplyAsync(campaigns, campaignId, expectedVersion, c => c.PauseMechanic(mechanicId, MechanicPauseSource.Operator, reason, actor, time.GetUtcNow()), cancellationToken);

    public Task<Result<Campaign>> ResumeMechanicAsync(string campaignId, string mechanicId, string? comment, long? expectedVersion, CampaignActor actor, CancellationToken cancellationToken) =>
        CampaignStore.ApplyAsync(campaigns, campaignId, expectedVersion, c => c.ResumeMechanic(mechanicId, actor, time.GetUtcNow(), comment), cancellationToken);

    private Task<Result<Campaign>> System(string campaignId, Func<Campaign, Result<CampaignChange>> operation, CancellationToken cancellationToken) =>
        CampaignStore.ApplyAsync(campaigns, campaignId, null, operation, cancellationToken);
}

/// <summary>What an operator's readiness request asks for (any combination; at least one part).</summary>
public sealed record ReadinessUpdate(
    IReadOnlyCollection<ReadinessItem>? Confirm,
    string? Note,
    IReadOnlyList<string>? ContingencyOwners,
    string? OverrideReason);
