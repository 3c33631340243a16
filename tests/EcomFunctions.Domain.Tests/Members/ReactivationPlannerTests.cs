using EcomFunctions.Domain.Members;
using static EcomFunctions.Domain.Tests.Members.MemberTestData;

namespace EcomFunctions.Domain.Tests.Members;

public sealed class ReactivationPlannerTests
{
    private readonly MemberOptions memberOptions = MemberOptions();
    private readonly ReactivationOptions options = ReactivationOptions();
    private readonly ReactivationRun run = ReactivationRun.Start(RunTime, MemberOptions());

    private ReactivationPlanner Planner => new(memberOptions, options);

    private ReactivationDecision Decide(Member member, params ContactRecord[] history) => Planner.Decide(member, history, run);

    private static ContactRecord Contact(string memberId, DateOnly runDate, DateTimeOffset sendAt, ContactStatus status = ContactStatus.Sent) =>
        new($"winback:{runDate:yyyy-MM-dd}:{memberId}", memberId, runDate, sendAt, ContactChannel.Push, LifecycleState.Dormant,
            "winback-dormant-regular-low", 3m, false, status);

    [Fact]
    public void Run_date_is_the_store_local_date_and_names_the_instance()
    {
        var lateEvening = ReactivationRun.Start(Utc(2025, 6, 10, 17), memberOptions); // 01:00 on June 11 in Shanghai

        Assert.Equal(new DateOnly(2025, 6, 10), run.RunDate);
        Assert.Equal("reactivation-2025-06-10", run.InstanceId);
        Assert.Equal(new DateOnly(2025, 6, 11), lateEvening.RunDate);
    }

    [Fact]
    public void Dormant_member_with_consent_is_targeted_with_offer_channel_and_send_time()
    {
        var decision = Decide(IdleMember("member-1", RunTime, TimeSpan.FromDays(70)));

        var target = Assert.IsType<ReactivationTarget>(decision);
        Assert.Equal(
            new ReactivationTarget("member-1", "winback:2025-06-10:member-1", LifecycleState.Dormant, MemberTier.Regular, new RfmScore(1, 1, 1),
                ValueBand.Low, "winback-dormant-regular-low", 3m, "winback-dormant", ContactChannel.Push, RunTime, Deferred: false, Holdout: false),
            target);
        Assert.Equal(target.ContactId, target.GrantId);
    }

    [Fact]
    public void Churned_member_gets_the_exclusive_offer_and_care_message()
    {
        var target = Assert.IsType<ReactivationTarget>(Decide(IdleMember("member-1", RunTime, TimeSpan.FromDays(200), tier: MemberTier.Platinum)));

        Assert.Equal((LifecycleState.Churned, "winback-churned-platinum-low", 15m, "winback-churned-care"),
            (target.Lifecycle, target.CouponDefinitionId, target.CouponAmount, target.MessageTemplateId));
    }

    [Fact]
    public void High_value_gold_member_gets_the_high_band_coupon()
    {
        var member = NewMember("member-1", Utc(2023, 1, 1));
        for (var i = 0; i < 8; i++)
        {
            member.Record(MemberActivity.Purchase($"p{i}", RunTime - TimeSpan.FromDays(61 + (i * 20)), 750m), memberOptions);
        }

        member.ApplyConsent(new ConsentChange(ContactChannel.Push, true, Utc(2023, 1, 1)));
        member = WithTier(member, MemberTier.Gold);

        var target = Assert.IsType<ReactivationTarget>(Decide(member));

        Assert.Equal(new RfmScore(4, 5, 5), target.Rfm);
        Assert.Equal((ValueBand.High, "winback-dormant-gold-high", 20m), (target.Band, target.CouponDefinitionId, target.CouponAmount));
    }

    [Fact]
    public void Active_member_is_skipped()
    {
        Assert.Equal(new ReactivationSkip("member-1", SkipReason.Active), Decide(IdleMember("member-1", RunTime, TimeSpan.FromDays(59))));
    }

    [Fact]
    public void Erased_member_is_skipped_before_anything_else()
    {
        var member = IdleMember("member-1", RunTime, TimeSpan.FromDays(1));
        member.Erase(RunTime, Shanghai);

        Assert.Equal(new ReactivationSkip("member-1", SkipReason.Erased), Decide(member));
    }

    [Fact]
    public void Member_already_contacted_by_todays_run_is_skipped_with_the_earlier_contact()
    {
        var earlier = Contact("member-1", run.RunDate, RunTime - TimeSpan.FromMinutes(5), ContactStatus.Planned);

        Assert.Equal(new ReactivationSkip("member-1", SkipReason.AlreadyTargetedToday, earlier),
            Decide(IdleMember("member-1", RunTime, TimeSpan.FromDays(70)), earlier));
    }

    [Fact]
    public void Member_within_the_frequency_cap_is_skipped()
    {
        var recent = Contact("member-1", new DateOnly(2025, 6, 7), RunTime - TimeSpan.FromDays(3));

        Assert.Equal(new ReactivationSkip("member-1", SkipReason.Cap), Decide(IdleMember("member-1", RunTime, TimeSpan.FromDays(70)), recent));
    }

    [Fact]
    public void Member_without_consent_is_skipped_for_no_consent()
    {
        var member = NewMember("member-1", RunTime - TimeSpan.FromDays(90));

        Assert.Equal(new ReactivationSkip("member-1", SkipReason.NoConsent), Decide(member));
    }

    [Fact]
    public void Member_without_an_offer_table_entry_is_skipped_for_no_offer()
    {
        options.DormantOffers.Remove(MemberTier.Regular);

        Assert.Equal(new ReactivationSkip("member-1", SkipReason.NoOffer), Decide(IdleMember("member-1", RunTime, TimeSpan.FromDays(70))));
    }

    [Fact]
    public void Holdout_member_is_a_target_without_deferral_at_the_run_time()
    {
        Assert.True(Holdout.IsHeldOut("member-4", options.HoldoutShare, options.HoldoutSalt));

        var target = Assert.IsType<ReactivationTarget>(Decide(IdleMember("member-4", RunTime, TimeSpan.FromDays(70), zone: NewYork)));

        Assert.True(target.Holdout);
        Assert.Equal(RunTime, target.SendAt);
        Assert.False(target.Deferred);
        Assert.Equal(ContactStatus.HeldOut, target.ToContactRecord(run.RunDate).Status);
    }

    [Fact]
    public void Holdout_is_drawn_only_among_members_who_would_be_messaged()
    {
        var heldOutIdWithoutConsent = NewMember("member-4", RunTime - TimeSpan.FromDays(90));

        Assert.Equal(new ReactivationSkip("member-4", SkipReason.NoConsent), Decide(heldOutIdWithoutConsent));
    }

    [Fact]
    public void Member_in_quiet_hours_gets_a_deferred_send_time()
    {
        var target = Assert.IsType<ReactivationTarget>(Decide(IdleMember("member-1", RunTime, TimeSpan.FromDays(70), zone: NewYork)));

        Assert.Equal(Utc(2025, 6, 10, 13), target.SendAt); // 22:00 EDT → 09:00 EDT
        Assert.True(target.Deferred);
    }

    [Fact]
    public void Same_inputs_give_the_same_decision()
    {
        var member = IdleMember("member-1", RunTime, TimeSpan.FromDays(100));

        Assert.Equal(Decide(member), Decide(member));
    }

    [Fact]
    public void Batch_decides_every_member_and_tallies_the_run()
    {
        var members = new List<Member>();
        var histories = new Dictionary<string, IReadOnlyList<ContactRecord>>(StringComparer.Ordinal);
        for (var i = 0; i < 1_000; i++)
        {
            var id = $"member-{i}";
            members.Add((i % 5) switch
            {
                0 => IdleMember(id, RunTime, TimeSpan.FromDays(5)),
                1 => IdleMember(id, RunTime, TimeSpan.FromDays(90)),
                2 => IdleMember(id, RunTime, TimeSpan.FromDays(300)),
                3 => NewMember(id, RunTime - TimeSpan.FromDays(100)),
                _ => IdleMember(id, RunTime, TimeSpan.FromDays(90)),
            });
            if (i % 5 == 4)
            {
                histories[id] = [Contact(id, new DateOnly(2025, 6, 8), RunTime - TimeSpan.FromDays(2))];
            }
        }

        var plan = Planner.DecideBatch(members, histories, run);
        var tally = plan.Tally;

        Assert.Equal(1_000, plan.Decisions.Count);
        Assert.Equal((1_000, 800, 200, 200, 200), (tally.Scanned, tally.Eligible, tally.Skipped[SkipReason.Active], tally.Skipped[SkipReason.NoConsent], tally.Skipped[SkipReason.Cap]));
        Assert.Equal(400, tally.Targeted + tally.Holdout);
        Assert.Equal(plan.Targets.Count(t => t.Holdout), tally.Holdout);
        Assert.InRange(tally.Holdout, 20, 70);
        Assert.Equal(tally.Targeted, tally.MessagesPerChannel[ContactChannel.Push]);
        Assert.Equal(tally.Targeted * 0.001m, tally.CostPerChannel[ContactChannel.Push]);
        Assert.Equal(tally.Targeted, tally.TargetedByLifecycle[LifecycleState.Dormant] + tally.TargetedByLifecycle[LifecycleState.Churned]);
        Assert.Equal(0, tally.Deferred);
    }

    [Fact]
    public void Tally_counts_a_resumed_member_as_the_earlier_attempt_decided()
    {
        var tally = new ReactivationTally();
        var earlier = Contact("member-1", run.RunDate, RunTime + TimeSpan.FromHours(3), ContactStatus.Planned) with { Deferred = true, Channel = ContactChannel.Sms };

        tally.Add(new ReactivationSkip("member-1", SkipReason.AlreadyTargetedToday, earlier), options);

        Assert.Equal((1, 1, 1, 1, 1), (tally.Eligible, tally.Targeted, tally.Deferred, tally.Resumed, tally.MessagesPerChannel[ContactChannel.Sms]));
        Assert.Equal(0.05m, tally.CostPerChannel[ContactChannel.Sms]);
        Assert.Empty(tally.Skipped);
    }

    [Fact]
    public void Tallies_merge_across_batches()
    {
        var a = new ReactivationTally();
        var b = new ReactivationTally();
        a.Add(new ReactivationSkip("x", SkipReason.Cap), options);
        b.Add(new ReactivationSkip("y", SkipReason.Cap), options);
        b.Add(Assert.IsType<ReactivationTarget>(Decide(IdleMember("member-1", RunTime, TimeSpan.FromDays(70)))), options);

        a.Merge(b);

        Assert.Equal((3, 3, 1, 2), (a.Scanned, a.Eligible, a.Targeted, a.Skipped[SkipReason.Cap]));
        Assert.Equal(0.001m, a.TotalCost);
        Assert.Equal(0m, a.HoldoutShare);
    }
}
