using EcomFunctions.Domain.Members;
using static EcomFunctions.Domain.Tests.Members.MemberTestData;

namespace EcomFunctions.Domain.Tests.Members;

public sealed class MemberActivityTests
{
    private readonly MemberOptions options = MemberOptions();

    [Fact]
    public void Purchase_updates_last_purchase_growth_points_and_purchase_ledger()
    {
        var member = NewMember();
        var at = Utc(2025, 3, 5, 4);

        var effect = member.Record(MemberActivity.Purchase("p1", at, 199.50m), options);

        Assert.Equal(new ActivityEffect(true, ActivityKind.Purchase, 199, 199, false), effect);
        Assert.Equal(at, member.LastPurchaseAt);
        Assert.Null(member.LastLoginAt);
        Assert.Equal(199, member.Growth.Lifetime);
        Assert.Equal(199, member.Points.Held);
        Assert.Equal(new PurchaseMonth(1, 199.50m), member.Purchases.Months[YearMonth.Of(2025, 3)]);
    }

    [Fact]
    public void Points_use_the_multiplier_of_the_current_tier()
    {
        var member = WithTier(NewMember(), MemberTier.Platinum);

        var effect = member.Record(MemberActivity.Purchase("p1", Utc(2025, 3, 5), 100m), options);

        Assert.Equal(180, effect.PointsAdded);
        Assert.Equal(100, effect.GrowthAdded);
    }

    [Fact]
    public void Growth_is_booked_in_the_member_local_month()
    {
        var shanghai = NewMember("sh", zone: Shanghai);
        var newYork = NewMember("ny", zone: NewYork);
        var at = Utc(2025, 1, 31, 20); // Feb 1 04:00 in Shanghai, Jan 31 15:00 in New York

        shanghai.Record(MemberActivity.Purchase("p1", at, 100m), options);
        newYork.Record(MemberActivity.Purchase("p1", at, 100m), options);

        Assert.Equal(100, shanghai.Growth.Months[YearMonth.Of(2025, 2)]);
        Assert.Equal(100, newYork.Growth.Months[YearMonth.Of(2025, 1)]);
    }

    [Fact]
    public void Points_lot_carries_the_member_local_earn_day()
    {
        var member = NewMember(zone: Shanghai);

        member.Record(MemberActivity.Purchase("p1", Utc(2025, 1, 31, 20), 100m), options);

        Assert.Equal(new PointsLot(new DateOnly(2025, 2, 1), 100), Assert.Single(member.Points.Lots));
    }

    [Fact]
    public void Out_of_order_login_does_not_move_last_login_back()
    {
        var member = NewMember();
        member.Record(MemberActivity.Login("l2", Utc(2025, 5, 2)), options);
        member.Record(MemberActivity.Login("l1", Utc(2025, 5, 1)), options);

        Assert.Equal(Utc(2025, 5, 2), member.LastLoginAt);
    }

    [Fact]
    public void Shares_earn_at_most_ten_growth_per_member_local_day()
    {
        var member = NewMember(zone: Shanghai);
        var morning = At(2025, 5, 1, 9, 0, 8);
        var effects = Enumerable.Range(0, 7).Select(i => member.Record(MemberActivity.Share($"s{i}", morning.AddMinutes(i)), options)).ToList();

        Assert.Equal([2, 2, 2, 2, 2, 0, 0], effects.Select(e => e.GrowthAdded));
        Assert.True(effects[5].ShareCapReached);
        Assert.Equal(10, member.Growth.Lifetime);
    }

    [Fact]
    public void Share_cap_resets_at_member_local_midnight_not_utc_midnight()
    {
        var member = NewMember(zone: NewYork);
        // 2025-05-02 03:00Z is May 1 23:00 in New York; 05:00Z is May 2 01:00 there (same UTC day, different local days).
        for (var i = 0; i < 5; i++)
        {
            member.Record(MemberActivity.Share($"a{i}", Utc(2025, 5, 2, 3, i)), options);
        }

        var nextLocalDay = member.Record(MemberActivity.Share("b0", Utc(2025, 5, 2, 5)), options);

        Assert.Equal(2, nextLocalDay.GrowthAdded);
        Assert.Equal(12, member.Growth.Lifetime);
    }

    [Fact]
    public void A_share_reported_after_its_day_was_forgotten_earns_nothing()
    {
        var member = NewMember();
        member.Record(MemberActivity.Share("new", Utc(2025, 5, 20, 4)), options);

        var late = member.Record(MemberActivity.Share("old", Utc(2025, 5, 1, 4)), options);

        Assert.Equal(0, late.GrowthAdded);
    }

    [Fact]
    public void Review_and_task_growth_are_added_to_the_ledger()
    {
        var member = NewMember();
        member.Record(MemberActivity.ReviewApproved("r1", Utc(2025, 5, 1, 4), withPhoto: true), options);
        member.Record(MemberActivity.Task("t1", Utc(2025, 5, 1, 5), "bind-phone"), options);

        Assert.Equal(25, member.Growth.Lifetime);
        Assert.Equal(0, member.Points.Held);
    }

    [Fact]
    public void Ledgers_keep_only_the_configured_number_of_months_but_lifetime_stays()
    {
        var member = NewMember();
        member.Record(MemberActivity.Purchase("old", Utc(2022, 1, 10), 100m), options);
        member.Record(MemberActivity.Purchase("new", Utc(2025, 1, 10), 100m), options);

        Assert.Equal([YearMonth.Of(2025, 1)], member.Growth.Months.Keys);
        Assert.Equal([YearMonth.Of(2025, 1)], member.Purchases.Months.Keys);
        Assert.Equal(200, member.Growth.Lifetime);
    }

    [Fact]
    public void Rolling_growth_counts_the_current_month_and_the_eleven_before()
    {
        var member = NewMember(zone: "UTC");
        member.Record(MemberActivity.Purchase("a", Utc(2024, 6, 30), 100m), options); // outside
        member.Record(MemberActivity.Purchase("b", Utc(2024, 7, 1), 200m), options); // first month of the window
        member.Record(MemberActivity.Purchase("c", Utc(2025, 6, 9), 300m), options); // current month

        Assert.Equal(500, member.RollingGrowth(Utc(2025, 6, 10)));
    }

    [Fact]
    public void Activity_in_the_future_beyond_clock_skew_is_rejected()
    {
        var now = Utc(2025, 5, 1, 12);

        Assert.True(MemberActivity.Login("l1", now.AddMinutes(5)).Validate(now, options).IsEmpty);
        Assert.Contains("occurredAt", MemberActivity.Login("l1", now.AddMinutes(6)).Validate(now, options).ToDictionary().Keys);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("10.005")]
    [InlineData("10000000.01")]
    public void Purchase_amount_must_be_positive_with_at_most_two_decimals(string amount)
    {
        var activity = MemberActivity.Purchase("p1", Utc(2025, 5, 1), decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Contains("amountPaid", activity.Validate(Utc(2025, 5, 2), options).ToDictionary().Keys);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/id")]
    [InlineData("hash#id")]
    public void Activity_id_must_be_a_safe_key(string id)
    {
        Assert.Contains("activityId", MemberActivity.Login(id, Utc(2025, 5, 1)).Validate(Utc(2025, 5, 2), options).ToDictionary().Keys);
    }

    [Fact]
    public void Unknown_task_code_is_rejected()
    {
        Assert.Contains("taskCode", MemberActivity.Task("t1", Utc(2025, 5, 1), "nope").Validate(Utc(2025, 5, 2), options).ToDictionary().Keys);
    }

    [Fact]
    public void Recording_on_an_erased_member_is_refused()
    {
        var member = NewMember();
        member.Erase(Utc(2025, 5, 1), Shanghai);

        Assert.Throws<InvalidOperationException>(() => member.Record(MemberActivity.Login("l1", Utc(2025, 5, 2)), options));
    }
}
