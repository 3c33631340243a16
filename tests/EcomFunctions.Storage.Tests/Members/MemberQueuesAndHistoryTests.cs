using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Members;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EcomFunctions.Storage.Tests.Members;

public sealed class TableContactHistoryTests
{
    private static readonly DateOnly Day = new(2025, 6, 10);
    private readonly TableContactHistory history = new(MemberStorage.Clients, MemberStorage.NewOutbox(), new MemberOptions { PartitionCount = 4 }, Azurite.UniqueName("contacts"));

    private static ContactRecord Record(string member, DateOnly day, TimeSpan? offset = null, bool holdout = false) =>
        new($"winback:{day:yyyy-MM-dd}:{member}", member, day, day.ToDateTime(new TimeOnly(2, 0)).ToUniversalTimeOffset() + (offset ?? TimeSpan.Zero),
            ContactChannel.Push, LifecycleState.Dormant, "winback-dormant-regular-low", 3m, false, holdout ? ContactStatus.HeldOut : ContactStatus.Planned);

    private static OutboundMessage MessageOf(ContactRecord r) =>
        new(r.Id, r.MemberId, r.Channel, "winback-dormant", r.SendAt, r.CouponDefinitionId, r.CouponAmount, r.Lifecycle, r.RunDate);

    [Fact]
    public async Task Recent_contacts_of_the_asked_members_since_an_instant_are_returned()
    {
        await history.RecordAsync([Record("a", Day), Record("a", Day.AddDays(-40)), Record("b", Day.AddDays(-3), holdout: true), Record("a-x", Day), Record("c", Day)], default);

        var recent = await history.GetRecentAsync(["a", "b"], Day.AddDays(-31).ToDateTime(TimeOnly.MinValue).ToUniversalTimeOffset(), default);

        Assert.Equal(["a", "b"], recent.Keys.Order(StringComparer.Ordinal));
        Assert.Single(recent["a"]);
        Assert.Equal(ContactStatus.HeldOut, Assert.Single(recent["b"]).Status);
    }

    [Fact]
    public async Task Recording_again_keeps_the_delivery_state()
    {
        var record = Record("m", Day);
        await history.RecordAsync([record], default);
        Assert.Equal(DeliveryClaim.Claimed, await history.TryClaimDeliveryAsync(MessageOf(record), MemberStorage.Now, TimeSpan.FromMinutes(5), default));
        await history.CompleteDeliveryAsync("m", record.Id, ContactStatus.Sent, MemberStorage.Now, [], default);

        await history.RecordAsync([record], default);

        var stored = Assert.Single((await history.GetRecentAsync(["m"], DateTimeOffset.MinValue, default))["m"]);
        Assert.Equal(ContactStatus.Sent, stored.Status);
        Assert.Equal(DeliveryClaim.Finished, await history.TryClaimDeliveryAsync(MessageOf(record), MemberStorage.Now, TimeSpan.FromMinutes(5), default));
    }

    [Fact]
    public async Task A_claim_blocks_others_until_its_lease_ends_or_it_is_released()
    {
        var record = Record("m", Day);
        var lease = TimeSpan.FromMinutes(5);
        var now = MemberStorage.Now;

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => history.TryClaimDeliveryAsync(MessageOf(record), now, lease, default)));
        Assert.Equal(1, claims.Count(c => c == DeliveryClaim.Claimed));
        Assert.Equal(DeliveryClaim.InProgress, await history.TryClaimDeliveryAsync(MessageOf(record), now + lease - TimeSpan.FromSeconds(1), lease, default));
        Assert.Equal(DeliveryClaim.Claimed, await history.TryClaimDeliveryAsync(MessageOf(record), now + lease, lease, default));

        await history.ReleaseDeliveryClaimAsync("m", record.Id, default);
        Assert.Equal(DeliveryClaim.Claimed, await history.TryClaimDeliveryAsync(MessageOf(record), now + lease, lease, default));
    }

    [Fact]
    public async Task A_claim_before_the_plan_is_recorded_creates_a_record_that_counts_for_the_caps()
    {
        var record = Record("early", Day);
        await history.TryClaimDeliveryAsync(MessageOf(record), MemberStorage.Now, TimeSpan.FromMinutes(5), default);
        await history.RecordAsync([record], default);

        var stored = Assert.Single((await history.GetRecentAsync(["early"], MemberStorage.Now - TimeSpan.FromDays(1), default))["early"]);
        Assert.Equal((record.SendAt, record.Channel, Day), (stored.SendAt, stored.Channel, stored.RunDate));
        Assert.Equal(DeliveryClaim.InProgress, await history.TryClaimDeliveryAsync(MessageOf(record), MemberStorage.Now, TimeSpan.FromMinutes(5), default));
    }
}

public sealed class MemberQueueTests
{
    private static readonly FakeTimeProvider Clock = new(MemberStorage.Now);

    private static async Task<List<string>> DrainAsync(string queue)
    {
        var client = await MemberStorage.Clients.QueueAsync(queue);
        var texts = new List<string>();
        while (true)
        {
            var received = await client.ReceiveMessagesAsync(32);
            if (received.Value.Length == 0)
            {
                return texts;
            }

            foreach (var m in received.Value)
            {
                texts.Add(m.Body.ToString());
                await client.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }
        }
    }

    [Fact]
    public async Task Grants_travel_packed_with_the_coupons_grant_reason()
    {
        var queue = Azurite.UniqueName("grants");
        var sender = new RedirectingSender(new QueueSender(MemberStorage.Clients), QueueNames.CouponGrants, queue);
        var grants = Enumerable.Range(0, 450).Select(i => new CouponGrant($"winback:2025-06-10:m{i}", $"m{i}", "winback-dormant-regular-low", 3m, GrantReason.Reactivation, MemberStorage.Now)).ToList();

        await new QueueCouponGrants(sender).EnqueueAsync(grants, default);

        var batches = (await DrainAsync(queue)).Select(t => QueueMessages.Read<CouponGrantBatch>(t).GetValueOrThrow()).ToList();
        Assert.Equal(3, batches.Count);
        Assert.Equal(450, batches.SelectMany(b => b.Grants).Select(g => g.GrantId).Distinct().Count());
        Assert.All(batches.SelectMany(b => b.Grants), g => Assert.Equal(GrantReason.Reactivation, g.Reason));
    }

    [Fact]
    public async Task Deferred_messages_stay_invisible_until_their_send_time_and_delays_are_capped_at_the_queue_limit()
    {
        var queue = Azurite.UniqueName("winback");
        var recording = new RecordingSender();
        var outbox = new QueueMessageOutbox(recording, Clock);
        OutboundMessage Message(string member, TimeSpan after) =>
            new($"winback:2025-06-10:{member}", member, ContactChannel.Push, "winback-dormant", MemberStorage.Now + after, "c", 3m, LifecycleState.Dormant, new DateOnly(2025, 6, 10));

        await outbox.EnqueueAsync([Message("now1", TimeSpan.Zero), Message("now2", TimeSpan.Zero), Message("tz", TimeSpan.FromHours(7)), Message("far", TimeSpan.FromDays(9))], default);

        Assert.Equal(3, recording.Sent.Count);
        Assert.Equal(2, ((WinBackMessageBatch)recording.Sent.Single(s => s.Delay is null || s.Delay == TimeSpan.Zero).Message!).Messages.Count);
        Assert.Contains(recording.Sent, s => s.Delay == TimeSpan.FromHours(7));
        Assert.Contains(recording.Sent, s => s.Delay == QueueMessageOutbox.MaxVisibilityDelay);

        // Against the real queue: a delayed message is not visible yet.
        var real = new QueueMessageOutbox(new RedirectingSender(new QueueSender(MemberStorage.Clients), QueueNames.WinBackMessages, queue), new FakeTimeProvider(DateTimeOffset.UtcNow));
        await real.EnqueueAsync([Message("later", TimeSpan.FromDays(30)) with { SendAt = DateTimeOffset.UtcNow + TimeSpan.FromHours(1) }], default);
        Assert.Empty(await DrainAsync(queue));
    }

    /// <summary>Sends to a test's own queue instead of the shared one.</summary>
    private sealed class RedirectingSender(IQueueSender inner, string from, string to) : IQueueSender
    {
        public Task SendAsync<T>(string queue, T message, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default) =>
            inner.SendAsync(queue == from ? to : queue, message, visibilityDelay, cancellationToken);

        public Task SendTextAsync(string queue, string text, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default) =>
            inner.SendTextAsync(queue == from ? to : queue, text, visibilityDelay, cancellationToken);
    }

    private sealed class RecordingSender : IQueueSender
    {
        public List<(string Queue, object? Message, TimeSpan? Delay)> Sent { get; } = [];

        public Task SendAsync<T>(string queue, T message, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default)
        {
            Sent.Add((queue, message, visibilityDelay));
            return Task.CompletedTask;
        }

        public Task SendTextAsync(string queue, string text, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default)
        {
            Sent.Add((queue, text, visibilityDelay));
            return Task.CompletedTask;
        }
    }
}

public sealed class TableReactivationLedgerTests
{
    private readonly TableReactivationLedger ledger = new(MemberStorage.Clients, Azurite.UniqueName("runs"));

    [Fact]
    public async Task Runs_deliveries_responses_and_churn_round_trip_and_rewrites_do_not_double_count()
    {
        var day = new DateOnly(2025, 6, 10);
        var tally = new ReactivationTally { Scanned = 10, Eligible = 6, Targeted = 4, Holdout = 1 };
        tally.Skipped[SkipReason.Cap] = 1;
        tally.MessagesPerChannel[ContactChannel.Sms] = 4;
        tally.CostPerChannel[ContactChannel.Sms] = 0.2m;
        await ledger.SaveRunAsync(new ReactivationRunSummary(day.AddDays(-1), MemberStorage.Now.AddDays(-1), RunStatus.Completed, MemberStorage.Now.AddDays(-1), MemberStorage.Now.AddDays(-1), new()), default);
        await ledger.SaveRunAsync(new ReactivationRunSummary(day, MemberStorage.Now, RunStatus.Completed, MemberStorage.Now, MemberStorage.Now, tally), default);
        var delivery = new DeliveryRecord(day, "m1", "winback:m1", ContactChannel.Sms, ContactStatus.Sent, MemberStorage.Now);
        await ledger.RecordDeliveryAsync(delivery, default);
        await ledger.RecordDeliveryAsync(delivery, default);
        var response = new AttributedResponse(day, "m1", "o-1", ResponseKind.Purchase, MemberStorage.Now.AddDays(1), 12.34m, false, ContactChannel.Sms, MemberStorage.Now);
        await ledger.RecordResponsesAsync([response, response], default);
        await ledger.SaveChurnAsync(YearMonth.Of(2025, 5), new MonthlyChurnTally { NotChurnedAtStart = 50, BecameChurned = 2 }, default);

        var run = (await ledger.GetRunAsync(day, default))!;
        Assert.Equal((10, 6, 4, 1, 1, 4, 0.2m), (run.Tally.Scanned, run.Tally.Eligible, run.Tally.Targeted, run.Tally.Holdout, run.Tally.Skipped[SkipReason.Cap],
            run.Tally.MessagesPerChannel[ContactChannel.Sms], run.Tally.CostPerChannel[ContactChannel.Sms]));
        Assert.Equal([day, day.AddDays(-1)], (await ledger.ListRunsAsync(10, default)).Select(r => r.RunDate));
        Assert.Equal(delivery, Assert.Single(await ledger.GetDeliveriesAsync(day, default)));
        Assert.Equal(response, Assert.Single(await ledger.GetResponsesAsync(day, default)));
        Assert.Equal(0.04m, (await ledger.GetChurnAsync(YearMonth.Of(2025, 5), default))!.Rate);
        Assert.Null(await ledger.GetChurnAsync(YearMonth.Of(2025, 4), default));
    }
}

internal static class DateTimeTestExtensions
{
    public static DateTimeOffset ToUniversalTimeOffset(this DateTime dateTime) => new(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc));
}
