namespace EcomFunctions.Domain.Members;

public enum ContactStatus
{
    /// <summary>Message enqueued; delivery not reported yet.</summary>
    Planned = 0,
    Sent = 1,
    Failed = 2,
    /// <summary>Not sent: consent revoked or member erased between planning and delivery.</summary>
    Suppressed = 3,
    /// <summary>Control group: a message would have gone out at <see cref="ContactRecord.SendAt"/> (the run time).</summary>
    HeldOut = 4,
}

/// <summary>
/// One win-back contact of a member by a daily run (held-out members included, with their would-be message).
/// Id = message id = <c>winback:{runDate}:{memberId}</c>: one per member per run. Every record counts toward the
/// frequency caps, held-out ones too, so the control group has the same cadence as the treated group.
/// </summary>
public sealed record ContactRecord(
    string Id,
    string MemberId,
    DateOnly RunDate,
    DateTimeOffset SendAt,
    ContactChannel Channel,
    LifecycleState Lifecycle,
    string CouponDefinitionId,
    decimal CouponAmount,
    bool Deferred,
    ContactStatus Status)
{
    public bool IsHoldout => Status == ContactStatus.HeldOut;
}

/// <summary>
/// Frequency caps across channels: at most <c>ShortCapMaxMessages</c> win-back contacts with a send time in the
/// last <c>ShortCapWindow</c> and <c>LongCapMaxMessages</c> in the last <c>LongCapWindow</c> (1 per 7 days,
/// 3 per 30 days by default). Contacts scheduled in the future (deferred by quiet hours) count as well. Because
/// a new message is never sent before the decision time, spacing measured from the decision time holds between
/// actual send times.
/// </summary>
public static class FrequencyCaps
{
    public static bool Allows(IReadOnlyList<ContactRecord> history, DateTimeOffset now, ReactivationOptions options)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(options);
        var shortFrom = now - options.ShortCapWindow;
        var longFrom = now - options.LongCapWindow;
        int inShort = 0, inLong = 0;
        foreach (var contact in history)
        {
            if (contact.SendAt > shortFrom)
            {
                inShort++;
            }

            if (contact.SendAt > longFrom)
            {
                inLong++;
            }
        }

        return inShort < options.ShortCapMaxMessages && inLong < options.LongCapMaxMessages;
    }

    /// <summary>How far back a run must read contact history to apply the caps.</summary>
    public static TimeSpan Lookback(ReactivationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.LongCapWindow > options.ShortCapWindow ? options.LongCapWindow : options.ShortCapWindow;
    }
}
