using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using static EcomFunctions.Domain.Tests.Coupons.Support.CouponTestData;

using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Tests.Coupons;

public class ClaimPolicyTests
{
    private static ClaimDecision Decide(
        CouponDefinition? definition,
        MemberTier? tier = MemberTier.Regular,
        CampaignLiveness? campaign = null,
        ClaimCounters? counters = null,
        DateTimeOffset? now = null) =>
        ClaimPolicy.Decide(definition, tier, campaign, now ?? Now, counters ?? ClaimCounters.None);

    [Fact]
    public void Issues_the_members_tier_benefit_with_its_redemption_window()
    {
        var definition = Active(Tiered((MemberTier.Regular, new FixedAmountBenefit(10m)), (MemberTier.Gold, new FixedAmountBenefit(30m))));
        var decision = Decide(definition, MemberTier.Platinum);
        Assert.True(decision.IsIssue);
        Assert.Equal(new FixedAmountBenefit(30m), decision.Plan!.Benefit);
        Assert.Equal(30m, decision.Plan.FaceValue);
        Assert.Equal(Now, decision.Plan.Window.ValidFrom);
        Assert.Equal(new DateTimeOffset(2025, 3, 16, 16, 0, 0, TimeSpan.Zero), decision.Plan.Window.ValidUntil); // 7 local days
        Assert.Equal(new DateOnly(2025, 3, 10), decision.Plan.LocalDay);
    }

    [Fact]
    public void Unknown_definition_is_refused() => Assert.Equal(ClaimRefusal.DefinitionNotFound, Decide(null).Refusal);

    [Fact]
    public void Draft_definition_is_refused_as_not_active() => Assert.Equal(ClaimRefusal.NotActive, Decide(Draft()).Refusal);

    [Fact]
    public void Retired_definition_is_refused() => Assert.Equal(ClaimRefusal.Retired, Decide(Active().Retire(Now).GetValueOrThrow()).Refusal);

    [Fact]
    public void Claims_after_a_fixed_window_ended_are_refused_as_expired()
    {
        var definition = Active(Terms() with { Validity = new FixedValidityWindow(Now, Now.AddDays(1)) });
        Assert.True(Decide(definition, now: Now.AddDays(1).AddTicks(-1)).IsIssue);
        Assert.Equal(ClaimRefusal.Expired, Decide(definition, now: Now.AddDays(1)).Refusal);
    }

    [Fact]
    public void Claims_before_a_fixed_window_starts_are_allowed_for_preheat()
    {
        var definition = Active(Terms() with { Validity = new FixedValidityWindow(Now.AddDays(3), Now.AddDays(4)) });
        var decision = Decide(definition);
        Assert.True(decision.IsIssue);
        Assert.Equal(Now.AddDays(3), decision.Plan!.Window.ValidFrom);
    }

    [Theory]
    [InlineData(CampaignLiveness.NotLive)]
    [InlineData(CampaignLiveness.Paused)]
    [InlineData(CampaignLiveness.Killed)]
    [InlineData(CampaignLiveness.Ended)]
    public void A_linked_campaign_that_is_not_live_refuses_claims(CampaignLiveness liveness)
    {
        var definition = Active(Terms() with { CampaignId = "c-618" });
        var decision = Decide(definition, campaign: liveness);
        Assert.Equal(ClaimRefusal.CampaignNotLive, decision.Refusal);
        Assert.Contains(liveness.ToString(), decision.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_live_campaign_allows_claims_and_an_unlinked_definition_ignores_campaigns()
    {
        Assert.True(Decide(Active(Terms() with { CampaignId = "c-618" }), campaign: CampaignLiveness.Live).IsIssue);
        Assert.True(Decide(Active(), campaign: CampaignLiveness.Killed).IsIssue);
        Assert.Equal(ClaimRefusal.CampaignNotLive, Decide(Active(Terms() with { CampaignId = "c-618" }), campaign: null).Refusal);
    }

    [Fact]
    public void A_tier_below_the_minimum_is_refused()
    {
        var definition = Active(Tiered((MemberTier.Gold, new FixedAmountBenefit(30m))));
        var decision = Decide(definition, MemberTier.Silver);
        Assert.Equal(ClaimRefusal.TierNotEligible, decision.Refusal);
        Assert.Equal("Requires tier Gold or higher; member is Silver.", decision.Detail);
        Assert.True(Decide(definition, MemberTier.Gold).IsIssue);
    }

    [Fact]
    public void An_unknown_member_is_refused() => Assert.Equal(ClaimRefusal.MemberNotFound, Decide(Active(), tier: null).Refusal);

    [Fact]
    public void Claim_is_rejected_when_member_limit_reached()
    {
        var definition = Active(Terms() with { PerMemberLimit = 2 });
        Assert.True(Decide(definition, counters: new(10, 1, 0, 0m)).IsIssue);
        Assert.Equal(ClaimRefusal.MemberLimitReached, Decide(definition, counters: new(10, 2, 0, 0m)).Refusal);
    }

    [Fact]
    public void Claim_is_rejected_when_sold_out()
    {
        var definition = Active(Terms(quantity: 100));
        Assert.True(Decide(definition, counters: new(99, 0, 0, 0m)).IsIssue);
        Assert.Equal(ClaimRefusal.SoldOut, Decide(definition, counters: new(100, 0, 0, 0m)).Refusal);
    }

    [Fact]
    public void The_budget_allows_face_value_up_to_the_cap_exactly()
    {
        var definition = Active(Terms() with { BudgetCap = 100m });
        Assert.True(Decide(definition, counters: new(4, 0, 0, 80m)).IsIssue); // 80 + 20 = 100
        Assert.Equal(ClaimRefusal.BudgetExhausted, Decide(definition, counters: new(4, 0, 0, 80.01m)).Refusal);
    }

    [Fact]
    public void The_budget_charge_depends_on_the_members_tier()
    {
        var definition = Active(Tiered((MemberTier.Regular, new FixedAmountBenefit(10m)), (MemberTier.Gold, new FixedAmountBenefit(30m))) with { BudgetCap = 100m });
        var counters = new ClaimCounters(5, 0, 0, 80m);
        Assert.True(Decide(definition, MemberTier.Regular, counters: counters).IsIssue); // 90 ≤ 100
        Assert.Equal(ClaimRefusal.BudgetExhausted, Decide(definition, MemberTier.Gold, counters: counters).Refusal); // 110 > 100
    }

    [Fact]
    public void Claim_is_rejected_when_daily_limit_reached_and_says_when_more_come()
    {
        var definition = Active(Terms() with { DailyIssueLimit = 50 });
        Assert.True(Decide(definition, counters: new(60, 0, 49, 0m)).IsIssue);
        var refused = Decide(definition, counters: new(60, 0, 50, 0m));
        Assert.Equal(ClaimRefusal.DailyLimitReached, refused.Refusal);
        Assert.Equal("Today's 50 coupons are gone; more from 2025-03-11 00:00 +08:00.", refused.Detail);
    }

    [Fact]
    public void A_member_at_the_limit_hears_member_limit_rather_than_sold_out()
    {
        var definition = Active(Terms(quantity: 10));
        Assert.Equal(ClaimRefusal.MemberLimitReached, Decide(definition, counters: new(10, 1, 10, 200m)).Refusal);
    }

    [Fact]
    public void Sold_out_and_budget_take_precedence_over_the_daily_limit()
    {
        var definition = Active(Terms(quantity: 10) with { DailyIssueLimit = 5, BudgetCap = 1000m });
        Assert.Equal(ClaimRefusal.SoldOut, Decide(definition, counters: new(10, 0, 5, 200m)).Refusal);
        Assert.Equal(ClaimRefusal.BudgetExhausted, Decide(definition, counters: new(5, 0, 5, 990m)).Refusal);
    }

    [Theory]
    [InlineData(ClaimRefusal.DefinitionNotFound, ProblemKind.NotFound, "definition-not-found")]
    [InlineData(ClaimRefusal.MemberNotFound, ProblemKind.NotFound, "member-not-found")]
    [InlineData(ClaimRefusal.NotActive, ProblemKind.Conflict, "definition-not-active")]
    [InlineData(ClaimRefusal.Retired, ProblemKind.Gone, "definition-retired")]
    [InlineData(ClaimRefusal.Expired, ProblemKind.Gone, "definition-expired")]
    [InlineData(ClaimRefusal.CampaignNotLive, ProblemKind.Locked, "campaign-not-live")]
    [InlineData(ClaimRefusal.TierNotEligible, ProblemKind.Forbidden, "tier-not-eligible")]
    [InlineData(ClaimRefusal.MemberLimitReached, ProblemKind.Conflict, "member-limit")]
    [InlineData(ClaimRefusal.DailyLimitReached, ProblemKind.Conflict, "daily-limit")]
    [InlineData(ClaimRefusal.SoldOut, ProblemKind.Gone, "sold-out")]
    [InlineData(ClaimRefusal.BudgetExhausted, ProblemKind.Gone, "budget-exhausted")]
    [InlineData(ClaimRefusal.IssueKeyReused, ProblemKind.Unprocessable, "issue-key-reused")]
    public void Claim_refusals_map_to_problems(ClaimRefusal refusal, ProblemKind kind, string code)
    {
        var problem = CouponProblems.For(refusal, "detail");
        Assert.Equal(kind, problem.Kind);
        Assert.Equal(code, problem.Code);
        Assert.Equal("detail", problem.Detail);
    }

    [Fact]
    public void Every_refusal_has_its_own_problem_code()
    {
        Assert.Equal(Enum.GetValues<ClaimRefusal>().Length, Enum.GetValues<ClaimRefusal>().Select(r => CouponProblems.For(r).Code).Distinct().Count());
        var redemptionCodes = Enum.GetValues<RedemptionRefusal>().Select(r => CouponProblems.For(r).Code).ToList();
        Assert.Equal(redemptionCodes.Count, redemptionCodes.Distinct().Count());
    }

    [Theory]
    [InlineData(RedemptionRefusal.CouponNotFound, ProblemKind.NotFound, "coupon-not-found")]
    [InlineData(RedemptionRefusal.WrongMember, ProblemKind.Forbidden, "wrong-member")]
    [InlineData(RedemptionRefusal.TierNotEligible, ProblemKind.Forbidden, "tier-not-eligible")]
    [InlineData(RedemptionRefusal.NotYetValid, ProblemKind.Unprocessable, "not-yet-valid")]
    [InlineData(RedemptionRefusal.Expired, ProblemKind.Gone, "coupon-expired")]
    [InlineData(RedemptionRefusal.MinimumSpendNotMet, ProblemKind.Unprocessable, "min-spend-not-met")]
    [InlineData(RedemptionRefusal.NoEligibleItems, ProblemKind.Unprocessable, "no-eligible-items")]
    [InlineData(RedemptionRefusal.NothingToDiscount, ProblemKind.Unprocessable, "nothing-to-discount")]
    [InlineData(RedemptionRefusal.StackingConflict, ProblemKind.Unprocessable, "stacking-conflict")]
    [InlineData(RedemptionRefusal.AlreadyRedeemed, ProblemKind.Conflict, "already-redeemed")]
    [InlineData(RedemptionRefusal.ReservedByAnotherOrder, ProblemKind.Conflict, "coupon-reserved")]
    [InlineData(RedemptionRefusal.NotReserved, ProblemKind.Conflict, "not-reserved")]
    [InlineData(RedemptionRefusal.ReservationNotFound, ProblemKind.NotFound, "reservation-not-found")]
    [InlineData(RedemptionRefusal.DefinitionRetired, ProblemKind.Gone, "definition-retired")]
    [InlineData(RedemptionRefusal.CampaignNotLive, ProblemKind.Locked, "campaign-not-live")]
    public void Redemption_refusals_map_to_problems(RedemptionRefusal refusal, ProblemKind kind, string code)
    {
        var problem = CouponProblems.For(refusal);
        Assert.Equal(kind, problem.Kind);
        Assert.Equal(code, problem.Code);
    }
}
