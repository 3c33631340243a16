using System.Security.Cryptography;

namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// Where coupon codes, generated ids and shard start positions get their randomness. Production uses
/// <see cref="CryptoRandomSource"/>: bearer codes (bulk batches) are secrets, so they must not be predictable.
/// Tests inject a deterministic source.
/// </summary>
public interface IRandomSource
{
    /// <summary>Fills the buffer with uniformly random bytes.</summary>
    void Fill(Span<byte> buffer);

    /// <summary>A uniformly random integer in [0, <paramref name="maxExclusive"/>).</summary>
    int NextInt32(int maxExclusive);
}

/// <summary>Randomness from the operating system's cryptographic generator.</summary>
public sealed class CryptoRandomSource : IRandomSource
{
    public static CryptoRandomSource Instance { get; } = new();

    public void Fill(Span<byte> buffer) => RandomNumberGenerator.Fill(buffer);

    public int NextInt32(int maxExclusive) => RandomNumberGenerator.GetInt32(maxExclusive);
}
