namespace EcomFunctions.Domain.Coupons;

/// <summary>A stored value with its opaque version (an ETag in Table Storage) for conditional writes.</summary>
public sealed record Versioned<T>(T Value, string Version);

/// <summary>One page of a listing and the token for the next page (null when there is none).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? ContinuationToken);
