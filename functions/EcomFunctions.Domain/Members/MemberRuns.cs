using System.Globalization;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Members;

public sealed record PointsExpiryResult(int MembersWithExpiry, long PointsExpired);

/// <summary>
/// The points expiry sweep (daily timer, fanned out over member partitions). Removes lots expired on each member's
/// local date and publishes PointsExpired; re-running the same day finds nothing left to expire.
/// </summary>
public sealed class PointsExpiry
{
    private readonly IMemberRepository repository;
    private readonly MemberOptions options;
    private readonly TimeProvider time;

    public PointsExpiry(IMemberRepository repository, MemberOptions options, TimeProvider time)
    {
        this.repository = repository ?? throw new ArgumentNullException(nameof(repository));
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
    }

    public async Task<Result<PointsExpiryResult>> SweepAsync(IReadOnlyList<VersionedMember> batch, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var applied = await MemberBatchUpdates.ApplyAsync(repository, null, batch, member =>
        {
            var expired = member.ExpirePoints(now, options);
            return expired.Count == 0
                ? null
                : new MemberUpdate<long>(expired.Sum(l => l.Points), [MemberEvents.PointsExpired(member.Id, expired, member.LocalDate(now), now)], []);
        }, options.ConcurrencyRetries, cancellationToken);
        return applied.Map(list => new PointsExpiryResult(list.Count, list.Sum(a => a.Outcome)));
    }

    public async Task<Result<PageResult<PointsExpiryResult>>> SweepPageAsync(string partition, string? continuationToken, int pageSize, CancellationToken cancellationToken)
    {
        var page = await repository.ScanPartitionAsync(partition, continuationToken, pageSize, cancellationToken);
        var result = await SweepAsync(page.Members, cancellationToken);
        return result.Map(r => new PageResult<PointsExpiryResult>(r, page.Members.Count, page.ContinuationToken));
    }
}

/// <summary>Counts of one tier-evaluation batch, plus the churn tally of the month that just ended.</summary>
public sealed class TierEvaluationTally
{
    public int Evaluated { get; set; }

    public int Upgraded { get; set; }

    public int Downgraded { get; set; }

    public int Unchanged { get; set; }

    public int CouponsGranted { get; set; }

    public MonthlyChurnTally Churn { get; } = new();

    public void Merge(TierEvaluationTally other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Evaluated += other.Evaluated;
        Upgraded += other.Upgraded;
        Downgraded += other.Downgraded;
        Unchanged += other.Unchanged;
        CouponsGranted += other.CouponsGranted;
        Churn.Merge(other.Churn);
    }
}

/// <summary>
/// The monthly tier evaluation (timer on the 1st, store time zone; fanned out over member partitions). For each
/// live member not yet evaluated this month: tier from the rolling growth of the 12 complete months before, upgrade
/// grants the new tier's coupons (grant id <c>tier-upgrade:{member}:{month}:{tier}:{coupon}</c>), TierChanged is
/// published; the lifecycle snapshot for the churn rate is taken at the same time. Re-running a month is a no-op,
/// except that the tiers changed by this month's evaluation are published again (<see cref="IMemberTierPublisher"/>),
/// so a batch retried after a crash between the member writes and the publication repairs the directory.
/// </summary>
public sealed class TierEvaluation
{
    private readonly IMemberRepository repository;
    private readonly ICouponGrants grants;
    private readonly MemberOptions options;
    private readonly TimeProvider time;
    private readonly IMemberTierPublisher? tiers;

    public TierEvaluation(IMemberRepository repository, ICouponGrants grants, MemberOptions options, TimeProvider time, IMemberTierPublisher? tiers = null)
    {
        this.repository = repository ?? throw new ArgumentNullException(nameof(repository));
        this.grants = grants ?? throw new ArgumentNullException(nameof(grants));
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
        this.tiers = tiers;
    }

    /// <summary>The evaluation month a run started at <paramref name="now"/> belongs to (store-local month).</summary>
    public static YearMonth EvaluationMonth(DateTimeOffset now, MemberOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ZonedTime.LocalMonth(now, options.StoreZone);
    }

    public async Task<Result<TierEvaluationTally>> EvaluateAsync(YearMonth evaluationMonth, IReadOnlyList<VersionedMember> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var now = time.GetUtcNow();
        var changedBefore = batch
            .Where(v => !v.Member.IsErased && v.Member.LastTierEvaluationMonth == evaluationMonth && v.Member.TierChangedAt is { } changed
                        && ZonedTime.LocalMonth(changed, options.StoreZone) == evaluationMonth)
            .Select(v => (v.Member.Id, v.Member.Tier))
            .ToList();
        var applied = await MemberBatchUpdates.ApplyAsync(repository, grants, batch, member => Evaluate(member, evaluationMonth, now), options.ConcurrencyRetries, cancellationToken);
        if (applied.IsSuccess && tiers is not null)
        {
            var changedNow = applied.Value!.Where(a => a.Outcome.Result.Changed).Select(a => (a.MemberId, a.Outcome.Result.To));
            foreach (var (memberId, tier) in changedBefore.Concat(changedNow))
            {
                await tiers.PublishAsync(memberId, tier, cancellationToken);
            }
        }

        return applied.Map(list =>
        {
            var tally = new TierEvaluationTally();
            foreach (var (_, outcome) in list)
            {
                tally.Evaluated++;
                tally.Upgraded += outcome.Result.IsUpgrade ? 1 : 0;
                tally.Downgraded += outcome.Result.IsDowngrade ? 1 : 0;
                tally.Unchanged += outcome.Result.Changed ? 0 : 1;
                tally.CouponsGranted += outcome.Grants;
                if (outcome.LifecycleAtMonthStart is { } start)
                {
                    tally.Churn.Add(start, outcome.LifecycleNow);
                }
            }

            return tally;
        });
    }

    public async Task<Result<PageResult<TierEvaluationTally>>> EvaluatePageAsync(
        YearMonth evaluationMonth, string partition, string? continuationToken, int pageSize, CancellationToken cancellationToken)
    {
        var page = await repository.ScanPartitionAsync(partition, continuationToken, pageSize, cancellationToken);
        var result = await EvaluateAsync(evaluationMonth, page.Members, cancellationToken);
        return result.Map(r => new PageResult<TierEvaluationTally>(r, page.Members.Count, page.ContinuationToken));
    }

    private MemberUpdate<MemberTierOutcome>? Evaluate(Member member, YearMonth month, DateTimeOffset now)
    {
        if (member.IsErased)
        {
            return null;
        }

        var result = member.EvaluateTier(month, now, options);
        if (result.AlreadyEvaluated)
        {
            return null;
        }

        var lifecycle = member.Lifecycle(now, options);
        var previous = member.RollLifecycleSnapshot(month, lifecycle);
        var grantsForMember = result.IsUpgrade
            ? options.TierUpgradeCoupons.GetValueOrDefault(result.To, []).Select(coupon => new CouponGrant(
                $"tier-upgrade:{member.Id}:{month}:{result.To}:{coupon}", member.Id, coupon, null, GrantReason.TierUpgrade, now)).ToList()
            : [];
        IReadOnlyList<DomainEvent> events = result.Changed ? [MemberEvents.TierChanged(member.Id, result, now)] : [];
        return new MemberUpdate<MemberTierOutcome>(new MemberTierOutcome(result, grantsForMember.Count, previous, lifecycle), events, grantsForMember);
    }

    private sealed record MemberTierOutcome(TierEvaluationResult Result, int Grants, LifecycleState? LifecycleAtMonthStart, LifecycleState LifecycleNow);
}

public sealed record BirthdayGiftResult(int MembersGifted, int CouponsGranted);

/// <summary>
/// Birthday gifts (daily timer, fanned out over member partitions): members whose birthday is today in their own
/// time zone (Feb 29 → Feb 28 in other years) get their tier's birthday coupons once per member-local year (grant
/// id <c>birthday:{member}:{year}:{coupon}</c>) and a BirthdayGiftGranted event.
/// </summary>
public sealed class BirthdayGifts
{
    private readonly IMemberRepository repository;
    private readonly ICouponGrants grants;
    private readonly MemberOptions options;
    private readonly TimeProvider time;

    public BirthdayGifts(IMemberRepository repository, ICouponGrants grants, MemberOptions options, TimeProvider time)
    {
        this.repository = repository ?? throw new ArgumentNullException(nameof(repository));
        this.grants = grants ?? throw new ArgumentNullException(nameof(grants));
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
    }

    public async Task<Result<BirthdayGiftResult>> GrantAsync(IReadOnlyList<VersionedMember> batch, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var applied = await MemberBatchUpdates.ApplyAsync(repository, grants, batch, member =>
        {
            if (member.TryTakeBirthdayGift(now) is not { } year)
            {
                return null;
            }

            var year4 = year.ToString(CultureInfo.InvariantCulture);
            var gifts = options.BirthdayCoupons.GetValueOrDefault(member.Tier, []).Select(coupon => new CouponGrant(
                $"birthday:{member.Id}:{year4}:{coupon}", member.Id, coupon, null, GrantReason.Birthday, now)).ToList();
            return new MemberUpdate<int>(gifts.Count, [MemberEvents.BirthdayGiftGranted(member.Id, year, gifts, now)], gifts);
        }, options.ConcurrencyRetries, cancellationToken);
        return applied.Map(list => new BirthdayGiftResult(list.Count, list.Sum(a => a.Outcome)));
    }

    public async Task<Result<PageResult<BirthdayGiftResult>>> GrantPageAsync(string partition, string? continuationToken, int pageSize, CancellationToken cancellationToken)
    {
        var page = await repository.ScanPartitionAsync(partition, continuationToken, pageSize, cancellationToken);
        var result = await GrantAsync(page.Members, cancellationToken);
        return result.Map(r => new PageResult<BirthdayGiftResult>(r, page.Members.Count, page.ContinuationToken));
    }
}
