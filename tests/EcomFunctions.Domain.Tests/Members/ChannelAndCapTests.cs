using EcomFunctions.Domain.Members;
using static EcomFunctions.Domain.Tests.Members.MemberTestData;

namespace EcomFunctions.Domain.Tests.Members;

public sealed class ChannelAndCapTests
{
    private static readonly DateTimeOffset Now = RunTime;
    private readonly ReactivationOptions options = ReactivationOptions();

    private static Member Reachable(ContactChannel? preferred, params ContactChannel[] consented)
    {
        var member = NewMember();
        var personal = new ProtectedPersonalData { EncryptedEmail = "k1:x", EmailLookup = "e", EncryptedPhone = "k1:y", PhoneLookup = "p" };
        member.UpdateProfile(new MemberProfile(Shanghai, null, preferred, personal),
            consented.Select(c => new ConsentChange(c, true, Utc(2024, 2, 1))).ToList(), Utc(2024, 2, 1));
        return member;
    }

    [Fact]
    public void Preferred_channel_comes_first_even_when_it_costs_more()
    {
        Assert.Equal(ContactChannel.Sms, ChannelSelection.Choose(Reachable(ContactChannel.Sms, ContactChannel.Sms, ContactChannel.Push), options.ChannelCosts));
    }

    [Fact]
    public void Without_a_usable_preference_the_cheapest_consented_channel_wins()
    {
        Assert.Equal(ContactChannel.Push, ChannelSelection.Choose(Reachable(null, ContactChannel.Sms, ContactChannel.Email, ContactChannel.Push), options.ChannelCosts));
        Assert.Equal(ContactChannel.Email, ChannelSelection.Choose(Reachable(ContactChannel.Push, ContactChannel.Sms, ContactChannel.Email), options.ChannelCosts));
    }

    [Fact]
    public void Costs_are_options()
    {
        options.ChannelCosts[ContactChannel.Sms] = 0.0001m;

        Assert.Equal(ContactChannel.Sms, ChannelSelection.Choose(Reachable(null, ContactChannel.Sms, ContactChannel.Push), options.ChannelCosts));
    }

    [Fact]
    public void A_revoked_consent_is_not_used_and_a_later_consent_reopens_it()
    {
        var member = Reachable(ContactChannel.Sms, ContactChannel.Sms, ContactChannel.Email);
        member.ApplyConsent(new ConsentChange(ContactChannel.Sms, false, Utc(2024, 3, 1)));

        Assert.Equal(ContactChannel.Email, ChannelSelection.Choose(member, options.ChannelCosts));
        Assert.Equal(Utc(2024, 2, 1), member.Consents.Single(c => c.Channel == ContactChannel.Sms).ConsentedAt);

        member.ApplyConsent(new ConsentChange(ContactChannel.Sms, true, Utc(2024, 4, 1)));
        Assert.Equal(ContactChannel.Sms, ChannelSelection.Choose(member, options.ChannelCosts));
    }

    [Fact]
    public void A_stale_consent_change_is_ignored()
    {
        var member = Reachable(null, ContactChannel.Push);
        member.ApplyConsent(new ConsentChange(ContactChannel.Push, false, Utc(2024, 3, 1)));

        Assert.False(member.ApplyConsent(new ConsentChange(ContactChannel.Push, true, Utc(2024, 2, 15))));
        Assert.Null(ChannelSelection.Choose(member, options.ChannelCosts));
    }

    [Fact]
    public void Email_and_sms_need_an_address_on_file()
    {
        var member = NewMember();
        member.UpdateProfile(new MemberProfile(Shanghai, null, null, ProtectedPersonalData.None),
            [new ConsentChange(ContactChannel.Email, true, Utc(2024, 2, 1)), new ConsentChange(ContactChannel.Sms, true, Utc(2024, 2, 1))], Utc(2024, 2, 1));

        Assert.Null(ChannelSelection.Choose(member, options.ChannelCosts));
    }

    [Fact]
    public void Channels_without_a_configured_cost_are_not_used()
    {
        // App inbox only reaches members who open the app, so it is not priced (not used) by default.
        Assert.Null(ChannelSelection.Choose(Reachable(ContactChannel.AppInbox, ContactChannel.AppInbox), options.ChannelCosts));

        options.ChannelCosts[ContactChannel.AppInbox] = 0m;
        Assert.Equal(ContactChannel.AppInbox, ChannelSelection.Choose(Reachable(null, ContactChannel.AppInbox, ContactChannel.Push), options.ChannelCosts));
    }

    [Fact]
    public void No_consent_means_no_channel()
    {
        Assert.Null(ChannelSelection.Choose(Reachable(ContactChannel.Email), options.ChannelCosts));
    }

    private static ContactRecord Contact(DateTimeOffset sendAt, ContactStatus status = ContactStatus.Sent) =>
        new($"winback:{sendAt:yyyyMMddHHmm}:m-1", "m-1", DateOnly.FromDateTime(sendAt.UtcDateTime), sendAt, ContactChannel.Push,
            LifecycleState.Dormant, "c", 5m, false, status);

    [Fact]
    public void No_history_allows_a_message()
    {
        Assert.True(FrequencyCaps.Allows([], Now, options));
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(6.9, false)]
    [InlineData(7, true)]
    [InlineData(8, true)]
    public void At_most_one_message_per_seven_days(double daysAgo, bool allowed)
    {
        Assert.Equal(allowed, FrequencyCaps.Allows([Contact(Now - TimeSpan.FromDays(daysAgo))], Now, options));
    }

    [Fact]
    public void At_most_three_messages_per_thirty_days()
    {
        var three = new[] { Contact(Now - TimeSpan.FromDays(8)), Contact(Now - TimeSpan.FromDays(16)), Contact(Now - TimeSpan.FromDays(24)) };
        var twoInWindow = new[] { Contact(Now - TimeSpan.FromDays(8)), Contact(Now - TimeSpan.FromDays(16)), Contact(Now - TimeSpan.FromDays(30)) };

        Assert.False(FrequencyCaps.Allows(three, Now, options));
        Assert.True(FrequencyCaps.Allows(twoInWindow, Now, options));
    }

    [Fact]
    public void A_message_scheduled_later_by_quiet_hours_counts_already()
    {
        Assert.False(FrequencyCaps.Allows([Contact(Now + TimeSpan.FromHours(10), ContactStatus.Planned)], Now, options));
    }

    [Fact]
    public void Holdout_contacts_count_so_the_control_group_keeps_the_same_cadence()
    {
        Assert.False(FrequencyCaps.Allows([Contact(Now - TimeSpan.FromDays(2), ContactStatus.HeldOut)], Now, options));
    }

    [Fact]
    public void Caps_are_options()
    {
        options.ShortCapMaxMessages = 2;

        Assert.True(FrequencyCaps.Allows([Contact(Now - TimeSpan.FromDays(1))], Now, options));
        Assert.False(FrequencyCaps.Allows([Contact(Now - TimeSpan.FromDays(1)), Contact(Now - TimeSpan.FromDays(2))], Now, options));
    }
}
