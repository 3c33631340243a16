namespace EcomFunctions.Storage.Coupons;

/// <summary>
/// The table names the coupon adapters use: <see cref="Default"/> in the App; tests pass a set of fresh names so that
/// they run in parallel on one Azurite and leave nothing behind for each other.
/// </summary>
public sealed record CouponTableSet(
    string Definitions,
    string Inventory,
    string Coupons,
    string Codes,
    string Orders,
    string Expiries,
    string Batches)
{
    public static CouponTableSet Default { get; } = new(
        TableNames.CouponDefinitions,
        TableNames.CouponInventory,
        TableNames.Coupons,
        TableNames.CouponCodes,
        TableNames.CouponOrders,
        TableNames.CouponExpiries,
        TableNames.CouponBatches);

    /// <summary>Fresh names with a common prefix (letters and digits only, as table names require).</summary>
    public static CouponTableSet Unique(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var suffix = Guid.NewGuid().ToString("N")[..10];
        return new($"{prefix}def{suffix}", $"{prefix}inv{suffix}", $"{prefix}cpn{suffix}", $"{prefix}code{suffix}", $"{prefix}ord{suffix}", $"{prefix}exp{suffix}", $"{prefix}bat{suffix}");
    }

    /// <summary>The tables that carry outbox rows (the App registers them with the outbox sweeper).</summary>
    public IReadOnlyList<string> OutboxTables => [Definitions, Coupons, Codes, Batches];
}
