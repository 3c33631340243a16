using EcomFunctions.Domain.Members;
using static EcomFunctions.Domain.Tests.Members.MemberTestData;

namespace EcomFunctions.Domain.Tests.Members;

public sealed class TierTests
{
    private readonly MemberOptions options = MemberOptions();

    [Theory]
    [InlineData(0, MemberTier.Regular)]
    [InlineData(499, MemberTier.Regular)]
    [InlineData(500, MemberTier.Silver)]
    [InlineData(1_999, MemberTier.Silver)]
    [InlineData(2_000, MemberTier.Gold)]
    [InlineData(7_999, MemberTier.Gold)]
    [InlineData(8_000, MemberTier.Platinum)]
    [InlineData(19_999, MemberTier.Platinum)]
    [InlineData(20_000, MemberTier.Diamond)]
    public void Qualified_tier_follows_the_thresholds(long growth, MemberTier expected)
    {
        Assert.Equal(expected, TierPolicy.QualifiedTier(growth, options));
    }

    [Theory]
    [InlineData(MemberTier.Regular, 20_000, MemberTier.Diamond)] // up any number of levels
    [InlineData(MemberTier.Silver, 8_000, MemberTier.Platinum)]
    [InlineData(MemberTier.Diamond, 0, MemberTier.Platinum)] // down one level only
    [InlineData(MemberTier.Gold, 600, MemberTier.Silver)]
    [InlineData(MemberTier.Silver, 0, MemberTier.Regular)]
    [InlineData(MemberTier.Regular, 0, MemberTier.Regular)]
    [InlineData(MemberTier.Gold, 2_500, MemberTier.Gold)]
    public void Evaluation_upgrades_freely_and_downgrades_one_level(MemberTier current, long growth, MemberTier expected)
    {
        Assert.Equal(expected, TierPolicy.Evaluate(current, growth, options));
    }

    [Fact]
    public void Higher_tiers_have_the_benefits_of_lower_ones()
    {
        Assert.True(MemberTier.Platinum.HasBenefitsOf(MemberTier.Gold));
        Assert.True(MemberTier.Gold.HasBenefitsOf(MemberTier.Gold));
        Assert.False(MemberTier.Silver.HasBenefitsOf(MemberTier.Gold));
    }

    [Fact]
    public void Monthly_evaluation_uses_the_twelve_complete_months_before_it()
    {
        var member = NewMember(zone: "UTC");
        member.Record(MemberActivity.Purchase("a", Utc(2024, 5, 31), 5_000m), options); // just outside
        member.Record(MemberActivity.Purchase("b", Utc(2024, 6, 1), 500m), options);
        member.Record(MemberActivity.Purchase("c", Utc(2025, 5, 31), 1_500m), options);
        member.Record(MemberActivity.Purchase("d", Utc(2025, 6, 1), 9_000m), options); // the evaluation month itself

        var result = member.EvaluateTier(YearMonth.Of(2025, 6), Utc(2025, 6, 1, 2), options);

        Assert.Equal(2_000, result.RollingGrowth);
        Assert.Equal(MemberTier.Gold, member.Tier);
        Assert.True(result.IsUpgrade);
        Assert.Equal(Utc(2025, 6, 1, 2), member.TierChangedAt);
    }

    [Fact]
    public void A_second_evaluation_in_the_same_month_changes_nothing()
    {
        var member = WithTier(NewMember(zone: "UTC"), MemberTier.Diamond);
        var first = member.EvaluateTier(YearMonth.Of(2025, 6), Utc(2025, 6, 1), options);

        var second = member.EvaluateTier(YearMonth.Of(2025, 6), Utc(2025, 6, 1, 1), options);

        Assert.Equal(MemberTier.Platinum, first.To);
        Assert.True(second.AlreadyEvaluated);
        Assert.False(second.Changed);
        Assert.Equal(MemberTier.Platinum, member.Tier);
    }

    [Fact]
    public void A_quiet_diamond_steps_down_one_level_per_month()
    {
        var member = WithTier(NewMember(zone: "UTC"), MemberTier.Diamond);
        var tiers = new List<MemberTier>();
        for (var month = 1; month <= 5; month++)
        {
            tiers.Add(member.EvaluateTier(YearMonth.Of(2025, month), Utc(2025, month, 1), options).To);
        }

        Assert.Equal([MemberTier.Platinum, MemberTier.Gold, MemberTier.Silver, MemberTier.Regular, MemberTier.Regular], tiers);
    }

    [Fact]
    public void Progress_shows_the_growth_still_needed_for_the_next_tier()
    {
        Assert.Equal(new TierProgress(MemberTier.Silver, MemberTier.Gold, 2_000, 500), TierPolicy.Progress(MemberTier.Silver, 1_500, options));
        Assert.Equal(new TierProgress(MemberTier.Silver, MemberTier.Gold, 2_000, 0), TierPolicy.Progress(MemberTier.Silver, 2_300, options));
        Assert.Equal(new TierProgress(MemberTier.Diamond, null, null, 0), TierPolicy.Progress(MemberTier.Diamond, 50_000, options));
    }

    [Fact]
    public void Lifecycle_snapshot_returns_the_previous_month_start_state()
    {
        var member = NewMember();

        Assert.Null(member.RollLifecycleSnapshot(YearMonth.Of(2025, 5), LifecycleState.Active));
        Assert.Equal(LifecycleState.Active, member.RollLifecycleSnapshot(YearMonth.Of(2025, 6), LifecycleState.Churned));
        Assert.Null(member.RollLifecycleSnapshot(YearMonth.Of(2025, 6), LifecycleState.Dormant)); // already taken
        Assert.Null(member.RollLifecycleSnapshot(YearMonth.Of(2025, 8), LifecycleState.Dormant)); // a month was skipped
    }
}
