using System.Globalization;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Campaigns;

/// <summary>
/// The campaign aggregate: its plan, where it is in its lifecycle and the decisions taken along the way. Immutable:
/// every operation returns a <see cref="CampaignChange"/> (the next campaign with <see cref="Version"/> bumped, the
/// audit entries and the domain events) or the <see cref="Problem"/> that prevents it — Conflict for an action the
/// state does not allow, Forbidden for a missing role or a four-eyes breach, Validation for bad input. Whether the
/// stored version still matches (ETag) is storage's check, against <see cref="CampaignChange.ExpectedVersion"/>.
/// Operations that find the campaign already where they lead (a retried submit, a duplicate pause, an activity
/// retried by the orchestrator) succeed as no-ops, so callers may retry freely.
/// </summary>
public sealed record Campaign
{
    public const int MaxReasonLength = 1000;
    public const int MaxLessonsLength = 20_000;

    public string Id { get; init; } = "";

    public CampaignPlan Plan { get; init; } = new();

    public CampaignState State { get; init; }

    /// <summary>Bumped by every change; storage maps it to the ETag check.</summary>
    public long Version { get; init; }

    public string CreatedBy { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }

    public string UpdatedBy { get; init; } = "";

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Everyone who created, edited or submitted the current plan: none of them may approve it (four-eyes).</summary>
    public IReadOnlyList<string> PlanAuthors { get; init; } = [];

    /// <summary>Warnings of the last plan check, returned with the campaign (they never block).</summary>
    public IReadOnlyList<CampaignWarning> Warnings { get; init; } = [];

    public CampaignDecision? Submission { get; init; }

    public CampaignDecision? Approval { get; init; }

    public CampaignDecision? Rejection { get; init; }

    public ReadinessChecklist Readiness { get; init; } = ReadinessChecklist.Empty;

    public IReadOnlyList<BudgetReallocation> Reallocations { get; init; } = [];

    public IReadOnlyList<MechanicPause> PausedMechanics { get; init; } = [];

    /// <summary>Budget alert keys (<c>{scope}@{percent}</c>) raised and not yet re-armed by burn dropping below them.</summary>
    public IReadOnlyList<string> RaisedBudgetAlerts { get; init; } = [];

    /// <summary>Why the campaign is paused now (null unless Paused).</summary>
    public CampaignDecision? CurrentPause { get; init; }

    public DateTimeOffset? WentLiveAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Who killed or cancelled the campaign, when and why.</summary>
    public CampaignDecision? Termination { get; init; }

    public DateTimeOffset? EvaluatedAt { get; init; }

    /// <summary>The stage the orchestrator last opened (null between stages and when none is running).</summary>
    public string? CurrentStage { get; init; }

    /// <summary>What was missing when operators were last alerted that the start is held by the readiness gate.</summary>
    public IReadOnlyList<ReadinessItem> ReadinessAlertedFor { get; init; } = [];

    /// <summary>The coupon definitions the campaign's Coupon mechanics link (what the Coupons capability allocates and releases).</summary>
    public IReadOnlyList<string> CouponDefinitionIds =>
        [.. Plan.Mechanics.OfType<CouponMechanic>().Select(m => m.CouponDefinitionId).Distinct(StringComparer.Ordinal)];

    public string? LessonsLearned { get; init; }

    public string TimeZoneId => Plan.Schedule.TimeZoneId ?? "";

    /// <summary>When the campaign stopped trading (ended or killed): the late-order window runs from here.</summary>
    public DateTimeOffset? StoppedAt => EndedAt ?? (State is CampaignState.Killed or CampaignState.Evaluated ? Termination?.At : null);

    public DateTimeOffset? ApprovalDeadline(CampaignOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return State == CampaignState.PendingApproval && Submission is not null ? Submission.At + options.ApprovalTimeout : null;
    }

    public bool IsMechanicPaused(string mechanicId) =>
        PausedMechanics.Any(p => string.Equals(p.MechanicId, mechanicId, StringComparison.Ordinal));

    /// <summary>Planned amounts per line after the audited reallocations.</summary>
    public decimal AllocatedFor(BudgetLineKind line) =>
        Plan.Budget.PlannedFor(line) + Reallocations.Where(r => r.To == line).Sum(r => r.Amount) - Reallocations.Where(r => r.From == line).Sum(r => r.Amount);

    /// <summary>A new Draft from a plan that has passed <see cref="CampaignPlanRules.Check"/>.</summary>
    public static Result<CampaignChange> Create(string id, CampaignPlan plan, IReadOnlyList<CampaignWarning> warnings, CampaignActor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(actor);
        if (CampaignLifecycle.CheckRole(actor, CampaignAction.Create) is { } denied)
        {
            return denied;
        }

        if (!CampaignPlanRules.IsValidCampaignId(id))
        {
            return Problem.Validation("id", "Letters, digits, '-' or '_' (at most 64), starting with a letter or digit.");
        }

        var campaign = new Campaign
        {
            Id = id,
            Plan = plan,
            State = CampaignState.Draft,
            Version = 1,
            CreatedBy = actor.Id,
            CreatedAt = now,
            UpdatedBy = actor.Id,
            UpdatedAt = now,
            PlanAuthors = [actor.Id],
            Warnings = warnings ?? [],
        };
        var blank = campaign with { Version = 0 };
        return blank.Commit(campaign, actor, now, [(CampaignAction.Create, null)], [Event(CampaignEventTypes.CampaignCreated, ("name", plan.Name))]);
    }

    /// <summary>
    /// Replaces the plan (Draft only; editing a Rejected campaign reopens it as a Draft). Readiness confirmations are
    /// cleared: stock, logistics and load test were confirmed for the previous plan.
    /// </summary>
    public Result<CampaignChange> Update(CampaignPlan plan, IReadOnlyList<CampaignWarning> warnings, CampaignActor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return Transition(CampaignAction.Update, actor, now, State == CampaignState.Rejected ? "reopened by editing after rejection" : null,
            c => c with { Plan = plan, Warnings = warnings ?? [], PlanAuthors = AddAuthor(c.PlanAuthors, actor.Id), Readiness = ReadinessChecklist.Empty },
            Event(CampaignEventTypes.CampaignUpdated));
    }

    public Result<CampaignChange> Submit(CampaignActor actor, DateTimeOffset now)
    {
        if (Precheck(CampaignAction.Submit, actor, CampaignState.PendingApproval) is { } early)
        {
            return early;
        }

        return Transition(CampaignAction.Submit, actor, now, null,
            c => c with { Submission = new(actor.Id, now, null), Approval = null, PlanAuthors = AddAuthor(c.PlanAuthors, actor.Id) },
            Event(CampaignEventTypes.CampaignSubmitted));
    }

    /// <summary>Four-eyes: the approver holds <see cref="CampaignRoles.Approver"/> and did not create, edit or submit the plan.</summary>
    public Result<CampaignChange> Approve(CampaignActor approver, DateTimeOffset now, string? comment)
    {
        if (FourEyes(CampaignAction.Approve, approver) is { } denied)
        {
            return denied;
        }

        if (State == CampaignState.Approved)
        {
            return CampaignChange.NoChange(this);
        }

        if (TooLong(comment, "comment") is { } invalid)
        {
            return invalid;
        }

        return Transition(CampaignAction.Approve, approver, now, comment,
            c => c with { Approval = new(approver.Id, now, comment) },
            Event(CampaignEventTypes.CampaignApproved, ("approvedBy", approver.Id)));
    }

    public Result<CampaignChange> Reject(CampaignActor approver, DateTimeOffset now, string reason)
    {
        if (FourEyes(CampaignAction.Reject, approver) is { } denied)
        {
            return denied;
        }

        if (State == CampaignState.Rejected)
        {
            return CampaignChange.NoChange(this);
        }

        if (RequireText(reason, "reason") is { } invalid)
        {
            return invalid;
        }

        return Transition(CampaignAction.Reject, approver, now, reason,
            c => c with { Rejection = new(approver.Id, now, reason) },
            Event(CampaignEventTypes.CampaignRejected, ("rejectedBy", approver.Id)));
    }

    public Result<CampaignChange> Reopen(CampaignActor actor, DateTimeOffset now)
    {
        if (Precheck(CampaignAction.Reopen, actor, CampaignState.Draft) is { } early)
        {
            return early;
        }

        return Transition(CampaignAction.Reopen, actor, now, null, null, Event(CampaignEventTypes.CampaignReopened));
    }

    /// <summary>No approver decided within <see cref="CampaignOptions.ApprovalTimeout"/>: back to Draft with the reason.</summary>
    public Result<CampaignChange> ExpireApproval(DateTimeOffset now, CampaignOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Precheck(CampaignAction.ExpireApproval, CampaignActor.System, CampaignState.Draft) is { } early)
        {
            return early;
        }

        if (ApprovalDeadline(options) is { } deadline && now < deadline)
        {
            return Problem.Conflict("approval-not-expired", $"Approval is open until {Format(deadline)}.");
        }

        var reason = $"No approval within {options.ApprovalTimeout.TotalHours.ToString("0.#", CultureInfo.InvariantCulture)} h of submission; returned to Draft.";
        return Transition(CampaignAction.ExpireApproval, CampaignActor.System, now, reason, null,
            Event(CampaignEventTypes.CampaignApprovalExpired, ("reason", reason)));
    }

    /// <summary>At preheat (or at start when there is none): coupon inventory allocated, notifications scheduled.</summary>
    public Result<CampaignChange> Schedule(CampaignActor actor, DateTimeOffset now)
    {
        if (Precheck(CampaignAction.Schedule, actor, CampaignState.Scheduled) is { } early)
        {
            return early;
        }

        if (now >= Plan.Schedule.End)
        {
            return Problem.Conflict("window-passed", "The campaign's window has passed; cancel it instead.");
        }

        return Transition(CampaignAction.Schedule, actor, now, null, null,
            Event(CampaignEventTypes.CampaignScheduled, ("preheatStart", Plan.Schedule.PreheatOrStart), ("start", Plan.Schedule.Start), ("end", Plan.Schedule.End),
                ("couponDefinitionIds", CouponDefinitionIds), ("channels", Plan.Channels), ("audience", Plan.Audience)));
    }

    /// <summary>At the start, only through the readiness gate (ready, or overridden with a reason).</summary>
    public Result<CampaignChange> GoLive(CampaignActor actor, DateTimeOffset now)
    {
        if (Precheck(CampaignAction.GoLive, actor, CampaignState.Live) is { } early)
        {
            return early;
        }

        if (now < Plan.Schedule.Start)
        {
            return Problem.Conflict("too-early", $"The campaign starts at {Format(Plan.Schedule.Start)}.");
        }

        if (now >= Plan.Schedule.End)
        {
            return Problem.Conflict("window-passed", "The campaign's window has passed; cancel it instead.");
        }

        var readiness = ReadinessGate.Check(this);
        if (!readiness.IsReady)
        {
            return Problem.Conflict("not-ready", $"Not ready to go live: {string.Join(", ", readiness.Missing)} missing.");
        }

        return Transition(CampaignAction.GoLive, actor, now, readiness.IsOverridden ? $"readiness overridden: {readiness.Override!.Reason}" : null,
            c => c with { WentLiveAt = c.WentLiveAt ?? now },
            Event(CampaignEventTypes.CampaignLive, ("end", Plan.Schedule.End), ("readinessOverridden", readiness.IsOverridden)));
    }

    public Result<CampaignChange> Pause(CampaignActor actor, DateTimeOffset now, string reason)
    {
        if (Precheck(CampaignAction.Pause, actor, CampaignState.Paused) is { } early)
        {
            return early;
        }

        if (RequireText(reason, "reason") is { } invalid)
        {
            return invalid;
        }

        return Transition(CampaignAction.Pause, actor, now, reason,
            c => c with { CurrentPause = new(actor.Id, now, reason) },
            Event(CampaignEventTypes.CampaignPaused, ("reason", reason)));
    }

    public Result<CampaignChange> Resume(CampaignActor actor, DateTimeOffset now, string? comment)
    {
        if (Precheck(CampaignAction.Resume, actor, CampaignState.Live) is { } early)
        {
            return early;
        }

        if (now >= Plan.Schedule.End)
        {
            return Problem.Conflict("window-passed", "The campaign's end has passed; it ends instead of resuming.");
        }

        if (TooLong(comment, "comment") is { } invalid)
        {
            return invalid;
        }

        return Transition(CampaignAction.Resume, actor, now, comment,
            c => c with { CurrentPause = null },
            Event(CampaignEventTypes.CampaignResumed));
    }

    /// <summary>Emergency stop of a live or paused campaign: offers close at once and the campaign never resumes.</summary>
    public Result<CampaignChange> Kill(CampaignActor actor, DateTimeOffset now, string reason)
    {
        if (Precheck(CampaignAction.Kill, actor, CampaignState.Killed) is { } early)
        {
            return early;
        }

        if (RequireText(reason, "reason") is { } invalid)
        {
            return invalid;
        }

        return Transition(CampaignAction.Kill, actor, now, reason,
            c => c with { Termination = new(actor.Id, now, reason), CurrentPause = null },
            Event(CampaignEventTypes.CampaignKilled, ("reason", reason), ("couponDefinitionIds", CouponDefinitionIds)));
    }

    public Result<CampaignChange> Cancel(CampaignActor actor, DateTimeOffset now, string reason)
    {
        if (Precheck(CampaignAction.Cancel, actor, CampaignState.Cancelled) is { } early)
        {
            return early;
        }

        if (RequireText(reason, "reason") is { } invalid)
        {
            return invalid;
        }

        return Transition(CampaignAction.Cancel, actor, now, reason,
            c => c with { Termination = new(actor.Id, now, reason), CurrentPause = null },
            Event(CampaignEventTypes.CampaignCancelled, ("reason", reason), ("previousState", State), ("couponDefinitionIds", CouponDefinitionIds)));
    }

    /// <summary>
    /// Moves the end later. Stages and explicit mechanic windows stay where they are (still inside the longer
    /// window); mechanics on the default window run to the new end. <paramref name="warnings"/> are the re-checked plan's.
    /// </summary>
    public Result<CampaignChange> Extend(DateTimeOffset newEnd, IReadOnlyList<CampaignWarning> warnings, CampaignActor actor, DateTimeOffset now, string reason)
    {
        if (Precheck(CampaignAction.Extend, actor, null) is { } early)
        {
            return early;
        }

        if (RequireText(reason, "reason") is { } invalid)
        {
            return invalid;
        }

        if (newEnd <= Plan.Schedule.End)
        {
            return Problem.Validation("end", $"The new end must be after the current end {Format(Plan.Schedule.End)}.");
        }

        if (newEnd <= now)
        {
            return Problem.Validation("end", "The new end must be in the future.");
        }

        var previousEnd = Plan.Schedule.End;
        return Transition(CampaignAction.Extend, actor, now, $"{Format(previousEnd)} -> {Format(newEnd)}: {reason}",
            c => c with { Plan = c.Plan with { Schedule = c.Plan.Schedule with { End = newEnd } }, Warnings = warnings ?? c.Warnings },
            Event(CampaignEventTypes.CampaignExtended, ("previousEnd", previousEnd), ("end", newEnd), ("reason", reason)));
    }

    /// <summary>The end time has come (a paused campaign ends too): offers close, the late-order window opens.</summary>
    public Result<CampaignChange> End(CampaignActor actor, DateTimeOffset now)
    {
        if (Precheck(CampaignAction.End, actor, CampaignState.Ended) is { } early)
        {
            return early;
        }

        if (now < Plan.Schedule.End)
        {
            return Problem.Conflict("too-early", $"The campaign ends at {Format(Plan.Schedule.End)}; kill it to stop earlier.");
        }

        return Transition(CampaignAction.End, actor, now, null,
            c => c with { EndedAt = now, CurrentPause = null },
            Event(CampaignEventTypes.CampaignEnded, ("end", Plan.Schedule.End), ("couponDefinitionIds", CouponDefinitionIds)));
    }

    /// <summary>After the late-order window: the report is final. Its headline figures travel in the event.</summary>
    public Result<CampaignChange> Evaluate(EvaluationReport report, CampaignActor actor, DateTimeOffset now, CampaignOptions options)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        if (Precheck(CampaignAction.Evaluate, actor, CampaignState.Evaluated) is { } early)
        {
            return early;
        }

        if (StoppedAt is { } stopped && now < stopped + options.LateOrderWindow)
        {
            return Problem.Conflict("late-order-window-open", $"Late orders are counted until {Format(stopped + options.LateOrderWindow)}.");
        }

        var totals = report.Totals;
        return Transition(CampaignAction.Evaluate, actor, now, null,
            c => c with { EvaluatedAt = now },
            Event(CampaignEventTypes.CampaignEvaluated,
                ("sales", totals.Sales), ("orders", totals.Orders), ("cost", totals.Cost), ("roi", totals.Roi),
                ("incrementalRoi", report.Baseline.IncrementalRoi), ("targetMet", report.Target.Met), ("killed", State == CampaignState.Killed)));
    }

    public Result<CampaignChange> ConfirmReadiness(IReadOnlyCollection<ReadinessItem> items, CampaignActor actor, DateTimeOffset now, string? note)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (Precheck(CampaignAction.ConfirmReadiness, actor, null) is { } early)
        {
            return early;
        }

        if (items.Count == 0)
        {
            return Problem.Validation("items", "Name at least one readiness item.");
        }

        var unconfirmable = items.Where(i => !ReadinessGate.ConfirmableItems.Contains(i)).ToList();
        if (unconfirmable.Count > 0)
        {
            return Problem.Validation("items", unconfirmable.Contains(ReadinessItem.ContingencyOwnersNamed)
                ? "Contingency owners are confirmed by naming them, not by ticking the item."
                : $"Unknown readiness item {unconfirmable[0]}.");
        }

        if (TooLong(note, "note") is { } invalid)
        {
            return invalid;
        }

        var added = items.Distinct().Where(i => !Readiness.IsConfirmed(i)).Order().ToList();
        if (added.Count == 0)
        {
            return CampaignChange.NoChange(this);
        }

        var readiness = Readiness with
        {
            Confirmations = [.. Readiness.Confirmations, .. added.Select(i => new ReadinessConfirmation(i, actor.Id, now, note))],
        };
        var readyNow = ReadinessGate.Check(this with { Readiness = readiness }).IsReady;
        return Transition(CampaignAction.ConfirmReadiness, actor, now, string.Join(", ", added) + (note is null ? "" : $": {note}"),
            c => c with { Readiness = readiness },
            Event(CampaignEventTypes.ReadinessConfirmed, ("items", added), ("ready", readyNow)));
    }

    /// <summary>Lets the campaign go live although items are missing; the reason and the missing items are recorded.</summary>
    public Result<CampaignChange> OverrideReadiness(CampaignActor actor, DateTimeOffset now, string reason)
    {
        if (Precheck(CampaignAction.OverrideReadiness, actor, null) is { } early)
        {
            return early;
        }

        if (RequireText(reason, "reason") is { } invalid)
        {
            return invalid;
        }

        var missing = ReadinessGate.Check(this).Missing;
        if (missing.Count == 0)
        {
            return Problem.Conflict("already-ready", "Nothing is missing; no override is needed.");
        }

        return Transition(CampaignAction.OverrideReadiness, actor, now, $"{reason} (missing: {string.Join(", ", missing)})",
            c => c with { Readiness = c.Readiness with { Override = new(reason, actor.Id, now, missing) } },
            Event(CampaignEventTypes.ReadinessOverridden, ("reason", reason), ("missing", missing)));
    }

    /// <summary>Contingency owners can be named at any time before the end, not only while the plan is a Draft.</summary>
    public Result<CampaignChange> AssignContingencyOwners(IReadOnlyList<string> owners, CampaignActor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(owners);
        if (Precheck(CampaignAction.AssignContingencyOwners, actor, null) is { } early)
        {
            return early;
        }

        var errors = new FieldErrors();
        errors.AddIf(owners.Count == 0, "contingencyOwners", "Name at least one contingency owner.");
        CampaignPlanRules.CheckPeople(owners, "contingencyOwners", errors);
        if (errors.ToProblem() is { } invalid)
        {
            return invalid;
        }

        var distinct = owners.Distinct(StringComparer.Ordinal).ToList();
        return Transition(CampaignAction.AssignContingencyOwners, actor, now, string.Join(", ", distinct),
            c => c with { Plan = c.Plan with { Owners = c.Plan.Owners with { ContingencyOwners = distinct } } },
            Event(CampaignEventTypes.ContingencyOwnersAssigned, ("contingencyOwners", distinct)));
    }

    /// <summary>
    /// Moves money between lines while the campaign runs (typically contingency to Marketing). A line never gives away
    /// more than it has left (allocation minus spend). The planning-time contingency minimum does not apply: drawing on
    /// contingency is what it is for.
    /// </summary>
    public Result<CampaignChange> ReallocateBudget(BudgetLineKind from, BudgetLineKind to, decimal amount, string reason, BudgetStatus current, CampaignActor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (Precheck(CampaignAction.ReallocateBudget, actor, null) is { } early)
        {
            return early;
        }

        var errors = new FieldErrors()
            .AddIf(!Enum.IsDefined(from), "from", "Unknown budget line.")
            .AddIf(!Enum.IsDefined(to), "to", "Unknown budget line.")
            .AddIf(from == to, "to", "Reallocate to a different line.")
            .AddIf(amount <= 0, "amount", "The amount must be positive.")
            .AddIf(amount > 0 && decimal.Round(amount, 2) != amount, "amount", "At most 2 decimal places.");
        if (string.IsNullOrWhiteSpace(reason))
        {
            errors.Add("reason", "Required.");
        }
        else
        {
            errors.AddIf(reason.Length > MaxReasonLength, "reason", $"At most {MaxReasonLength} characters.");
        }

        if (errors.ToProblem() is { } invalid)
        {
            return invalid;
        }

        var remaining = current.For(from).Remaining;
        if (amount > remaining)
        {
            return Problem.Conflict("insufficient-budget-line",
                string.Create(CultureInfo.InvariantCulture, $"{from} has {remaining:0.00} left; it cannot give {amount:0.00}."));
        }

        var reallocation = new BudgetReallocation(from, to, amount, reason, actor.Id, now);
        return Transition(CampaignAction.ReallocateBudget, actor, now,
            string.Create(CultureInfo.InvariantCulture, $"{amount:0.00} {from} -> {to}: {reason}"),
            c => c with { Reallocations = [.. c.Reallocations, reallocation] },
            Event(CampaignEventTypes.BudgetReallocated, ("from", from), ("to", to), ("amount", amount), ("reason", reason)));
    }

    public Result<CampaignChange> PauseMechanic(string mechanicId, MechanicPauseSource source, string reason, CampaignActor actor, DateTimeOffset now)
    {
        if (Precheck(CampaignAction.PauseMechanic, actor, null) is { } early)
        {
            return early;
        }

        if (Plan.FindMechanic(mechanicId) is null)
        {
            return Problem.NotFound($"Mechanic '{mechanicId}' of campaign '{Id}'.");
        }

        if (RequireText(reason, "reason") is { } invalid)
        {
            return invalid;
        }

        if (IsMechanicPaused(mechanicId))
        {
            return CampaignChange.NoChange(this);
        }

        var pause = new MechanicPause(mechanicId, source, reason, actor.Id, now);
        return Transition(CampaignAction.PauseMechanic, actor, now, $"{mechanicId} ({source}): {reason}",
            c => c with { PausedMechanics = [.. c.PausedMechanics, pause] },
            Event(CampaignEventTypes.MechanicPaused, ("mechanicId", mechanicId), ("source", source), ("reason", reason)));
    }

    public Result<CampaignChange> ResumeMechanic(string mechanicId, CampaignActor actor, DateTimeOffset now, string? comment)
    {
        if (Precheck(CampaignAction.ResumeMechanic, actor, null) is { } early)
        {
            return early;
        }

        if (Plan.FindMechanic(mechanicId) is null)
        {
            return Problem.NotFound($"Mechanic '{mechanicId}' of campaign '{Id}'.");
        }

        if (!IsMechanicPaused(mechanicId))
        {
            return CampaignChange.NoChange(this);
        }

        return Transition(CampaignAction.ResumeMechanic, actor, now, comment is null ? mechanicId : $"{mechanicId}: {comment}",
            c => c with { PausedMechanics = [.. c.PausedMechanics.Where(p => !string.Equals(p.MechanicId, mechanicId, StringComparison.Ordinal))] },
            Event(CampaignEventTypes.MechanicResumed, ("mechanicId", mechanicId)));
    }

    /// <summary>
    /// Applies the budget guard's verdict: records raised and re-armed alerts (so each threshold alerts once per
    /// crossing), pauses spending mechanics when the budget is exhausted, and resumes the ones the guard itself paused
    /// once reallocated money brings the burn back under 100 %.
    /// </summary>
    public Result<CampaignChange> ApplyBudgetCheck(BudgetCheck check, CampaignActor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (Precheck(CampaignAction.CheckBudget, actor, null) is { } early)
        {
            return early;
        }

        var raised = RaisedBudgetAlerts.Except(check.Rearmed, StringComparer.Ordinal).Concat(check.NewAlerts.Select(a => a.Key)).ToList();
        var paused = PausedMechanics.ToList();
        var audits = new List<(CampaignAction, string?)>();
        var events = new List<PendingEvent>();
        foreach (var alert in check.NewAlerts)
        {
            audits.Add((CampaignAction.CheckBudget, alert.Describe()));
            events.Add(Event(CampaignEventTypes.BudgetAlert,
                ("scope", alert.Scope), ("threshold", alert.Threshold), ("burn", alert.Burn), ("spent", alert.Spent), ("allocated", alert.Allocated), ("exhausted", alert.IsExhaustion)));
        }

        if (check.NewAlerts.Count == 0 && check.Rearmed.Count > 0)
        {
            audits.Add((CampaignAction.CheckBudget, $"re-armed {string.Join(", ", check.Rearmed)}"));
        }

        if (check.PauseSpendingMechanics && State is CampaignState.Scheduled or CampaignState.Live or CampaignState.Paused)
        {
            foreach (var mechanic in Plan.Mechanics.Where(m => m.IsSpending && !IsMechanicPaused(m.Id)))
            {
                const string Reason = "budget exhausted";
                paused.Add(new MechanicPause(mechanic.Id, MechanicPauseSource.Budget, Reason, actor.Id, now));
                audits.Add((CampaignAction.PauseMechanic, $"{mechanic.Id} ({MechanicPauseSource.Budget}): {Reason}"));
                events.Add(Event(CampaignEventTypes.MechanicPaused, ("mechanicId", mechanic.Id), ("source", MechanicPauseSource.Budget), ("reason", Reason)));
            }
        }

        if (check.ResumeBudgetPausedMechanics && State is CampaignState.Scheduled or CampaignState.Live or CampaignState.Paused)
        {
            foreach (var pause in paused.Where(p => p.Source == MechanicPauseSource.Budget).ToList())
            {
                paused.Remove(pause);
                audits.Add((CampaignAction.ResumeMechanic, $"{pause.MechanicId}: budget available again"));
                events.Add(Event(CampaignEventTypes.MechanicResumed, ("mechanicId", pause.MechanicId)));
            }
        }

        if (audits.Count == 0)
        {
            return CampaignChange.NoChange(this);
        }

        var next = this with
        {
            Version = Version + 1,
            UpdatedAt = now,
            UpdatedBy = actor.Id,
            RaisedBudgetAlerts = raised,
            PausedMechanics = paused,
        };
        return Commit(next, actor, now, audits, events);
    }

    /// <summary>
    /// The orchestrator opens a stage (a stage sub-orchestration runs this): audited, and announced with
    /// CampaignStageStarted so channels can switch creatives. Opening the stage already open is a no-op.
    /// </summary>
    public Result<CampaignChange> EnterStage(string stageName, CampaignActor actor, DateTimeOffset now)
    {
        if (Precheck(CampaignAction.EnterStage, actor, null) is { } early)
        {
            return early;
        }

        var stage = Plan.Schedule.Stages.FirstOrDefault(s => string.Equals(s.Name, stageName, StringComparison.Ordinal));
        if (stage is null)
        {
            return Problem.NotFound($"Stage '{stageName}' of campaign '{Id}'.");
        }

        if (string.Equals(CurrentStage, stageName, StringComparison.Ordinal))
        {
            return CampaignChange.NoChange(this);
        }

        var previous = CurrentStage;
        return Transition(CampaignAction.EnterStage, actor, now, previous is null ? stage.Name : $"{previous} -> {stage.Name}",
            c => c with { CurrentStage = stage.Name },
            Event(CampaignEventTypes.CampaignStageStarted, ("stage", stage.Name), ("kind", stage.Kind), ("start", stage.Start), ("end", stage.End), ("previousStage", previous)));
    }

    /// <summary>Closes the open stage (its end has come, or the campaign stopped). Closing a stage that is not open is a no-op.</summary>
    public Result<CampaignChange> CompleteStage(string stageName, CampaignActor actor, DateTimeOffset now)
    {
        if (Precheck(CampaignAction.CompleteStage, actor, null) is { } early)
        {
            return early;
        }

        if (!string.Equals(CurrentStage, stageName, StringComparison.Ordinal))
        {
            return CampaignChange.NoChange(this);
        }

        return Transition(CampaignAction.CompleteStage, actor, now, stageName,
            c => c with { CurrentStage = null },
            Event(CampaignEventTypes.CampaignStageEnded, ("stage", stageName)));
    }

    /// <summary>
    /// The start has come and the readiness gate is closed: operators are alerted (audited, ReadinessAlert event) once
    /// per distinct set of missing items, so a gate re-checked every few minutes does not flood them.
    /// </summary>
    public Result<CampaignChange> AlertReadiness(CampaignActor actor, DateTimeOffset now)
    {
        if (Precheck(CampaignAction.AlertReadiness, actor, null) is { } early)
        {
            return early;
        }

        var readiness = ReadinessGate.Check(this);
        if (readiness.IsReady || readiness.Missing.SequenceEqual(ReadinessAlertedFor))
        {
            return CampaignChange.NoChange(this);
        }

        return Transition(CampaignAction.AlertReadiness, actor, now, $"start held: {string.Join(", ", readiness.Missing)} missing",
            c => c with { ReadinessAlertedFor = [.. readiness.Missing] },
            Event(CampaignEventTypes.ReadinessAlert, ("missing", readiness.Missing), ("start", Plan.Schedule.Start), ("owners", Plan.Owners.Everyone.ToList())));
    }

    /// <summary>Operator text for the report, written once the campaign has stopped.</summary>
    public Result<CampaignChange> RecordLessons(string text, CampaignActor actor, DateTimeOffset now)
    {
        if (Precheck(CampaignAction.RecordLessons, actor, null) is { } early)
        {
            return early;
        }

        if (text is null || text.Length > MaxLessonsLength)
        {
            return Problem.Validation("lessonsLearned", $"At most {MaxLessonsLength} characters.");
        }

        if (string.Equals(text, LessonsLearned, StringComparison.Ordinal))
        {
            return CampaignChange.NoChange(this);
        }

        return Transition(CampaignAction.RecordLessons, actor, now, null,
            c => c with { LessonsLearned = text },
            Event(CampaignEventTypes.LessonsRecorded));
    }

    /// <summary>Role check, then "already there" (a successful no-op), then whether the state allows the action.</summary>
    private Result<CampaignChange>? Precheck(CampaignAction action, CampaignActor actor, CampaignState? alreadyThere)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (CampaignLifecycle.CheckRole(actor, action) is { } denied)
        {
            return denied;
        }

        if (alreadyThere is { } target && State == target)
        {
            return CampaignChange.NoChange(this);
        }

        if (CampaignLifecycle.IsAllowed(State, action))
        {
            return null;
        }

        return CampaignLifecycle.Illegal(State, action);
    }

    private Problem? FourEyes(CampaignAction action, CampaignActor approver)
    {
        ArgumentNullException.ThrowIfNull(approver);
        if (CampaignLifecycle.CheckRole(approver, action) is { } denied)
        {
            return denied;
        }

        return PlanAuthors.Contains(approver.Id, StringComparer.Ordinal)
            ? new Problem(ProblemKind.Forbidden, "Forbidden.", "Four-eyes: whoever created, edited or submitted the plan cannot decide on it.", Code: "four-eyes")
            : null;
    }

    private Result<CampaignChange> Transition(
        CampaignAction action, CampaignActor actor, DateTimeOffset now, string? comment, Func<Campaign, Campaign>? mutate, PendingEvent @event)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (CampaignLifecycle.CheckRole(actor, action) is { } denied)
        {
            return denied;
        }

        if (CampaignLifecycle.Target(State, action) is not { } to)
        {
            return CampaignLifecycle.Illegal(State, action);
        }

        var next = this with { State = to, Version = Version + 1, UpdatedAt = now, UpdatedBy = actor.Id };
        if (mutate is not null)
        {
            next = mutate(next);
        }

        return Commit(next, actor, now, [(action, comment)], [@event]);
    }

    private CampaignChange Commit(
        Campaign next, CampaignActor actor, DateTimeOffset now, IReadOnlyList<(CampaignAction Action, string? Comment)> audits, IReadOnlyList<PendingEvent> events)
    {
        var subject = CampaignEventTypes.SubjectOf(next.Id);
        var audit = audits
            .Select((a, i) => new CampaignAuditEntry(next.Id, next.Version, i, now, actor.Id, a.Action, State, next.State, a.Comment))
            .ToList();
        var domainEvents = events
            .Select((e, i) =>
            {
                var data = new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["campaignId"] = next.Id,
                    ["version"] = next.Version,
                    ["state"] = next.State,
                    ["actor"] = actor.Id,
                };
                foreach (var (key, value) in e.Data)
                {
                    data[key] = value;
                }

                return CampaignEventData.Create(e.Type, subject, $"{next.Version.ToString(CultureInfo.InvariantCulture)}:{i.ToString(CultureInfo.InvariantCulture)}", now, data);
            })
            .ToList();
        return new CampaignChange(next, Version, audit, domainEvents);
    }

    private static PendingEvent Event(string type, params (string Key, object? Value)[] data) => new(type, data);

    private static List<string> AddAuthor(IReadOnlyList<string> authors, string actorId) =>
        authors.Contains(actorId, StringComparer.Ordinal) ? [.. authors] : [.. authors, actorId];

    private static Problem? RequireText(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? Problem.Validation(field, "Required.") : TooLong(value, field);

    private static Problem? TooLong(string? value, string field) =>
        value is { Length: > MaxReasonLength } ? Problem.Validation(field, $"At most {MaxReasonLength} characters.") : null;

    private static string Format(DateTimeOffset instant) => instant.ToString("u", CultureInfo.InvariantCulture);

    private sealed record PendingEvent(string Type, IReadOnlyList<(string Key, object? Value)> Data);
}
