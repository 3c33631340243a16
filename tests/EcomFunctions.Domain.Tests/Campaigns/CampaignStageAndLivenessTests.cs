using System.Text.Json;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using static EcomFunctions.Domain.Tests.Campaigns.CampaignTestData;

namespace EcomFunctions.Domain.Tests.Campaigns;

/// <summary>What the orchestration adds to the aggregate: stages, the readiness alert, and liveness as the coupon paths see it.</summary>
public sealed class CampaignStageAndLivenessTests
{
    private static CampaignPlan Staged() => Plan() with
    {
        Schedule = Plan().Schedule with
        {
            Stages =
            [
                new CampaignStage("Warm-up", StageKind.Preheat, PreheatStart, PreheatStart.AddDays(1)),
                new CampaignStage("Main", StageKind.Main, Start, Start.AddDays(5)),
                new CampaignStage("Encore", StageKind.Encore, Start.AddDays(5), End),
            ],
        },
    };

    [Fact]
    public void The_orchestrator_opens_and_closes_stages_once_each_audited_and_announced()
    {
        var live = InState(CampaignState.Live, Staged());

        var entered = live.EnterStage("Main", CampaignActor.System, Start.AddHours(1)).GetValueOrThrow();
        var again = entered.Campaign.EnterStage("Main", CampaignActor.System, Start.AddHours(2)).GetValueOrThrow();
        var next = entered.Campaign.EnterStage("Encore", CampaignActor.System, Start.AddDays(5)).GetValueOrThrow();
        var closed = next.Campaign.CompleteStage("Encore", CampaignActor.System, End).GetValueOrThrow();
        var closeOther = closed.Campaign.CompleteStage("Main", CampaignActor.System, End).GetValueOrThrow();

        Assert.Equal("Main", entered.Campaign.CurrentStage);
        Assert.Equal(CampaignState.Live, entered.Campaign.State);
        Assert.True(again.IsNoOp);
        Assert.Equal(("Encore", "Main -> Encore"), (next.Campaign.CurrentStage, next.Audit[0].Comment));
        var started = Assert.Single(next.Events);
        Assert.Equal(CampaignEventTypes.CampaignStageStarted, started.Type);
        Assert.Contains("\"previousStage\":\"Main\"", started.DataJson, StringComparison.Ordinal);
        Assert.Null(closed.Campaign.CurrentStage);
        Assert.Equal(CampaignEventTypes.CampaignStageEnded, Assert.Single(closed.Events).Type);
        Assert.True(closeOther.IsNoOp);
    }

    [Fact]
    public void Stages_are_the_orchestrators_alone_and_must_exist()
    {
        var live = InState(CampaignState.Live, Staged());

        Assert.Equal("missing-role", live.EnterStage("Main", Planner, Start).Problem!.Code);
        Assert.Equal(ProblemKind.NotFound, live.EnterStage("Finale", CampaignActor.System, Start).Problem!.Kind);
        Assert.Equal("invalid-transition", InState(CampaignState.Approved, Staged()).EnterStage("Main", CampaignActor.System, Start).Problem!.Code);
        Assert.True(InState(CampaignState.Scheduled, Staged()).EnterStage("Warm-up", CampaignActor.System, PreheatStart).IsSuccess);
    }

    [Fact]
    public void A_stage_still_open_when_the_campaign_is_killed_can_be_closed_afterwards()
    {
        var inStage = InState(CampaignState.Live, Staged()).Apply(c => c.EnterStage("Main", CampaignActor.System, Start));
        var killed = inStage.Apply(c => c.Kill(Planner, Start.AddHours(3), "payment outage"));

        var closed = killed.CompleteStage("Main", CampaignActor.System, Start.AddHours(4)).GetValueOrThrow();

        Assert.Equal((CampaignState.Killed, (string?)null), (closed.Campaign.State, closed.Campaign.CurrentStage));
    }

    [Fact]
    public void Operators_are_alerted_once_per_set_of_missing_readiness_items()
    {
        var scheduled = InState(CampaignState.Approved).Apply(c => c.Schedule(CampaignActor.System, PreheatStart));

        var alerted = scheduled.AlertReadiness(CampaignActor.System, Start).GetValueOrThrow();
        var repeated = alerted.Campaign.AlertReadiness(CampaignActor.System, Start.AddMinutes(15)).GetValueOrThrow();
        var narrowed = alerted.Campaign
            .Apply(c => c.ConfirmReadiness([ReadinessItem.StockConfirmed], Planner, Start.AddMinutes(20), null))
            .AlertReadiness(CampaignActor.System, Start.AddMinutes(30)).GetValueOrThrow();
        var ready = narrowed.Campaign
            .Apply(c => c.ConfirmReadiness([ReadinessItem.LogisticsConfirmed, ReadinessItem.LoadTestDone], Planner, Start.AddMinutes(40), null))
            .AlertReadiness(CampaignActor.System, Start.AddMinutes(45)).GetValueOrThrow();

        var alert = Assert.Single(alerted.Events);
        Assert.Equal(CampaignEventTypes.ReadinessAlert, alert.Type);
        Assert.Contains("\"missing\":[\"StockConfirmed\",\"LogisticsConfirmed\",\"LoadTestDone\"]", alert.DataJson, StringComparison.Ordinal);
        Assert.Contains("\"owners\":[\"owner-olivia\",\"oncall-carl\"]", alert.DataJson, StringComparison.Ordinal);
        Assert.Equal(CampaignState.Scheduled, alerted.Campaign.State);
        Assert.True(repeated.IsNoOp);
        Assert.Equal([ReadinessItem.LogisticsConfirmed, ReadinessItem.LoadTestDone], narrowed.Campaign.ReadinessAlertedFor);
        Assert.True(ready.IsNoOp);
    }

    [Theory]
    [InlineData(CampaignState.Draft, CampaignLiveness.NotLive)]
    [InlineData(CampaignState.PendingApproval, CampaignLiveness.NotLive)]
    [InlineData(CampaignState.Approved, CampaignLiveness.NotLive)]
    [InlineData(CampaignState.Scheduled, CampaignLiveness.NotLive)]
    [InlineData(CampaignState.Live, CampaignLiveness.Live)]
    [InlineData(CampaignState.Paused, CampaignLiveness.Paused)]
    [InlineData(CampaignState.Killed, CampaignLiveness.Killed)]
    [InlineData(CampaignState.Ended, CampaignLiveness.Ended)]
    [InlineData(CampaignState.Evaluated, CampaignLiveness.Ended)]
    [InlineData(CampaignState.Cancelled, CampaignLiveness.Ended)]
    [InlineData(CampaignState.Rejected, CampaignLiveness.NotLive)]
    public void Each_state_has_its_liveness_on_the_coupon_paths(CampaignState state, CampaignLiveness expected) =>
        Assert.Equal(expected, CampaignLivenessPolicy.Of(InState(state)));

    [Fact]
    public void A_live_campaign_whose_coupons_or_spending_mechanics_are_all_paused_reads_as_paused()
    {
        var live = InState(CampaignState.Live);
        var oneOfThree = live.Apply(c => c.PauseMechanic("flash", MechanicPauseSource.Incident, "stock", Planner, Start.AddHours(1)));
        var couponPaused = live.Apply(c => c.PauseMechanic("coupon", MechanicPauseSource.Operator, "fraud", Planner, Start.AddHours(1)));
        var status = BudgetStatus.Compute(live, SpendSummary.FromEntries([SpendEntry.ForPaidPromotion(CampaignId, "all", 100_000m, Start)]));
        var exhausted = live.Apply(c => c.ApplyBudgetCheck(BudgetGuard.Check(c, status, Options()), CampaignActor.System, Start.AddHours(2)));

        Assert.Equal(CampaignLiveness.Live, CampaignLivenessPolicy.Of(oneOfThree));
        Assert.Equal(CampaignLiveness.Paused, CampaignLivenessPolicy.Of(couponPaused));
        Assert.Equal(CampaignState.Live, exhausted.State);
        Assert.Equal(CampaignLiveness.Paused, CampaignLivenessPolicy.Of(exhausted));
    }

    [Fact]
    public void Stopping_events_name_the_coupon_definitions_to_release()
    {
        var live = InState(CampaignState.Live);

        var killed = live.Kill(Planner, Start.AddHours(1), "fraud").GetValueOrThrow().Events.Single();
        var ended = live.End(CampaignActor.System, End).GetValueOrThrow().Events.Single();

        foreach (var e in new[] { killed, ended })
        {
            using var data = JsonDocument.Parse(e.DataJson);
            Assert.Equal(CampaignId, data.RootElement.GetProperty("campaignId").GetString());
            Assert.Equal([CouponDefinitionId], data.RootElement.GetProperty("couponDefinitionIds").EnumerateArray().Select(x => x.GetString()));
        }
    }

    [Fact]
    public void Before_the_start_the_orchestrator_also_wakes_at_preheat_stage_boundaries()
    {
        var scheduled = InState(CampaignState.Scheduled, Staged());

        Assert.Equal(new CampaignStep(CampaignStepKind.WaitForStart, PreheatStart.AddDays(1), "Warm-up"), CampaignTimeline.Next(scheduled, PreheatStart.AddHours(1), Options()));
        Assert.Equal(new CampaignStep(CampaignStepKind.WaitForStart, Start), CampaignTimeline.Next(scheduled, PreheatStart.AddDays(1).AddHours(1), Options()));
    }
}
