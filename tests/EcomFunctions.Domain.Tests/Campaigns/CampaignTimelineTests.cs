using EcomFunctions.Domain.Campaigns;
using static EcomFunctions.Domain.Tests.Campaigns.CampaignTestData;

namespace EcomFunctions.Domain.Tests.Campaigns;

public sealed class CampaignTimelineTests
{
    private static readonly CampaignOptions Defaults = Options();

    private static CampaignStep Next(Campaign campaign, DateTimeOffset now) => CampaignTimeline.Next(campaign, now, Defaults);

    [Fact]
    public void A_pending_campaign_waits_for_approval_until_the_deadline_then_expires()
    {
        var pending = InState(CampaignState.PendingApproval);
        var deadline = At(9, 1, 10).AddHours(72);

        Assert.Equal(new CampaignStep(CampaignStepKind.WaitForApproval, deadline), Next(pending, At(9, 2)));
        Assert.Equal(CampaignStepKind.ExpireApproval, Next(pending, deadline).Kind);
    }

    [Fact]
    public void An_approved_campaign_waits_for_preheat_then_is_scheduled()
    {
        var approved = InState(CampaignState.Approved);

        Assert.Equal(new CampaignStep(CampaignStepKind.WaitForPreheat, PreheatStart), Next(approved, At(9, 3)));
        Assert.Equal(CampaignStepKind.Schedule, Next(approved, PreheatStart).Kind);
        Assert.Equal(CampaignStepKind.Schedule, Next(approved, At(9, 9)).Kind);   // approved late: schedule at once
    }

    [Fact]
    public void A_scheduled_campaign_waits_for_the_start_then_goes_live_through_the_readiness_gate()
    {
        var scheduled = InState(CampaignState.Scheduled);

        Assert.Equal(new CampaignStep(CampaignStepKind.WaitForStart, Start), Next(scheduled, At(9, 9)));
        Assert.Equal(CampaignStepKind.GoLive, Next(scheduled, Start).Kind);
    }

    [Fact]
    public void A_campaign_not_ready_at_its_start_waits_and_rechecks_naming_what_is_missing()
    {
        var notReady = InState(CampaignState.Approved).Apply(c => c.Schedule(CampaignActor.System, PreheatStart));

        var step = Next(notReady, Start.AddMinutes(1));

        Assert.Equal(CampaignStepKind.AwaitReadiness, step.Kind);
        Assert.Equal(Start.AddMinutes(16), step.Until);
        Assert.Equal([ReadinessItem.StockConfirmed, ReadinessItem.LogisticsConfirmed, ReadinessItem.LoadTestDone], step.MissingReadiness);
        Assert.Equal(CampaignStepKind.GoLive, Next(notReady.Apply(c => c.OverrideReadiness(Approver, Start.AddMinutes(2), "go")), Start.AddMinutes(3)).Kind);
    }

    [Fact]
    public void A_campaign_whose_window_passes_before_it_goes_live_is_cancelled()
    {
        var notReady = InState(CampaignState.Approved).Apply(c => c.Schedule(CampaignActor.System, PreheatStart));

        Assert.Equal(CampaignStepKind.CancelUnstarted, Next(notReady, End).Kind);
        Assert.Equal(CampaignStepKind.CancelUnstarted, Next(InState(CampaignState.Approved), End).Kind);
    }

    [Fact]
    public void A_live_campaign_is_monitored_hourly_until_the_end()
    {
        var live = InState(CampaignState.Live);

        Assert.Equal(new CampaignStep(CampaignStepKind.Monitor, Start.AddHours(4)), Next(live, Start.AddHours(3)));
        Assert.Equal(End, Next(live, End.AddMinutes(-10)).Until);
        Assert.Equal(CampaignStepKind.End, Next(live, End).Kind);
        Assert.Equal(CampaignStepKind.Monitor, Next(InState(CampaignState.Paused), Start.AddHours(3)).Kind);
        Assert.Equal(CampaignStepKind.End, Next(InState(CampaignState.Paused), End).Kind);
    }

    [Fact]
    public void The_monitoring_interval_is_an_option() =>
        Assert.Equal(Start.AddHours(3).AddMinutes(10),
            CampaignTimeline.Next(InState(CampaignState.Live), Start.AddHours(3), new CampaignOptions { MonitoringInterval = TimeSpan.FromMinutes(10) }).Until);

    [Fact]
    public void Monitoring_wakes_up_at_stage_boundaries_and_reports_the_current_stage()
    {
        var plan = Plan() with
        {
            Schedule = Plan().Schedule with
            {
                Stages =
                [
                    new CampaignStage("Main", StageKind.Main, Start, Start.AddDays(5)),
                    new CampaignStage("Encore", StageKind.Encore, Start.AddDays(5).AddMinutes(30), End),
                ],
            },
        };
        var live = InState(CampaignState.Live, plan);

        var beforeBoundary = Next(live, Start.AddDays(5).AddMinutes(-20));
        Assert.Equal((CampaignStepKind.Monitor, Start.AddDays(5), "Main"), (beforeBoundary.Kind, beforeBoundary.Until, beforeBoundary.Stage));
        var inGap = Next(live, Start.AddDays(5).AddMinutes(10));
        Assert.Equal((Start.AddDays(5).AddMinutes(30), null), (inGap.Until, inGap.Stage));
        Assert.Equal("Encore", Next(live, Start.AddDays(6)).Stage);
    }

    [Fact]
    public void An_ended_campaign_waits_for_late_orders_then_is_evaluated()
    {
        var ended = InState(CampaignState.Ended);

        Assert.Equal(new CampaignStep(CampaignStepKind.WaitForLateOrders, End.AddHours(24)), Next(ended, End.AddHours(1)));
        Assert.Equal(CampaignStepKind.Evaluate, Next(ended, End.AddHours(24)).Kind);
        Assert.Equal(CampaignStepKind.WaitForLateOrders, Next(InState(CampaignState.Killed), Start.AddHours(3)).Kind);
    }

    [Theory]
    [InlineData(CampaignState.Draft)]
    [InlineData(CampaignState.Rejected)]
    [InlineData(CampaignState.Evaluated)]
    [InlineData(CampaignState.Cancelled)]
    public void Nothing_is_left_to_orchestrate_in_resting_states(CampaignState state) =>
        Assert.Equal(CampaignStepKind.Complete, Next(InState(state), At(9, 20)).Kind);

    [Fact]
    public void Milestones_list_the_key_instants_in_order()
    {
        var milestones = CampaignTimeline.Milestones(InState(CampaignState.PendingApproval), Defaults);

        Assert.Equal(["approvalDeadline", "preheat", "start", "end", "evaluation"], milestones.Select(m => m.Name));
        Assert.Equal(End.AddHours(24), milestones[^1].At);
    }
}
