using EcomFunctions.Domain.Members;
using static EcomFunctions.Domain.Tests.Members.MemberTestData;

namespace EcomFunctions.Domain.Tests.Members;

public sealed class RfmAndOfferTests
{
    private readonly RfmOptions rfm = new();

    [Theory]
    [InlineData(0, 5)]
    [InlineData(30, 5)]
    [InlineData(31, 4)]
    [InlineData(90, 4)]
    [InlineData(91, 3)]
    [InlineData(180, 3)]
    [InlineData(181, 2)]
    [InlineData(365, 2)]
    [InlineData(366, 1)]
    public void Recency_scores_by_days_since_the_last_purchase(int days, int expected)
    {
        Assert.Equal(expected, RfmScoring.Score(days, 0, 0, rfm).Recency);
    }

    [Fact]
    public void Never_purchased_scores_lowest_recency()
    {
        Assert.Equal(new RfmScore(1, 1, 1), RfmScoring.Score(null, 0, 0, rfm));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 3)]
    [InlineData(3, 3)]
    [InlineData(4, 4)]
    [InlineData(7, 4)]
    [InlineData(8, 5)]
    public void Frequency_scores_by_orders_in_twelve_months(int orders, int expected)
    {
        Assert.Equal(expected, RfmScoring.Score(10, orders, 0, rfm).Frequency);
    }

    [Theory]
    [InlineData("99.99", 1)]
    [InlineData("100", 2)]
    [InlineData("499.99", 2)]
    [InlineData("500", 3)]
    [InlineData("2000", 4)]
    [InlineData("4999.99", 4)]
    [InlineData("5000", 5)]
    public void Monetary_scores_by_spend_in_twelve_months(string spend, int expected)
    {
        Assert.Equal(expected, RfmScoring.Score(10, 1, decimal.Parse(spend, System.Globalization.CultureInfo.InvariantCulture), rfm).Monetary);
    }

    [Theory]
    [InlineData(5, 5, 5, ValueBand.High)]
    [InlineData(4, 4, 4, ValueBand.High)] // 12
    [InlineData(4, 4, 3, ValueBand.Medium)] // 11
    [InlineData(3, 3, 2, ValueBand.Medium)] // 8
    [InlineData(3, 2, 2, ValueBand.Low)] // 7
    [InlineData(1, 1, 1, ValueBand.Low)]
    public void Band_comes_from_the_total_score(int r, int f, int m, ValueBand expected)
    {
        Assert.Equal(expected, RfmScoring.Band(new RfmScore(r, f, m), rfm));
    }

    [Fact]
    public void Member_score_uses_last_purchase_and_the_local_twelve_month_window()
    {
        var options = MemberOptions();
        var member = NewMember(zone: "UTC");
        member.Record(MemberActivity.Purchase("old", Utc(2024, 5, 20), 9_000m), options); // outside the window
        member.Record(MemberActivity.Purchase("a", Utc(2024, 9, 1), 1_500m), options);
        member.Record(MemberActivity.Purchase("b", Utc(2025, 3, 1), 600m), options);

        var score = RfmScoring.Score(member, Utc(2025, 6, 10), rfm);

        Assert.Equal(new RfmScore(3, 3, 4), score); // 101 days, 2 orders, 2 100 spend
        Assert.Equal(ValueBand.Medium, RfmScoring.Band(score, rfm));
    }

    [Fact]
    public void Dormant_offer_depends_on_tier_and_band()
    {
        var options = ReactivationOptions();

        var gold = WinBackOffers.For(LifecycleState.Dormant, MemberTier.Gold, ValueBand.High, options)!;
        var regular = WinBackOffers.For(LifecycleState.Dormant, MemberTier.Regular, ValueBand.Low, options)!;

        Assert.Equal(("winback-dormant-gold-high", 20m, "winback-dormant"), (gold.CouponDefinitionId, gold.Amount, gold.MessageTemplateId));
        Assert.Equal(("winback-dormant-regular-low", 3m), (regular.CouponDefinitionId, regular.Amount));
    }

    [Fact]
    public void Churned_members_get_the_exclusive_offer_with_a_care_message()
    {
        var offer = WinBackOffers.For(LifecycleState.Churned, MemberTier.Diamond, ValueBand.Low, ReactivationOptions())!;

        Assert.Equal(("winback-churned-diamond-low", 20m, "winback-churned-care"), (offer.CouponDefinitionId, offer.Amount, offer.MessageTemplateId));
    }

    [Fact]
    public void Offer_table_entries_are_options_and_missing_entries_give_no_offer()
    {
        var options = ReactivationOptions();
        options.DormantOffers[MemberTier.Silver].Medium = new WinBackOffer { CouponDefinitionId = "silver-special", Amount = 12m, MessageTemplateId = "t" };
        options.ChurnedOffers.Remove(MemberTier.Gold);

        Assert.Equal("silver-special", WinBackOffers.For(LifecycleState.Dormant, MemberTier.Silver, ValueBand.Medium, options)!.CouponDefinitionId);
        Assert.Null(WinBackOffers.For(LifecycleState.Churned, MemberTier.Gold, ValueBand.High, options));
        Assert.Null(WinBackOffers.For(LifecycleState.Active, MemberTier.Gold, ValueBand.High, options));
    }
}
