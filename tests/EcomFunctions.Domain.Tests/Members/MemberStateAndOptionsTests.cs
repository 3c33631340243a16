using EcomFunctions.Domain.Members;
using static EcomFunctions.Domain.Tests.Members.MemberTestData;

namespace EcomFunctions.Domain.Tests.Members;

public sealed class MemberStateAndOptionsTests
{
    [Fact]
    public void A_member_survives_the_round_trip_through_its_persisted_state()
    {
        var options = MemberOptions();
        var member = NewMember("m-1", Utc(2024, 1, 1), NewYork);
        var personal = Protector().Protect("m-1", new PersonalDetails { Email = "a@example.com", Phone = "13800138000" }).GetValueOrThrow();
        member.UpdateProfile(new MemberProfile(NewYork, Birthday.Create(2, 29), ContactChannel.Sms, personal),
            [new ConsentChange(ContactChannel.Sms, true, Utc(2024, 1, 2)), new ConsentChange(ContactChannel.Email, false, Utc(2024, 1, 3))], Utc(2024, 1, 3));
        member.Record(MemberActivity.Purchase("p1", Utc(2025, 1, 5), 321.5m), options);
        member.Record(MemberActivity.Share("s1", Utc(2025, 1, 6)), options);
        member.Record(MemberActivity.Login("l1", Utc(2025, 1, 7)), options);
        member.RedeemPoints("r1", 21, Utc(2025, 1, 8), options);
        member.EvaluateTier(YearMonth.Of(2025, 2), Utc(2025, 2, 1), options);
        member.RollLifecycleSnapshot(YearMonth.Of(2025, 2), LifecycleState.Active);
        member.TryTakeBirthdayGift(Utc(2025, 3, 1, 4)); // 23:00 on Feb 28 in New York

        var copy = Member.FromState(member.ToState());

        Assert.Equal(
            (member.Id, member.Tier, member.TierChangedAt, member.LastTierEvaluationMonth, member.Growth.Lifetime, member.Points.Held,
             member.Points.RedeemedTotal, member.Birthday, member.LastBirthdayGiftYear, member.TimeZoneId, member.SignedUpAt,
             member.LastLoginAt, member.LastPurchaseAt, member.PreferredChannel, member.Personal, member.LifecycleSnapshot),
            (copy.Id, copy.Tier, copy.TierChangedAt, copy.LastTierEvaluationMonth, copy.Growth.Lifetime, copy.Points.Held,
             copy.Points.RedeemedTotal, copy.Birthday, copy.LastBirthdayGiftYear, copy.TimeZoneId, copy.SignedUpAt,
             copy.LastLoginAt, copy.LastPurchaseAt, copy.PreferredChannel, copy.Personal, copy.LifecycleSnapshot));
        Assert.Equal(2025, copy.LastBirthdayGiftYear);
        Assert.Equal(member.Growth.Months, copy.Growth.Months);
        Assert.Equal(member.Purchases.Months, copy.Purchases.Months);
        Assert.Equal(member.Points.Lots, copy.Points.Lots);
        Assert.Equal(member.ShareGrowthByDay, copy.ShareGrowthByDay);
        Assert.Equal(member.RecentRedemptions, copy.RecentRedemptions);
        Assert.Equal(member.Consents.OrderBy(c => c.Channel), copy.Consents.OrderBy(c => c.Channel));
        Assert.True(copy.CanReceive(ContactChannel.Sms));
        Assert.False(copy.CanReceive(ContactChannel.Email));
    }

    [Fact]
    public void Year_month_formats_parses_and_compares()
    {
        var month = YearMonth.Parse("2025-03");

        Assert.Equal("2025-03", month.ToString());
        Assert.Equal(YearMonth.Of(2024, 4), month.AddMonths(-11));
        Assert.Equal(YearMonth.Of(2026, 1), month.AddMonths(10));
        Assert.True(YearMonth.Of(2024, 12) < month);
        Assert.Equal(14, month.MonthsSince(YearMonth.Of(2024, 1)));
        Assert.False(YearMonth.TryParse("2025-13", out _));
        Assert.False(YearMonth.TryParse("25-03", out _));
    }

    [Fact]
    public void Default_options_are_valid()
    {
        Assert.True(new MemberOptions().Validate().IsEmpty);
        Assert.True(new ReactivationOptions().Validate().IsEmpty);
        Assert.True(ProtectionOptions().Validate().IsEmpty);
    }

    [Fact]
    public void Default_options_match_the_design()
    {
        var members = new MemberOptions();
        var reactivation = new ReactivationOptions();

        Assert.Equal([0L, 500L, 2_000L, 8_000L, 20_000L], MemberTiers.All.Select(members.ThresholdOf));
        Assert.Equal([1.0m, 1.2m, 1.5m, 1.8m, 2.0m], MemberTiers.All.Select(members.MultiplierOf));
        Assert.Equal((TimeSpan.FromDays(60), TimeSpan.FromDays(180), 12, "Asia/Shanghai"),
            (members.DormantAfter, members.ChurnedAfter, members.PointsLifetimeMonths, members.StoreTimeZone));
        Assert.Equal((0.10m, 1, 3, new TimeOnly(21, 0), new TimeOnly(9, 0), TimeSpan.FromDays(7), new TimeOnly(10, 0)),
            (reactivation.HoldoutShare, reactivation.ShortCapMaxMessages, reactivation.LongCapMaxMessages,
             reactivation.QuietHoursStart, reactivation.QuietHoursEnd, reactivation.AttributionWindow, reactivation.RunAt));
    }

    [Fact]
    public void Broken_member_options_are_reported()
    {
        var options = new MemberOptions { DormantAfter = TimeSpan.FromDays(200), StoreTimeZone = "Nowhere/City" };
        options.TierThresholds[MemberTier.Gold] = 100;
        options.RedemptionPointsPerCurrencyUnit[MemberTier.Silver] = 0;

        var errors = options.Validate().ToDictionary();

        Assert.Equal(["ChurnedAfter", "RedemptionPointsPerCurrencyUnit", "StoreTimeZone", "TierThresholds"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Broken_reactivation_options_are_reported()
    {
        var options = new ReactivationOptions { HoldoutShare = 1.5m, PageSize = 5_000 };
        options.Rfm.RecencyMaxDaysFor4 = 10;
        options.DormantOffers[MemberTier.Gold].High = new WinBackOffer { CouponDefinitionId = "", Amount = 5m, MessageTemplateId = "t" };

        var errors = options.Validate().ToDictionary();

        Assert.Equal(["DormantOffers.Gold.High", "HoldoutShare", "PageSize", "Rfm.Recency"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Event_ids_are_stable_per_business_occurrence()
    {
        var result = new TierEvaluationResult(MemberTier.Gold, MemberTier.Silver, 600, YearMonth.Of(2025, 6), false);

        var first = MemberEvents.TierChanged("m-1", result, Utc(2025, 6, 1));
        var retried = MemberEvents.TierChanged("m-1", result, Utc(2025, 6, 1, 3));
        var nextMonth = MemberEvents.TierChanged("m-1", result with { EvaluationMonth = YearMonth.Of(2025, 7) }, Utc(2025, 7, 1));

        Assert.Equal(first.Id, retried.Id);
        Assert.NotEqual(first.Id, nextMonth.Id);
        Assert.Equal(("Ecom.Members.TierChanged", "members/m-1"), (first.Type, first.Subject));
        Assert.Contains("\"direction\":\"Down\"", first.DataJson, StringComparison.Ordinal);
    }
}
