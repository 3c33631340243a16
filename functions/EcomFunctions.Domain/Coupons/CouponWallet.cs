namespace EcomFunctions.Domain.Coupons;

/// <summary>What a shopper sees for a coupon in the wallet.</summary>
public enum WalletCouponState
{
    /// <summary>Usable now.</summary>
    Available,

    /// <summary>Issued for a window that has not started (e.g. claimed during a campaign's preheat).</summary>
    NotYetValid,

    /// <summary>Held by an unpaid order.</summary>
    Reserved,

    Redeemed,

    Expired,

    /// <summary>Its definition was retired; it can no longer be used.</summary>
    Withdrawn,
}

/// <summary>One wallet line.</summary>
public sealed record WalletEntry(
    string CouponId,
    string Code,
    string DefinitionId,
    string Name,
    CouponKind Kind,
    CouponBenefit Benefit,
    decimal FaceValue,
    decimal MinimumSpend,
    string StackingGroup,
    WalletCouponState State,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    DateTimeOffset IssuedAt);

/// <summary>The member wallet view (DESIGN §6): each coupon with its state at a given instant, sorted by expiry.</summary>
public static class CouponWallet
{
    /// <summary>
    /// Wallet lines for <paramref name="coupons"/>, soonest expiry first (ties: earlier issue, then id), so "use it
    /// before it's gone" is on top. Coupons whose definition is missing are skipped (nothing sensible to show).
    /// With <paramref name="includeHistory"/> false only Available, NotYetValid and Reserved coupons are listed.
    /// </summary>
    public static IReadOnlyList<WalletEntry> Build(
        IEnumerable<Coupon> coupons,
        IReadOnlyDictionary<string, CouponDefinition> definitions,
        DateTimeOffset now,
        bool includeHistory = true)
    {
        ArgumentNullException.ThrowIfNull(coupons);
        ArgumentNullException.ThrowIfNull(definitions);
        return
        [
            .. coupons
                .Where(c => definitions.ContainsKey(c.DefinitionId))
                .Select(c => Entry(c, definitions[c.DefinitionId], now))
                .Where(e => includeHistory || e.State is WalletCouponState.Available or WalletCouponState.NotYetValid or WalletCouponState.Reserved)
                .OrderBy(e => e.ValidUntil)
                .ThenBy(e => e.IssuedAt)
                .ThenBy(e => e.CouponId, StringComparer.Ordinal),
        ];
    }

    public static WalletCouponState StateAt(Coupon coupon, CouponDefinition definition, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(coupon);
        ArgumentNullException.ThrowIfNull(definition);
        return coupon.EffectiveState(now) switch
        {
            CouponState.Redeemed => WalletCouponState.Redeemed,
            _ when definition.State == CouponDefinitionState.Retired => WalletCouponState.Withdrawn,
            CouponState.Reserved => WalletCouponState.Reserved,
            CouponState.Expired => WalletCouponState.Expired,
            _ when now < coupon.ValidFrom => WalletCouponState.NotYetValid,
            _ => WalletCouponState.Available,
        };
    }

    private static WalletEntry Entry(Coupon coupon, CouponDefinition definition, DateTimeOffset now) => new(
        coupon.Id,
        coupon.Code,
        coupon.DefinitionId,
        definition.Terms.Name,
        coupon.Benefit.Kind,
        coupon.Benefit,
        coupon.FaceValue,
        definition.EffectiveMinimumSpend(coupon.Benefit),
        definition.StackingGroup,
        StateAt(coupon, definition, now),
        coupon.ValidFrom,
        coupon.ValidUntil,
        coupon.IssuedAt);
}
