using System.Text.Json;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Platform;
using static EcomFunctions.Domain.Tests.Campaigns.CampaignTestData;

namespace EcomFunctions.Domain.Tests.Campaigns;

public sealed class CampaignLifecycleTests
{
    private static readonly CampaignOptions Defaults = Options();

    /// <summary>The lifecycle of DESIGN §5, written out independently of the implementation's table.</summary>
    private static readonly Dictionary<(CampaignState, CampaignAction), CampaignState> Expected = new()
    {
        [(CampaignState.Draft, CampaignAction.Submit)] = CampaignState.PendingApproval,
        [(CampaignState.PendingApproval, CampaignAction.Approve)] = CampaignState.Approved,
        [(CampaignState.PendingApproval, CampaignAction.Reject)] = CampaignState.Rejected,
        [(CampaignState.PendingApproval, CampaignAction.ExpireApproval)] = CampaignState.Draft,
        [(CampaignState.Rejected, CampaignAction.Reopen)] = CampaignState.Draft,
        [(CampaignState.Approved, CampaignAction.Schedule)] = CampaignState.Scheduled,
        [(CampaignState.Scheduled, CampaignAction.GoLive)] = CampaignState.Live,
        [(CampaignState.Live, CampaignAction.Pause)] = CampaignState.Paused,
        [(CampaignState.Paused, CampaignAction.Resume)] = CampaignState.Live,
        [(CampaignState.Live, CampaignAction.Kill)] = CampaignState.Killed,
        [(CampaignState.Paused, CampaignAction.Kill)] = CampaignState.Killed,
        [(CampaignState.Live, CampaignAction.End)] = CampaignState.Ended,
        [(CampaignState.Paused, CampaignAction.End)] = CampaignState.Ended,
        [(CampaignState.Ended, CampaignAction.Evaluate)] = CampaignState.Evaluated,
        [(CampaignState.Killed, CampaignAction.Evaluate)] = CampaignState.Evaluated,
        [(CampaignState.Draft, CampaignAction.Cancel)] = CampaignState.Cancelled,
        [(CampaignState.PendingApproval, CampaignAction.Cancel)] = CampaignState.Cancelled,
        [(CampaignState.Rejected, CampaignAction.Cancel)] = CampaignState.Cancelled,
        [(CampaignState.Approved, CampaignAction.Cancel)] = CampaignState.Cancelled,
        [(CampaignState.Scheduled, CampaignAction.Cancel)] = CampaignState.Cancelled,
        [(CampaignState.Live, CampaignAction.Cancel)] = CampaignState.Cancelled,
        [(CampaignState.Paused, CampaignAction.Cancel)] = CampaignState.Cancelled,
    };

    /// <summary>Where each action leads when it succeeds: finding the campaign already there is a retry, not an error.</summary>
    private static readonly Dictionary<CampaignAction, CampaignState> TargetOf = new()
    {
        [CampaignAction.Submit] = CampaignState.PendingApproval,
        [CampaignAction.Approve] = CampaignState.Approved,
        [CampaignAction.Reject] = CampaignState.Rejected,
        [CampaignAction.ExpireApproval] = CampaignState.Draft,
        [CampaignAction.Reopen] = CampaignState.Draft,
        [CampaignAction.Schedule] = CampaignState.Scheduled,
        [CampaignAction.GoLive] = CampaignState.Live,
        [CampaignAction.Pause] = CampaignState.Paused,
        [CampaignAction.Resume] = CampaignState.Live,
        [CampaignAction.Kill] = CampaignState.Killed,
        [CampaignAction.End] = CampaignState.Ended,
        [CampaignAction.Evaluate] = CampaignState.Evaluated,
        [CampaignAction.Cancel] = CampaignState.Cancelled,
    };

    public static TheoryData<CampaignState, CampaignAction> EveryStateAndAction()
    {
        var data = new TheoryData<CampaignState, CampaignAction>();
        foreach (var state in Enum.GetValues<CampaignState>())
        {
            foreach (var action in TargetOf.Keys)
            {
                data.Add(state, action);
            }
        }

        return data;
    }

    private static Result<CampaignChange> Invoke(Campaign c, CampaignAction action)
    {
        var during = Start.AddHours(3);
        return action switch
        {
            CampaignAction.Submit => c.Submit(Planner, At(9, 1, 11)),
            CampaignAction.Approve => c.Approve(Approver, At(9, 2, 11), null),
            CampaignAction.Reject => c.Reject(Approver, At(9, 2, 11), "no"),
            CampaignAction.ExpireApproval => c.ExpireApproval(At(9, 30), Defaults),
            CampaignAction.Reopen => c.Reopen(Planner, At(9, 3)),
            CampaignAction.Schedule => c.Schedule(CampaignActor.System, At(9, 9)),
            CampaignAction.GoLive => c.GoLive(CampaignActor.System, during),
            CampaignAction.Pause => c.Pause(Planner, during, "checking prices"),
            CampaignAction.Resume => c.Resume(Planner, during, null),
            CampaignAction.Kill => c.Kill(Planner, during, "fraud wave"),
            CampaignAction.End => c.End(CampaignActor.System, End.AddMinutes(1)),
            CampaignAction.Evaluate => c.Evaluate(EvaluationReport.Build(new EvaluationInput { Campaign = c }), CampaignActor.System, End.AddHours(25), Defaults),
            CampaignAction.Cancel => c.Cancel(Planner, At(9, 3), "merged into another campaign"),
            _ => throw new ArgumentOutOfRangeException(nameof(action)),
        };
    }

    [Theory]
    [MemberData(nameof(EveryStateAndAction))]
    public void Every_transition_follows_the_lifecycle(CampaignState state, CampaignAction action)
    {
        var campaign = InState(state);

        var result = Invoke(campaign, action);

        if (Expected.TryGetValue((state, action), out var to))
        {
            Assert.True(result.IsSuccess, result.Problem?.Detail);
            var change = result.Value!;
            Assert.Equal(to, change.Campaign.State);
            Assert.Equal(campaign.Version + 1, change.Campaign.Version);
            Assert.Equal(campaign.Version, change.ExpectedVersion);
            var audit = Assert.Single(change.Audit);
            Assert.Equal((action, state, to, change.Campaign.Version), (audit.Action, audit.From, audit.To, audit.Version));
            Assert.Single(change.Events);
        }
        else if (TargetOf[action] == state)
        {
            Assert.True(result.IsSuccess, result.Problem?.Detail);
            Assert.True(result.Value!.IsNoOp);
            Assert.Same(campaign, result.Value.Campaign);
        }
        else
        {
            Assert.False(result.IsSuccess);
            Assert.Equal(ProblemKind.Conflict, result.Problem!.Kind);
            Assert.Equal("invalid-transition", result.Problem.Code);
        }
    }

    [Fact]
    public void The_implementation_table_matches_the_specified_lifecycle()
    {
        foreach (var state in Enum.GetValues<CampaignState>())
        {
            foreach (var action in TargetOf.Keys)
            {
                Assert.Equal(Expected.TryGetValue((state, action), out var to) ? to : null, CampaignLifecycle.Target(state, action));
            }
        }
    }

    [Fact]
    public void A_new_campaign_is_a_draft_at_version_1_with_a_created_event()
    {
        var change = Campaign.Create(CampaignId, Plan(), [new CampaignWarning("single-channel", "x")], Planner, At(9, 1, 9)).GetValueOrThrow();

        Assert.Equal(0, change.ExpectedVersion);
        Assert.Equal((CampaignState.Draft, 1L, "planner-pat"), (change.Campaign.State, change.Campaign.Version, change.Campaign.CreatedBy));
        Assert.Single(change.Campaign.Warnings);
        var audit = Assert.Single(change.Audit);
        Assert.Equal(CampaignAction.Create, audit.Action);
        var created = Assert.Single(change.Events);
        Assert.Equal("Ecom.Campaigns.CampaignCreated", created.Type);
        Assert.Equal("campaigns/autumn-2025", created.Subject);
        Assert.Equal(At(9, 1, 9), created.Time);
    }

    [Fact]
    public void Events_carry_the_campaign_state_as_json_and_a_retry_stable_id()
    {
        var draft = Draft();

        var first = draft.Submit(Planner, At(9, 1, 10)).GetValueOrThrow();
        var retried = draft.Submit(Planner, At(9, 1, 10, 5)).GetValueOrThrow();
        var later = first.Campaign.Apply(c => c.Reject(Approver, At(9, 2), "no")).Apply(c => c.Reopen(Planner, At(9, 3)))
            .Submit(Planner, At(9, 4)).GetValueOrThrow();

        var submitted = Assert.Single(first.Events);
        Assert.Equal(CampaignEventTypes.CampaignSubmitted, submitted.Type);
        Assert.Equal(submitted.Id, Assert.Single(retried.Events).Id);
        Assert.NotEqual(submitted.Id, Assert.Single(later.Events).Id);
        using var data = JsonDocument.Parse(submitted.DataJson);
        Assert.Equal("autumn-2025", data.RootElement.GetProperty("campaignId").GetString());
        Assert.Equal(2, data.RootElement.GetProperty("version").GetInt64());
        Assert.Equal("PendingApproval", data.RootElement.GetProperty("state").GetString());
        Assert.Equal("planner-pat", data.RootElement.GetProperty("actor").GetString());
    }

    [Fact]
    public void Submitting_twice_is_a_no_op()
    {
        var pending = InState(CampaignState.PendingApproval);

        var again = pending.Submit(Planner, At(9, 1, 12)).GetValueOrThrow();

        Assert.True(again.IsNoOp);
        Assert.Empty(again.Events);
        Assert.Equal(pending.Version, again.Campaign.Version);
    }

    [Fact]
    public void The_creator_cannot_approve_their_own_campaign_even_as_an_approver()
    {
        var pending = InState(CampaignState.PendingApproval);
        var creatorAsApprover = new CampaignActor(Planner.Id, [CampaignRoles.Manager, CampaignRoles.Approver]);

        var result = pending.Approve(creatorAsApprover, At(9, 2), null);

        Assert.Equal((ProblemKind.Forbidden, "four-eyes"), (result.Problem!.Kind, result.Problem.Code));
    }

    [Fact]
    public void Someone_who_edited_the_plan_cannot_approve_it()
    {
        var editorApprover = new CampaignActor(Editor.Id, [CampaignRoles.Manager, CampaignRoles.Approver]);
        var pending = Draft().Apply(c => c.Update(Plan() with { Theme = "Back to campus" }, [], Editor, At(9, 1, 10)))
            .Apply(c => c.Submit(Planner, At(9, 1, 11)));

        Assert.Equal("four-eyes", pending.Approve(editorApprover, At(9, 2), null).Problem!.Code);
        Assert.Equal("four-eyes", pending.Reject(editorApprover, At(9, 2), "no").Problem!.Code);
        Assert.True(pending.Approve(Approver, At(9, 2), null).IsSuccess);
    }

    [Fact]
    public void An_approval_needs_the_approver_role()
    {
        var pending = InState(CampaignState.PendingApproval);

        var result = pending.Approve(CampaignActor.Manager("manager-mo"), At(9, 2), null);

        Assert.Equal((ProblemKind.Forbidden, "missing-role"), (result.Problem!.Kind, result.Problem.Code));
    }

    [Fact]
    public void An_approval_is_recorded_with_who_when_and_comment()
    {
        var change = InState(CampaignState.PendingApproval).Approve(Approver, At(9, 2, 10), "looks good").GetValueOrThrow();

        Assert.Equal(new CampaignDecision("approver-amy", At(9, 2, 10), "looks good"), change.Campaign.Approval);
        var audit = Assert.Single(change.Audit);
        Assert.Equal(("approver-amy", At(9, 2, 10), "looks good"), (audit.Actor, audit.At, audit.Comment));
    }

    [Fact]
    public void A_rejection_needs_a_reason()
    {
        var result = InState(CampaignState.PendingApproval).Reject(Approver, At(9, 2), " ");

        Assert.Equal(ProblemKind.Validation, result.Problem!.Kind);
        Assert.Equal(["reason"], result.Problem.Errors!.Keys);
    }

    [Fact]
    public void Approval_expires_after_72_hours_back_to_draft_with_the_reason()
    {
        var pending = InState(CampaignState.PendingApproval);
        var deadline = At(9, 1, 10).AddHours(72);

        Assert.Equal(deadline, pending.ApprovalDeadline(Defaults));
        Assert.Equal("approval-not-expired", pending.ExpireApproval(deadline.AddSeconds(-1), Defaults).Problem!.Code);
        var expired = pending.ExpireApproval(deadline, Defaults).GetValueOrThrow();
        Assert.Equal(CampaignState.Draft, expired.Campaign.State);
        Assert.Equal("No approval within 72 h of submission; returned to Draft.", Assert.Single(expired.Audit).Comment);
        Assert.Equal("system", Assert.Single(expired.Audit).Actor);
        Assert.Equal(CampaignEventTypes.CampaignApprovalExpired, Assert.Single(expired.Events).Type);
    }

    [Fact]
    public void The_approval_timeout_is_an_option()
    {
        var options = new CampaignOptions { ApprovalTimeout = TimeSpan.FromHours(24) };

        var expired = InState(CampaignState.PendingApproval).ExpireApproval(At(9, 2, 10), options).GetValueOrThrow();

        Assert.Equal(CampaignState.Draft, expired.Campaign.State);
    }

    [Fact]
    public void Editing_a_rejected_campaign_reopens_it_as_a_draft()
    {
        var change = InState(CampaignState.Rejected).Update(Plan() with { Theme = "Better theme" }, [], Planner, At(9, 3)).GetValueOrThrow();

        Assert.Equal(CampaignState.Draft, change.Campaign.State);
        Assert.Equal("Better theme", change.Campaign.Plan.Theme);
        Assert.Equal("reopened by editing after rejection", Assert.Single(change.Audit).Comment);
    }

    [Theory]
    [InlineData(CampaignState.PendingApproval)]
    [InlineData(CampaignState.Approved)]
    [InlineData(CampaignState.Live)]
    public void Only_drafts_can_be_edited(CampaignState state)
    {
        var result = InState(state).Update(Plan(), [], Planner, At(9, 3));

        Assert.Equal("invalid-transition", result.Problem!.Code);
    }

    [Fact]
    public void Operational_transitions_are_reserved_to_the_orchestrator()
    {
        var scheduled = InState(CampaignState.Scheduled);

        Assert.Equal(ProblemKind.Forbidden, scheduled.GoLive(Planner, Start).Problem!.Kind);
        Assert.Equal(ProblemKind.Forbidden, InState(CampaignState.Approved).Schedule(Approver, At(9, 9)).Problem!.Kind);
        Assert.Equal(ProblemKind.Forbidden, Campaign.Create(CampaignId, Plan(), [], Outsider, At(9, 1)).Problem!.Kind);
    }

    [Fact]
    public void Going_live_before_the_start_is_a_conflict() =>
        Assert.Equal("too-early", InState(CampaignState.Scheduled).GoLive(CampaignActor.System, Start.AddSeconds(-1)).Problem!.Code);

    [Fact]
    public void Going_live_without_readiness_is_a_conflict_naming_what_is_missing()
    {
        var scheduled = InState(CampaignState.Approved).Apply(c => c.Schedule(CampaignActor.System, PreheatStart));

        var result = scheduled.GoLive(CampaignActor.System, Start);

        Assert.Equal("not-ready", result.Problem!.Code);
        Assert.Contains("StockConfirmed, LogisticsConfirmed, LoadTestDone", result.Problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_overridden_readiness_gate_lets_the_campaign_go_live_and_says_so()
    {
        var scheduled = InState(CampaignState.Approved)
            .Apply(c => c.Schedule(CampaignActor.System, PreheatStart))
            .Apply(c => c.OverrideReadiness(Approver, Start.AddMinutes(-5), "stock confirmed by phone"));

        var live = scheduled.GoLive(CampaignActor.System, Start).GetValueOrThrow();

        Assert.Equal(CampaignState.Live, live.Campaign.State);
        Assert.Equal("readiness overridden: stock confirmed by phone", Assert.Single(live.Audit).Comment);
        Assert.Contains("\"readinessOverridden\":true", Assert.Single(live.Events).DataJson, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pause_needs_a_reason_and_records_who_paused()
    {
        var live = InState(CampaignState.Live);

        Assert.Equal(ProblemKind.Validation, live.Pause(Planner, Start.AddHours(1), "").Problem!.Kind);
        var paused = live.Pause(Approver, Start.AddHours(1), "price error").GetValueOrThrow().Campaign;
        Assert.Equal(new CampaignDecision("approver-amy", Start.AddHours(1), "price error"), paused.CurrentPause);
        Assert.Null(paused.Apply(c => c.Resume(Planner, Start.AddHours(2), "fixed")).CurrentPause);
    }

    [Fact]
    public void A_paused_campaign_cannot_resume_after_its_end() =>
        Assert.Equal("window-passed", InState(CampaignState.Paused).Resume(Planner, End, null).Problem!.Code);

    [Fact]
    public void A_kill_needs_a_reason_and_is_only_for_live_or_paused_campaigns()
    {
        Assert.Equal(ProblemKind.Validation, InState(CampaignState.Live).Kill(Planner, Start.AddHours(1), "").Problem!.Kind);
        Assert.Equal("invalid-transition", InState(CampaignState.Scheduled).Kill(Planner, Start.AddHours(1), "x").Problem!.Code);
        var killed = InState(CampaignState.Paused).Kill(Approver, Start.AddHours(2), "payment outage").GetValueOrThrow();
        Assert.Equal(new CampaignDecision("approver-amy", Start.AddHours(2), "payment outage"), killed.Campaign.Termination);
        Assert.Equal(CampaignEventTypes.CampaignKilled, Assert.Single(killed.Events).Type);
    }

    [Fact]
    public void Ending_before_the_end_time_is_a_conflict() =>
        Assert.Equal("too-early", InState(CampaignState.Live).End(CampaignActor.System, End.AddSeconds(-1)).Problem!.Code);

    [Fact]
    public void Evaluation_waits_for_the_late_order_window()
    {
        var ended = InState(CampaignState.Ended);
        var report = EvaluationReport.Build(new EvaluationInput { Campaign = ended });

        Assert.Equal("late-order-window-open", ended.Evaluate(report, CampaignActor.System, End.AddHours(24).AddSeconds(-1), Defaults).Problem!.Code);
        Assert.True(ended.Evaluate(report, CampaignActor.System, End.AddHours(24), Defaults).IsSuccess);
        Assert.True(ended.Evaluate(report, CampaignActor.System, End.AddHours(2), new CampaignOptions { LateOrderWindow = TimeSpan.FromHours(2) }).IsSuccess);
    }

    [Fact]
    public void A_killed_campaign_is_evaluated_a_late_order_window_after_the_kill()
    {
        var killed = InState(CampaignState.Killed);
        var report = EvaluationReport.Build(new EvaluationInput { Campaign = killed });

        Assert.Equal(Start.AddHours(2), killed.StoppedAt);
        var evaluated = killed.Evaluate(report, CampaignActor.System, Start.AddHours(26), Defaults).GetValueOrThrow();
        Assert.Contains("\"killed\":true", Assert.Single(evaluated.Events).DataJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Extending_moves_the_end_and_announces_the_previous_one()
    {
        var live = InState(CampaignState.Live);

        var extended = live.Extend(End.AddDays(2), [], Planner, Start.AddDays(1), "demand is strong").GetValueOrThrow();

        Assert.Equal(End.AddDays(2), extended.Campaign.Plan.Schedule.End);
        Assert.Equal(new TimeWindow(Start, End.AddDays(2)), extended.Campaign.Plan.Mechanics[0].EffectiveWindow(extended.Campaign.Plan.Schedule));
        var @event = Assert.Single(extended.Events);
        Assert.Equal(CampaignEventTypes.CampaignExtended, @event.Type);
        Assert.Contains("\"previousEnd\":\"2025-09-17T00:00:00+08:00\"", @event.DataJson, StringComparison.Ordinal);
    }

    [Fact]
    public void An_extension_must_end_later_and_needs_a_reason()
    {
        var live = InState(CampaignState.Live);

        Assert.Equal(["end"], live.Extend(End, [], Planner, Start.AddDays(1), "x").Problem!.Errors!.Keys);
        Assert.Equal(["reason"], live.Extend(End.AddDays(1), [], Planner, Start.AddDays(1), "").Problem!.Errors!.Keys);
        Assert.Equal("invalid-transition", InState(CampaignState.Draft).Extend(End.AddDays(1), [], Planner, At(9, 1), "x").Problem!.Code);
    }

    [Fact]
    public void Cancelling_a_live_campaign_records_its_previous_state()
    {
        var cancelled = InState(CampaignState.Live).Cancel(Planner, Start.AddHours(1), "brand decision").GetValueOrThrow();

        Assert.Equal(CampaignState.Cancelled, cancelled.Campaign.State);
        Assert.Contains("\"previousState\":\"Live\"", Assert.Single(cancelled.Events).DataJson, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mechanic_can_be_paused_and_resumed_on_its_own()
    {
        var live = InState(CampaignState.Live);

        var paused = live.PauseMechanic("flash", MechanicPauseSource.Operator, "stock recount", Planner, Start.AddHours(1)).GetValueOrThrow();
        Assert.True(paused.Campaign.IsMechanicPaused("flash"));
        Assert.Equal(CampaignState.Live, paused.Campaign.State);
        Assert.True(paused.Campaign.PauseMechanic("flash", MechanicPauseSource.Operator, "again", Planner, Start.AddHours(2)).GetValueOrThrow().IsNoOp);
        Assert.False(paused.Campaign.Apply(c => c.ResumeMechanic("flash", Planner, Start.AddHours(2), null)).IsMechanicPaused("flash"));
        Assert.Equal(ProblemKind.NotFound, live.PauseMechanic("nope", MechanicPauseSource.Operator, "x", Planner, Start).Problem!.Kind);
    }

    [Fact]
    public void Lessons_are_recorded_once_the_campaign_has_stopped()
    {
        Assert.Equal("invalid-transition", InState(CampaignState.Live).RecordLessons("x", Planner, End).Problem!.Code);
        var ended = InState(CampaignState.Ended).Apply(c => c.RecordLessons("Start the flash sale earlier.", Planner, End.AddDays(1)));
        Assert.Equal("Start the flash sale earlier.", ended.LessonsLearned);
    }

    [Fact]
    public void Every_change_bumps_the_version_by_one()
    {
        var versions = Enum.GetValues<CampaignState>().Select(s => InState(s).Version).ToList();

        // Draft 1 → Submit 2 → Approve 3 → Confirm 4 → Schedule 5 → Live 6 → Pause/Kill/End 7 → Evaluate 8.
        Assert.Equal([1L, 2, 3, 3, 5, 6, 7, 7, 8, 2, 7], versions);
    }
}
