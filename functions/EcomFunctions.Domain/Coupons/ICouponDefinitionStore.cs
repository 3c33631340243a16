namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// Persistence of coupon definitions. Every write is conditional: add fails if the id exists, replace fails if the
/// version changed since it was read, so concurrent operator edits cannot overwrite each other.
/// </summary>
/// <remarks>
/// The claim path reads a definition per claim; an adapter may serve <see cref="GetAsync"/> from a cache of at most
/// about one second (the kill-switch latency budget of DESIGN §5), because the inventory write is what enforces
/// the limits, not the definition read.
/// </remarks>
public interface ICouponDefinitionStore
{
    /// <summary>The definition and its version, or null.</summary>
    Task<Versioned<CouponDefinition>?> GetAsync(string definitionId, CancellationToken cancellationToken);

    /// <summary>Inserts a new definition; returns its version, or null when a definition with this id exists.</summary>
    Task<string?> TryAddAsync(CouponDefinition definition, CancellationToken cancellationToken);

    /// <summary>Replaces the definition if its stored version is still <paramref name="expectedVersion"/>; returns the new version or null.</summary>
    Task<string?> TryReplaceAsync(CouponDefinition definition, string expectedVersion, CancellationToken cancellationToken);

    /// <summary>Definitions, optionally of one state, in id order, a page at a time.</summary>
    Task<Page<CouponDefinition>> ListAsync(CouponDefinitionState? state, int pageSize, string? continuationToken, CancellationToken cancellationToken);
}
