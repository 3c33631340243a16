using System.Globalization;

namespace EcomFunctions.Domain.Members;

/// <summary>
/// One daily win-back run: its store-local date (the business key: instance <c>reactivation-{date}</c>) and the
/// instant the decisions are made at.
/// </summary>
public sealed record ReactivationRun(DateOnly RunDate, DateTimeOffset Now)
{
    public string InstanceId => "reactivation-" + RunDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static ReactivationRun Start(DateTimeOffset now, MemberOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ReactivationRun(ZonedTime.LocalDate(now, options.StoreZone), now);
    }

    /// <summary>Contact / message id of a member in this run; also the base of the coupon grant id.</summary>
    public string ContactId(string memberId) =>
        "winback:" + RunDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ":" + memberId;
}

public enum SkipReason
{
    Erased = 0,
    Active = 1,
    AlreadyTargetedToday = 2,
    Cap = 3,
    NoConsent = 4,
    NoOffer = 5,
}

/// <summary>The run's decision for one member: a <see cref="ReactivationTarget"/> or a <see cref="ReactivationSkip"/>.</summary>
public abstract record ReactivationDecision(string MemberId);

/// <summary>
/// A member to win back: the offer, the channel and when to send. <see cref="Holdout"/> members go through the
/// same selection but get neither coupon nor message; their <see cref="SendAt"/> is the run time (the "would-be
/// message time" their conversions are measured from).
/// </summary>
public sealed record ReactivationTarget(
    string MemberId,
    string ContactId,
    LifecycleState Lifecycle,
    MemberTier Tier,
    RfmScore Rfm,
    ValueBand Band,
    string CouponDefinitionId,
    decimal CouponAmount,
    string MessageTemplateId,
    ContactChannel Channel,
    DateTimeOffset SendAt,
    bool Deferred,
    bool Holdout) : ReactivationDecision(MemberId)
{
    /// <summary>Coupon grant id: idempotent per member and run day, so a resumed run never grants twice.</summary>
    public string GrantId => ContactId;

    public ContactRecord ToContactRecord(DateOnly runDate) => new(
        ContactId, MemberId, runDate, SendAt, Channel, Lifecycle, CouponDefinitionId, CouponAmount, Deferred,
        Holdout ? ContactStatus.HeldOut : ContactStatus.Planned);
}

/// <summary>A member not targeted today, and why. For <see cref="SkipReason.AlreadyTargetedToday"/>, the earlier contact.</summary>
public sealed record ReactivationSkip(string MemberId, SkipReason Reason, ContactRecord? Earlier = null) : ReactivationDecision(MemberId);

/// <summary>Decisions for one packed batch of members and their counts.</summary>
public sealed record ReactivationPlan(IReadOnlyList<ReactivationDecision> Decisions, ReactivationTally Tally)
{
    public IEnumerable<ReactivationTarget> Targets => Decisions.OfType<ReactivationTarget>();
}

/// <summary>
/// The per-member daily decision of the win-back run, in this order:
/// erased → skip; Active → skip; already contacted by today's run → skip (resume after interruption);
/// frequency cap → skip; no consented, reachable, priced channel → skip "no consent"; RFM band and offer table
/// (missing entry → skip "no offer"); holdout by stable hash; quiet hours → send time deferred.
/// The holdout is drawn last, from members who would really be messaged, so the control group is comparable.
/// Pure and deterministic for a given (member, history, run).
/// </summary>
public sealed class ReactivationPlanner
{
    private readonly MemberOptions memberOptions;
    private readonly ReactivationOptions options;

    public ReactivationPlanner(MemberOptions memberOptions, ReactivationOptions options)
    {
        this.memberOptions = memberOptions ?? throw new ArgumentNullException(nameof(memberOptions));
        this.options = options ?? throw new ArgumentNullException(nameof(options));
    }

    public ReactivationDecision Decide(Member member, IReadOnlyList<ContactRecord> history, ReactivationRun run)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(run);
        if (member.IsErased)
        {
            return new ReactivationSkip(member.Id, SkipReason.Erased);
        }

        var lifecycle = member.Lifecycle(run.Now, memberOptions);
        if (lifecycle == LifecycleState.Active)
        {
            return new ReactivationSkip(member.Id, SkipReason.Active);
        }

        foreach (var contact in history)
        {
            if (contact.RunDate == run.RunDate)
            {
                return new ReactivationSkip(member.Id, SkipReason.AlreadyTargetedToday, contact);
            }
        }

        if (!FrequencyCaps.Allows(history, run.Now, options))
        {
            return new ReactivationSkip(member.Id, SkipReason.Cap);
        }

        if (ChannelSelection.Choose(member, options.ChannelCosts) is not { } channel)
        {
            return new ReactivationSkip(member.Id, SkipReason.NoConsent);
        }

        var rfm = RfmScoring.Score(member, run.Now, options.Rfm);
        var band = RfmScoring.Band(rfm, options.Rfm);
        if (WinBackOffers.For(lifecycle, member.Tier, band, options) is not { } offer)
        {
            return new ReactivationSkip(member.Id, SkipReason.NoOffer);
        }

        var holdout = Holdout.IsHeldOut(member.Id, options.HoldoutShare, options.HoldoutSalt);
        var sendAt = holdout ? run.Now : QuietHours.NextSendTime(run.Now, member.TimeZone, options);
        return new ReactivationTarget(
            member.Id, run.ContactId(member.Id), lifecycle, member.Tier, rfm, band,
            offer.CouponDefinitionId, offer.Amount, offer.MessageTemplateId, channel,
            sendAt, Deferred: sendAt > run.Now, holdout);
    }

    /// <summary>Decides a packed batch (one page of a partition). Members without an entry in <paramref name="histories"/> have no contacts.</summary>
    public ReactivationPlan DecideBatch(
        IReadOnlyList<Member> members,
        IReadOnlyDictionary<string, IReadOnlyList<ContactRecord>> histories,
        ReactivationRun run)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(histories);
        var decisions = new ReactivationDecision[members.Count];
        var tally = new ReactivationTally();
        for (var i = 0; i < members.Count; i++)
        {
            var history = histories.TryGetValue(members[i].Id, out var found) ? found : [];
            decisions[i] = Decide(members[i], history, run);
            tally.Add(decisions[i], options);
        }

        return new ReactivationPlan(decisions, tally);
    }
}
