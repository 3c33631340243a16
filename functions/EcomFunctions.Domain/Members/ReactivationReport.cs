namespace EcomFunctions.Domain.Members;

/// <summary>
/// Counts of a run (or of one batch; batches merge). Definitions:
/// <list type="bullet">
/// <item>Scanned: members decided. Eligible: Dormant or Churned and not erased (scanned − Active − Erased).</item>
/// <item>Targeted: treated members (coupon + message); Holdout: control members; Deferred: treated messages moved
/// out of quiet hours (still sent, so also in Targeted).</item>
/// <item>Skipped by reason: every skip (Active and Erased included, for completeness).</item>
/// <item>Messages and cost per channel: treated messages at the configured cost per message.</item>
/// <item>Resumed: members already contacted by an earlier attempt of the same run; counted as that attempt decided,
/// so a resumed run reports the same totals as an uninterrupted one.</item>
/// </list>
/// A plain mutable class with public collections so an orchestration can pass it as activity output.
/// </summary>
public sealed class ReactivationTally
{
    public int Scanned { get; set; }

    public int Eligible { get; set; }

    public int Targeted { get; set; }

    public int Holdout { get; set; }

    public int Deferred { get; set; }

    public int Resumed { get; set; }

    public Dictionary<SkipReason, int> Skipped { get; } = [];

    public Dictionary<LifecycleState, int> TargetedByLifecycle { get; } = [];

    public Dictionary<ContactChannel, int> MessagesPerChannel { get; } = [];

    public Dictionary<ContactChannel, decimal> CostPerChannel { get; } = [];

    public decimal TotalCost => CostPerChannel.Values.Sum();

    /// <summary>Holdout share of the members that passed every filter (targeted + holdout).</summary>
    public decimal? HoldoutShare => Targeted + Holdout == 0 ? null : (decimal)Holdout / (Targeted + Holdout);

    public void Add(ReactivationDecision decision, ReactivationOptions options)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(options);
        Scanned++;
        switch (decision)
        {
            case ReactivationTarget target:
                Eligible++;
                Count(target.Holdout, target.Channel, target.Lifecycle, target.Deferred, options);
                break;
            case ReactivationSkip { Reason: SkipReason.AlreadyTargetedToday, Earlier: { } earlier }:
                Eligible++;
                Resumed++;
                Count(earlier.IsHoldout, earlier.Channel, earlier.Lifecycle, earlier.Deferred, options);
                break;
            case ReactivationSkip skip:
                if (skip.Reason is not (SkipReason.Active or SkipReason.Erased))
                {
                    Eligible++;
                }

                Skipped[skip.Reason] = Skipped.GetValueOrDefault(skip.Reason) + 1;
                break;
        }
    }

    /// <summary>Counts members skipped without being read (active members classified by the storage filter).</summary>
    public void AddSkipped(SkipReason reason, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
        {
            return;
        }

        Scanned += count;
        Skipped[reason] = Skipped.GetValueOrDefault(reason) + count;
    }

    public void Merge(ReactivationTally other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Scanned += other.Scanned;
        Eligible += other.Eligible;
        Targeted += other.Targeted;
        Holdout += other.Holdout;
        Deferred += other.Deferred;
        Resumed += other.Resumed;
        MergeInto(Skipped, other.Skipped);
        MergeInto(TargetedByLifecycle, other.TargetedByLifecycle);
        MergeInto(MessagesPerChannel, other.MessagesPerChannel);
        foreach (var (channel, cost) in other.CostPerChannel)
        {
            CostPerChannel[channel] = CostPerChannel.GetValueOrDefault(channel) + cost;
        }
    }

    private void Count(bool holdout, ContactChannel channel, LifecycleState lifecycle, bool deferred, ReactivationOptions options)
    {
        if (holdout)
        {
            Holdout++;
            return;
        }

        Targeted++;
        if (deferred)
        {
            Deferred++;
        }

        TargetedByLifecycle[lifecycle] = TargetedByLifecycle.GetValueOrDefault(lifecycle) + 1;
        MessagesPerChannel[channel] = MessagesPerChannel.GetValueOrDefault(channel) + 1;
        CostPerChannel[channel] = CostPerChannel.GetValueOrDefault(channel) + options.ChannelCosts.GetValueOrDefault(channel);
    }

    private static void MergeInto<TKey>(Dictionary<TKey, int> target, Dictionary<TKey, int> source)
        where TKey : notnull
    {
        foreach (var (key, count) in source)
        {
            target[key] = target.GetValueOrDefault(key) + count;
        }
    }
}

public enum ResponseKind
{
    Login = 0,
    Purchase = 1,
}

/// <summary>Something a contacted (or held-out) member did afterwards: a login, or a purchase with the amount paid.</summary>
public sealed record MemberResponse(string MemberId, ResponseKind Kind, DateTimeOffset At, decimal Amount = 0);

/// <summary>Outcome of one group (treated or holdout) over the attribution window.</summary>
public sealed record GroupOutcome(int Members, int Converted, int Reengaged, decimal Revenue)
{
    public decimal? ConversionRate => Members == 0 ? null : (decimal)Converted / Members;

    public decimal? ReengagementRate => Members == 0 ? null : (decimal)Reengaged / Members;

    public decimal? RevenuePerMember => Members == 0 ? null : Revenue / Members;
}

/// <summary>Per channel: messages, what they cost, converted members and the revenue they brought ("return").</summary>
public sealed record ChannelOutcome(ContactChannel Channel, int Messages, decimal Cost, int Converted, decimal Return)
{
    /// <summary>Return ÷ cost; null when the channel cost nothing.</summary>
    public decimal? ReturnOnCost => Cost == 0 ? null : Return / Cost;
}

/// <summary>Conversions, re-engagement and uplift of a run.</summary>
public sealed record AttributionReport(
    GroupOutcome Treated,
    GroupOutcome Holdout,
    decimal? ConversionUplift,
    decimal? ReengagementUplift,
    decimal? IncrementalRevenue,
    IReadOnlyList<ChannelOutcome> Channels);

/// <summary>
/// Attribution of a run. A member converts when they purchase strictly after their message time and no later than
/// message time + attribution window (7 days default); the message time is the send time for treated members and
/// the run time (the would-be message time) for holdout members. Re-engaged: a login in the same window.
/// Treated = every non-holdout contact, delivered or not (intent to treat, so failed deliveries cannot flatter the
/// result). Uplift = treated conversion rate − holdout conversion rate (null when a group is empty).
/// Incremental revenue = (treated revenue per member − holdout revenue per member) × treated members.
/// Channel cost counts messages not suppressed before delivery.
/// </summary>
public static class ReactivationAttribution
{
    public static AttributionReport Evaluate(
        IReadOnlyList<ContactRecord> contacts,
        IEnumerable<MemberResponse> responses,
        ReactivationOptions options)
    {
        ArgumentNullException.ThrowIfNull(contacts);
        ArgumentNullException.ThrowIfNull(responses);
        ArgumentNullException.ThrowIfNull(options);
        var byMember = responses.GroupBy(r => r.MemberId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var treated = new Accumulator();
        var holdout = new Accumulator();
        var channels = new Dictionary<ContactChannel, (int Messages, decimal Cost, int Converted, decimal Return)>();
        foreach (var contact in contacts)
        {
            var windowEnd = contact.SendAt + options.AttributionWindow;
            var mine = byMember.TryGetValue(contact.MemberId, out var list) ? list : [];
            var revenue = mine.Where(r => r.Kind == ResponseKind.Purchase && r.At > contact.SendAt && r.At <= windowEnd).Sum(r => r.Amount);
            var converted = mine.Any(r => r.Kind == ResponseKind.Purchase && r.At > contact.SendAt && r.At <= windowEnd);
            var reengaged = mine.Any(r => r.Kind == ResponseKind.Login && r.At > contact.SendAt && r.At <= windowEnd);
            if (contact.IsHoldout)
            {
                holdout.Add(converted, reengaged, revenue);
                continue;
            }

            treated.Add(converted, reengaged, revenue);
            var row = channels.GetValueOrDefault(contact.Channel);
            var cost = contact.Status == ContactStatus.Suppressed ? 0 : options.ChannelCosts.GetValueOrDefault(contact.Channel);
            channels[contact.Channel] = (row.Messages + 1, row.Cost + cost, row.Converted + (converted ? 1 : 0), row.Return + revenue);
        }

        var treatedOutcome = treated.ToOutcome();
        var holdoutOutcome = holdout.ToOutcome();
        return new AttributionReport(
            treatedOutcome,
            holdoutOutcome,
            treatedOutcome.ConversionRate - holdoutOutcome.ConversionRate,
            treatedOutcome.ReengagementRate - holdoutOutcome.ReengagementRate,
            (treatedOutcome.RevenuePerMember - holdoutOutcome.RevenuePerMember) * treatedOutcome.Members,
            channels.OrderBy(c => c.Key).Select(c => new ChannelOutcome(c.Key, c.Value.Messages, c.Value.Cost, c.Value.Converted, c.Value.Return)).ToList());
    }

    private sealed class Accumulator
    {
        private int members;
        private int converted;
        private int reengaged;
        private decimal revenue;

        public void Add(bool isConverted, bool isReengaged, decimal amount)
        {
            members++;
            converted += isConverted ? 1 : 0;
            reengaged += isReengaged ? 1 : 0;
            revenue += amount;
        }

        public GroupOutcome ToOutcome() => new(members, converted, reengaged, revenue);
    }
}

/// <summary>
/// Monthly churn rate = members who became Churned during the month ÷ members not Churned at the month start.
/// Fed with each member's lifecycle state at the start and at the end of the month (the monthly evaluation
/// records a snapshot at every month start). A member who churned and came back within the same month is not
/// counted: the rate measures who is gone at month end.
/// </summary>
public sealed class MonthlyChurnTally
{
    public int NotChurnedAtStart { get; set; }

    public int BecameChurned { get; set; }

    public decimal? Rate => NotChurnedAtStart == 0 ? null : (decimal)BecameChurned / NotChurnedAtStart;

    public void Add(LifecycleState atStart, LifecycleState atEnd)
    {
        if (atStart == LifecycleState.Churned)
        {
            return;
        }

        NotChurnedAtStart++;
        if (atEnd == LifecycleState.Churned)
        {
            BecameChurned++;
        }
    }

    public void Merge(MonthlyChurnTally other)
    {
        ArgumentNullException.ThrowIfNull(other);
        NotChurnedAtStart += other.NotChurnedAtStart;
        BecameChurned += other.BecameChurned;
    }
}
