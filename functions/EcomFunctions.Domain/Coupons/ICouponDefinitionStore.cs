using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// Persistence of coupon definitions. Every write is conditional: add fails if the id exists, replace fails if the
/// version changed since it was read, so concurrent operator edits cannot overwrite each other.
/// </summary>
/// <remarks>
/// Two reads: <see cref="GetAsync"/> is authoritative (operator edits, with the version for If-Match), while
/// <see cref="GetCachedAsync"/> serves the hot paths (claims, grants, redemptions, wallets) and may be up to about one
/// second stale (the kill-switch latency budget of DESIGN §5): the inventory write is what enforces the limits, not
/// the definition read.
/// </remarks>
public interface ICouponDefinitionStore
{
    /// <summary>The definition and its version, read now, or null.</summary>
    Task<Versioned<CouponDefinition>?> GetAsync(string definitionId, CancellationToken cancellationToken);

    /// <summary>The definition as seen at most about a second ago (an in-process cache), or null.</summary>
    Task<Versioned<CouponDefinition>?> GetCachedAsync(string definitionId, CancellationToken cancellationToken);

    /// <summary>Inserts a new definition; returns its version, or null when a definition with this id exists.</summary>
    Task<string?> TryAddAsync(CouponDefinition definition, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the definition if its stored version is still <paramref name="expectedVersion"/>, writing
    /// <paramref name="events"/> to the outbox in the same atomic step; returns the new version or null.
    /// </summary>
    Task<string?> TryReplaceAsync(CouponDefinition definition, string expectedVersion, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken);

    /// <summary>Definitions, optionally of one state, in id order, a page at a time.</summary>
    Task<Page<CouponDefinition>> ListAsync(CouponDefinitionState? state, int pageSize, string? continuationToken, CancellationToken cancellationToken);

    /// <summary>Every definition linked to a campaign (any state).</summary>
    Task<IReadOnlyList<CouponDefinition>> ListByCampaignAsync(string campaignId, CancellationToken cancellationToken);
}
