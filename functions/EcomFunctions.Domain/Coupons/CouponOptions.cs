using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// Tunables of the coupon capability (bound from configuration section "Coupons" by the App). Defaults marked
/// *(default)* in DESIGN.md live here, never as literals in the rules.
/// </summary>
public sealed class CouponOptions
{
    public const string SectionName = "Coupons";

    /// <summary>How long a reservation holds a coupon for an unpaid order (DESIGN §6 default 30 min).</summary>
    public TimeSpan ReservationExpiry { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Time zone for definitions that do not name one (DESIGN §3 default Asia/Shanghai).</summary>
    public string StoreTimeZoneId { get; set; } = "Asia/Shanghai";

    /// <summary>
    /// Stacking group for definitions that do not name one. One shared default group means coupons do not stack
    /// unless an operator deliberately puts them in different groups.
    /// </summary>
    public string DefaultStackingGroup { get; set; } = "default";

    /// <summary>Random characters per code (excluding prefix and check character); 12 × 5 = 60 bits.</summary>
    public int CodeLength { get; set; } = 12;

    /// <summary>Longest prefix an operator may give bulk codes.</summary>
    public int MaxCodePrefixLength { get; set; } = 8;

    /// <summary>Fewest inventory shards for a definition (fewer only when quantity, daily limit or budget is smaller).</summary>
    public int MinShardCount { get; set; } = 16;

    /// <summary>Most inventory shards for a definition.</summary>
    public int MaxShardCount { get; set; } = 64;

    /// <summary>Coupons per shard aimed at between the minimum and maximum shard counts.</summary>
    public int CouponsPerShard { get; set; } = 32;

    /// <summary>Fresh codes tried when a generated code collides with an existing one before giving up.</summary>
    public int MaxCodeAttempts { get; set; } = 5;

    /// <summary>Re-reads after an optimistic-concurrency conflict on a coupon or batch before reporting unavailable.</summary>
    public int MaxConcurrencyRetries { get; set; } = 10;

    /// <summary>Coupons one order may use together.</summary>
    public int MaxCouponsPerOrder { get; set; } = 5;

    /// <summary>Largest bulk batch (the issue asks for 100 000 to work).</summary>
    public int MaxBatchSize { get; set; } = 100_000;

    /// <summary>Codes generated per queue message of a bulk batch (DESIGN §9: packed messages, 100–1 000 items).</summary>
    public int CodesPerChunk { get; set; } = 500;

    /// <summary>Reservations the expiry sweep releases per run.</summary>
    public int ExpirySweepBatchSize { get; set; } = 500;

    /// <summary>
    /// How long the claim path may use a definition read earlier (DESIGN §5: a pause, kill or retirement takes effect
    /// on the claim path within about a second).
    /// </summary>
    public TimeSpan DefinitionCacheDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a member's claim state (their slots of a definition: count and issue keys) read by this process may
    /// answer again. Only refusals and replays use it; the issue itself is enforced in storage.
    /// </summary>
    public TimeSpan MemberStateCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How old this process's view of an inventory shard may be for the claim path to refuse from it without reading
    /// storage (sold out, day allowance used). Takes always go to storage with the shard's ETag.
    /// </summary>
    public TimeSpan ShardViewFreshness { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Once a claim holds an inventory unit, how long writing its coupon is retried through a storage outage (every
    /// <see cref="HeldUnitRetryDelay"/>) before the claim answers 503 and keeps the unit for a retry under the same key.
    /// Giving up early would strand the unit when the coupon sells out meanwhile.
    /// </summary>
    public TimeSpan HeldUnitRetryWindow { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan HeldUnitRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Grants of one queue message issued concurrently.</summary>
    public int GrantConcurrency { get; set; } = 8;

    /// <summary>Field errors of these options (the App validates them at start-up).</summary>
    public FieldErrors Validate()
    {
        var errors = new FieldErrors();
        errors.AddIf(ReservationExpiry <= TimeSpan.Zero || ReservationExpiry > TimeSpan.FromDays(7), nameof(ReservationExpiry), "Must be between 0 and 7 days.");
        errors.AddIf(!TimeZones.TryFind(StoreTimeZoneId, out _), nameof(StoreTimeZoneId), "Is not a known time zone.");
        errors.AddIf(
            string.IsNullOrEmpty(DefaultStackingGroup) || DefaultStackingGroup.Length > CouponTerms.MaxStackingGroupLength || !DefaultStackingGroup.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'),
            nameof(DefaultStackingGroup),
            "Must be 1 to 40 letters, digits, '-' or '_'.");
        errors.AddIf(CodeLength is < 8 or > 24, nameof(CodeLength), "Must be between 8 and 24.");
        errors.AddIf(MaxCodePrefixLength < 0 || MaxCodePrefixLength + CodeLength + 1 > CouponCode.MaxLength, nameof(MaxCodePrefixLength), "Prefix, random part and check character must fit in a code.");
        errors.AddIf(MinShardCount < 1 || MaxShardCount < MinShardCount || MaxShardCount > 1000, nameof(MaxShardCount), "Need 1 ≤ MinShardCount ≤ MaxShardCount ≤ 1000.");
        errors.AddIf(CouponsPerShard < 1, nameof(CouponsPerShard), "Must be at least 1.");
        errors.AddIf(MaxCodeAttempts < 1, nameof(MaxCodeAttempts), "Must be at least 1.");
        errors.AddIf(MaxConcurrencyRetries < 1, nameof(MaxConcurrencyRetries), "Must be at least 1.");
        errors.AddIf(MaxCouponsPerOrder < 1, nameof(MaxCouponsPerOrder), "Must be at least 1.");
        errors.AddIf(MaxBatchSize < 1, nameof(MaxBatchSize), "Must be at least 1.");
        errors.AddIf(CodesPerChunk is < 1 or > 1000, nameof(CodesPerChunk), "Must be between 1 and 1000.");
        errors.AddIf(ExpirySweepBatchSize < 1, nameof(ExpirySweepBatchSize), "Must be at least 1.");
        errors.AddIf(DefinitionCacheDuration < TimeSpan.Zero || DefinitionCacheDuration > TimeSpan.FromSeconds(5), nameof(DefinitionCacheDuration), "Must be between 0 and 5 seconds.");
        errors.AddIf(MemberStateCacheDuration < TimeSpan.Zero || MemberStateCacheDuration > TimeSpan.FromMinutes(1), nameof(MemberStateCacheDuration), "Must be between 0 and 1 minute.");
        errors.AddIf(HeldUnitRetryWindow < TimeSpan.Zero || HeldUnitRetryWindow > TimeSpan.FromMinutes(2), nameof(HeldUnitRetryWindow), "Must be between 0 and 2 minutes.");
        errors.AddIf(HeldUnitRetryDelay <= TimeSpan.Zero || HeldUnitRetryDelay > TimeSpan.FromSeconds(10), nameof(HeldUnitRetryDelay), "Must be between 0 (exclusive) and 10 seconds.");
        errors.AddIf(ShardViewFreshness < TimeSpan.Zero || ShardViewFreshness > TimeSpan.FromSeconds(10), nameof(ShardViewFreshness), "Must be between 0 and 10 seconds.");
        errors.AddIf(GrantConcurrency is < 1 or > 64, nameof(GrantConcurrency), "Must be between 1 and 64.");
        return errors;
    }
}
