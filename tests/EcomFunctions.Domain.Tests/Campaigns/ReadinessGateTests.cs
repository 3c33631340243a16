using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Platform;
using static EcomFunctions.Domain.Tests.Campaigns.CampaignTestData;

namespace EcomFunctions.Domain.Tests.Campaigns;

public sealed class ReadinessGateTests
{
    private static Campaign Approved(bool contingencyOwners = true)
    {
        var plan = Plan();
        return InState(CampaignState.Approved, contingencyOwners ? plan : plan with { Owners = plan.Owners with { ContingencyOwners = [] } });
    }

    [Fact]
    public void A_fresh_campaign_misses_stock_logistics_and_load_test()
    {
        var report = ReadinessGate.Check(Approved());

        Assert.False(report.IsReady);
        Assert.Equal([ReadinessItem.StockConfirmed, ReadinessItem.LogisticsConfirmed, ReadinessItem.LoadTestDone], report.Missing);
    }

    [Fact]
    public void A_campaign_without_contingency_owners_misses_them_too() =>
        Assert.Contains(ReadinessItem.ContingencyOwnersNamed, ReadinessGate.Check(Approved(contingencyOwners: false)).Missing);

    [Fact]
    public void Confirming_every_item_makes_the_campaign_ready()
    {
        var ready = Approved()
            .Apply(c => c.ConfirmReadiness([ReadinessItem.StockConfirmed, ReadinessItem.LogisticsConfirmed], Planner, At(9, 5), "warehouse ok"))
            .Apply(c => c.ConfirmReadiness([ReadinessItem.LoadTestDone], Editor, At(9, 6), "12k rps sustained"));

        var report = ReadinessGate.Check(ready);

        Assert.True(report.IsReady);
        Assert.False(report.IsOverridden);
        Assert.Equal(new ReadinessConfirmation(ReadinessItem.LoadTestDone, "editor-eve", At(9, 6), "12k rps sustained"),
            ready.Readiness.Confirmations.Single(c => c.Item == ReadinessItem.LoadTestDone));
    }

    [Fact]
    public void Confirming_an_item_twice_changes_nothing()
    {
        var confirmed = Approved().Apply(c => c.ConfirmReadiness([ReadinessItem.StockConfirmed], Planner, At(9, 5), null));

        Assert.True(confirmed.ConfirmReadiness([ReadinessItem.StockConfirmed], Planner, At(9, 6), null).GetValueOrThrow().IsNoOp);
    }

    [Fact]
    public void Editing_the_plan_clears_readiness_confirmed_for_the_previous_plan()
    {
        var edited = Draft()
            .Apply(c => c.ConfirmReadiness([ReadinessItem.StockConfirmed], Planner, At(9, 1, 10), null))
            .Apply(c => c.Update(Plan() with { Mechanics = [Plan().Mechanics[0]] }, [], Planner, At(9, 1, 11)));

        Assert.Contains(ReadinessItem.StockConfirmed, ReadinessGate.Check(edited).Missing);
    }

    [Fact]
    public void Contingency_owners_are_named_not_ticked()
    {
        var campaign = Approved(contingencyOwners: false);

        var ticked = campaign.ConfirmReadiness([ReadinessItem.ContingencyOwnersNamed], Planner, At(9, 5), null);
        Assert.Equal(ProblemKind.Validation, ticked.Problem!.Kind);

        var named = campaign.Apply(c => c.AssignContingencyOwners(["oncall-carl", "oncall-carl", "oncall-dana"], Planner, At(9, 5)));
        Assert.Equal(["oncall-carl", "oncall-dana"], named.Plan.Owners.ContingencyOwners);
        Assert.DoesNotContain(ReadinessItem.ContingencyOwnersNamed, ReadinessGate.Check(named).Missing);
    }

    [Fact]
    public void An_override_needs_a_reason()
    {
        var result = Approved().OverrideReadiness(Approver, At(9, 9), "  ");

        Assert.Equal(["reason"], result.Problem!.Errors!.Keys);
    }

    [Fact]
    public void An_override_records_actor_reason_and_what_was_missing()
    {
        var change = Approved()
            .Apply(c => c.ConfirmReadiness([ReadinessItem.StockConfirmed, ReadinessItem.LogisticsConfirmed], Planner, At(9, 5), null))
            .OverrideReadiness(Approver, At(9, 9, 23), "load test ran on staging only")
            .GetValueOrThrow();

        var report = ReadinessGate.Check(change.Campaign);
        Assert.True(report.IsReady);
        Assert.True(report.IsOverridden);
        var recorded = change.Campaign.Readiness.Override!;
        Assert.Equal(("load test ran on staging only", "approver-amy", At(9, 9, 23)), (recorded.Reason, recorded.By, recorded.At));
        Assert.Equal([ReadinessItem.LoadTestDone], recorded.MissingAtOverride);
        var audit = Assert.Single(change.Audit);
        Assert.Equal((CampaignAction.OverrideReadiness, "approver-amy", "load test ran on staging only (missing: LoadTestDone)"), (audit.Action, audit.Actor, audit.Comment));
        Assert.Equal(CampaignEventTypes.ReadinessOverridden, Assert.Single(change.Events).Type);
    }

    [Fact]
    public void Nothing_to_override_when_everything_is_ready() =>
        Assert.Equal("already-ready", InState(CampaignState.Scheduled).OverrideReadiness(Approver, At(9, 9), "why not").Problem!.Code);
}
