using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Tests.Members.Fakes;
using Microsoft.Extensions.Time.Testing;
using static EcomFunctions.Domain.Tests.Members.MemberTestData;

namespace EcomFunctions.Domain.Tests.Members;

public sealed class ReactivationBatchesTests
{
    private const int Partitions = 4;
    private readonly InMemoryMemberRepository repository = new(Partitions);
    private readonly InMemoryContactHistory history = new();
    private readonly RecordingCouponGrants grants = new();
    private readonly RecordingMessageOutbox outbox = new();
    private readonly FakeTimeProvider clock = new(RunTime);
    private readonly MemberOptions memberOptions = MemberOptions();
    private readonly ReactivationOptions options = ReactivationOptions();
    private readonly ContactProtector protector = Protector();
    private readonly RecordingMessageChannel push = new(ContactChannel.Push);
    private readonly RecordingMessageChannel email = new(ContactChannel.Email);

    public ReactivationBatchesTests()
    {
        for (var i = 0; i < 400; i++)
        {
            var id = $"member-{i}";
            var member = (i % 4) switch
            {
                0 => IdleMember(id, RunTime, TimeSpan.FromDays(5)),
                1 => IdleMember(id, RunTime, TimeSpan.FromDays(90)),
                2 => EmailOnly(id, TimeSpan.FromDays(250)),
                _ => IdleMember(id, RunTime, TimeSpan.FromDays(90), zone: NewYork),
            };
            repository.Put(member);
        }
    }

    private ReactivationBatches Batches => new(repository, history, grants, outbox, new ReactivationPlanner(memberOptions, options), options, memberOptions);

    private WinBackDelivery Delivery => new(repository, history, [push, email], protector, options, clock);

    private Member EmailOnly(string id, TimeSpan idle)
    {
        var member = NewMember(id, RunTime - idle - TimeSpan.FromDays(1));
        member.Record(MemberActivity.Login("l-" + id, RunTime - idle), memberOptions);
        var personal = protector.Protect(id, new PersonalDetails { Email = $"{id}@example.com" }).GetValueOrThrow();
        member.UpdateProfile(new MemberProfile(Shanghai, null, null, personal), [new ConsentChange(ContactChannel.Email, true, RunTime - idle)], RunTime - idle);
        return member;
    }

    private async Task<ReactivationTally> RunDayAsync(DateTimeOffset now)
    {
        var run = ReactivationRun.Start(now, memberOptions);
        var total = new ReactivationTally();
        foreach (var partition in MemberPartitions.All(Partitions))
        {
            string? token = null;
            do
            {
                var page = await Batches.ProcessPageAsync(run, partition, token, options.PageSize, default);
                total.Merge(page.Result);
                token = page.ContinuationToken;
            }
            while (token is not null);
        }

        return total;
    }

    [Fact]
    public async Task Daily_run_grants_coupons_enqueues_messages_and_records_contacts()
    {
        var tally = await RunDayAsync(RunTime);

        Assert.Equal((400, 100, 300), (tally.Scanned, tally.Skipped[SkipReason.Active], tally.Eligible));
        Assert.Equal(300, tally.Targeted + tally.Holdout);
        Assert.Equal(tally.Targeted, grants.Issued.Count);
        Assert.Equal(tally.Targeted, outbox.Messages.Count);
        Assert.Equal(300, history.All.Count);
        Assert.Equal(tally.Holdout, history.All.Count(c => c.IsHoldout));
        Assert.Equal(outbox.Messages.Select(m => m.MessageId).Order(StringComparer.Ordinal), history.All.Where(c => !c.IsHoldout).Select(c => c.Id));
        Assert.Equal(tally.MessagesPerChannel[ContactChannel.Email], outbox.Messages.Count(m => m.Channel == ContactChannel.Email));
        Assert.All(outbox.Messages.Where(m => m.Lifecycle == LifecycleState.Churned), m => Assert.Equal("winback-churned-care", m.TemplateId));
        Assert.Equal(tally.Deferred, outbox.Messages.Count(m => m.SendAt == Utc(2025, 6, 10, 13))); // New York members: 22:00 → 09:00
        Assert.InRange(tally.Deferred, 60, 100);
        Assert.True(grants.Calls <= Partitions && outbox.Calls <= Partitions, "grants and messages travel packed, one call per page");
    }

    [Fact]
    public async Task Holdout_members_get_a_contact_record_but_no_coupon_or_message()
    {
        await RunDayAsync(RunTime);

        var heldOut = history.All.Where(c => c.IsHoldout).Select(c => c.MemberId).ToHashSet();

        Assert.NotEmpty(heldOut);
        Assert.All(heldOut, id => Assert.True(Holdout.IsHeldOut(id, options.HoldoutShare, options.HoldoutSalt)));
        Assert.DoesNotContain(grants.Issued, g => heldOut.Contains(g.MemberId));
        Assert.DoesNotContain(outbox.Messages, m => heldOut.Contains(m.MemberId));
        Assert.All(history.All.Where(c => c.IsHoldout), c => Assert.Equal(RunTime, c.SendAt));
    }

    [Fact]
    public async Task Second_run_the_same_day_sends_nothing_new_and_reports_the_same_totals()
    {
        var first = await RunDayAsync(RunTime);
        var grantsBefore = grants.GrantsEnqueued;
        var messagesBefore = outbox.Messages.Count;

        clock.Advance(TimeSpan.FromHours(2));
        var second = await RunDayAsync(clock.GetUtcNow());

        Assert.Equal((grantsBefore, messagesBefore, 300), (grants.GrantsEnqueued, outbox.Messages.Count, history.All.Count));
        Assert.Equal((first.Targeted, first.Holdout, first.Deferred, first.TotalCost), (second.Targeted, second.Holdout, second.Deferred, second.TotalCost));
        Assert.Equal(300, second.Resumed);
    }

    [Fact]
    public async Task An_interrupted_run_resumes_without_granting_or_sending_twice()
    {
        history.FailNextRecord = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => RunDayAsync(RunTime));

        var resumed = await RunDayAsync(RunTime + TimeSpan.FromMinutes(10));
        foreach (var message in outbox.Messages.ToList())
        {
            clock.SetUtcNow(message.SendAt > clock.GetUtcNow() ? message.SendAt : clock.GetUtcNow());
            await Delivery.DeliverAsync(message, default);
        }

        var sent = push.Sent.Concat(email.Sent).Select(s => s.Message.MemberId).ToList();
        Assert.True(outbox.Messages.Count > resumed.Targeted, "the interrupted page was enqueued twice");
        Assert.Equal(resumed.Targeted, grants.Issued.Count);
        Assert.Equal(resumed.Targeted, sent.Count);
        Assert.Equal(sent.Count, sent.Distinct().Count());
    }

    [Fact]
    public async Task Frequency_caps_hold_over_forty_daily_runs()
    {
        for (var day = 0; day < 40; day++)
        {
            await RunDayAsync(RunTime + TimeSpan.FromDays(day));
        }

        var violations = 0;
        foreach (var contacts in history.All.GroupBy(c => c.MemberId))
        {
            var times = contacts.Select(c => c.SendAt).Order().ToList();
            violations += times.Zip(times.Skip(1)).Count(p => p.Second - p.First < TimeSpan.FromDays(7));
            violations += times.Count(t => times.Count(u => u <= t && u > t - TimeSpan.FromDays(30)) > 3);
        }

        Assert.Equal(0, violations);
        // A Shanghai member contacted at 10:00 on day 0 is next eligible on day 7 and 14; the 30-day cap of 3 then
        // holds them until day 30 (day 0's contact leaves the window), then day 37.
        var firstDay = new DateOnly(2025, 6, 10).DayNumber;
        var contactDays = history.All.Where(c => c.MemberId == "member-1").Select(c => c.RunDate.DayNumber - firstDay).Order().ToList();
        Assert.Equal([0, 7, 14, 30, 37], contactDays);
    }
}
