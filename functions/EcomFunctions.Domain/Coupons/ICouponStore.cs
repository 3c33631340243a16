using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// Issued coupons for redemption and the wallet. The one write is a conditional replace of a coupon row: the
/// redemption use case reads a coupon, applies a pure <see cref="Coupon"/> transition and writes it back only if
/// nobody changed it meanwhile — which is what makes "redeemed at most once" and "one order holds a coupon" hold
/// under concurrency (of twenty parallel reserves for different orders, exactly one write succeeds; the others
/// re-read and are refused).
/// </summary>
/// <remarks>
/// Storage design: a member's coupon lives in the member's partition under its code (the wallet is one partition
/// read); a bearer coupon (bulk code) lives in the global code index under its code. An order-index row (partition =
/// order id) is added before any write that reserves the coupon for that order, and a reservation-expiry row
/// (partition = expiry minute) for the sweep; events go to the outbox in the coupon row's partition in the same batch
/// as the update. A coupon is therefore located by (member, code) or (code), never by its id alone.
/// </remarks>
public interface ICouponStore
{
    /// <summary>The stored version of <paramref name="coupon"/> (re-read after a lost race), or null when it is gone.</summary>
    Task<Versioned<Coupon>?> ReloadAsync(Coupon coupon, CancellationToken cancellationToken);

    /// <summary>
    /// The coupon a member means by a canonical code (<see cref="CouponCode.Value"/>): the member's own coupon with that
    /// code, else the bearer coupon with that code, else null.
    /// </summary>
    Task<Versioned<Coupon>?> FindByCodeAsync(string memberId, string code, CancellationToken cancellationToken);

    /// <summary>The member's coupons (claims and grants), any state.</summary>
    Task<IReadOnlyList<Coupon>> ListByMemberAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>
    /// Every coupon that was ever reserved for the order. A superset is fine (the index is written before the
    /// reservation and never removed): callers check each coupon's state.
    /// </summary>
    Task<IReadOnlyList<Versioned<Coupon>>> ListByOrderAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the coupon if its version is still <paramref name="expectedVersion"/> and writes
    /// <paramref name="events"/> to the outbox in the same atomic step; false when the version changed (re-read and retry).
    /// </summary>
    Task<bool> TryUpdateAsync(Coupon coupon, string expectedVersion, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> coupons whose reservation lapsed at or before <paramref name="now"/>.</summary>
    Task<IReadOnlyList<Versioned<Coupon>>> ListLapsedReservationsAsync(DateTimeOffset now, int max, CancellationToken cancellationToken);
}
