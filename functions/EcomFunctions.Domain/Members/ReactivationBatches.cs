using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Members;

/// <summary>
/// Processes packed batches of the daily win-back run (one activity call = one page of one member partition,
/// 100–1 000 members). Per batch: read recent contact history → decide every member → enqueue the coupon grants
/// (one packed call) → enqueue the messages (one packed call) → record the contacts (holdout included).
/// Contacts are recorded last and every id is derived from (run date, member id): if the batch is interrupted and
/// re-run, members already recorded are recognised (AlreadyTargetedToday, counted as before) and anything enqueued
/// before the interruption is enqueued again under the same ids, which the coupon grant and the delivery claim
/// absorb. So a resumed run neither double-sends nor breaks the caps.
/// </summary>
public sealed class ReactivationBatches
{
    private readonly IMemberRepository repository;
    private readonly IContactHistory history;
    private readonly ICouponGrants grants;
    private readonly IMessageOutbox outbox;
    private readonly ReactivationPlanner planner;
    private readonly ReactivationOptions options;
    private readonly MemberOptions memberOptions;

    public ReactivationBatches(
        IMemberRepository repository,
        IContactHistory history,
        ICouponGrants grants,
        IMessageOutbox outbox,
        ReactivationPlanner planner,
        ReactivationOptions options,
        MemberOptions memberOptions)
    {
        this.memberOptions = memberOptions ?? throw new ArgumentNullException(nameof(memberOptions));
        this.repository = repository ?? throw new ArgumentNullException(nameof(repository));
        this.history = history ?? throw new ArgumentNullException(nameof(history));
        this.grants = grants ?? throw new ArgumentNullException(nameof(grants));
        this.outbox = outbox ?? throw new ArgumentNullException(nameof(outbox));
        this.planner = planner ?? throw new ArgumentNullException(nameof(planner));
        this.options = options ?? throw new ArgumentNullException(nameof(options));
    }

    public async Task<ReactivationTally> ProcessAsync(ReactivationRun run, IReadOnlyList<Member> members, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0)
        {
            return new ReactivationTally();
        }

        var since = run.Now - FrequencyCaps.Lookback(options) - TimeSpan.FromDays(1);
        var recent = await history.GetRecentAsync(members.Select(m => m.Id).ToList(), since, cancellationToken);
        var plan = planner.DecideBatch(members, recent, run);
        var targets = plan.Targets.ToList();
        var treated = targets.Where(t => !t.Holdout).ToList();
        if (treated.Count > 0)
        {
            // Independent of each other (both are idempotent by id and both precede the recording), so sent together.
            await Task.WhenAll(
                grants.EnqueueAsync(
                    treated.Select(t => new CouponGrant(t.GrantId, t.MemberId, t.CouponDefinitionId, t.CouponAmount, GrantReason.Reactivation, run.Now)).ToList(),
                    cancellationToken),
                outbox.EnqueueAsync(
                    treated.Select(t => new OutboundMessage(t.ContactId, t.MemberId, t.Channel, t.MessageTemplateId, t.SendAt, t.CouponDefinitionId, t.CouponAmount, t.Lifecycle, run.RunDate)).ToList(),
                    cancellationToken));
        }

        if (targets.Count > 0)
        {
            await history.RecordAsync(targets.Select(t => t.ToContactRecord(run.RunDate)).ToList(), cancellationToken);
        }

        return plan.Tally;
    }

    /// <summary>
    /// Processes one page of a partition; the orchestration calls again with the returned token until it is null. One
    /// storage query per page: active members are classified by the stored last-activity instant and only counted (the
    /// same decision the planner takes for them), the candidates are read as planning views.
    /// </summary>
    public async Task<PageResult<ReactivationTally>> ProcessPageAsync(
        ReactivationRun run, string partition, string? continuationToken, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var size = Math.Clamp(pageSize, ReactivationOptions.MinPageSize, ReactivationOptions.MaxPageSize);
        var cutoff = run.Now - memberOptions.DormantAfter;
        var page = await repository.ScanWinBackAsync(partition, cutoff, continuationToken, size, cancellationToken);
        var tally = await ProcessAsync(run, page.Candidates, cancellationToken);
        tally.AddSkipped(SkipReason.Active, page.Active);
        return new PageResult<ReactivationTally>(tally, page.Scanned, page.ContinuationToken);
    }
}

public enum DeliveryOutcomeKind
{
    Sent = 0,
    Failed = 1,
    /// <summary>Consent revoked, address gone or member erased since planning: not sent, on purpose.</summary>
    Suppressed = 2,
    /// <summary>Another delivery of the same message id already happened or is in progress.</summary>
    Duplicate = 3,
    /// <summary>Arrived before its send time (queue delays are capped): re-enqueue for <see cref="DeliveryOutcome.RetryAt"/>.</summary>
    NotYetDue = 4,
    /// <summary>Another delivery claimed the message recently: look again at <see cref="DeliveryOutcome.RetryAt"/> (its lease end).</summary>
    InProgress = 5,
}

public sealed record DeliveryOutcome(DeliveryOutcomeKind Kind, string? Detail = null, DateTimeOffset? RetryAt = null);

/// <summary>
/// The sender: delivers one win-back message through the channel adapter of its channel. Consent and address are
/// checked again at send time (a deferred message may wait 12 hours); the delivery claim on the message id makes a
/// duplicated queue message a no-op, and a claim held by another (possibly crashed) delivery is handed back with its
/// lease end so the message is looked at again rather than dropped. A retryable adapter failure releases the claim and
/// returns Unavailable so the sender retries; a permanent one is recorded as Failed. The final status and the
/// ReactivationMessageSent event are stored together.
/// </summary>
public sealed class WinBackDelivery
{
    // Queue visibility delays are not exact; a message a few seconds early is not worth another round trip.
    private static readonly TimeSpan EarlyDeliveryTolerance = TimeSpan.FromMinutes(1);

    private readonly IMemberRepository repository;
    private readonly IContactHistory history;
    private readonly Dictionary<ContactChannel, IMessageChannel> channels;
    private readonly ContactProtector protector;
    private readonly ReactivationOptions options;
    private readonly TimeProvider time;
    private readonly IReactivationLedger? ledger;

    public WinBackDelivery(
        IMemberRepository repository,
        IContactHistory history,
        IEnumerable<IMessageChannel> channels,
        ContactProtector protector,
        ReactivationOptions options,
        TimeProvider time,
        IReactivationLedger? ledger = null)
    {
        ArgumentNullException.ThrowIfNull(channels);
        this.ledger = ledger;
        this.repository = repository ?? throw new ArgumentNullException(nameof(repository));
        this.history = history ?? throw new ArgumentNullException(nameof(history));
        this.channels = channels.GroupBy(c => c.Channel).ToDictionary(g => g.Key, g => g.Last());
        this.protector = protector ?? throw new ArgumentNullException(nameof(protector));
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
    }

    public async Task<Result<DeliveryOutcome>> DeliverAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var now = time.GetUtcNow();
        if (message.SendAt - EarlyDeliveryTolerance > now)
        {
            return new DeliveryOutcome(DeliveryOutcomeKind.NotYetDue, "Before its send time.", message.SendAt);
        }

        if (!channels.TryGetValue(message.Channel, out var channel))
        {
            return Problem.Unavailable($"No adapter configured for channel {message.Channel}.");
        }

        switch (await history.TryClaimDeliveryAsync(message, now, options.DeliveryClaimLease, cancellationToken))
        {
            case DeliveryClaim.Finished:
                return new DeliveryOutcome(DeliveryOutcomeKind.Duplicate);
            case DeliveryClaim.InProgress:
                return new DeliveryOutcome(DeliveryOutcomeKind.InProgress, "Claimed by another delivery.", now + options.DeliveryClaimLease);
        }

        var found = await repository.GetAsync(message.MemberId, cancellationToken);
        var address = found is null ? null : AddressOf(found.Member, message.Channel);
        if (address is null)
        {
            await FinishAsync(message, ContactStatus.Suppressed, now, [], cancellationToken);
            return new DeliveryOutcome(DeliveryOutcomeKind.Suppressed, "No consent or address for the channel any more.");
        }

        var result = await channel.SendAsync(message, address, cancellationToken);
        if (result.Status == DeliveryStatus.Delivered)
        {
            await RecordSentAsync(message, now, [MemberEvents.ReactivationMessageSent(message, result, now)], cancellationToken);
            return new DeliveryOutcome(DeliveryOutcomeKind.Sent);
        }

        if (result.Retryable)
        {
            await history.ReleaseDeliveryClaimAsync(message.MemberId, message.MessageId, cancellationToken);
            return Problem.Unavailable($"Channel {message.Channel} failed temporarily: {result.Error}");
        }

        await FinishAsync(message, ContactStatus.Failed, now, [], cancellationToken);
        return new DeliveryOutcome(DeliveryOutcomeKind.Failed, result.Error);
    }

    /// <summary>
    /// The member has the message now: only this call knows it. Were the completion given up on (storage unreachable for a
    /// moment), the claim's lease would lapse and another delivery would send the message again, breaking the frequency
    /// cap. So the completion is retried here, within half the lease (no other delivery can claim the message meanwhile),
    /// and only then does the failure propagate; a host crash in that window remains an at-least-once resend.
    /// </summary>
    private async Task RecordSentAsync(OutboundMessage message, DateTimeOffset now, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken)
    {
        var giveUpAt = time.GetUtcNow() + options.DeliveryClaimLease / 2;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await FinishAsync(message, ContactStatus.Sent, now, events, CancellationToken.None);
                return;
            }
            catch (Exception) when (attempt < options.SentCompletionAttempts && time.GetUtcNow() + options.SentCompletionRetryDelay < giveUpAt)
            {
                await Task.Delay(options.SentCompletionRetryDelay, time, cancellationToken);
            }
        }
    }

    /// <summary>The report's delivery row first: if the completion then fails, the retry re-records the same row.</summary>
    private async Task FinishAsync(OutboundMessage message, ContactStatus status, DateTimeOffset now, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken)
    {
        if (ledger is not null)
        {
            await ledger.RecordDeliveryAsync(new DeliveryRecord(message.RunDate, message.MemberId, message.MessageId, message.Channel, status, now), cancellationToken);
        }

        await history.CompleteDeliveryAsync(message.MemberId, message.MessageId, status, now, events, cancellationToken);
    }

    private MessageAddress? AddressOf(Member member, ContactChannel channel)
    {
        if (!member.CanReceive(channel))
        {
            return null;
        }

        return channel switch
        {
            ContactChannel.Email => new MessageAddress(channel, protector.Unprotect(member.Personal.EncryptedEmail!, member.Id, PersonalField.Email)),
            ContactChannel.Sms => new MessageAddress(channel, protector.Unprotect(member.Personal.EncryptedPhone!, member.Id, PersonalField.Phone)),
            _ => new MessageAddress(channel, member.Id),
        };
    }
}
