using EcomFunctions.Domain.Members;
using static EcomFunctions.Domain.Tests.Members.MemberTestData;

namespace EcomFunctions.Domain.Tests.Members;

public sealed class EarningRulesTests
{
    [Theory]
    [InlineData("100", 100)]
    [InlineData("99.90", 99)]
    [InlineData("0.99", 0)]
    [InlineData("1234.56", 1234)]
    public void Purchase_growth_is_one_per_whole_currency_unit_paid(string amount, long expected)
    {
        Assert.Equal(expected, EarningRules.GrowthForPurchase(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), MemberOptions()));
    }

    [Theory]
    [InlineData("100", MemberTier.Regular, 100)]
    [InlineData("100", MemberTier.Silver, 120)]
    [InlineData("100", MemberTier.Gold, 150)]
    [InlineData("100", MemberTier.Platinum, 180)]
    [InlineData("100", MemberTier.Diamond, 200)]
    [InlineData("99.90", MemberTier.Silver, 119)] // 119.88 rounds down
    [InlineData("99.99", MemberTier.Gold, 149)] // 149.985 rounds down
    [InlineData("10.50", MemberTier.Platinum, 18)] // 18.9
    [InlineData("0.49", MemberTier.Diamond, 0)] // 0.98
    [InlineData("333.33", MemberTier.Diamond, 666)] // 666.66
    public void Purchase_points_are_amount_times_tier_multiplier_rounded_down(string amount, MemberTier tier, long expected)
    {
        Assert.Equal(expected, EarningRules.PointsForPurchase(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), tier, MemberOptions()));
    }

    [Fact]
    public void Approved_review_earns_ten_and_five_more_with_a_photo()
    {
        Assert.Equal(10, EarningRules.GrowthForReview(withPhoto: false, MemberOptions()));
        Assert.Equal(15, EarningRules.GrowthForReview(withPhoto: true, MemberOptions()));
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(8, 2)]
    [InlineData(9, 1)]
    [InlineData(10, 0)]
    [InlineData(12, 0)]
    public void Share_growth_is_two_until_the_daily_cap_of_ten(int earnedToday, long expected)
    {
        Assert.Equal(expected, EarningRules.GrowthForShare(earnedToday, MemberOptions()));
    }

    [Fact]
    public void Task_growth_comes_from_configuration()
    {
        var options = MemberOptions();
        options.TaskGrowth["watch-live-stream"] = 7;

        Assert.Equal(20, EarningRules.GrowthForTask("complete-profile", options));
        Assert.Equal(7, EarningRules.GrowthForTask("watch-live-stream", options));
        Assert.Equal(0, EarningRules.GrowthForTask("unknown", options));
    }

    [Fact]
    public void Multipliers_and_growth_rate_are_options()
    {
        var options = MemberOptions();
        options.PointsMultipliers[MemberTier.Gold] = 3m;
        options.GrowthPerCurrencyUnit = 0.5m;

        Assert.Equal(300, EarningRules.PointsForPurchase(100m, MemberTier.Gold, options));
        Assert.Equal(50, EarningRules.GrowthForPurchase(100m, options));
    }
}
