using EcomFunctions.Domain.Members;
using static EcomFunctions.Domain.Tests.Members.MemberTestData;

namespace EcomFunctions.Domain.Tests.Members;

public sealed class ReactivationReportTests
{
    private static readonly DateTimeOffset T0 = RunTime;
    private readonly ReactivationOptions options = ReactivationOptions();

    private static ContactRecord Treated(string id, ContactChannel channel = ContactChannel.Push, DateTimeOffset? sendAt = null, ContactStatus status = ContactStatus.Sent) =>
        new($"winback:2025-06-10:{id}", id, new DateOnly(2025, 6, 10), sendAt ?? T0, channel, LifecycleState.Dormant, "c", 5m, false, status);

    private static ContactRecord Held(string id) => Treated(id, status: ContactStatus.HeldOut);

    private static MemberResponse Buy(string id, TimeSpan after, decimal amount) => new(id, ResponseKind.Purchase, T0 + after, amount);

    [Fact]
    public void Conversion_is_a_purchase_after_the_message_and_within_seven_days()
    {
        var contacts = new[] { Treated("a"), Treated("b"), Treated("c"), Treated("d") };
        var responses = new[]
        {
            Buy("a", TimeSpan.FromDays(1), 100m),
            Buy("b", -TimeSpan.FromHours(1), 80m), // before the message
            Buy("c", TimeSpan.FromDays(7), 50m), // exactly at the window end: counts
            Buy("d", TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1), 70m), // just outside
        };

        var report = ReactivationAttribution.Evaluate(contacts, responses, options);

        Assert.Equal(new GroupOutcome(4, 2, 0, 150m), report.Treated);
        Assert.Equal(0.5m, report.Treated.ConversionRate);
    }

    [Fact]
    public void Deferred_messages_are_measured_from_their_send_time()
    {
        var contacts = new[] { Treated("a", sendAt: T0 + TimeSpan.FromHours(11)) };

        var report = ReactivationAttribution.Evaluate(contacts, [Buy("a", TimeSpan.FromHours(2), 60m)], options);

        Assert.Equal(0, report.Treated.Converted);
    }

    [Fact]
    public void Uplift_is_treated_minus_holdout_conversion_rate()
    {
        var contacts = new[] { Treated("a"), Treated("b"), Treated("c"), Treated("d"), Held("h1"), Held("h2"), Held("h3"), Held("h4") };
        var responses = new[]
        {
            Buy("a", TimeSpan.FromDays(1), 100m), Buy("b", TimeSpan.FromDays(2), 60m), Buy("c", TimeSpan.FromDays(3), 40m),
            Buy("h1", TimeSpan.FromDays(1), 80m), // holdout measured from the run time
            new MemberResponse("a", ResponseKind.Login, T0 + TimeSpan.FromHours(5)),
            new MemberResponse("d", ResponseKind.Login, T0 + TimeSpan.FromHours(6)),
            new MemberResponse("h2", ResponseKind.Login, T0 + TimeSpan.FromDays(8)), // outside the window
        };

        var report = ReactivationAttribution.Evaluate(contacts, responses, options);

        Assert.Equal(0.75m, report.Treated.ConversionRate);
        Assert.Equal(0.25m, report.Holdout.ConversionRate);
        Assert.Equal(0.5m, report.ConversionUplift);
        Assert.Equal(0.5m, report.ReengagementUplift); // 2/4 treated vs 0/4 held out
        Assert.Equal((50m - 20m) * 4, report.IncrementalRevenue);
    }

    [Fact]
    public void Return_and_cost_are_reported_per_channel()
    {
        var contacts = new[] { Treated("a", ContactChannel.Push), Treated("b", ContactChannel.Push), Treated("c", ContactChannel.Sms), Treated("d", ContactChannel.Sms, status: ContactStatus.Suppressed) };
        var responses = new[] { Buy("a", TimeSpan.FromDays(1), 30m), Buy("c", TimeSpan.FromDays(1), 10m), Buy("c", TimeSpan.FromDays(2), 15m) };

        var report = ReactivationAttribution.Evaluate(contacts, responses, options);

        Assert.Equal(
            [new ChannelOutcome(ContactChannel.Sms, 2, 0.05m, 1, 25m), new ChannelOutcome(ContactChannel.Push, 2, 0.002m, 1, 30m)],
            report.Channels.OrderByDescending(c => c.Channel == ContactChannel.Sms));
        Assert.Equal(500m, report.Channels.Single(c => c.Channel == ContactChannel.Sms).ReturnOnCost);
    }

    [Fact]
    public void Uplift_is_unknown_without_a_holdout_group()
    {
        var report = ReactivationAttribution.Evaluate([Treated("a")], [Buy("a", TimeSpan.FromDays(1), 10m)], options);

        Assert.Null(report.ConversionUplift);
        Assert.Null(report.Holdout.ConversionRate);
    }

    [Fact]
    public void Attribution_window_is_an_option()
    {
        options.AttributionWindow = TimeSpan.FromDays(3);

        var report = ReactivationAttribution.Evaluate([Treated("a")], [Buy("a", TimeSpan.FromDays(4), 10m)], options);

        Assert.Equal(0, report.Treated.Converted);
    }

    [Fact]
    public void Monthly_churn_rate_is_new_churners_over_members_not_churned_at_month_start()
    {
        var tally = new MonthlyChurnTally();
        tally.Add(LifecycleState.Active, LifecycleState.Churned);
        tally.Add(LifecycleState.Dormant, LifecycleState.Churned);
        tally.Add(LifecycleState.Dormant, LifecycleState.Dormant);
        tally.Add(LifecycleState.Active, LifecycleState.Active);
        tally.Add(LifecycleState.Churned, LifecycleState.Churned); // already gone: not in the base
        tally.Add(LifecycleState.Churned, LifecycleState.Active); // came back: not in the base

        Assert.Equal((4, 2), (tally.NotChurnedAtStart, tally.BecameChurned));
        Assert.Equal(0.5m, tally.Rate);
        Assert.Null(new MonthlyChurnTally().Rate);
    }
}
