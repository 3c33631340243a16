using EcomFunctions.Domain.Campaigns;
using static EcomFunctions.Domain.Tests.Campaigns.CampaignTestData;

using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Tests.Campaigns;

public sealed class StorefrontOffersTests
{
    private static readonly ShopperProfile GoldMember = new("member-7", MemberTier.Gold, ["students"], IsNewUser: false);

    private static readonly DateTimeOffset FlashHour = At(9, 10, 21);

    private static IReadOnlyList<LiveOffer> Offers(Campaign campaign, ShopperProfile? shopper = null, DateTimeOffset? now = null) =>
        StorefrontOffers.ListFor([campaign], shopper ?? GoldMember, now ?? FlashHour);

    [Fact]
    public void A_live_campaign_lists_its_live_mechanics_most_urgent_first_with_a_countdown()
    {
        var offers = Offers(InState(CampaignState.Live));

        Assert.Equal(["flash", "coupon", "full-reduction"], offers.Select(o => o.MechanicId));
        Assert.Equal((At(9, 11, 2), 5 * 3600L), (offers[0].EndsAt, offers[0].SecondsRemaining));
        Assert.Equal((End, (End - FlashHour).Ticks / TimeSpan.TicksPerSecond), (offers[1].EndsAt, offers[1].SecondsRemaining));
        Assert.Equal(VariantAssignment.Assign(CampaignId, "member-7", Plan().Variants), offers[0].Variant);
    }

    [Fact]
    public void The_countdown_rounds_down_and_never_goes_negative()
    {
        Assert.Equal(0, StorefrontOffers.SecondsUntil(Start, Start.AddSeconds(1)));
        Assert.Equal(1, StorefrontOffers.SecondsUntil(Start.AddMilliseconds(1999), Start));
    }

    [Fact]
    public void Mechanics_outside_their_window_are_not_offered() =>
        Assert.Equal(["coupon", "full-reduction"], Offers(InState(CampaignState.Live), now: At(9, 12)).Select(o => o.MechanicId));

    [Theory]
    [InlineData(CampaignState.Paused)]
    [InlineData(CampaignState.Killed)]
    [InlineData(CampaignState.Ended)]
    [InlineData(CampaignState.Approved)]
    public void Paused_killed_and_not_live_campaigns_show_nothing(CampaignState state) =>
        Assert.Empty(Offers(InState(state)));

    [Fact]
    public void A_paused_mechanic_is_hidden()
    {
        var live = InState(CampaignState.Live).Apply(c => c.PauseMechanic("flash", MechanicPauseSource.Incident, "stock", Planner, Start));

        Assert.DoesNotContain(Offers(live), o => o.MechanicId == "flash");
    }

    [Fact]
    public void Tiers_below_the_audience_see_nothing_and_higher_tiers_inherit()
    {
        var live = InState(CampaignState.Live);   // audience: Silver and up

        Assert.Empty(Offers(live, GoldMember with { Tier = MemberTier.Regular }));
        Assert.NotEmpty(Offers(live, GoldMember with { Tier = MemberTier.Silver }));
        Assert.NotEmpty(Offers(live, GoldMember with { Tier = MemberTier.Diamond }));
    }

    [Fact]
    public void Segments_and_new_user_policy_filter_the_audience()
    {
        var plan = Plan() with { Audience = new CampaignAudience { Segments = ["Students"], NewUsers = NewUserPolicy.Only } };
        var live = InState(CampaignState.Live, plan);

        Assert.Empty(Offers(live));                                            // not a new user
        Assert.NotEmpty(Offers(live, GoldMember with { IsNewUser = true }));   // segment names match case-insensitively
        Assert.Empty(Offers(live, GoldMember with { IsNewUser = true, Segments = ["parents"] }));
    }

    [Fact]
    public void A_member_exclusive_offer_needs_its_minimum_tier()
    {
        var plan = Plan() with { Mechanics = [new MemberExclusiveMechanic { Id = "vip", MinimumTier = MemberTier.Platinum, PercentOff = 15m }] };
        var live = InState(CampaignState.Live, plan);

        Assert.Empty(Offers(live));
        Assert.Equal("vip", Assert.Single(Offers(live, GoldMember with { Tier = MemberTier.Diamond })).MechanicId);
    }

    [Fact]
    public void A_variant_specific_mechanic_is_shown_only_to_its_variant()
    {
        var plan = Plan() with
        {
            Mechanics =
            [
                new PercentOffMechanic { Id = "ten-off", PercentOff = 10m, Variants = ["A"] },
                new PercentOffMechanic { Id = "fifteen-off", PercentOff = 15m, Variants = ["B"] },
            ],
        };
        var live = InState(CampaignState.Live, plan);
        var variant = VariantAssignment.Assign(CampaignId, GoldMember.MemberId, plan.Variants);

        var offer = Assert.Single(Offers(live));

        Assert.Equal(variant == "A" ? "ten-off" : "fifteen-off", offer.MechanicId);
    }

    [Fact]
    public void During_preheat_only_mechanics_opening_in_preheat_are_offered()
    {
        var plan = Plan() with
        {
            Mechanics = [new CouponMechanic { Id = "early-coupon", CouponDefinitionId = CouponDefinitionId, Window = new TimeWindow(PreheatStart, End) }, .. Plan().Mechanics],
        };
        var scheduled = InState(CampaignState.Scheduled, plan);

        Assert.Equal("early-coupon", Assert.Single(Offers(scheduled, now: At(9, 9))).MechanicId);
        Assert.Empty(Offers(scheduled, now: Start.AddHours(1)));   // past the start but not live yet (readiness wait)
    }

    [Fact]
    public void Availability_tells_the_claim_path_whether_a_mechanic_may_be_used()
    {
        var plan = Plan() with
        {
            Mechanics = [new CouponMechanic { Id = "early-coupon", CouponDefinitionId = CouponDefinitionId, Window = new TimeWindow(PreheatStart, End) }, .. Plan().Mechanics],
        };
        var live = InState(CampaignState.Live, plan).Apply(c => c.PauseMechanic("flash", MechanicPauseSource.Operator, "x", Planner, Start));

        Assert.True(CampaignAvailability.Of(live).AllowsMechanic("coupon"));
        Assert.False(CampaignAvailability.Of(live).AllowsMechanic("flash"));
        Assert.Equal(CampaignAvailabilityStatus.Paused, CampaignAvailability.Of(InState(CampaignState.Paused, plan)).Status);
        Assert.False(CampaignAvailability.Of(InState(CampaignState.Killed, plan)).AllowsMechanic("coupon"));
        var preheat = CampaignAvailability.Of(InState(CampaignState.Scheduled, plan));
        Assert.True(preheat.AllowsMechanic("early-coupon"));
        Assert.False(preheat.AllowsMechanic("coupon"));
        Assert.Equal(CampaignAvailabilityStatus.Closed, CampaignAvailability.Of(InState(CampaignState.Cancelled, plan)).Status);
    }
}
