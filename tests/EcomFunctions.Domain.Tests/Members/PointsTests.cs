using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using static EcomFunctions.Domain.Tests.Members.MemberTestData;

namespace EcomFunctions.Domain.Tests.Members;

public sealed class PointsTests
{
    private readonly MemberOptions options = MemberOptions();

    private Member MemberWithLots(MemberTier tier = MemberTier.Regular, string zone = "UTC")
    {
        var member = WithTier(NewMember(zone: zone), MemberTier.Regular);
        member.Record(MemberActivity.Purchase("jan", Utc(2025, 1, 10, 12), 100m), options);
        member.Record(MemberActivity.Purchase("feb", Utc(2025, 2, 5, 12), 50m), options);
        return WithTier(member, tier);
    }

    [Fact]
    public void Redemption_consumes_the_oldest_lots_first()
    {
        var member = MemberWithLots();

        var result = member.RedeemPoints("r1", 120, Utc(2025, 3, 1), options);

        Assert.True(result.IsSuccess);
        Assert.Equal(new PointsLot(new DateOnly(2025, 2, 5), 30), Assert.Single(member.Points.Lots));
        Assert.Equal(120, member.Points.RedeemedTotal);
    }

    [Theory]
    [InlineData(MemberTier.Regular, 1000, "10.00")]
    [InlineData(MemberTier.Silver, 100, "1.11")] // 100 / 90 = 1.111… rounded down to the cent
    [InlineData(MemberTier.Gold, 1000, "12.50")]
    [InlineData(MemberTier.Platinum, 70, "1.00")]
    [InlineData(MemberTier.Diamond, 1000, "20.00")]
    public void Redemption_value_uses_the_tier_ratio(MemberTier tier, long points, string value)
    {
        var member = WithTier(NewMember(zone: "UTC"), MemberTier.Regular);
        member.Record(MemberActivity.Purchase("p", Utc(2025, 1, 10), 2000m), options);
        member = WithTier(member, tier);

        var result = member.RedeemPoints("r1", points, Utc(2025, 2, 1), options);

        Assert.Equal(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), result.GetValueOrThrow().Value);
        Assert.Equal(tier, result.Value!.Tier);
    }

    [Fact]
    public void Insufficient_points_is_a_conflict_and_changes_nothing()
    {
        var member = MemberWithLots();

        var result = member.RedeemPoints("r1", 151, Utc(2025, 3, 1), options);

        Assert.Equal(ProblemKind.Conflict, result.Problem!.Kind);
        Assert.Equal("insufficient-points", result.Problem.Code);
        Assert.Equal(150, member.Points.Held);
    }

    [Fact]
    public void The_same_redemption_id_returns_the_first_answer_and_spends_once()
    {
        var member = MemberWithLots();
        var first = member.RedeemPoints("r1", 100, Utc(2025, 3, 1), options).GetValueOrThrow();

        var second = member.RedeemPoints("r1", 100, Utc(2025, 3, 2), options).GetValueOrThrow();

        Assert.Same(first, second);
        Assert.Equal(50, member.Points.Held);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-10)]
    public void Redeeming_zero_or_negative_points_is_invalid(long points)
    {
        Assert.Equal(ProblemKind.Validation, MemberWithLots().RedeemPoints("r1", points, Utc(2025, 3, 1), options).Problem!.Kind);
    }

    [Fact]
    public void Points_expire_twelve_months_after_their_member_local_earn_day()
    {
        var member = MemberWithLots(zone: "UTC");

        Assert.Equal(150, member.AvailablePoints(Utc(2026, 1, 9, 23, 59, 59), options));
        Assert.Equal(50, member.AvailablePoints(Utc(2026, 1, 10), options));
        Assert.Equal(0, member.AvailablePoints(Utc(2026, 2, 5), options));
    }

    [Fact]
    public void Expiry_uses_the_member_time_zone()
    {
        var member = NewMember(zone: Shanghai);
        member.Record(MemberActivity.Purchase("p", At(2025, 1, 10, 12, 0, 8), 100m), options);

        // 2026-01-09 16:00Z is already Jan 10 in Shanghai.
        Assert.Equal(100, member.AvailablePoints(Utc(2026, 1, 9, 15, 59), options));
        Assert.Equal(0, member.AvailablePoints(Utc(2026, 1, 9, 16), options));
    }

    [Fact]
    public void Expiry_sweep_removes_expired_lots_once_and_reports_them()
    {
        var member = MemberWithLots();

        var expired = member.ExpirePoints(Utc(2026, 1, 20), options);
        var again = member.ExpirePoints(Utc(2026, 1, 21), options);

        Assert.Equal([new PointsLot(new DateOnly(2025, 1, 10), 100)], expired);
        Assert.Empty(again);
        Assert.Equal(50, member.Points.Held);
        Assert.Equal(100, member.Points.ExpiredTotal);
    }

    [Fact]
    public void Expired_lots_cannot_be_spent_even_before_the_sweep()
    {
        var member = MemberWithLots();

        var result = member.RedeemPoints("r1", 60, Utc(2026, 1, 20), options);

        Assert.Equal("insufficient-points", result.Problem!.Code);
        Assert.True(member.RedeemPoints("r2", 50, Utc(2026, 1, 20), options).IsSuccess);
        Assert.Equal(100, member.Points.Held); // the expired lot waits for the sweep
    }

    [Fact]
    public void Earnings_of_the_same_local_day_merge_into_one_lot()
    {
        var member = NewMember(zone: "UTC");
        member.Record(MemberActivity.Purchase("a", Utc(2025, 1, 10, 8), 10m), options);
        member.Record(MemberActivity.Purchase("b", Utc(2025, 1, 10, 20), 15m), options);
        member.Record(MemberActivity.Purchase("c", Utc(2025, 1, 9, 20), 5m), options);

        Assert.Equal([new PointsLot(new DateOnly(2025, 1, 9), 5), new PointsLot(new DateOnly(2025, 1, 10), 25)], member.Points.Lots);
        Assert.Equal(30, member.Points.EarnedTotal);
    }

    [Fact]
    public void Erased_member_cannot_redeem()
    {
        var member = MemberWithLots();
        member.Erase(Utc(2025, 3, 1), Shanghai);

        Assert.Equal(ProblemKind.Gone, member.RedeemPoints("r1", 10, Utc(2025, 3, 2), options).Problem!.Kind);
    }

    [Fact]
    public void Only_the_configured_number_of_redemptions_is_remembered()
    {
        var member = MemberWithLots();
        options.RecentRedemptionsKept = 2;
        for (var i = 0; i < 4; i++)
        {
            member.RedeemPoints($"r{i}", 1, Utc(2025, 3, 1), options);
        }

        Assert.Equal(["r2", "r3"], member.RecentRedemptions.Select(r => r.RedemptionId));
    }
}
