namespace EcomFunctions.Domain.Members;

/// <summary>Points earned on one member-local day and not yet spent or expired.</summary>
public sealed record PointsLot(DateOnly EarnedOn, long Points)
{
    /// <summary>The first local day on which the lot is no longer usable.</summary>
    public DateOnly ExpiresOn(int lifetimeMonths) => EarnedOn.AddMonths(lifetimeMonths);

    public bool IsExpiredOn(DateOnly localToday, int lifetimeMonths) => localToday >= ExpiresOn(lifetimeMonths);
}

/// <summary>A completed redemption, kept briefly so that a retried request returns the same answer.</summary>
public sealed record PointsRedemption(string RedemptionId, long Points, decimal Value, MemberTier Tier, DateTimeOffset RedeemedAt);

/// <summary>
/// Points as earn lots, one per member-local earn day (same-day earnings merge, which bounds the lot count to
/// at most ~366 per year). Lots expire <c>PointsLifetimeMonths</c> after their earn day: a lot earned on
/// 2024-03-15 can be spent through 2025-03-14 and is expired from 2025-03-15 (member-local dates).
/// Spending consumes the oldest usable lots first (FIFO), so members lose as little as possible to expiry.
/// </summary>
public sealed class PointsLedger
{
    private readonly List<PointsLot> lots = [];

    public IReadOnlyList<PointsLot> Lots => lots;

    public long EarnedTotal { get; private set; }

    public long RedeemedTotal { get; private set; }

    public long ExpiredTotal { get; private set; }

    /// <summary>Points held in lots, including lots that have expired but were not swept yet.</summary>
    public long Held => lots.Sum(l => l.Points);

    public static PointsLedger Restore(IEnumerable<PointsLot> lots, long earnedTotal, long redeemedTotal, long expiredTotal)
    {
        ArgumentNullException.ThrowIfNull(lots);
        var ledger = new PointsLedger { EarnedTotal = earnedTotal, RedeemedTotal = redeemedTotal, ExpiredTotal = expiredTotal };
        ledger.lots.AddRange(lots.Where(l => l.Points > 0).OrderBy(l => l.EarnedOn));
        return ledger;
    }

    public void Earn(DateOnly earnedOn, long points)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(points);
        if (points == 0)
        {
            return;
        }

        EarnedTotal += points;
        var index = lots.FindIndex(l => l.EarnedOn >= earnedOn);
        if (index >= 0 && lots[index].EarnedOn == earnedOn)
        {
            lots[index] = lots[index] with { Points = lots[index].Points + points };
        }
        else if (index >= 0)
        {
            lots.Insert(index, new PointsLot(earnedOn, points));
        }
        else
        {
            lots.Add(new PointsLot(earnedOn, points));
        }
    }

    /// <summary>Points that can be spent on <paramref name="localToday"/> (expired lots excluded even before a sweep).</summary>
    public long Available(DateOnly localToday, int lifetimeMonths) =>
        lots.Where(l => !l.IsExpiredOn(localToday, lifetimeMonths)).Sum(l => l.Points);

    /// <summary>Consumes <paramref name="points"/> from the oldest usable lots. The caller checks availability first.</summary>
    public void Spend(long points, DateOnly localToday, int lifetimeMonths)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(points);
        if (Available(localToday, lifetimeMonths) < points)
        {
            throw new InvalidOperationException("Not enough usable points.");
        }

        var remaining = points;
        for (var i = 0; i < lots.Count && remaining > 0; i++)
        {
            var lot = lots[i];
            if (lot.IsExpiredOn(localToday, lifetimeMonths))
            {
                continue;
            }

            var taken = Math.Min(lot.Points, remaining);
            lots[i] = lot with { Points = lot.Points - taken };
            remaining -= taken;
        }

        lots.RemoveAll(l => l.Points == 0);
        RedeemedTotal += points;
    }

    /// <summary>Removes every lot expired on <paramref name="localToday"/> and returns the lots removed (oldest first).</summary>
    public IReadOnlyList<PointsLot> SweepExpired(DateOnly localToday, int lifetimeMonths)
    {
        var expired = lots.Where(l => l.IsExpiredOn(localToday, lifetimeMonths)).ToList();
        if (expired.Count > 0)
        {
            lots.RemoveAll(l => l.IsExpiredOn(localToday, lifetimeMonths));
            ExpiredTotal += expired.Sum(l => l.Points);
        }

        return expired;
    }
}
