using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using static EcomFunctions.Domain.Tests.Coupons.Support.CouponTestData;

using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Tests.Coupons;

public class CouponDefinitionTests
{
    [Fact]
    public void Valid_terms_create_a_draft()
    {
        var definition = CouponDefinition.Create("cd-1", Terms(), Now).GetValueOrThrow();
        Assert.Equal(CouponDefinitionState.Draft, definition.State);
        Assert.Equal(Now, definition.CreatedAt);
        Assert.Equal("Asia/Shanghai", definition.TimeZone.Id);
        Assert.Equal(MemberTier.Regular, definition.MinimumTier);
    }

    [Fact]
    public void Invalid_terms_are_rejected_with_every_field_error()
    {
        var terms = Terms() with
        {
            Name = " ",
            TotalQuantity = 0,
            PerMemberLimit = 0,
            DailyIssueLimit = 0,
            MinimumSpend = -1m,
            StackingGroup = "has space",
            CampaignId = "bad/id",
            TimeZoneId = "Mars/Olympus",
        };
        var result = CouponDefinition.Create("cd-1", terms, Now);
        Assert.Equal(ProblemKind.Validation, result.Problem?.Kind);
        Assert.Equal(
            ["campaignId", "dailyIssueLimit", "minimumSpend", "name", "perMemberLimit", "stackingGroup", "timeZoneId", "totalQuantity"],
            result.Problem!.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Invalid_id_is_rejected() =>
        Assert.Equal("id", CouponDefinition.Create("has/slash", Terms(), Now).Problem?.Errors?.Keys.Single());

    [Fact]
    public void A_tier_inherits_the_benefit_of_the_nearest_lower_tier_and_the_lowest_set_tier_is_the_minimum()
    {
        var definition = Draft(Tiered((MemberTier.Silver, new FixedAmountBenefit(10m)), (MemberTier.Platinum, new FixedAmountBenefit(30m))));
        Assert.Equal(MemberTier.Silver, definition.MinimumTier);
        Assert.Null(definition.BenefitFor(MemberTier.Regular));
        Assert.Equal(new FixedAmountBenefit(10m), definition.BenefitFor(MemberTier.Silver));
        Assert.Equal(new FixedAmountBenefit(10m), definition.BenefitFor(MemberTier.Gold));
        Assert.Equal(new FixedAmountBenefit(30m), definition.BenefitFor(MemberTier.Platinum));
        Assert.Equal(new FixedAmountBenefit(30m), definition.BenefitFor(MemberTier.Diamond));
        Assert.False(definition.IsEligible(MemberTier.Regular));
        Assert.True(definition.IsEligible(MemberTier.Diamond));
        Assert.Equal([10m, 30m], definition.FaceValues);
    }

    [Fact]
    public void A_higher_tier_must_not_get_less_than_a_lower_tier()
    {
        var result = CouponDefinition.Create("cd-1", Tiered((MemberTier.Regular, new FixedAmountBenefit(20m)), (MemberTier.Gold, new FixedAmountBenefit(10m))), Now);
        Assert.Contains("tierBenefits.Gold", result.Problem!.Errors!.Keys);
    }

    [Fact]
    public void A_higher_percent_tier_must_have_at_least_the_lower_percentage_and_cap()
    {
        var lowerCap = Tiered((MemberTier.Regular, new PercentBenefit(10m, 50m)), (MemberTier.Gold, new PercentBenefit(15m, 40m)));
        var fine = Tiered((MemberTier.Regular, new PercentBenefit(10m, 50m)), (MemberTier.Gold, new PercentBenefit(15m, 80m)));
        Assert.Contains("tierBenefits.Gold", CouponDefinition.Create("cd-1", lowerCap, Now).Problem!.Errors!.Keys);
        Assert.True(CouponDefinition.Create("cd-1", fine, Now).IsSuccess);
    }

    [Fact]
    public void A_higher_full_reduction_tier_must_give_at_least_as_much_at_every_lower_threshold()
    {
        var lower = new FullReductionBenefit([new(200m, 20m), new(400m, 50m)]);
        var generous = new FullReductionBenefit([new(150m, 20m), new(400m, 60m)]);
        var stingyAt400 = new FullReductionBenefit([new(200m, 30m), new(500m, 60m)]); // at 400 gives 30 < 50
        Assert.True(CouponDefinition.Create("cd-1", Tiered((MemberTier.Regular, lower), (MemberTier.Gold, generous)), Now).IsSuccess);
        Assert.Contains("tierBenefits.Gold", CouponDefinition.Create("cd-1", Tiered((MemberTier.Regular, lower), (MemberTier.Gold, stingyAt400)), Now).Problem!.Errors!.Keys);
    }

    [Fact]
    public void A_benefit_of_another_kind_than_the_definition_is_rejected()
    {
        var terms = Terms() with { Kind = CouponKind.Percent };
        Assert.Contains("tierBenefits.Regular", CouponDefinition.Create("cd-1", terms, Now).Problem!.Errors!.Keys);
    }

    [Fact]
    public void At_least_one_tier_benefit_is_required() =>
        Assert.Contains("tierBenefits", CouponDefinition.Create("cd-1", Terms() with { TierBenefits = new Dictionary<MemberTier, CouponBenefit>() }, Now).Problem!.Errors!.Keys);

    [Fact]
    public void A_budget_cap_below_one_coupons_face_value_is_rejected()
    {
        Assert.Contains("budgetCap", CouponDefinition.Create("cd-1", Terms() with { BudgetCap = 19.99m }, Now).Problem!.Errors!.Keys);
        Assert.True(CouponDefinition.Create("cd-1", Terms() with { BudgetCap = 20m }, Now).IsSuccess);
    }

    [Fact]
    public void A_fixed_window_must_end_after_it_starts_and_in_the_future()
    {
        var backwards = Terms() with { Validity = new FixedValidityWindow(Now.AddDays(2), Now.AddDays(1)) };
        var over = Terms() with { Validity = new FixedValidityWindow(Now.AddDays(-3), Now.AddDays(-1)) };
        Assert.Contains("validity.validUntil", CouponDefinition.Create("cd-1", backwards, Now).Problem!.Errors!.Keys);
        Assert.Contains("validity.validUntil", CouponDefinition.Create("cd-1", over, Now).Problem!.Errors!.Keys);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3661)]
    public void Days_after_issue_must_be_within_bounds(int days) =>
        Assert.Contains("validity.days", CouponDefinition.Create("cd-1", Terms() with { Validity = new ValidDaysAfterIssue(days) }, Now).Problem!.Errors!.Keys);

    [Fact]
    public void Scope_entries_are_validated()
    {
        var terms = Terms() with { Scope = new CouponScope(categories: [""], skus: [new string('x', 65)]) };
        var keys = CouponDefinition.Create("cd-1", terms, Now).Problem!.Errors!.Keys;
        Assert.Contains("scope.categories", keys);
        Assert.Contains("scope.skus", keys);
    }

    [Fact]
    public void Activation_moves_a_draft_to_active_and_is_idempotent()
    {
        var active = Draft().Activate(Now.AddMinutes(1)).GetValueOrThrow();
        Assert.Equal(CouponDefinitionState.Active, active.State);
        Assert.Equal(Now.AddMinutes(1), active.ActivatedAt);
        Assert.Same(active, active.Activate(Now.AddMinutes(2)).GetValueOrThrow());
    }

    [Fact]
    public void Activation_is_refused_once_the_fixed_window_has_ended()
    {
        var draft = Draft(Terms() with { Validity = new FixedValidityWindow(Now, Now.AddDays(1)) });
        var result = draft.Activate(Now.AddDays(1));
        Assert.Equal("validity-ended", result.Problem?.Code);
    }

    [Fact]
    public void Retiring_is_final_and_idempotent()
    {
        var retired = Active().Retire(Now.AddHours(1)).GetValueOrThrow();
        Assert.Equal(CouponDefinitionState.Retired, retired.State);
        Assert.Same(retired, retired.Retire(Now.AddHours(2)).GetValueOrThrow());
        Assert.Equal("definition-retired", retired.Activate(Now).Problem?.Code);
        Assert.Equal("definition-retired", retired.Revise(Terms() with { Name = "x" }, Now).Problem?.Code);
        Assert.Equal(CouponDefinitionState.Retired, Draft().Retire(Now).GetValueOrThrow().State);
    }

    [Fact]
    public void A_draft_may_change_every_term()
    {
        var changed = Terms(new PercentBenefit(10m, 30m), quantity: 5) with { PerMemberLimit = 3, DailyIssueLimit = 2, StackingGroup = "platform", CampaignId = "c-1" };
        var revised = Draft().Revise(changed, Now.AddMinutes(5)).GetValueOrThrow();
        Assert.Equal(changed, revised.Terms);
        Assert.Equal(CouponDefinitionState.Draft, revised.State);
        Assert.Equal(Now.AddMinutes(5), revised.UpdatedAt);
    }

    [Fact]
    public void An_active_definition_may_be_renamed_extended_and_raised()
    {
        var active = Active(Terms() with { BudgetCap = 1000m, Validity = new FixedValidityWindow(Now, Now.AddDays(10)) });
        var allowed = active.Terms with
        {
            Name = "Spring 20 off (extended)",
            TotalQuantity = 500,
            BudgetCap = 5000m,
            Validity = new FixedValidityWindow(Now, Now.AddDays(20)),
        };
        var revised = active.Revise(allowed, Now).GetValueOrThrow();
        Assert.Equal(500, revised.Terms.TotalQuantity);
        Assert.Equal(CouponDefinitionState.Active, revised.State);
    }

    [Fact]
    public void An_active_relative_validity_may_only_grow()
    {
        var active = Active();
        Assert.True(active.Revise(active.Terms with { Validity = new ValidDaysAfterIssue(14) }, Now).IsSuccess);
        Assert.Contains("validity", active.Revise(active.Terms with { Validity = new ValidDaysAfterIssue(3) }, Now).Problem!.Errors!.Keys);
        Assert.Contains("validity", active.Revise(active.Terms with { Validity = new FixedValidityWindow(Now, Now.AddDays(30)) }, Now).Problem!.Errors!.Keys);
    }

    [Theory]
    [MemberData(nameof(ForbiddenActiveChanges))]
    public void An_active_definition_refuses_other_changes_naming_the_field(string field, Func<CouponTerms, CouponTerms> change)
    {
        var active = Active(Terms() with { BudgetCap = 1000m, Validity = new FixedValidityWindow(Now, Now.AddDays(10)) });
        var result = active.Revise(change(active.Terms), Now);
        Assert.Equal(ProblemKind.Conflict, result.Problem?.Kind);
        Assert.Equal("definition-active", result.Problem!.Code);
        Assert.Equal([field], result.Problem.Errors!.Keys);
    }

    public static TheoryData<string, Func<CouponTerms, CouponTerms>> ForbiddenActiveChanges() => new()
    {
        { "tierBenefits", t => t with { TierBenefits = CouponTerms.ForAllTiers(new FixedAmountBenefit(25m)) } },
        { "minimumSpend", t => t with { MinimumSpend = 100m } },
        { "validity", t => t with { Validity = new FixedValidityWindow(Now, Now.AddDays(5)) } },
        { "validity", t => t with { Validity = new FixedValidityWindow(Now.AddDays(1), Now.AddDays(20)) } },
        { "totalQuantity", t => t with { TotalQuantity = 99 } },
        { "perMemberLimit", t => t with { PerMemberLimit = 2 } },
        { "dailyIssueLimit", t => t with { DailyIssueLimit = 10 } },
        { "budgetCap", t => t with { BudgetCap = 999m } },
        { "budgetCap", t => t with { BudgetCap = null } },
        { "stackingGroup", t => t with { StackingGroup = "other" } },
        { "campaignId", t => t with { CampaignId = "c-9" } },
        { "timeZoneId", t => t with { TimeZoneId = "Asia/Tokyo" } },
        { "scope", t => t with { Scope = new CouponScope(categories: ["shoes"]) } },
    };

    [Fact]
    public void Revising_with_identical_terms_returns_the_same_instance()
    {
        var active = Active();
        var same = active.Terms with { TierBenefits = CouponTerms.ForAllTiers(new FixedAmountBenefit(20m)), Scope = new CouponScope() };
        Assert.Same(active, active.Revise(same, Now.AddHours(1)).GetValueOrThrow());
    }

    [Fact]
    public void Terms_compare_by_value_including_benefits_and_scope()
    {
        var a = Terms(new FullReductionBenefit([new(200m, 20m)])) with { Scope = new CouponScope(["b", "a"]) };
        var b = Terms(new FullReductionBenefit([new(200m, 20m)])) with { Scope = new CouponScope(["a", "b", "a"]) };
        Assert.Equal(a, b);
        Assert.NotEqual(a, b with { Scope = new CouponScope(["a"]) });
    }

    [Fact]
    public void Restore_rebuilds_a_stored_definition_and_rejects_corrupt_terms()
    {
        var restored = CouponDefinition.Restore("cd-1", Terms(), CouponDefinitionState.Active, Now, Now, Now, null);
        Assert.Equal(CouponDefinitionState.Active, restored.State);
        Assert.Throws<InvalidOperationException>(() => CouponDefinition.Restore("cd-1", Terms() with { TotalQuantity = -1 }, CouponDefinitionState.Active, Now, Now, Now, null));
    }

    [Fact]
    public void Effective_minimum_spend_includes_the_first_full_reduction_threshold()
    {
        var definition = Draft(Terms(new FullReductionBenefit([new(200m, 20m)])) with { MinimumSpend = 100m });
        Assert.Equal(200m, definition.EffectiveMinimumSpend(definition.BenefitFor(MemberTier.Regular)!));
        var withHigherMinimum = Draft(Terms(new FullReductionBenefit([new(200m, 20m)])) with { MinimumSpend = 300m });
        Assert.Equal(300m, withHigherMinimum.EffectiveMinimumSpend(withHigherMinimum.BenefitFor(MemberTier.Regular)!));
    }
}
