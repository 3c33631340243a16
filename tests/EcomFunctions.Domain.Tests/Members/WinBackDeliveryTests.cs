using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Tests.Members.Fakes;
using Microsoft.Extensions.Time.Testing;
using static EcomFunctions.Domain.Tests.Members.MemberTestData;

namespace EcomFunctions.Domain.Tests.Members;

public sealed class WinBackDeliveryTests
{
    private readonly InMemoryMemberRepository repository = new();
    private readonly InMemoryContactHistory history = new();
    private readonly FakeTimeProvider clock = new(RunTime);
    private readonly ReactivationOptions options = ReactivationOptions();
    private readonly ContactProtector protector = Protector();
    private readonly RecordingMessageChannel email = new(ContactChannel.Email);
    private readonly RecordingMessageChannel push = new(ContactChannel.Push);
    private readonly OutboundMessage message = new(
        "winback:2025-06-10:m-1", "m-1", ContactChannel.Email, "winback-dormant", RunTime, "winback-dormant-regular-low", 3m,
        LifecycleState.Dormant, new DateOnly(2025, 6, 10));

    public WinBackDeliveryTests()
    {
        var member = NewMember("m-1", Utc(2024, 1, 1));
        var personal = protector.Protect("m-1", new PersonalDetails { Email = "alice@example.com" }).GetValueOrThrow();
        member.UpdateProfile(new MemberProfile(Shanghai, null, ContactChannel.Email, personal),
            [new ConsentChange(ContactChannel.Email, true, Utc(2024, 1, 1))], Utc(2024, 1, 1));
        repository.Put(member);
        history.Add(new ContactRecord(message.MessageId, "m-1", message.RunDate, message.SendAt, ContactChannel.Email, LifecycleState.Dormant,
            message.CouponDefinitionId, 3m, false, ContactStatus.Planned));
    }

    private WinBackDelivery Delivery => new(repository, history, [email, push], protector, options, clock);

    [Fact]
    public async Task Message_is_sent_to_the_decrypted_address_and_recorded()
    {
        var outcome = (await Delivery.DeliverAsync(message, default)).GetValueOrThrow();

        Assert.Equal(DeliveryOutcomeKind.Sent, outcome.Kind);
        var (sent, address) = Assert.Single(email.Sent);
        Assert.Equal((message, "alice@example.com"), (sent, address.Value));
        Assert.Equal(ContactStatus.Sent, Assert.Single(history.All).Status);
        var published = Assert.Single(history.Events);
        Assert.Equal((MemberEventTypes.ReactivationMessageSent, "members/m-1"), (published.Type, published.Subject));
        Assert.DoesNotContain("alice", published.DataJson, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_duplicated_queue_message_is_delivered_once()
    {
        await Delivery.DeliverAsync(message, default);

        var again = (await Delivery.DeliverAsync(message, default)).GetValueOrThrow();

        Assert.Equal(DeliveryOutcomeKind.Duplicate, again.Kind);
        Assert.Single(email.Sent);
    }

    [Fact]
    public async Task A_sent_message_whose_record_fails_for_a_moment_is_recorded_on_retry_and_never_sent_again()
    {
        options.SentCompletionRetryDelay = TimeSpan.Zero;
        history.FailingCompletions = 3;

        var outcome = (await Delivery.DeliverAsync(message, default)).GetValueOrThrow();
        var redelivered = (await Delivery.DeliverAsync(message, default)).GetValueOrThrow();

        Assert.Equal((DeliveryOutcomeKind.Sent, DeliveryOutcomeKind.Duplicate), (outcome.Kind, redelivered.Kind));
        Assert.Equal(4, history.CompletionCalls);
        Assert.Single(email.Sent);
        Assert.Equal(ContactStatus.Sent, Assert.Single(history.All).Status);
    }

    [Fact]
    public async Task A_record_that_keeps_failing_after_the_send_gives_up_after_the_configured_attempts()
    {
        options.SentCompletionRetryDelay = TimeSpan.Zero;
        options.SentCompletionAttempts = 5;
        history.FailingCompletions = 100;

        await Assert.ThrowsAsync<IOException>(() => Delivery.DeliverAsync(message, default));

        Assert.Equal(5, history.CompletionCalls);
        Assert.Single(email.Sent);
    }

    [Fact]
    public async Task A_message_arriving_before_its_send_time_is_handed_back_with_the_time()
    {
        var deferred = message with { SendAt = RunTime + TimeSpan.FromHours(2) };

        var early = (await Delivery.DeliverAsync(deferred, default)).GetValueOrThrow();
        clock.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(30));
        var onTime = (await Delivery.DeliverAsync(deferred, default)).GetValueOrThrow();

        Assert.Equal(new DeliveryOutcome(DeliveryOutcomeKind.NotYetDue, "Before its send time.", deferred.SendAt), early);
        Assert.Equal(DeliveryOutcomeKind.Sent, onTime.Kind);
    }

    [Fact]
    public async Task Consent_revoked_after_planning_suppresses_the_message()
    {
        var member = repository.Peek("m-1")!;
        member.ApplyConsent(new ConsentChange(ContactChannel.Email, false, RunTime - TimeSpan.FromMinutes(1)));
        repository.Put(member);

        var outcome = (await Delivery.DeliverAsync(message, default)).GetValueOrThrow();

        Assert.Equal(DeliveryOutcomeKind.Suppressed, outcome.Kind);
        Assert.Empty(email.Sent);
        Assert.Equal(ContactStatus.Suppressed, Assert.Single(history.All).Status);
    }

    [Fact]
    public async Task Erased_member_is_not_contacted()
    {
        var member = repository.Peek("m-1")!;
        member.Erase(RunTime, Shanghai);
        repository.Put(member);

        Assert.Equal(DeliveryOutcomeKind.Suppressed, (await Delivery.DeliverAsync(message, default)).GetValueOrThrow().Kind);
        Assert.Empty(email.Sent);
    }

    [Fact]
    public async Task A_temporary_channel_failure_is_retried_later()
    {
        email.Results.Enqueue(DeliveryResult.Failed("throttled", retryable: true));

        var first = await Delivery.DeliverAsync(message, default);
        var retry = (await Delivery.DeliverAsync(message, default)).GetValueOrThrow();

        Assert.Equal(ProblemKind.Unavailable, first.Problem!.Kind);
        Assert.Equal(DeliveryOutcomeKind.Sent, retry.Kind);
        Assert.Single(email.Sent);
    }

    [Fact]
    public async Task A_permanent_channel_failure_is_recorded_and_not_retried()
    {
        email.Results.Enqueue(DeliveryResult.Failed("mailbox unknown", retryable: false));

        var outcome = (await Delivery.DeliverAsync(message, default)).GetValueOrThrow();
        var again = (await Delivery.DeliverAsync(message, default)).GetValueOrThrow();

        Assert.Equal((DeliveryOutcomeKind.Failed, "mailbox unknown"), (outcome.Kind, outcome.Detail));
        Assert.Equal(DeliveryOutcomeKind.Duplicate, again.Kind);
        Assert.Equal(ContactStatus.Failed, Assert.Single(history.All).Status);
        Assert.Empty(history.Events);
    }

    [Fact]
    public async Task A_delivery_abandoned_by_a_crashed_host_is_retried_after_the_lease()
    {
        await history.TryClaimDeliveryAsync(message, RunTime, options.DeliveryClaimLease, default);

        var blocked = (await Delivery.DeliverAsync(message, default)).GetValueOrThrow();
        clock.Advance(options.DeliveryClaimLease);
        var retried = (await Delivery.DeliverAsync(message, default)).GetValueOrThrow();

        // The blocked delivery is handed back with the lease end, not dropped: the claim holder may have crashed.
        Assert.Equal((DeliveryOutcomeKind.InProgress, RunTime + options.DeliveryClaimLease), (blocked.Kind, blocked.RetryAt));
        Assert.Equal(DeliveryOutcomeKind.Sent, retried.Kind);
        Assert.Single(email.Sent);
    }

    [Fact]
    public async Task A_message_delivered_before_the_planner_recorded_it_still_counts_toward_the_caps()
    {
        var history2 = new InMemoryContactHistory();
        var delivery = new WinBackDelivery(repository, history2, [email], protector, options, clock);

        await delivery.DeliverAsync(message, default);

        var record = Assert.Single(history2.All);
        Assert.Equal((message.MessageId, message.SendAt, ContactStatus.Sent), (record.Id, record.SendAt, record.Status));
        Assert.False(FrequencyCaps.Allows(history2.All, RunTime + TimeSpan.FromDays(1), options));
    }

    [Fact]
    public async Task A_channel_without_an_adapter_is_unavailable()
    {
        var delivery = new WinBackDelivery(repository, history, [push], protector, options, clock);

        Assert.Equal(ProblemKind.Unavailable, (await delivery.DeliverAsync(message, default)).Problem!.Kind);
    }

    [Fact]
    public async Task Push_messages_are_addressed_to_the_member_id()
    {
        var member = repository.Peek("m-1")!;
        member.ApplyConsent(new ConsentChange(ContactChannel.Push, true, Utc(2024, 1, 2)));
        repository.Put(member);

        await Delivery.DeliverAsync(message with { Channel = ContactChannel.Push }, default);

        Assert.Equal("m-1", Assert.Single(push.Sent).Address.Value);
    }
}
