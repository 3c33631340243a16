using EcomFunctions.Domain.Campaigns;
using static EcomFunctions.Domain.Tests.Campaigns.CampaignTestData;

using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Tests.Campaigns;

public sealed class CampaignWarningTests
{
    private static IReadOnlyList<CampaignWarning> Warnings(CampaignPlan plan, CampaignOptions? options = null, CampaignPlanContext? context = null)
    {
        var check = Check(plan, options, context);
        Assert.True(check.IsValid, string.Join("; ", check.Errors.ToDictionary().Keys));
        return check.Warnings;
    }

    private static CampaignPlan Between(DateTimeOffset start, DateTimeOffset end, string timeZone = "Asia/Shanghai", IReadOnlyList<string>? contingencyOwners = null)
    {
        var plan = Plan();
        return plan with
        {
            Schedule = new CampaignSchedule { Start = start, End = end, TimeZoneId = timeZone },
            Mechanics = [plan.Mechanics[0], plan.Mechanics[1]],
            Owners = plan.Owners with { ContingencyOwners = contingencyOwners ?? plan.Owners.ContingencyOwners },
        };
    }

    private static PercentOffMechanic PercentOff(string id, DateTimeOffset from, DateTimeOffset to) =>
        new() { Id = id, PercentOff = 10m, Window = new TimeWindow(from, to) };

    [Fact]
    public void A_single_channel_draws_a_warning_but_stays_valid()
    {
        var warning = Assert.Single(Warnings(Plan() with { Channels = [CampaignChannel.MiniProgram] }));

        Assert.Equal(CampaignWarningCodes.SingleChannel, warning.Code);
        Assert.Equal("channels", warning.Field);
        Assert.Contains("MiniProgram", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Four_mechanics_live_at_the_same_moment_draw_a_warning()
    {
        // coupon and full reduction run all campaign, flash 20:00-02:00; a fourth overlapping the flash sale makes 4.
        var plan = Plan() with { Mechanics = [.. Plan().Mechanics, PercentOff("pct", At(9, 10, 22), At(9, 11, 1))] };

        var warning = Assert.Single(Warnings(plan));

        Assert.Equal(CampaignWarningCodes.TooManyLiveMechanics, warning.Code);
        Assert.StartsWith("4 mechanics are live at once (from 2025-09-10 14:00:00Z)", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Four_mechanics_whose_windows_do_not_overlap_draw_no_warning()
    {
        // The fourth starts exactly when the flash sale ends: windows are half-open, so at most 3 are live at once.
        var plan = Plan() with { Mechanics = [.. Plan().Mechanics, PercentOff("pct", At(9, 11, 2), At(9, 12))] };

        Assert.Empty(Warnings(plan));
        Assert.Equal(3, CampaignPlanRules.MostMechanicsLiveAtOnce(plan.Mechanics, plan.Schedule).Count);
    }

    [Fact]
    public void The_live_mechanics_limit_is_an_option()
    {
        var plan = Plan() with { Mechanics = [.. Plan().Mechanics, PercentOff("pct", At(9, 10, 22), At(9, 11, 1))] };

        Assert.Empty(Warnings(plan, new CampaignOptions { MaxLiveMechanics = 4 }));
    }

    [Fact]
    public void A_flash_sale_longer_than_24_hours_draws_a_warning()
    {
        var plan = Plan();
        var flash = (FlashSaleMechanic)plan.Mechanics[2] with { Window = new TimeWindow(At(9, 10, 20), At(9, 11, 21)) };

        var warning = Assert.Single(Warnings(plan with { Mechanics = [plan.Mechanics[0], plan.Mechanics[1], flash] }));

        Assert.Equal(CampaignWarningCodes.LongFlashSale, warning.Code);
        Assert.Equal("mechanics[2].window", warning.Field);
        Assert.Contains("runs 25 h", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flash_sale_of_exactly_24_hours_draws_no_warning()
    {
        var plan = Plan();
        var flash = (FlashSaleMechanic)plan.Mechanics[2] with { Window = new TimeWindow(At(9, 10, 20), At(9, 11, 20)) };

        Assert.Empty(Warnings(plan with { Mechanics = [plan.Mechanics[0], plan.Mechanics[1], flash] }));
    }

    [Fact]
    public void A_flash_sale_on_the_default_window_runs_as_long_as_the_campaign()
    {
        var plan = Plan();
        var flash = (FlashSaleMechanic)plan.Mechanics[2] with { Window = null };

        Assert.Contains(Warnings(plan with { Mechanics = [plan.Mechanics[0], flash] }), w => w.Code == CampaignWarningCodes.LongFlashSale && w.Message.Contains("168 h", StringComparison.Ordinal));
    }

    [Fact]
    public void A_campaign_longer_than_35_days_draws_a_warning()
    {
        var warning = Assert.Single(Warnings(Between(At(8, 1), At(9, 5, 0, 1))));

        Assert.Equal(CampaignWarningCodes.LongCampaign, warning.Code);
        Assert.Equal("schedule.end", warning.Field);
    }

    [Fact]
    public void A_campaign_of_exactly_35_days_draws_no_warning() =>
        Assert.Empty(Warnings(Between(At(8, 1), At(9, 5))));

    [Fact]
    public void Overlapping_double_11_asks_for_a_load_test_and_contingency_owners()
    {
        var warning = Assert.Single(Warnings(Between(At(11, 10), At(11, 12), contingencyOwners: [])));

        Assert.Equal(CampaignWarningCodes.PeakDateOverlap, warning.Code);
        Assert.Contains("Double 11 2025", warning.Message, StringComparison.Ordinal);
        Assert.Contains("load test", warning.Message, StringComparison.Ordinal);
        Assert.Contains("name contingency owners", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_campaign_ending_at_the_midnight_double_11_begins_does_not_overlap_it() =>
        Assert.Empty(Warnings(Between(At(11, 8), At(11, 11))));

    [Fact]
    public void Peak_dates_are_local_days_in_the_campaign_time_zone()
    {
        // 2025-11-10 16:30Z to 23:00Z is 11-11 00:30 to 07:00 in Shanghai, but still 11-10 in UTC.
        var start = new DateTimeOffset(2025, 11, 10, 16, 30, 0, TimeSpan.Zero);
        var end = new DateTimeOffset(2025, 11, 10, 23, 0, 0, TimeSpan.Zero);

        Assert.Contains(Warnings(Between(start, end, "Asia/Shanghai")), w => w.Code == CampaignWarningCodes.PeakDateOverlap);
        Assert.DoesNotContain(Warnings(Between(start, end, "Etc/UTC")), w => w.Code == CampaignWarningCodes.PeakDateOverlap);
    }

    [Fact]
    public void Spring_festival_moves_with_the_lunar_calendar()
    {
        Assert.Contains(Warnings(Between(At(2, 10, year: 2026), At(2, 12, year: 2026))),
            w => w.Code == CampaignWarningCodes.PeakDateOverlap && w.Message.Contains("Spring Festival 2026", StringComparison.Ordinal));
        Assert.Empty(Warnings(Between(At(2, 10, year: 2025), At(2, 12, year: 2025))));
    }

    [Fact]
    public void Configured_peak_dates_replace_the_defaults()
    {
        var options = new CampaignOptions { PeakDates = [new PeakDateWindow("Member day", new DateOnly(2025, 9, 12), new DateOnly(2025, 9, 12))] };

        var september = Assert.Single(Warnings(Plan(), options));
        Assert.Contains("Member day", september.Message, StringComparison.Ordinal);
        Assert.Contains("confirm contingency owners", september.Message, StringComparison.Ordinal);
        Assert.Empty(Warnings(Between(At(11, 10), At(11, 12)), options));
    }

    [Fact]
    public void The_default_peak_dates_cover_2025_to_2028()
    {
        var peaks = CampaignOptions.DefaultPeakDates;

        foreach (var year in new[] { 2025, 2026, 2027, 2028 })
        {
            foreach (var name in new[] { "Spring Festival", "6-18", "Double 11", "Double 12" })
            {
                Assert.Single(peaks, p => p.Name == $"{name} {year}" && p.FirstDay.Year == year && p.FirstDay <= p.LastDay);
            }
        }
    }

    [Fact]
    public void Another_campaign_on_the_same_audience_at_the_same_time_draws_a_warning()
    {
        var other = new CampaignCalendarEntry("gold-week", "Gold week", CampaignState.Scheduled,
            new TimeWindow(At(9, 15), At(9, 20)), new CampaignAudience { Tiers = [MemberTier.Gold] });

        var warning = Assert.Single(Warnings(Plan(), context: Context(other)));

        Assert.Equal(CampaignWarningCodes.AudienceOverlap, warning.Code);
        Assert.Contains("'Gold week' (gold-week", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Campaigns_for_new_users_only_and_for_existing_members_only_do_not_compete()
    {
        var plan = Plan() with { Audience = new CampaignAudience { NewUsers = NewUserPolicy.Exclude } };
        var other = new CampaignCalendarEntry("welcome", "Welcome", CampaignState.Live,
            new TimeWindow(At(9, 1), At(9, 30)), new CampaignAudience { NewUsers = NewUserPolicy.Only });

        Assert.Empty(Warnings(plan, context: Context(other)));
    }

    [Fact]
    public void Campaigns_on_different_segments_do_not_compete()
    {
        var plan = Plan() with { Audience = new CampaignAudience { Segments = ["students"] } };
        var other = new CampaignCalendarEntry("mums", "Mums", CampaignState.Live,
            new TimeWindow(At(9, 1), At(9, 30)), new CampaignAudience { Segments = ["young-parents"] });

        Assert.Empty(Warnings(plan, context: Context(other)));
    }

    [Fact]
    public void A_campaign_at_another_time_or_the_campaign_itself_does_not_compete()
    {
        var later = new CampaignCalendarEntry("later", "Later", CampaignState.Approved, new TimeWindow(End, End.AddDays(3)), CampaignAudience.Everyone);
        var itself = new CampaignCalendarEntry(CampaignId, "Itself", CampaignState.PendingApproval, new TimeWindow(PreheatStart, End), CampaignAudience.Everyone);

        Assert.Empty(Warnings(Plan(), context: Context(later, itself)));
    }

    [Fact]
    public void A_target_metric_that_does_not_measure_the_goal_draws_a_warning()
    {
        var warning = Assert.Single(Warnings(Plan() with { Goal = new CampaignGoal(CampaignGoalType.NewUsers, TargetMetric.Sales, 1000m) }));

        Assert.Equal(CampaignWarningCodes.TargetMetricUnusualForGoal, warning.Code);
        Assert.Equal("goal.metric", warning.Field);
    }

    [Fact]
    public void Warnings_accumulate()
    {
        var plan = Between(At(11, 1), At(12, 13)) with { Channels = [CampaignChannel.App] };

        Assert.Equal(
            [CampaignWarningCodes.SingleChannel, CampaignWarningCodes.LongCampaign, CampaignWarningCodes.PeakDateOverlap, CampaignWarningCodes.PeakDateOverlap],
            Warnings(plan).Select(w => w.Code));
    }
}
