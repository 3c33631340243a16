namespace EcomFunctions.Domain.Members;

public enum ValueBand
{
    Low = 0,
    Medium = 1,
    High = 2,
}

/// <summary>Recency, frequency and monetary scores, each 1–5 (5 best).</summary>
public readonly record struct RfmScore(int Recency, int Frequency, int Monetary)
{
    public int Total => Recency + Frequency + Monetary;
}

/// <summary>
/// RFM value scoring. Inputs: R = whole days since the last purchase (no purchase ever: score 1),
/// F = orders and M = amount paid in the member-local current month and the 11 before it. Each is scored 1–5 by
/// the cut points of <see cref="RfmOptions"/> (R: days ≤ 30 → 5, ≤ 90 → 4, ≤ 180 → 3, ≤ 365 → 2, else 1;
/// F: orders ≥ 8 → 5, ≥ 4 → 4, ≥ 2 → 3, ≥ 1 → 2, else 1; M: spend ≥ 5 000 → 5, ≥ 2 000 → 4, ≥ 500 → 3,
/// ≥ 100 → 2, else 1). Band = High when R+F+M ≥ 12, Medium when ≥ 8, else Low (defaults).
/// </summary>
public static class RfmScoring
{
    public static RfmScore Score(int? daysSinceLastPurchase, int ordersInWindow, decimal spendInWindow, RfmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var recency = daysSinceLastPurchase switch
        {
            null => 1,
            var d when d <= options.RecencyMaxDaysFor5 => 5,
            var d when d <= options.RecencyMaxDaysFor4 => 4,
            var d when d <= options.RecencyMaxDaysFor3 => 3,
            var d when d <= options.RecencyMaxDaysFor2 => 2,
            _ => 1,
        };
        var frequency = ordersInWindow switch
        {
            var o when o >= options.FrequencyMinOrdersFor5 => 5,
            var o when o >= options.FrequencyMinOrdersFor4 => 4,
            var o when o >= options.FrequencyMinOrdersFor3 => 3,
            var o when o >= options.FrequencyMinOrdersFor2 => 2,
            _ => 1,
        };
        var monetary = spendInWindow switch
        {
            var m when m >= options.MonetaryMinSpendFor5 => 5,
            var m when m >= options.MonetaryMinSpendFor4 => 4,
            var m when m >= options.MonetaryMinSpendFor3 => 3,
            var m when m >= options.MonetaryMinSpendFor2 => 2,
            _ => 1,
        };
        return new RfmScore(recency, frequency, monetary);
    }

    public static RfmScore Score(Member member, DateTimeOffset now, RfmOptions options)
    {
        ArgumentNullException.ThrowIfNull(member);
        int? days = member.LastPurchaseAt is { } last ? (int)Math.Max(0, Math.Floor((now - last).TotalDays)) : null;
        var window = member.Purchases.RollingTwelveMonths(member.LocalMonth(now));
        return Score(days, window.Orders, window.Spend, options);
    }

    public static ValueBand Band(RfmScore score, RfmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (score.Total >= options.HighBandMinTotal)
        {
            return ValueBand.High;
        }

        return score.Total >= options.MediumBandMinTotal ? ValueBand.Medium : ValueBand.Low;
    }
}

/// <summary>The offer table: tier × value band → offer, one table for Dormant and one (exclusive + care message) for Churned.</summary>
public static class WinBackOffers
{
    /// <summary>The configured offer, or null when the table has no entry (the member is then skipped, not guessed at).</summary>
    public static WinBackOffer? For(LifecycleState lifecycle, MemberTier tier, ValueBand band, ReactivationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var table = lifecycle switch
        {
            LifecycleState.Dormant => options.DormantOffers,
            LifecycleState.Churned => options.ChurnedOffers,
            _ => null,
        };
        return table is not null && table.TryGetValue(tier, out var row) ? row.For(band) : null;
    }
}

/// <summary>
/// Channel choice: among channels the member consented to (not revoked) that have an address and a configured
/// cost, the preferred channel first, otherwise the cheapest (ties by channel order).
/// </summary>
public static class ChannelSelection
{
    public static ContactChannel? Choose(Member member, IReadOnlyDictionary<ContactChannel, decimal> costs)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(costs);
        if (member.PreferredChannel is { } preferred && costs.ContainsKey(preferred) && member.CanReceive(preferred))
        {
            return preferred;
        }

        ContactChannel? best = null;
        var bestCost = decimal.MaxValue;
        foreach (var (channel, cost) in costs.OrderBy(c => c.Key))
        {
            if (cost < bestCost && member.CanReceive(channel))
            {
                best = channel;
                bestCost = cost;
            }
        }

        return best;
    }
}
