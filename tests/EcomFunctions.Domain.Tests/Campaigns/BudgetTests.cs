using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Platform;
using static EcomFunctions.Domain.Tests.Campaigns.CampaignTestData;

namespace EcomFunctions.Domain.Tests.Campaigns;

public sealed class BudgetTests
{
    private static readonly CampaignOptions Defaults = Options();

    private static SpendSummary Spend(params (BudgetLineKind Line, decimal Amount)[] amounts) =>
        SpendSummary.FromEntries(amounts.Select((a, i) => new SpendEntry
        {
            EntryId = $"e{i}",
            CampaignId = CampaignId,
            Line = a.Line,
            Amount = a.Amount,
            At = Start,
            Source = SpendSource.Cost,
        }));

    private static (Campaign Campaign, BudgetCheck Check, CampaignChange Change) Guard(Campaign campaign, SpendSummary spend, CampaignOptions? options = null)
    {
        var check = BudgetGuard.Check(campaign, BudgetStatus.Compute(campaign, spend), options ?? Defaults);
        var change = campaign.ApplyBudgetCheck(check, CampaignActor.System, Start.AddHours(5)).GetValueOrThrow();
        return (change.Campaign, check, change);
    }

    [Fact]
    public void Status_shows_planned_allocated_spent_remaining_variance_and_burn_per_line()
    {
        var status = BudgetStatus.Compute(InState(CampaignState.Live), Spend((BudgetLineKind.Marketing, 30_000m), (BudgetLineKind.PlatformPromotion, 5_000m), (BudgetLineKind.Marketing, 1_500.50m)));

        Assert.Equal(new BudgetLineStatus(BudgetLineKind.Marketing, 60_000m, 0m, 60_000m, 31_500.50m, 28_499.50m, -28_499.50m, 31_500.50m / 60_000m), status.For(BudgetLineKind.Marketing));
        Assert.Equal(0.25m, status.For(BudgetLineKind.PlatformPromotion).Burn);
        Assert.Equal(0m, status.For(BudgetLineKind.Contingency).Burn);
        Assert.Equal(94_000m, status.SpendingAllocated);
        Assert.Equal(36_500.50m, status.SpendingSpent);
        Assert.Equal(36_500.50m / 94_000m, status.SpendingBurn);
        Assert.Equal(Enum.GetValues<BudgetLineKind>(), status.Lines.Select(l => l.Line));
        Assert.Equal("CNY", status.Currency);
    }

    [Fact]
    public void A_line_without_allocation_has_no_burn_rather_than_infinity()
    {
        var plan = Plan() with
        {
            Budget = new CampaignBudget { Total = 10_000m, Lines = [new(BudgetLineKind.Marketing, 9_000m), new(BudgetLineKind.Contingency, 1_000m)] },
        };

        var status = BudgetStatus.Compute(InState(CampaignState.Live, plan), Spend((BudgetLineKind.Labour, 50m)));

        Assert.Null(status.For(BudgetLineKind.Labour).Burn);
        Assert.Equal(50m, status.For(BudgetLineKind.Labour).VarianceToPlan);
    }

    [Fact]
    public void A_coupon_redemption_is_charged_to_marketing_at_face_value_once_per_coupon()
    {
        var entry = SpendEntry.ForCouponRedemption(CampaignId, "cpn-42", 20m, Start, Defaults, "coupon", CampaignChannel.App, "A");

        Assert.Equal(("coupon:cpn-42", BudgetLineKind.Marketing, 20m, SpendSource.CouponRedemption), (entry.EntryId, entry.Line, entry.Amount, entry.Source));
        Assert.Equal(BudgetLineKind.PlatformPromotion,
            SpendEntry.ForCouponRedemption(CampaignId, "cpn-42", 20m, Start, new CampaignOptions { MechanicSpendLine = BudgetLineKind.PlatformPromotion }).Line);
        Assert.True(entry.Validate(InState(CampaignState.Live)).IsEmpty);
    }

    [Fact]
    public void Paid_promotion_goes_to_platform_promotion_unless_it_names_another_line()
    {
        Assert.Equal(BudgetLineKind.PlatformPromotion, SpendEntry.ForPaidPromotion(CampaignId, "ad-7", 800m, Start).Line);
        Assert.Equal(BudgetLineKind.Miscellaneous, SpendEntry.ForPaidPromotion(CampaignId, "kol-3", 800m, Start, CampaignChannel.LiveStream, BudgetLineKind.Miscellaneous).Line);
    }

    [Fact]
    public void Spend_cannot_be_booked_on_contingency_or_be_empty()
    {
        var campaign = InState(CampaignState.Live);
        var entry = SpendEntry.ForPaidPromotion(CampaignId, "ad-7", 800m, Start);

        Assert.Equal(["line"], (entry with { Line = BudgetLineKind.Contingency }).Validate(campaign).ToDictionary().Keys);
        Assert.Equal(["amount"], (entry with { Amount = 0m }).Validate(campaign).ToDictionary().Keys);
        Assert.Equal(["amount"], (entry with { Amount = 1.005m }).Validate(campaign).ToDictionary().Keys);
        Assert.Equal(["mechanicId"], (entry with { MechanicId = "nope" }).Validate(campaign).ToDictionary().Keys);
        Assert.Equal(["variant"], (entry with { Variant = "Z" }).Validate(campaign).ToDictionary().Keys);
        Assert.Equal(["campaignId"], (entry with { CampaignId = "other" }).Validate(campaign).ToDictionary().Keys);
    }

    [Fact]
    public void Spend_adds_up_per_line_channel_and_variant_and_shards_merge_to_the_same_totals()
    {
        SpendEntry[] entries =
        [
            SpendEntry.ForCouponRedemption(CampaignId, "c1", 20m, Start, Defaults, channel: CampaignChannel.App, variant: "A"),
            SpendEntry.ForCouponRedemption(CampaignId, "c2", 20m, Start, Defaults, channel: CampaignChannel.Web, variant: "B"),
            SpendEntry.ForCouponRedemption(CampaignId, "c3", 50m, Start, Defaults, channel: CampaignChannel.App, variant: "A"),
            SpendEntry.ForPaidPromotion(CampaignId, "ad", 300m, Start, CampaignChannel.Social),
        ];

        var whole = SpendSummary.FromEntries(entries);
        var merged = SpendSummary.Merge([SpendSummary.FromEntries(entries[..2]), SpendSummary.FromEntries(entries[2..])]);

        foreach (var summary in new[] { whole, merged })
        {
            Assert.Equal(390m, summary.Total);
            Assert.Equal(90m, summary.SpentOn(BudgetLineKind.Marketing));
            Assert.Equal(300m, summary.SpentOn(BudgetLineKind.PlatformPromotion));
            Assert.Equal(70m, summary.ByChannel[CampaignChannel.App]);
            Assert.Equal(300m, summary.ByChannel[CampaignChannel.Social]);
            Assert.Equal(70m, summary.ByVariant["A"]);
            Assert.Equal(20m, summary.ByVariant["B"]);
        }
    }

    [Fact]
    public void No_alert_below_80_percent()
    {
        var (_, check, change) = Guard(InState(CampaignState.Live), Spend((BudgetLineKind.Marketing, 47_999.99m)));

        Assert.Empty(check.NewAlerts);
        Assert.True(change.IsNoOp);
    }

    [Fact]
    public void Eighty_percent_of_a_line_raises_one_alert_and_only_once()
    {
        var live = InState(CampaignState.Live);

        var (alerted, check, change) = Guard(live, Spend((BudgetLineKind.Marketing, 48_000m)));

        var alert = Assert.Single(check.NewAlerts);
        Assert.Equal(("Marketing", 0.80m, 0.8m, "Marketing@80"), (alert.Scope, alert.Threshold, alert.Burn, alert.Key));
        Assert.Equal(["Marketing@80"], alerted.RaisedBudgetAlerts);
        var @event = Assert.Single(change.Events);
        Assert.Equal(CampaignEventTypes.BudgetAlert, @event.Type);
        Assert.Contains("\"scope\":\"Marketing\"", @event.DataJson, StringComparison.Ordinal);
        Assert.Equal("budget Marketing at 80 % (48000.00 of 60000.00), threshold 80 %", Assert.Single(change.Audit).Comment);

        var (_, again, noChange) = Guard(alerted, Spend((BudgetLineKind.Marketing, 51_000m)));
        Assert.Empty(again.NewAlerts);
        Assert.True(noChange.IsNoOp);
    }

    [Fact]
    public void An_alert_re_arms_when_a_reallocation_brings_the_burn_back_below_its_threshold()
    {
        var spend = Spend((BudgetLineKind.Marketing, 51_000m));
        var (alerted, _, _) = Guard(InState(CampaignState.Live), spend);
        var topped = alerted.Apply(c => c.ReallocateBudget(BudgetLineKind.Contingency, BudgetLineKind.Marketing, 6_000m, "strong demand",
            BudgetStatus.Compute(c, spend), Planner, Start.AddHours(6)));

        var (rearmed, check, _) = Guard(topped, spend);
        Assert.Equal(["Marketing@80"], check.Rearmed);
        Assert.Empty(rearmed.RaisedBudgetAlerts);

        var (_, crossedAgain, _) = Guard(rearmed, Spend((BudgetLineKind.Marketing, 52_800m)));
        Assert.Equal("Marketing@80", Assert.Single(crossedAgain.NewAlerts).Key);
    }

    [Fact]
    public void An_exhausted_marketing_line_pauses_every_spending_mechanic()
    {
        var plan = Plan() with { Mechanics = [.. Plan().Mechanics, new PointsRedemptionMechanic { Id = "points", PointsPerCurrencyUnit = 100, MaxShareOfOrder = 0.5m }] };
        var live = InState(CampaignState.Live, plan);

        var (paused, check, change) = Guard(live, Spend((BudgetLineKind.Marketing, 60_000m)));

        Assert.True(check.IsExhausted);
        Assert.True(check.PauseSpendingMechanics);
        Assert.Equal(["Marketing@80", "Marketing@100"], check.NewAlerts.Select(a => a.Key));
        Assert.True(check.NewAlerts[1].IsExhaustion);
        Assert.Equal(["coupon", "full-reduction", "flash"], paused.PausedMechanics.Select(p => p.MechanicId));
        Assert.All(paused.PausedMechanics, p => Assert.Equal(MechanicPauseSource.Budget, p.Source));
        Assert.False(paused.IsMechanicPaused("points"));
        Assert.Equal(CampaignState.Live, paused.State);
        Assert.Equal(live.Version + 1, paused.Version);
        Assert.Equal(
            [CampaignEventTypes.BudgetAlert, CampaignEventTypes.BudgetAlert, CampaignEventTypes.MechanicPaused, CampaignEventTypes.MechanicPaused, CampaignEventTypes.MechanicPaused],
            change.Events.Select(e => e.Type));
        Assert.Equal([0, 1, 2, 3, 4], change.Audit.Select(a => a.Sequence));
        Assert.Equal(5, change.Events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public void Reallocating_contingency_resumes_the_mechanics_the_budget_paused_but_not_the_operators()
    {
        var spend = Spend((BudgetLineKind.Marketing, 60_000m));
        var live = InState(CampaignState.Live).Apply(c => c.PauseMechanic("flash", MechanicPauseSource.Operator, "stock recount", Planner, Start.AddHours(1)));
        var (paused, _, _) = Guard(live, spend);
        Assert.Equal(3, paused.PausedMechanics.Count);

        var topped = paused.Apply(c => c.ReallocateBudget(BudgetLineKind.Contingency, BudgetLineKind.Marketing, 6_000m, "keep the coupons running",
            BudgetStatus.Compute(c, spend), Planner, Start.AddHours(6)));
        var (resumed, check, change) = Guard(topped, spend);

        Assert.False(check.IsExhausted);
        Assert.True(check.ResumeBudgetPausedMechanics);
        Assert.Equal(["Marketing@100"], check.Rearmed);
        Assert.Equal(["Marketing@80"], resumed.RaisedBudgetAlerts);
        var stillPaused = Assert.Single(resumed.PausedMechanics);
        Assert.Equal(("flash", MechanicPauseSource.Operator), (stillPaused.MechanicId, stillPaused.Source));
        Assert.Equal([CampaignEventTypes.MechanicResumed, CampaignEventTypes.MechanicResumed], change.Events.Select(e => e.Type));
    }

    [Fact]
    public void Overspending_other_lines_exhausts_the_total_and_pauses_mechanics()
    {
        var (_, check, _) = Guard(InState(CampaignState.Live), Spend((BudgetLineKind.Marketing, 44_000m), (BudgetLineKind.PlatformPromotion, 50_000m)));

        Assert.True(check.IsExhausted);
        Assert.Contains(check.NewAlerts, a => a.Key == "total@100");
        Assert.Contains(check.NewAlerts, a => a.Key == "PlatformPromotion@100");
        Assert.DoesNotContain(check.NewAlerts, a => a.Key == "Marketing@80");
        Assert.True(check.PauseSpendingMechanics);
    }

    [Fact]
    public void Spending_on_a_line_with_nothing_allocated_alerts_without_pausing_mechanics()
    {
        var plan = Plan() with
        {
            Budget = new CampaignBudget { Total = 10_000m, Lines = [new(BudgetLineKind.Marketing, 9_000m), new(BudgetLineKind.Contingency, 1_000m)] },
        };

        var (_, check, _) = Guard(InState(CampaignState.Live, plan), Spend((BudgetLineKind.Miscellaneous, 10m)));

        Assert.Equal(["Miscellaneous@80", "Miscellaneous@100"], check.NewAlerts.Select(a => a.Key));
        Assert.Null(check.NewAlerts[0].Burn);
        Assert.False(check.PauseSpendingMechanics);
    }

    [Fact]
    public void The_alert_threshold_is_an_option()
    {
        var (_, check, _) = Guard(InState(CampaignState.Live), Spend((BudgetLineKind.Marketing, 30_000m)), new CampaignOptions { BudgetAlertThreshold = 0.5m });

        Assert.Equal("Marketing@50", Assert.Single(check.NewAlerts).Key);
    }

    [Fact]
    public void A_reallocation_is_audited_and_may_draw_contingency_below_its_planning_minimum()
    {
        var live = InState(CampaignState.Live);

        var change = live.ReallocateBudget(BudgetLineKind.Contingency, BudgetLineKind.Marketing, 6_000m, "coupons selling fast",
            BudgetStatus.Compute(live, SpendSummary.Empty), Planner, Start.AddHours(3)).GetValueOrThrow();

        Assert.Equal(66_000m, change.Campaign.AllocatedFor(BudgetLineKind.Marketing));
        Assert.Equal(0m, change.Campaign.AllocatedFor(BudgetLineKind.Contingency));
        Assert.Equal(new BudgetReallocation(BudgetLineKind.Contingency, BudgetLineKind.Marketing, 6_000m, "coupons selling fast", "planner-pat", Start.AddHours(3)),
            Assert.Single(change.Campaign.Reallocations));
        Assert.Equal("6000.00 Contingency -> Marketing: coupons selling fast", Assert.Single(change.Audit).Comment);
        Assert.Equal(CampaignEventTypes.BudgetReallocated, Assert.Single(change.Events).Type);
        var status = BudgetStatus.Compute(change.Campaign, SpendSummary.Empty);
        Assert.Equal((60_000m, 6_000m, 66_000m), (status.For(BudgetLineKind.Marketing).Planned, status.For(BudgetLineKind.Marketing).Reallocated, status.For(BudgetLineKind.Marketing).Allocated));
        Assert.Equal(-6_000m, status.For(BudgetLineKind.Contingency).Reallocated);
    }

    [Fact]
    public void A_line_cannot_give_away_money_it_has_already_spent()
    {
        var live = InState(CampaignState.Live);
        var status = BudgetStatus.Compute(live, Spend((BudgetLineKind.Labour, 4_000m)));

        var tooMuch = live.ReallocateBudget(BudgetLineKind.Labour, BudgetLineKind.Marketing, 1_000.01m, "x", status, Planner, Start);
        Assert.Equal((ProblemKind.Conflict, "insufficient-budget-line"), (tooMuch.Problem!.Kind, tooMuch.Problem.Code));
        Assert.True(live.ReallocateBudget(BudgetLineKind.Labour, BudgetLineKind.Marketing, 1_000m, "x", status, Planner, Start).IsSuccess);
    }

    [Fact]
    public void A_reallocation_needs_two_lines_a_positive_amount_and_a_reason()
    {
        var live = InState(CampaignState.Live);
        var status = BudgetStatus.Compute(live, SpendSummary.Empty);

        var result = live.ReallocateBudget(BudgetLineKind.Marketing, BudgetLineKind.Marketing, 0m, "", status, Planner, Start);

        Assert.Equal(["amount", "reason", "to"], result.Problem!.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_draft_budget_is_edited_not_reallocated() =>
        Assert.Equal("invalid-transition",
            Draft().ReallocateBudget(BudgetLineKind.Contingency, BudgetLineKind.Marketing, 1m, "x", BudgetStatus.Compute(Draft(), SpendSummary.Empty), Planner, Start).Problem!.Code);
}
