using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Members;

public enum RunStatus
{
    Running = 0,
    Completed = 1,
}

/// <summary>A daily win-back run as recorded: its instant, progress and counts (the tally of all batches).</summary>
public sealed record ReactivationRunSummary(
    DateOnly RunDate,
    DateTimeOffset RunAt,
    RunStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset? CompletedAt,
    ReactivationTally Tally);

/// <summary>How the delivery of one treated member's message ended (Sent, Failed or Suppressed).</summary>
public sealed record DeliveryRecord(DateOnly RunDate, string MemberId, string MessageId, ContactChannel Channel, ContactStatus Status, DateTimeOffset At);

/// <summary>
/// A login or purchase of a contacted (or held-out) member inside the attribution window of that contact, with what
/// the contact was: the run, the group (holdout or treated), the channel and the message time.
/// </summary>
public sealed record AttributedResponse(
    DateOnly RunDate,
    string MemberId,
    string ActivityId,
    ResponseKind Kind,
    DateTimeOffset At,
    decimal Amount,
    bool Holdout,
    ContactChannel Channel,
    DateTimeOffset SendAt);

/// <summary>
/// What the reports of the daily runs are built from. Contract: every write is idempotent by its natural key (run date;
/// run date + member for deliveries; run date + member + activity id for responses; month for churn), so at-least-once
/// callers cannot double count.
/// </summary>
public interface IReactivationLedger
{
    Task SaveRunAsync(ReactivationRunSummary run, CancellationToken cancellationToken);

    Task<ReactivationRunSummary?> GetRunAsync(DateOnly runDate, CancellationToken cancellationToken);

    /// <summary>Newest run first.</summary>
    Task<IReadOnlyList<ReactivationRunSummary>> ListRunsAsync(int take, CancellationToken cancellationToken);

    Task RecordDeliveryAsync(DeliveryRecord delivery, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeliveryRecord>> GetDeliveriesAsync(DateOnly runDate, CancellationToken cancellationToken);

    Task RecordResponsesAsync(IReadOnlyList<AttributedResponse> responses, CancellationToken cancellationToken);

    Task<IReadOnlyList<AttributedResponse>> GetResponsesAsync(DateOnly runDate, CancellationToken cancellationToken);

    /// <summary>Stores the churn tally of a store month (the month that ended when it was taken).</summary>
    Task SaveChurnAsync(YearMonth month, MonthlyChurnTally tally, CancellationToken cancellationToken);

    Task<MonthlyChurnTally?> GetChurnAsync(YearMonth month, CancellationToken cancellationToken);
}

/// <summary>
/// Attributes member activities to win-back contacts: a login or purchase at <c>t</c> answers every contact of the member
/// whose message time lies in [t − attribution window, t). Called for every delivery of an activity, duplicates included,
/// so a crash between the member write and this call is repaired by the activity's retry (the ledger dedupes by activity id).
/// </summary>
public sealed class ReactivationResponses
{
    private readonly IContactHistory history;
    private readonly IReactivationLedger ledger;
    private readonly ReactivationOptions options;

    public ReactivationResponses(IContactHistory history, IReactivationLedger ledger, ReactivationOptions options)
    {
        this.history = history ?? throw new ArgumentNullException(nameof(history));
        this.ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
        this.options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <summary>Responses recorded for the activity (empty for other kinds or members not contacted recently).</summary>
    public async Task<IReadOnlyList<AttributedResponse>> RecordAsync(string memberId, MemberActivity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var kind = activity.Kind switch
        {
            ActivityKind.Login => ResponseKind.Login,
            ActivityKind.Purchase => ResponseKind.Purchase,
            _ => (ResponseKind?)null,
        };
        if (kind is null)
        {
            return [];
        }

        // GetRecentAsync is strict (SendAt > since); a purchase exactly one window after its message still counts.
        var since = activity.OccurredAt - options.AttributionWindow - TimeSpan.FromTicks(1);
        var recent = await history.GetRecentAsync([memberId], since, cancellationToken);
        if (!recent.TryGetValue(memberId, out var contacts))
        {
            return [];
        }

        var responses = contacts
            .Where(c => c.SendAt < activity.OccurredAt && activity.OccurredAt <= c.SendAt + options.AttributionWindow)
            .Select(c => new AttributedResponse(c.RunDate, memberId, activity.ActivityId, kind.Value, activity.OccurredAt,
                kind == ResponseKind.Purchase ? activity.AmountPaid : 0m, c.IsHoldout, c.Channel, c.SendAt))
            .ToList();
        if (responses.Count > 0)
        {
            await ledger.RecordResponsesAsync(responses, cancellationToken);
        }

        return responses;
    }
}

/// <summary>One channel of a run: messages planned, how their delivery ended, cost, conversions and the return.</summary>
public sealed record ChannelReport(
    ContactChannel Channel,
    int Planned,
    int Sent,
    int Failed,
    int Suppressed,
    int Pending,
    decimal Cost,
    int Converted,
    decimal Return,
    decimal? ReturnOnCost);

/// <summary>The churn rate of one store month.</summary>
public sealed record ChurnReport(string Month, int NotChurnedAtStart, int BecameChurned, decimal? Rate);

/// <summary>The operator report of one daily run (DESIGN §7).</summary>
public sealed record ReactivationRunReport(
    DateOnly RunDate,
    RunStatus Status,
    DateTimeOffset RunAt,
    DateTimeOffset StartedAt,
    DateTimeOffset? CompletedAt,
    int Scanned,
    int Eligible,
    int Targeted,
    int Holdout,
    decimal? HoldoutShare,
    int QuietHoursDeferred,
    IReadOnlyDictionary<SkipReason, int> Skipped,
    IReadOnlyList<ChannelReport> Channels,
    decimal TotalCost,
    TimeSpan AttributionWindow,
    bool AttributionFinal,
    GroupOutcome Treated,
    GroupOutcome HoldoutGroup,
    decimal? ConversionUplift,
    decimal? ReengagementUplift,
    decimal? IncrementalRevenue,
    ChurnReport? MonthlyChurn);

/// <summary>
/// Builds run reports from the ledger. Group sizes come from the run's tally (intent to treat: every treated member counts,
/// delivered or not); conversions and re-engagement from the attributed responses; channel cost counts planned messages
/// not suppressed before delivery. The monthly churn rate is the one of the store month before the run's month (the
/// last complete month). Attribution is final once every message time plus the window has passed.
/// </summary>
public sealed class ReactivationReports
{
    // Messages deferred by quiet hours go out within a day of the run; after that plus the window nothing can change.
    private static readonly TimeSpan LatestDeferral = TimeSpan.FromDays(1);

    private readonly IReactivationLedger ledger;
    private readonly ReactivationOptions options;
    private readonly MemberOptions memberOptions;
    private readonly TimeProvider time;

    public ReactivationReports(IReactivationLedger ledger, ReactivationOptions options, MemberOptions memberOptions, TimeProvider time)
    {
        this.ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.memberOptions = memberOptions ?? throw new ArgumentNullException(nameof(memberOptions));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
    }

    public async Task<Result<ReactivationRunReport>> GetAsync(DateOnly runDate, CancellationToken cancellationToken)
    {
        var run = await ledger.GetRunAsync(runDate, cancellationToken);
        if (run is null)
        {
            return Problem.NotFound($"No reactivation run on {runDate:yyyy-MM-dd}.");
        }

        var deliveries = await ledger.GetDeliveriesAsync(runDate, cancellationToken);
        var responses = await ledger.GetResponsesAsync(runDate, cancellationToken);
        var month = YearMonth.Of(runDate).AddMonths(-1);
        var churn = await ledger.GetChurnAsync(month, cancellationToken);
        return Build(run, deliveries, responses, churn is null ? null : new ChurnReport(month.ToString(), churn.NotChurnedAtStart, churn.BecameChurned, churn.Rate),
            time.GetUtcNow(), options);
    }

    public Task<IReadOnlyList<ReactivationRunSummary>> ListAsync(int take, CancellationToken cancellationToken) =>
        ledger.ListRunsAsync(take, cancellationToken);

    /// <summary>The store-local date of a run started at <paramref name="now"/>.</summary>
    public DateOnly RunDateAt(DateTimeOffset now) => ZonedTime.LocalDate(now, memberOptions.StoreZone);

    public static ReactivationRunReport Build(
        ReactivationRunSummary run,
        IReadOnlyList<DeliveryRecord> deliveries,
        IReadOnlyList<AttributedResponse> responses,
        ChurnReport? churn,
        DateTimeOffset now,
        ReactivationOptions options)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(deliveries);
        ArgumentNullException.ThrowIfNull(responses);
        ArgumentNullException.ThrowIfNull(options);
        var tally = run.Tally;
        var inWindow = responses.Where(r => r.At > r.SendAt && r.At <= r.SendAt + options.AttributionWindow).ToList();
        GroupOutcome Group(bool holdout, int members)
        {
            var mine = inWindow.Where(r => r.Holdout == holdout).ToList();
            var converted = mine.Where(r => r.Kind == ResponseKind.Purchase).Select(r => r.MemberId).Distinct(StringComparer.Ordinal).Count();
            var reengaged = mine.Where(r => r.Kind == ResponseKind.Login).Select(r => r.MemberId).Distinct(StringComparer.Ordinal).Count();
            var revenue = mine.Where(r => r.Kind == ResponseKind.Purchase).Sum(r => r.Amount);
            return new GroupOutcome(members, converted, reengaged, revenue);
        }

        var treated = Group(false, tally.Targeted);
        var holdout = Group(true, tally.Holdout);
        var channels = tally.MessagesPerChannel.Keys.Union(deliveries.Select(d => d.Channel)).Order().Select(channel =>
        {
            var planned = tally.MessagesPerChannel.GetValueOrDefault(channel);
            var mine = deliveries.Where(d => d.Channel == channel).ToList();
            int Count(ContactStatus status) => mine.Count(d => d.Status == status);
            var sent = Count(ContactStatus.Sent);
            var failed = Count(ContactStatus.Failed);
            var suppressed = Count(ContactStatus.Suppressed);
            var cost = Math.Max(0, planned - suppressed) * options.ChannelCosts.GetValueOrDefault(channel);
            var purchases = inWindow.Where(r => !r.Holdout && r.Channel == channel && r.Kind == ResponseKind.Purchase).ToList();
            var revenue = purchases.Sum(r => r.Amount);
            return new ChannelReport(channel, planned, sent, failed, suppressed, Math.Max(0, planned - sent - failed - suppressed), cost,
                purchases.Select(r => r.MemberId).Distinct(StringComparer.Ordinal).Count(), revenue, cost == 0 ? null : decimal.Round(revenue / cost, 4));
        }).ToList();
        var final = now >= run.RunAt + LatestDeferral + options.AttributionWindow;
        return new ReactivationRunReport(
            run.RunDate, run.Status, run.RunAt, run.StartedAt, run.CompletedAt, tally.Scanned, tally.Eligible, tally.Targeted, tally.Holdout,
            tally.HoldoutShare is { } share ? decimal.Round(share, 4) : null, tally.Deferred,
            new SortedDictionary<SkipReason, int>(tally.Skipped), channels, channels.Sum(c => c.Cost), options.AttributionWindow, final,
            treated, holdout,
            treated.ConversionRate - holdout.ConversionRate,
            treated.ReengagementRate - holdout.ReengagementRate,
            (treated.RevenuePerMember - holdout.RevenuePerMember) * treated.Members,
            churn);
    }
}
