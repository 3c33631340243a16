namespace EcomFunctions.Domain.Members;

/// <summary>
/// Growth value: a lifetime total plus one bucket per member-local calendar month, so the rolling 12-month
/// sum that drives tiers can be computed without keeping every activity. Growth is separate from points and
/// is never spent.
/// </summary>
public sealed class GrowthLedger
{
    private readonly SortedDictionary<YearMonth, long> months = [];

    public long Lifetime { get; private set; }

    public IReadOnlyDictionary<YearMonth, long> Months => months;

    public static GrowthLedger Restore(long lifetime, IEnumerable<KeyValuePair<YearMonth, long>> months)
    {
        ArgumentNullException.ThrowIfNull(months);
        var ledger = new GrowthLedger { Lifetime = lifetime };
        foreach (var (month, value) in months)
        {
            ledger.months[month] = value;
        }

        return ledger;
    }

    public void Add(YearMonth month, long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        if (value == 0)
        {
            return;
        }

        Lifetime += value;
        months[month] = months.GetValueOrDefault(month) + value;
    }

    /// <summary>Sum of the 12 months ending with <paramref name="lastMonth"/> (inclusive).</summary>
    public long RollingTwelveMonths(YearMonth lastMonth)
    {
        var first = lastMonth.AddMonths(-11);
        long sum = 0;
        foreach (var (month, value) in months)
        {
            if (month >= first && month <= lastMonth)
            {
                sum += value;
            }
        }

        return sum;
    }

    /// <summary>Drops month buckets before <paramref name="firstKept"/>; the lifetime total is unaffected.</summary>
    public void Prune(YearMonth firstKept)
    {
        foreach (var month in months.Keys.Where(m => m < firstKept).ToList())
        {
            months.Remove(month);
        }
    }
}

/// <summary>Orders and money paid in one member-local month: the F and M of RFM.</summary>
public readonly record struct PurchaseMonth(int Orders, decimal Spend);

/// <summary>Purchases bucketed by member-local month (order count and amount paid).</summary>
public sealed class PurchaseLedger
{
    private readonly SortedDictionary<YearMonth, PurchaseMonth> months = [];

    public IReadOnlyDictionary<YearMonth, PurchaseMonth> Months => months;

    public static PurchaseLedger Restore(IEnumerable<KeyValuePair<YearMonth, PurchaseMonth>> months)
    {
        ArgumentNullException.ThrowIfNull(months);
        var ledger = new PurchaseLedger();
        foreach (var (month, value) in months)
        {
            ledger.months[month] = value;
        }

        return ledger;
    }

    public void Add(YearMonth month, decimal amountPaid)
    {
        var current = months.GetValueOrDefault(month);
        months[month] = new PurchaseMonth(current.Orders + 1, current.Spend + amountPaid);
    }

    /// <summary>Orders and spend in the 12 months ending with <paramref name="lastMonth"/> (inclusive).</summary>
    public PurchaseMonth RollingTwelveMonths(YearMonth lastMonth)
    {
        var first = lastMonth.AddMonths(-11);
        int orders = 0;
        decimal spend = 0;
        foreach (var (month, value) in months)
        {
            if (month >= first && month <= lastMonth)
            {
                orders += value.Orders;
                spend += value.Spend;
            }
        }

        return new PurchaseMonth(orders, spend);
    }

    public void Prune(YearMonth firstKept)
    {
        foreach (var month in months.Keys.Where(m => m < firstKept).ToList())
        {
            months.Remove(month);
        }
    }
}
