namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// How a definition's inventory is split into shards so that no single row is hot (DESIGN §6). Pure planning;
/// <see cref="ICouponInventory"/> documents how storage uses it.
/// </summary>
/// <remarks>
/// <para>Quantity: split as evenly as possible across <see cref="ShardCount"/> shards.</para>
/// <para>Budget: when every tier's coupon has the same face value, the budget cap is converted into a quantity bound
/// (floor(cap / face)) and the shards need no budget shares (the claim pre-check still names the refusal
/// budget-exhausted from the money counters; only a claim that got past a stale snapshot hears sold-out — both 410). When
/// face values differ by tier, each shard gets an equal share of the budget in whole fen and a claim must fit its
/// face value into the shard's remaining share. Either way Σ shards ≤ cap, so money issued ≤ budget holds exactly.</para>
/// <para>Daily limit: each shard gets a share of the daily limit, counted per store-local day in the shard row itself
/// (the row remembers the day it counted; a claim on a new day starts from zero). One conditional write on one
/// shard row therefore enforces quantity, budget and the daily limit together.</para>
/// <para>Trade-off of splitting: a claim is refused when no single shard can serve it, so near the end up to
/// (shards − 1) coupons of quantity, one face value per shard of budget, or a few coupons of a day's limit may be
/// refused early. Never more issued than allowed. Shard counts are bounded by the daily limit and by the budget so
/// that every shard can serve at least one coupon.</para>
/// </remarks>
public sealed record InventoryPlan(int ShardCount, int Quantity, decimal? Budget, int? DailyLimit)
{
    /// <summary>The plan for an Active definition's current terms.</summary>
    public static InventoryPlan For(CouponDefinition definition, CouponOptions options)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(options);
        var terms = definition.Terms;
        var faces = definition.FaceValues;
        var quantity = terms.TotalQuantity;
        decimal? budget = terms.BudgetCap;
        if (budget is { } cap && faces.Count == 1)
        {
            quantity = (int)Math.Min(quantity, decimal.Floor(cap / faces[0]));
            budget = null;
        }

        var shards = (int)Math.Clamp(Math.Ceiling(quantity / (double)options.CouponsPerShard), options.MinShardCount, options.MaxShardCount);
        shards = Math.Min(shards, Math.Max(quantity, 1));
        if (terms.DailyIssueLimit is { } daily)
        {
            shards = Math.Min(shards, daily);
        }

        if (budget is { } money)
        {
            shards = Math.Min(shards, Math.Max(1, (int)decimal.Floor(money / faces[^1])));
        }

        return new InventoryPlan(Math.Max(shards, 1), quantity, budget, terms.DailyIssueLimit);
    }

    /// <summary>The per-shard targets for this plan's shard count.</summary>
    public IReadOnlyList<ShardAllocation> Allocations() => AllocationsFor(ShardCount);

    /// <summary>
    /// The per-shard targets when the inventory already exists with <paramref name="shardCount"/> shards (the count
    /// is fixed at first allocation; a later top-up spreads over the existing shards even if options changed).
    /// </summary>
    public IReadOnlyList<ShardAllocation> AllocationsFor(int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        var quantities = Split(Quantity, shardCount);
        var budgets = Budget is { } b ? SplitMoney(b, shardCount) : null;
        var daily = DailyLimit is { } d ? Split(d, shardCount) : null;
        return [.. Enumerable.Range(0, shardCount).Select(i => new ShardAllocation(i, quantities[i], budgets?[i], daily?[i]))];
    }

    /// <summary>Splits a count into parts differing by at most one, larger parts first (10 into 4 → 3,3,2,2).</summary>
    public static IReadOnlyList<int> Split(int total, int parts)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        return [.. Enumerable.Range(0, parts).Select(i => (total / parts) + (i < total % parts ? 1 : 0))];
    }

    /// <summary>Splits money into whole-fen parts that add up exactly (100.00 into 3 → 33.34, 33.33, 33.33).</summary>
    public static IReadOnlyList<decimal> SplitMoney(decimal total, int parts)
    {
        var fen = CouponMoney.ToFen(total);
        ArgumentOutOfRangeException.ThrowIfNegative(fen);
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        return [.. Enumerable.Range(0, parts).Select(i => CouponMoney.FromFen((fen / parts) + (i < fen % parts ? 1 : 0)))];
    }

    /// <summary>
    /// The order in which a claim tries shards: a random start (from the claim's seed) then every other shard once,
    /// wrapping around. Concurrent claims start at different shards, so they rarely race on one row; probing the
    /// rest means a claim only fails when no shard can serve it.
    /// </summary>
    public static IEnumerable<int> ProbeOrder(int seed, int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        var start = (int)((uint)seed % (uint)shardCount);
        for (var i = 0; i < shardCount; i++)
        {
            yield return (start + i) % shardCount;
        }
    }

    /// <summary>
    /// The refusal when every shard refused: all empty → sold out; otherwise, if no shard was held back only by the
    /// day's allowance → budget exhausted; otherwise the daily limit (more coupons tomorrow).
    /// </summary>
    public static ClaimRefusal RefusalFor(IEnumerable<ShardTakeOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var seen = outcomes.Where(o => o != ShardTakeOutcome.Taken).ToHashSet();
        if (seen.Contains(ShardTakeOutcome.DailyAllowanceUsed))
        {
            return ClaimRefusal.DailyLimitReached;
        }

        return seen.Contains(ShardTakeOutcome.BudgetShort) ? ClaimRefusal.BudgetExhausted : ClaimRefusal.SoldOut;
    }

    /// <summary>Why a bulk take failed: not enough units left at all → sold out; otherwise the budget shares are short.</summary>
    public static ClaimRefusal BulkRefusalFor(IReadOnlyList<InventoryShard> shards, int count)
    {
        ArgumentNullException.ThrowIfNull(shards);
        return shards.Sum(s => s.Remaining) < count ? ClaimRefusal.SoldOut : ClaimRefusal.BudgetExhausted;
    }

    /// <summary>
    /// How a bulk batch of <paramref name="count"/> coupons of one face value is taken from the shards, all or
    /// nothing: the updated shards to write, or null when the shards together cannot serve the batch. Bulk codes
    /// count towards quantity and budget but not the daily limit (the limit paces member issuance).
    /// </summary>
    public static IReadOnlyList<InventoryShard>? PlanBulkTake(IReadOnlyList<InventoryShard> shards, int count, decimal faceValue)
    {
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var updated = new List<InventoryShard>();
        var needed = count;
        foreach (var shard in shards)
        {
            if (needed == 0)
            {
                break;
            }

            var (after, taken) = shard.TakeBulk(needed, faceValue);
            if (taken > 0)
            {
                updated.Add(after);
                needed -= taken;
            }
        }

        return needed == 0 ? updated : null;
    }
}

/// <summary>What one shard should hold: quantity, budget share (money mode only) and daily allowance.</summary>
public sealed record ShardAllocation(int Index, int Quantity, decimal? Budget, int? DailyAllowance);

/// <summary>Why a shard could not serve one claim.</summary>
public enum ShardTakeOutcome
{
    Taken,
    Empty,
    BudgetShort,
    DailyAllowanceUsed,
}

/// <summary>A shard's attempt to serve one claim and the shard as it would be written back.</summary>
public readonly record struct ShardTake(ShardTakeOutcome Outcome, InventoryShard Shard)
{
    public bool Taken => Outcome == ShardTakeOutcome.Taken;
}

/// <summary>
/// One inventory shard row. Counts what was allocated and what was issued (rather than "remaining"), so raising
/// the allocation is idempotent: <see cref="RaiseTo"/> sets a target, it does not add a delta. Money issued is
/// counted in every mode (it feeds <see cref="ClaimCounters.MoneyIssued"/>), but only limits a claim when the shard
/// has a budget share. <see cref="Released"/> counts units given up for good (<see cref="ReleaseUnused"/>, when the
/// linked campaign ends): a released shard never issues again, even if a later top-up raises its target.
/// </summary>
public sealed record InventoryShard(
    int Index,
    int AllocatedQuantity,
    int Issued,
    decimal? AllocatedBudget,
    decimal MoneyIssued,
    int? DailyAllowance,
    DateOnly? Day,
    int IssuedOnDay,
    int Released = 0)
{
    public static InventoryShard Open(ShardAllocation allocation)
    {
        ArgumentNullException.ThrowIfNull(allocation);
        return new(allocation.Index, allocation.Quantity, 0, allocation.Budget, 0m, allocation.DailyAllowance, null, 0);
    }

    public int Remaining => AllocatedQuantity - Issued;

    /// <summary>
    /// Gives back one unit taken by <see cref="TryTake"/> on <paramref name="day"/> whose coupon was not created after
    /// all (the member's slot was gone, or the code collided): the compensation step of an issue.
    /// </summary>
    public InventoryShard Return(decimal faceValue, DateOnly day) => this with
    {
        Issued = Math.Max(0, Issued - 1),
        MoneyIssued = Math.Max(0m, MoneyIssued - faceValue),
        IssuedOnDay = Day == day ? Math.Max(0, IssuedOnDay - 1) : IssuedOnDay,
    };

    /// <summary>
    /// Gives up what is left (quantity and budget share): nothing more can be issued from this shard. Returns the shard
    /// and how many units were released now (0 when called again: idempotent).
    /// </summary>
    public (InventoryShard Shard, int ReleasedNow) ReleaseUnused()
    {
        var unused = Math.Max(0, Remaining);
        if (unused == 0 && (AllocatedBudget is null || AllocatedBudget <= MoneyIssued))
        {
            return (this, 0);
        }

        return (this with
        {
            AllocatedQuantity = Issued,
            AllocatedBudget = AllocatedBudget is null ? null : MoneyIssued,
            Released = Released + unused,
        }, unused);
    }

    /// <summary>Coupons this shard issued to members on a store-local day.</summary>
    public int IssuedOn(DateOnly day) => Day == day ? IssuedOnDay : 0;

    /// <summary>Raises the shard to a target allocation; never lowers it (a retried top-up is a no-op). A released shard stays closed.</summary>
    public InventoryShard RaiseTo(ShardAllocation target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (Released > 0)
        {
            return this;
        }

        return this with
        {
            AllocatedQuantity = Math.Max(AllocatedQuantity, target.Quantity),
            AllocatedBudget = AllocatedBudget is { } b && target.Budget is { } t ? Math.Max(b, t) : AllocatedBudget ?? target.Budget,
            DailyAllowance = target.DailyAllowance,
        };
    }

    /// <summary>Serves one member claim of <paramref name="faceValue"/> on store-local day <paramref name="day"/>, if it can.</summary>
    public ShardTake TryTake(decimal faceValue, DateOnly day)
    {
        if (Remaining < 1)
        {
            return new(ShardTakeOutcome.Empty, this);
        }

        if (AllocatedBudget is { } budget && MoneyIssued + faceValue > budget)
        {
            return new(ShardTakeOutcome.BudgetShort, this);
        }

        var issuedToday = IssuedOn(day);
        if (DailyAllowance is { } allowance && issuedToday >= allowance)
        {
            return new(ShardTakeOutcome.DailyAllowanceUsed, this);
        }

        return new(
            ShardTakeOutcome.Taken,
            this with
            {
                Issued = Issued + 1,
                MoneyIssued = MoneyIssued + faceValue,
                Day = day,
                IssuedOnDay = issuedToday + 1,
            });
    }

    /// <summary>Takes up to <paramref name="wanted"/> coupons for a bulk batch (no daily allowance involved).</summary>
    public (InventoryShard Shard, int Taken) TakeBulk(int wanted, decimal faceValue)
    {
        var byBudget = AllocatedBudget is { } budget && faceValue > 0 ? (int)decimal.Floor((budget - MoneyIssued) / faceValue) : int.MaxValue;
        var taken = Math.Max(0, Math.Min(wanted, Math.Min(Remaining, byBudget)));
        return (this with
        {
            Issued = Issued + taken,
            MoneyIssued = MoneyIssued + (taken * faceValue),
        }, taken);
    }
}

/// <summary>A definition's inventory summed over its shards (operators' view; exact at the time of reading).</summary>
public sealed record InventorySummary(int Shards, int Allocated, int Issued, int Released, decimal MoneyIssued)
{
    public static InventorySummary None { get; } = new(0, 0, 0, 0, 0m);

    public int Remaining => Math.Max(0, Allocated - Issued);

    public static InventorySummary Of(IReadOnlyCollection<InventoryShard> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        return new(shards.Count, shards.Sum(s => s.AllocatedQuantity), shards.Sum(s => s.Issued), shards.Sum(s => s.Released), shards.Sum(s => s.MoneyIssued));
    }
}
