using EcomFunctions.Domain.Campaigns;
using static EcomFunctions.Domain.Tests.Campaigns.CampaignTestData;

using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Tests.Campaigns;

public sealed class CampaignPlanRulesTests
{
    private static IReadOnlyDictionary<string, string[]> Errors(CampaignPlan plan, CampaignOptions? options = null, CampaignPlanContext? context = null) =>
        Check(plan, options, context).Errors.ToDictionary();

    private static void AssertOnlyError(CampaignPlan plan, string field, string? messagePart = null, CampaignOptions? options = null, CampaignPlanContext? context = null)
    {
        var errors = Errors(plan, options, context);
        Assert.Equal([field], errors.Keys);
        if (messagePart is not null)
        {
            Assert.Contains(errors[field], m => m.Contains(messagePart, StringComparison.Ordinal));
        }
    }

    private static CampaignPlan WithSchedule(Func<CampaignSchedule, CampaignSchedule> change)
    {
        var plan = Plan();
        return plan with { Schedule = change(plan.Schedule) };
    }

    private static CampaignPlan WithMechanic(int index, Mechanic mechanic)
    {
        var plan = Plan();
        var mechanics = plan.Mechanics.ToList();
        if (index < mechanics.Count)
        {
            mechanics[index] = mechanic;
        }
        else
        {
            mechanics.Add(mechanic);
        }

        return plan with { Mechanics = mechanics };
    }

    private static CampaignPlan WithBudget(decimal total, params (BudgetLineKind Line, decimal Amount)[] lines) =>
        Plan() with { Budget = new CampaignBudget { Total = total, Lines = lines.Select(l => new BudgetLine(l.Line, l.Amount)).ToList() } };

    [Fact]
    public void The_reference_plan_is_valid_and_draws_no_warnings()
    {
        var check = Check(Plan());

        Assert.True(check.IsValid, string.Join("; ", check.Errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(",", e.Value)}")));
        Assert.Empty(check.Warnings);
    }

    [Fact]
    public void End_before_start_is_an_error_on_schedule_end() =>
        AssertOnlyError(WithSchedule(s => s with { End = s.Start.AddHours(-1) }), "schedule.end", "after the start");

    [Fact]
    public void End_equal_to_start_is_an_error_on_schedule_end() =>
        AssertOnlyError(WithSchedule(s => s with { End = s.Start }), "schedule.end");

    [Fact]
    public void Missing_start_is_an_error_on_schedule_start() =>
        AssertOnlyError(WithSchedule(s => s with { Start = default, PreheatStart = null }), "schedule.start", "Required");

    [Fact]
    public void Preheat_after_start_is_an_error_on_schedule_preheat_start() =>
        AssertOnlyError(WithSchedule(s => s with { PreheatStart = s.Start.AddMinutes(1) }), "schedule.preheatStart");

    [Fact]
    public void A_campaign_without_preheat_is_valid() =>
        Assert.True(Check(WithSchedule(s => s with { PreheatStart = null })).IsValid);

    [Fact]
    public void An_unknown_time_zone_is_an_error() =>
        AssertOnlyError(WithSchedule(s => s with { TimeZoneId = "Mars/Olympus" }), "schedule.timeZoneId", "Mars/Olympus");

    [Fact]
    public void A_plan_without_time_zone_takes_the_configured_default()
    {
        var plan = WithSchedule(s => s with { TimeZoneId = null });

        Assert.True(Check(plan).IsValid);
        Assert.Equal("Asia/Shanghai", CampaignPlanRules.TimeZoneOf(plan, Options()));
        Assert.Equal("Europe/Berlin", CampaignPlanRules.TimeZoneOf(plan, new CampaignOptions { DefaultTimeZone = "Europe/Berlin" }));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_plan_without_theme_is_rejected(string theme) =>
        AssertOnlyError(Plan() with { Theme = theme }, "theme", "Required");

    [Fact]
    public void A_plan_without_name_is_rejected() =>
        AssertOnlyError(Plan() with { Name = "" }, "name");

    [Fact]
    public void A_name_longer_than_200_characters_is_rejected() =>
        AssertOnlyError(Plan() with { Name = new string('x', 201) }, "name", "200");

    [Fact]
    public void A_goal_without_metric_has_no_measurable_target() =>
        AssertOnlyError(Plan() with { Goal = new CampaignGoal(CampaignGoalType.SalesGrowth, null, 1000m) }, "goal.metric", "measurable");

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_goal_without_positive_target_value_has_no_measurable_target(int? target) =>
        AssertOnlyError(Plan() with { Goal = new CampaignGoal(CampaignGoalType.SalesGrowth, TargetMetric.Sales, target) }, "goal.target", "measurable");

    [Fact]
    public void A_rate_target_above_one_is_rejected() =>
        AssertOnlyError(Plan() with { Goal = new CampaignGoal(CampaignGoalType.SalesGrowth, TargetMetric.ConversionRate, 5m) }, "goal.target", "fraction");

    [Fact]
    public void A_fractional_count_target_is_rejected() =>
        AssertOnlyError(Plan() with { Goal = new CampaignGoal(CampaignGoalType.SalesGrowth, TargetMetric.Orders, 10.5m) }, "goal.target", "whole number");

    [Fact]
    public void A_money_target_with_three_decimals_is_rejected() =>
        AssertOnlyError(Plan() with { Goal = new CampaignGoal(CampaignGoalType.SalesGrowth, TargetMetric.Sales, 10.555m) }, "goal.target", "2 decimal");

    [Fact]
    public void A_rate_target_of_five_percent_is_valid() =>
        Assert.True(Check(Plan() with { Goal = new CampaignGoal(CampaignGoalType.SalesGrowth, TargetMetric.ConversionRate, 0.05m) }).IsValid);

    [Fact]
    public void A_stage_outside_the_campaign_window_is_rejected() =>
        AssertOnlyError(WithSchedule(s => s with { Stages = [new CampaignStage("Main", StageKind.Main, s.Start, s.End.AddHours(1))] }),
            "schedule.stages[0].end", "inside the campaign window");

    [Fact]
    public void A_main_stage_starting_in_preheat_is_rejected() =>
        AssertOnlyError(WithSchedule(s => s with { Stages = [new CampaignStage("Main", StageKind.Main, s.Start.AddHours(-1), s.End)] }),
            "schedule.stages[0].start");

    [Fact]
    public void Overlapping_stages_are_rejected_on_the_later_stage() =>
        AssertOnlyError(WithSchedule(s => s with
        {
            Stages =
            [
                new CampaignStage("Main", StageKind.Main, s.Start, s.Start.AddDays(5)),
                new CampaignStage("Encore", StageKind.Encore, s.Start.AddDays(4), s.End),
            ],
        }), "schedule.stages[1].start", "Overlaps stage 'Main'");

    [Fact]
    public void Adjacent_preheat_main_and_encore_stages_are_valid() =>
        Assert.True(Check(WithSchedule(s => s with
        {
            Stages =
            [
                new CampaignStage("Warm-up", StageKind.Preheat, s.PreheatStart!.Value, s.Start),
                new CampaignStage("Main", StageKind.Main, s.Start, s.Start.AddDays(5)),
                new CampaignStage("Encore", StageKind.Encore, s.Start.AddDays(5), s.End),
            ],
        })).IsValid);

    [Fact]
    public void A_preheat_stage_needs_a_preheat_start() =>
        AssertOnlyError(WithSchedule(s => s with
        {
            PreheatStart = null,
            Stages = [new CampaignStage("Warm-up", StageKind.Preheat, s.Start.AddDays(-1), s.Start)],
        }), "schedule.stages[0].kind", "preheatStart");

    [Fact]
    public void Duplicate_stage_names_are_rejected() =>
        AssertOnlyError(WithSchedule(s => s with
        {
            Stages =
            [
                new CampaignStage("Main", StageKind.Main, s.Start, s.Start.AddDays(1)),
                new CampaignStage("main", StageKind.Encore, s.Start.AddDays(1), s.End),
            ],
        }), "schedule.stages[1].name", "Duplicate");

    [Fact]
    public void Budget_lines_that_do_not_add_up_to_the_total_are_rejected() =>
        AssertOnlyError(WithBudget(100_000m, (BudgetLineKind.Marketing, 60_000m), (BudgetLineKind.Labour, 30_000m), (BudgetLineKind.Contingency, 9_999.99m)),
            "budget.lines", "99999.99, not the total 100000.00");

    [Fact]
    public void Contingency_below_five_percent_of_the_total_is_rejected_on_its_line() =>
        AssertOnlyError(WithBudget(100_000m, (BudgetLineKind.Marketing, 95_000.01m), (BudgetLineKind.Contingency, 4_999.99m)),
            "budget.lines[1].amount", "5000.00");

    [Fact]
    public void Contingency_of_exactly_five_percent_is_enough() =>
        Assert.True(Check(WithBudget(100_000m, (BudgetLineKind.Marketing, 95_000m), (BudgetLineKind.Contingency, 5_000m))).IsValid);

    [Fact]
    public void A_budget_without_contingency_line_is_rejected() =>
        AssertOnlyError(WithBudget(100_000m, (BudgetLineKind.Marketing, 100_000m)), "budget.lines", "Contingency");

    [Fact]
    public void The_contingency_minimum_is_an_option() =>
        AssertOnlyError(Plan(), "budget.lines[5].amount", "10000.00", new CampaignOptions { ContingencyMinimumShare = 0.10m });

    [Fact]
    public void A_negative_budget_line_is_rejected() =>
        AssertOnlyError(WithBudget(100_000m, (BudgetLineKind.Marketing, 105_000m), (BudgetLineKind.Labour, -10_000m), (BudgetLineKind.Contingency, 5_000m)),
            "budget.lines[1].amount");

    [Fact]
    public void A_budget_line_listed_twice_is_rejected() =>
        AssertOnlyError(WithBudget(100_000m, (BudgetLineKind.Marketing, 50_000m), (BudgetLineKind.Marketing, 45_000m), (BudgetLineKind.Contingency, 5_000m)),
            "budget.lines[1].line", "Duplicate");

    [Fact]
    public void A_zero_total_budget_is_rejected() =>
        Assert.Contains("budget.total", Errors(WithBudget(0m)).Keys);

    [Fact]
    public void Variant_weights_must_add_up_to_100() =>
        AssertOnlyError(Plan() with { Variants = [new("A", 50), new("B", 40)] }, "variants", "add up to 90");

    [Fact]
    public void Duplicate_variant_names_are_rejected() =>
        AssertOnlyError(Plan() with { Variants = [new("A", 50), new("A", 50)] }, "variants[1].name", "Duplicate");

    [Fact]
    public void A_zero_variant_weight_is_rejected()
    {
        var errors = Errors(Plan() with { Variants = [new("A", 0), new("B", 100)] });

        Assert.Equal(["variants[0].weight"], errors.Keys);
    }

    [Fact]
    public void A_plan_without_variants_is_valid() =>
        Assert.True(Check(Plan() with { Variants = [] }).IsValid);

    [Fact]
    public void An_unknown_coupon_definition_is_rejected() =>
        AssertOnlyError(WithMechanic(0, new CouponMechanic { Id = "coupon", CouponDefinitionId = "def-missing" }),
            "mechanics[0].couponDefinitionId", "Unknown coupon definition 'def-missing'");

    [Fact]
    public void A_coupon_definition_of_another_campaign_is_rejected()
    {
        var context = new CampaignPlanContext(
            new Dictionary<string, CouponDefinitionSummary> { [CouponDefinitionId] = new(CouponDefinitionId, "spring-2025", 20m) }, []);

        AssertOnlyError(Plan(), "mechanics[0].couponDefinitionId", "belongs to campaign 'spring-2025'", context: context);
    }

    [Fact]
    public void A_coupon_definition_linked_to_this_campaign_is_accepted()
    {
        var context = new CampaignPlanContext(
            new Dictionary<string, CouponDefinitionSummary> { [CouponDefinitionId] = new(CouponDefinitionId, CampaignId, 20m) }, []);

        Assert.True(Check(Plan(), context: context).IsValid);
    }

    [Fact]
    public void A_flash_sale_without_stock_is_rejected_on_its_stock() =>
        AssertOnlyError(WithMechanic(2, new FlashSaleMechanic { Id = "flash", Sku = "SKU-1", FlashPrice = 9.9m, Stock = 0, PerMemberLimit = 1 }),
            "mechanics[2].stock");

    [Fact]
    public void A_flash_sale_per_member_limit_above_stock_is_rejected() =>
        AssertOnlyError(WithMechanic(2, new FlashSaleMechanic { Id = "flash", Sku = "SKU-1", FlashPrice = 9.9m, Stock = 3, PerMemberLimit = 5 }),
            "mechanics[2].perMemberLimit", "cannot exceed the stock");

    [Fact]
    public void A_flash_sale_without_sku_or_price_is_rejected()
    {
        var errors = Errors(WithMechanic(2, new FlashSaleMechanic { Id = "flash", Sku = "", FlashPrice = 0m, Stock = 10 }));

        Assert.Equal(["mechanics[2].flashPrice", "mechanics[2].sku"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Full_reduction_thresholds_must_increase() =>
        AssertOnlyError(WithMechanic(1, new FullReductionMechanic { Id = "full-reduction", Tiers = [new(300m, 30m), new(200m, 40m)] }),
            "mechanics[1].tiers[1].threshold", "increase");

    [Fact]
    public void A_full_reduction_as_large_as_its_threshold_is_rejected() =>
        AssertOnlyError(WithMechanic(1, new FullReductionMechanic { Id = "full-reduction", Tiers = [new(100m, 100m)] }),
            "mechanics[1].tiers[0].reduction", "smaller than the threshold");

    [Fact]
    public void A_full_reduction_without_tiers_is_rejected() =>
        AssertOnlyError(WithMechanic(1, new FullReductionMechanic { Id = "full-reduction" }), "mechanics[1].tiers");

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(-1)]
    public void A_percent_off_outside_0_to_100_is_rejected(int percent) =>
        AssertOnlyError(WithMechanic(3, new PercentOffMechanic { Id = "pct", PercentOff = percent }), "mechanics[3].percentOff");

    [Fact]
    public void A_time_limited_discount_needs_its_own_window() =>
        AssertOnlyError(WithMechanic(3, new TimeLimitedDiscountMechanic { Id = "tld", PercentOff = 15m }), "mechanics[3].window", "own window");

    [Fact]
    public void A_group_buy_needs_two_members_and_a_positive_time_to_form()
    {
        var errors = Errors(WithMechanic(3, new GroupBuyMechanic { Id = "group", Sku = "SKU-2", GroupPrice = 49m, MinimumGroupSize = 1, TimeToForm = TimeSpan.Zero }));

        Assert.Equal(["mechanics[3].minimumGroupSize", "mechanics[3].timeToForm"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_group_buy_time_to_form_longer_than_its_window_is_rejected() =>
        AssertOnlyError(WithMechanic(3, new GroupBuyMechanic
        {
            Id = "group",
            Sku = "SKU-2",
            GroupPrice = 49m,
            MinimumGroupSize = 3,
            TimeToForm = TimeSpan.FromHours(3),
            Window = new TimeWindow(Start, Start.AddHours(2)),
        }), "mechanics[3].timeToForm", "window");

    [Fact]
    public void A_member_exclusive_offer_for_regular_members_is_rejected() =>
        AssertOnlyError(WithMechanic(3, new MemberExclusiveMechanic { Id = "vip", MinimumTier = MemberTier.Regular, PercentOff = 10m }),
            "mechanics[3].minimumTier");

    [Fact]
    public void Points_redemption_share_above_one_is_rejected() =>
        AssertOnlyError(WithMechanic(3, new PointsRedemptionMechanic { Id = "points", PointsPerCurrencyUnit = 100, MaxShareOfOrder = 1.5m }),
            "mechanics[3].maxShareOfOrder");

    [Fact]
    public void A_gift_without_stock_is_rejected() =>
        AssertOnlyError(WithMechanic(3, new GiftWithPurchaseMechanic { Id = "gift", MinimumSpend = 199m, GiftSku = "TOTE", GiftStock = 0, GiftValue = 12m }),
            "mechanics[3].giftStock");

    [Fact]
    public void A_mechanic_window_outside_the_campaign_is_rejected() =>
        AssertOnlyError(WithMechanic(3, new PercentOffMechanic { Id = "pct", PercentOff = 10m, Window = new TimeWindow(PreheatStart.AddHours(-1), Start) }),
            "mechanics[3].window.start", "inside the campaign");

    [Fact]
    public void A_mechanic_window_in_preheat_is_accepted() =>
        Assert.True(Check(WithMechanic(0, new CouponMechanic { Id = "coupon", CouponDefinitionId = CouponDefinitionId, Window = new TimeWindow(PreheatStart, End) })).IsValid);

    [Fact]
    public void Duplicate_mechanic_ids_are_rejected() =>
        AssertOnlyError(WithMechanic(3, new PercentOffMechanic { Id = "flash", PercentOff = 10m, Window = new TimeWindow(Start, Start.AddHours(1)) }),
            "mechanics[3].id", "Duplicate");

    [Fact]
    public void A_mechanic_for_an_unknown_variant_is_rejected() =>
        AssertOnlyError(WithMechanic(0, new CouponMechanic { Id = "coupon", CouponDefinitionId = CouponDefinitionId, Variants = ["C"] }),
            "mechanics[0].variants[0]", "Unknown variant 'C'");

    [Fact]
    public void A_plan_without_channels_is_rejected() =>
        AssertOnlyError(Plan() with { Channels = [] }, "channels");

    [Fact]
    public void A_channel_listed_twice_is_rejected() =>
        AssertOnlyError(Plan() with { Channels = [CampaignChannel.App, CampaignChannel.App] }, "channels[1]", "Duplicate");

    [Fact]
    public void A_plan_without_owners_is_rejected() =>
        AssertOnlyError(Plan() with { Owners = new CampaignOwners { ContingencyOwners = ["oncall-carl"] } }, "owners.owners");

    [Fact]
    public void An_empty_segment_name_is_rejected() =>
        AssertOnlyError(Plan() with { Audience = new CampaignAudience { Segments = ["students", " "] } }, "audience.segments[1]");

    [Theory]
    [InlineData("autumn-2025", true)]
    [InlineData("A_1", true)]
    [InlineData("-leading-dash", false)]
    [InlineData("has/slash", false)]
    [InlineData("has#hash", false)]
    [InlineData("", false)]
    public void Campaign_ids_are_safe_for_table_keys_and_instance_ids(string id, bool valid) =>
        Assert.Equal(valid, CampaignPlanRules.IsValidCampaignId(id));

    [Fact]
    public void Every_error_of_a_bad_plan_is_reported_at_once()
    {
        var plan = Plan() with
        {
            Theme = "",
            Goal = new CampaignGoal(CampaignGoalType.SalesGrowth, null, null),
            Channels = [],
            Variants = [new("A", 30)],
        };

        var errors = Errors(plan);

        Assert.Equal(["channels", "goal.metric", "goal.target", "theme", "variants"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Absent_lists_from_json_input_are_normalised_to_empty_and_then_checked()
    {
        var plan = Plan() with { Channels = null!, Variants = null!, Mechanics = null!, Owners = null!, Goal = null!, Schedule = Plan().Schedule with { TimeZoneId = null, Stages = null! } };

        var normalized = CampaignPlanRules.Normalize(plan, Options());
        var errors = Errors(normalized);

        Assert.Equal("Asia/Shanghai", normalized.Schedule.TimeZoneId);
        Assert.Empty(normalized.Mechanics);
        Assert.Equal(["channels", "goal", "owners.owners"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_invalid_plan_gets_no_warnings() =>
        Assert.Empty(Check(Plan() with { Theme = "", Channels = [CampaignChannel.App] }).Warnings);
}
