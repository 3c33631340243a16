using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Members;

/// <summary>
/// Profile fields the storefront may set. Tier, growth value and points are not here on purpose: they are
/// ours, derived from activities, and no sync can overwrite them.
/// </summary>
public sealed record MemberProfile(string TimeZoneId, Birthday? Birthday, ContactChannel? PreferredChannel, ProtectedPersonalData Personal);

/// <summary>
/// The member aggregate: tier, growth value, points, lifecycle dates, consents and encrypted personal data.
/// It guards its own invariants (no overdraft, tier only through evaluation, nothing personal after erasure);
/// storage maps it through <see cref="MemberState"/>.
/// </summary>
public sealed class Member
{
    private readonly Dictionary<ContactChannel, ChannelConsent> consents = [];
    private readonly SortedDictionary<DateOnly, int> shareGrowthByDay = [];
    private readonly List<PointsRedemption> recentRedemptions = [];
    private TimeZoneInfo? zone;

    private Member(string id, DateTimeOffset signedUpAt, string timeZoneId)
    {
        Id = id;
        SignedUpAt = signedUpAt;
        TimeZoneId = timeZoneId;
    }

    public string Id { get; }

    public MemberTier Tier { get; private set; }

    public DateTimeOffset? TierChangedAt { get; private set; }

    /// <summary>The (store-zone) month of the last monthly evaluation; guards against evaluating twice in a month.</summary>
    public YearMonth? LastTierEvaluationMonth { get; private set; }

    public GrowthLedger Growth { get; private set; } = new();

    public PointsLedger Points { get; private set; } = new();

    public PurchaseLedger Purchases { get; private set; } = new();

    /// <summary>Growth earned by shares per member-local day (recent days only, for the daily cap).</summary>
    public IReadOnlyDictionary<DateOnly, int> ShareGrowthByDay => shareGrowthByDay;

    public IReadOnlyList<PointsRedemption> RecentRedemptions => recentRedemptions;

    public Birthday? Birthday { get; private set; }

    /// <summary>Member-local year of the last birthday gift (kept after erasure: it is an aggregate, not personal data).</summary>
    public int? LastBirthdayGiftYear { get; private set; }

    public string TimeZoneId { get; private set; }

    public TimeZoneInfo TimeZone => zone ??= ZonedTime.Resolve(TimeZoneId);

    public DateTimeOffset SignedUpAt { get; private set; }

    public DateTimeOffset? LastLoginAt { get; private set; }

    public DateTimeOffset? LastPurchaseAt { get; private set; }

    /// <summary>The latest of sign-up, login and purchase: what lifecycle and recency are measured from.</summary>
    public DateTimeOffset LastActivityAt
    {
        get
        {
            var last = SignedUpAt;
            if (LastLoginAt > last)
            {
                last = LastLoginAt.Value;
            }

            if (LastPurchaseAt > last)
            {
                last = LastPurchaseAt.Value;
            }

            return last;
        }
    }

    public IReadOnlyCollection<ChannelConsent> Consents => consents.Values;

    public ContactChannel? PreferredChannel { get; private set; }

    public ProtectedPersonalData Personal { get; private set; } = ProtectedPersonalData.None;

    public DateTimeOffset? ProfileUpdatedAt { get; private set; }

    public bool IsErased { get; private set; }

    public DateTimeOffset? ErasedAt { get; private set; }

    /// <summary>Lifecycle state recorded at the start of a store month (for the monthly churn rate).</summary>
    public (YearMonth Month, LifecycleState State)? LifecycleSnapshot { get; private set; }

    public override string ToString() => $"Member({Id}, {Tier}{(IsErased ? ", erased" : "")})";

    public static Member Register(string id, DateTimeOffset signedUpAt, string timeZoneId)
    {
        if (!MemberIds.IsValid(id))
        {
            throw new ArgumentException("Invalid member id.", nameof(id));
        }

        _ = ZonedTime.Resolve(timeZoneId);
        return new Member(id, signedUpAt, timeZoneId);
    }

    public LifecycleState Lifecycle(DateTimeOffset now, MemberOptions options) =>
        LifecyclePolicy.Classify(LastActivityAt, now, options);

    public DateOnly LocalDate(DateTimeOffset instant) => ZonedTime.LocalDate(instant, TimeZone);

    public YearMonth LocalMonth(DateTimeOffset instant) => ZonedTime.LocalMonth(instant, TimeZone);

    /// <summary>Growth value of the 12 member-local months ending with the month containing <paramref name="now"/>.</summary>
    public long RollingGrowth(DateTimeOffset now) => Growth.RollingTwelveMonths(LocalMonth(now));

    public long AvailablePoints(DateTimeOffset now, MemberOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Points.Available(LocalDate(now), options.PointsLifetimeMonths);
    }

    public bool HasActiveConsent(ContactChannel channel) =>
        consents.TryGetValue(channel, out var consent) && consent.IsActive;

    /// <summary>Whether a message can go out on <paramref name="channel"/>: consent given (not revoked) and an address on file.</summary>
    public bool CanReceive(ContactChannel channel) =>
        !IsErased && HasActiveConsent(channel) && channel switch
        {
            ContactChannel.Email => Personal.HasEmail,
            ContactChannel.Sms => Personal.HasPhone,
            _ => true,
        };

    /// <summary>Applies a storefront profile sync (PUT semantics for profile fields; consents change one by one).</summary>
    public void UpdateProfile(MemberProfile profile, IReadOnlyList<ConsentChange> consentChanges, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(consentChanges);
        ThrowIfErased();
        _ = ZonedTime.Resolve(profile.TimeZoneId);
        TimeZoneId = profile.TimeZoneId;
        zone = null;
        Birthday = profile.Birthday;
        PreferredChannel = profile.PreferredChannel;
        Personal = profile.Personal;
        foreach (var change in consentChanges)
        {
            ApplyConsent(change);
        }

        ProfileUpdatedAt = now;
    }

    /// <summary>Applies one consent change unless an equally new or newer change is already recorded.</summary>
    public bool ApplyConsent(ConsentChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        ThrowIfErased();
        consents.TryGetValue(change.Channel, out var current);
        if (current is not null && change.At <= current.ChangedAt)
        {
            return false;
        }

        consents[change.Channel] = change.Granted
            ? new ChannelConsent(change.Channel, change.At, null)
            : new ChannelConsent(change.Channel, current?.ConsentedAt, change.At);
        return true;
    }

    /// <summary>
    /// Applies a validated activity: dates, growth value (share cap per member-local day), points at the current
    /// tier's multiplier, purchase ledger. Deduplication by activity id is the caller's job (storage insert).
    /// </summary>
    public ActivityEffect Record(MemberActivity activity, MemberOptions options)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfErased();
        var local = ZonedTime.LocalDateTime(activity.OccurredAt, TimeZone);
        var day = DateOnly.FromDateTime(local);
        var month = YearMonth.Of(local);
        long growth = 0;
        long points = 0;
        var capReached = false;
        switch (activity.Kind)
        {
            case ActivityKind.Login:
                LastLoginAt = Later(LastLoginAt, activity.OccurredAt);
                break;
            case ActivityKind.Purchase:
                LastPurchaseAt = Later(LastPurchaseAt, activity.OccurredAt);
                growth = EarningRules.GrowthForPurchase(activity.AmountPaid, options);
                points = EarningRules.PointsForPurchase(activity.AmountPaid, Tier, options);
                Purchases.Add(month, activity.AmountPaid);
                Points.Earn(day, points);
                break;
            case ActivityKind.ReviewApproved:
                growth = EarningRules.GrowthForReview(activity.WithPhoto, options);
                break;
            case ActivityKind.Share:
                (growth, capReached) = ShareGrowth(day, options);
                break;
            case ActivityKind.Task:
                growth = EarningRules.GrowthForTask(activity.TaskCode ?? "", options);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activity), activity.Kind, "Unknown activity kind.");
        }

        Growth.Add(month, growth);
        PruneLedgers(options);
        return new ActivityEffect(true, activity.Kind, growth, points, capReached);
    }

    /// <summary>
    /// Spends points for currency value at the member's tier ratio. Value = points ÷ ratio, rounded down to the
    /// cent. A redemption id seen recently returns the original answer without spending again.
    /// </summary>
    public Result<PointsRedemption> RedeemPoints(string redemptionId, long points, DateTimeOffset now, MemberOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (IsErased)
        {
            return Problem.Gone("member-erased", "The member's data was erased.");
        }

        if (recentRedemptions.Find(r => r.RedemptionId == redemptionId) is { } earlier)
        {
            return earlier;
        }

        if (!MemberIds.IsValidKey(redemptionId, MemberActivity.MaxIdLength))
        {
            return Problem.Validation("redemptionId", "Required: 1–128 characters of letters, digits and - _ . :");
        }

        if (points <= 0)
        {
            return Problem.Validation("points", "Must be above 0.");
        }

        var ratio = options.RedemptionRatioOf(Tier);
        var value = decimal.Round((decimal)points / ratio, 2, MidpointRounding.ToZero);
        if (value <= 0)
        {
            return Problem.Validation("points", $"Worth less than a cent at {ratio} points per unit.");
        }

        var today = LocalDate(now);
        var available = Points.Available(today, options.PointsLifetimeMonths);
        if (available < points)
        {
            return Problem.Conflict("insufficient-points", $"{points} points requested, {available} available.");
        }

        Points.Spend(points, today, options.PointsLifetimeMonths);
        var redemption = new PointsRedemption(redemptionId, points, value, Tier, now);
        recentRedemptions.Add(redemption);
        if (recentRedemptions.Count > options.RecentRedemptionsKept)
        {
            recentRedemptions.RemoveRange(0, recentRedemptions.Count - options.RecentRedemptionsKept);
        }

        return redemption;
    }

    /// <summary>Removes lots expired on the member-local date of <paramref name="now"/>; returns them.</summary>
    public IReadOnlyList<PointsLot> ExpirePoints(DateTimeOffset now, MemberOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Points.SweepExpired(LocalDate(now), options.PointsLifetimeMonths);
    }

    /// <summary>
    /// The monthly tier evaluation for <paramref name="evaluationMonth"/> (a store-zone month): rolling growth of
    /// the 12 complete months before it decides; up any levels, down at most one. Once per month: a second call
    /// for the same month changes nothing, so a re-run can never downgrade twice.
    /// </summary>
    public TierEvaluationResult EvaluateTier(YearMonth evaluationMonth, DateTimeOffset now, MemberOptions options)
    {
        var rolling = Growth.RollingTwelveMonths(evaluationMonth.AddMonths(-1));
        if (LastTierEvaluationMonth is { } last && last >= evaluationMonth)
        {
            return new TierEvaluationResult(Tier, Tier, rolling, evaluationMonth, AlreadyEvaluated: true);
        }

        var from = Tier;
        var to = TierPolicy.Evaluate(from, rolling, options);
        LastTierEvaluationMonth = evaluationMonth;
        if (to != from)
        {
            Tier = to;
            TierChangedAt = now;
        }

        return new TierEvaluationResult(from, to, rolling, evaluationMonth, AlreadyEvaluated: false);
    }

    /// <summary>
    /// Records the lifecycle state at the start of <paramref name="month"/> and returns the state recorded at the
    /// start of the previous month (null when there is none), i.e. the pair (start, end) of the month just ended.
    /// </summary>
    public LifecycleState? RollLifecycleSnapshot(YearMonth month, LifecycleState state)
    {
        if (LifecycleSnapshot is { } existing && existing.Month >= month)
        {
            return null;
        }

        LifecycleState? previous = LifecycleSnapshot is { } snapshot && snapshot.Month == month.AddMonths(-1) ? snapshot.State : null;
        LifecycleSnapshot = (month, state);
        return previous;
    }

    /// <summary>
    /// Marks this year's birthday gift as granted when today (member-local) is the birthday and no gift was
    /// granted this member-local year; returns that year, or null when there is nothing to grant.
    /// </summary>
    public int? TryTakeBirthdayGift(DateTimeOffset now)
    {
        if (IsErased || Birthday is not { } birthday)
        {
            return null;
        }

        var today = LocalDate(now);
        if (!birthday.FallsOn(today) || LastBirthdayGiftYear == today.Year)
        {
            return null;
        }

        LastBirthdayGiftYear = today.Year;
        return today.Year;
    }

    /// <summary>
    /// Erasure on request: personal data (name, e-mail, phone, birthday, consents, preference, time zone) removed;
    /// aggregates (tier, growth, points, purchase totals, dates) kept. Returns false when already erased.
    /// </summary>
    public bool Erase(DateTimeOffset now, string storeTimeZone)
    {
        if (IsErased)
        {
            return false;
        }

        Personal = ProtectedPersonalData.None;
        Birthday = null;
        PreferredChannel = null;
        consents.Clear();
        TimeZoneId = storeTimeZone;
        zone = null;
        recentRedemptions.Clear();
        IsErased = true;
        ErasedAt = now;
        return true;
    }

    public MemberState ToState()
    {
        var state = new MemberState
        {
            Id = Id,
            Tier = Tier,
            TierChangedAt = TierChangedAt,
            LastTierEvaluationMonth = LastTierEvaluationMonth,
            GrowthLifetime = Growth.Lifetime,
            PointsEarnedTotal = Points.EarnedTotal,
            PointsRedeemedTotal = Points.RedeemedTotal,
            PointsExpiredTotal = Points.ExpiredTotal,
            Birthday = Birthday,
            LastBirthdayGiftYear = LastBirthdayGiftYear,
            TimeZoneId = TimeZoneId,
            SignedUpAt = SignedUpAt,
            LastLoginAt = LastLoginAt,
            LastPurchaseAt = LastPurchaseAt,
            PreferredChannel = PreferredChannel,
            Personal = Personal,
            ProfileUpdatedAt = ProfileUpdatedAt,
            IsErased = IsErased,
            ErasedAt = ErasedAt,
            LifecycleSnapshotMonth = LifecycleSnapshot?.Month,
            LifecycleSnapshotState = LifecycleSnapshot?.State,
        };
        foreach (var (month, value) in Growth.Months)
        {
            state.GrowthByMonth[month] = value;
        }

        foreach (var (month, value) in Purchases.Months)
        {
            state.PurchasesByMonth[month] = value;
        }

        foreach (var (day, value) in shareGrowthByDay)
        {
            state.ShareGrowthByDay[day] = value;
        }

        state.PointsLots.AddRange(Points.Lots);
        state.RecentRedemptions.AddRange(recentRedemptions);
        state.Consents.AddRange(consents.Values.OrderBy(c => c.Channel));
        return state;
    }

    /// <summary>
    /// The part of the state the daily win-back run decides on (<see cref="ReactivationPlanner"/>): id, tier, time zone,
    /// sign-up/login/purchase instants (lifecycle, recency), purchases per month (RFM), consents, preferred channel, whether
    /// an e-mail or phone is on file (their ciphertext only — no name, no lookup hashes) and erasure. Storage keeps it next
    /// to the full state so a run reads a few hundred bytes per member instead of the whole document. A member restored
    /// from it (<see cref="FromState"/>) decides exactly like the full member, but is a read-only view: never save it.
    /// </summary>
    public MemberState ToWinBackState()
    {
        var state = new MemberState
        {
            Id = Id,
            Tier = Tier,
            TimeZoneId = TimeZoneId,
            SignedUpAt = SignedUpAt,
            LastLoginAt = LastLoginAt,
            LastPurchaseAt = LastPurchaseAt,
            PreferredChannel = PreferredChannel,
            Personal = Personal.HasEmail || Personal.HasPhone
                ? new ProtectedPersonalData { EncryptedEmail = Personal.EncryptedEmail, EncryptedPhone = Personal.EncryptedPhone }
                : ProtectedPersonalData.None,
            IsErased = IsErased,
            ErasedAt = ErasedAt,
        };
        foreach (var (month, value) in Purchases.Months)
        {
            state.PurchasesByMonth[month] = value;
        }

        state.Consents.AddRange(consents.Values.OrderBy(c => c.Channel));
        return state;
    }

    public static Member FromState(MemberState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var member = new Member(state.Id, state.SignedUpAt, state.TimeZoneId)
        {
            Tier = state.Tier,
            TierChangedAt = state.TierChangedAt,
            LastTierEvaluationMonth = state.LastTierEvaluationMonth,
            Growth = GrowthLedger.Restore(state.GrowthLifetime, state.GrowthByMonth),
            Points = PointsLedger.Restore(state.PointsLots, state.PointsEarnedTotal, state.PointsRedeemedTotal, state.PointsExpiredTotal),
            Purchases = PurchaseLedger.Restore(state.PurchasesByMonth),
            Birthday = state.Birthday,
            LastBirthdayGiftYear = state.LastBirthdayGiftYear,
            LastLoginAt = state.LastLoginAt,
            LastPurchaseAt = state.LastPurchaseAt,
            PreferredChannel = state.PreferredChannel,
            Personal = state.Personal,
            ProfileUpdatedAt = state.ProfileUpdatedAt,
            IsErased = state.IsErased,
            ErasedAt = state.ErasedAt,
            LifecycleSnapshot = state is { LifecycleSnapshotMonth: { } month, LifecycleSnapshotState: { } lifecycle } ? (month, lifecycle) : null,
        };
        foreach (var (day, value) in state.ShareGrowthByDay)
        {
            member.shareGrowthByDay[day] = value;
        }

        member.recentRedemptions.AddRange(state.RecentRedemptions);
        foreach (var consent in state.Consents)
        {
            member.consents[consent.Channel] = consent;
        }

        return member;
    }

    private (long Growth, bool CapReached) ShareGrowth(DateOnly day, MemberOptions options)
    {
        var newest = shareGrowthByDay.Count == 0 ? day : DateOnlyMax(shareGrowthByDay.Keys.Last(), day);
        var firstRemembered = newest.AddDays(1 - options.ShareCapMemoryDays);
        if (day < firstRemembered)
        {
            // That day's counter is gone, so the cap can no longer be checked: a very late share earns nothing.
            return (0, true);
        }

        var earned = shareGrowthByDay.GetValueOrDefault(day);
        var growth = EarningRules.GrowthForShare(earned, options);
        shareGrowthByDay[day] = earned + (int)growth;
        foreach (var old in shareGrowthByDay.Keys.Where(d => d < firstRemembered).ToList())
        {
            shareGrowthByDay.Remove(old);
        }

        return (growth, growth < options.ShareGrowth);
    }

    private void PruneLedgers(MemberOptions options)
    {
        YearMonth? newest = null;
        if (Growth.Months.Count > 0)
        {
            newest = Growth.Months.Keys.Max();
        }

        if (Purchases.Months.Count > 0 && (newest is null || Purchases.Months.Keys.Max() > newest))
        {
            newest = Purchases.Months.Keys.Max();
        }

        if (newest is { } last)
        {
            var firstKept = last.AddMonths(1 - options.LedgerRetentionMonths);
            Growth.Prune(firstKept);
            Purchases.Prune(firstKept);
        }
    }

    private void ThrowIfErased()
    {
        if (IsErased)
        {
            throw new InvalidOperationException($"Member {Id} was erased.");
        }
    }

    private static DateTimeOffset Later(DateTimeOffset? current, DateTimeOffset candidate) =>
        current is { } value && value > candidate ? value : candidate;

    private static DateOnly DateOnlyMax(DateOnly a, DateOnly b) => a > b ? a : b;
}
