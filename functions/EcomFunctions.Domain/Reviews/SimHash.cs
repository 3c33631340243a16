using System.Globalization;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace EcomFunctions.Domain.Reviews;

/// <summary>
/// A 64-bit SimHash of a review's compact text over overlapping character bigrams. Character shingles suit Chinese (no
/// word segmentation needed); the compact text already erases punctuation, spacing, emoji and zero-width differences,
/// so copy-paste variants fingerprint identically. Bigrams rather than trigrams because reviews are short: one edited
/// character then disturbs two features instead of three, which keeps small edits within a few bits (measured on the
/// test corpus: edited English variants 2–3 bits apart, unrelated reviews 16+ bits at the 1st percentile).
/// </summary>
public readonly record struct SimHashFingerprint(ulong Value)
{
    /// <summary>Shingle width in UTF-16 code units.</summary>
    public const int ShingleLength = 2;

    private static readonly Vector256<int>[] ByteLanes = BuildByteLanes();

    public static SimHashFingerprint Compute(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Compute(text.Compact);
    }

    public static SimHashFingerprint Compute(ReadOnlySpan<char> compact)
    {
        if (compact.IsEmpty)
        {
            return new SimHashFingerprint(0);
        }

        // One counter per bit, kept as eight 8-lane vectors: a shingle's hash adds its bits a byte at a time.
        Span<Vector256<int>> counts = stackalloc Vector256<int>[8];
        counts.Clear();
        var shingles = Math.Max(1, compact.Length - ShingleLength + 1);
        for (var i = 0; i < shingles; i++)
        {
            var h = ShingleHash(compact.Slice(i, Math.Min(ShingleLength, compact.Length - i)));
            for (var b = 0; b < 8; b++)
            {
                counts[b] += ByteLanes[(byte)(h >> (8 * b))];
            }
        }

        ulong value = 0;
        for (var b = 0; b < 8; b++)
        {
            for (var lane = 0; lane < 8; lane++)
            {
                if (2 * counts[b].GetElement(lane) > shingles)
                {
                    value |= 1UL << ((8 * b) + lane);
                }
            }
        }

        return new SimHashFingerprint(value);
    }

    public int DistanceTo(SimHashFingerprint other) => BitOperations.PopCount(Value ^ other.Value);

    /// <summary>
    /// Storage keys of the fingerprint's bands for a lookup tolerating <paramref name="maxDistance"/> differing bits:
    /// the 64 bits split into maxDistance + 1 bands, so by the pigeonhole principle two fingerprints within that
    /// distance agree on at least one whole band. Store a review under every key; look candidates up by every key.
    /// Keys look like "0-1a2b" (band index, band value in hex).
    /// </summary>
    public IReadOnlyList<string> BandKeys(int maxDistance)
    {
        var packed = PackedBandKeys(maxDistance);
        var keys = new string[packed.Length];
        for (var i = 0; i < packed.Length; i++)
        {
            keys[i] = string.Create(CultureInfo.InvariantCulture, $"{packed[i] >> 56}-{packed[i] & 0x00FF_FFFF_FFFF_FFFFUL:x}");
        }

        return keys;
    }

    /// <summary>Band keys as numbers (band index in the top byte): the same banding as <see cref="BandKeys"/>.</summary>
    public ulong[] PackedBandKeys(int maxDistance)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDistance, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDistance, 7);
        var bands = maxDistance + 1;
        var keys = new ulong[bands];
        var offset = 0;
        for (var band = 0; band < bands; band++)
        {
            var width = (64 / bands) + (band < 64 % bands ? 1 : 0);
            var mask = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
            keys[band] = ((ulong)band << 56) | ((Value >> offset) & mask);
            offset += width;
        }

        return keys;
    }

    public override string ToString() => Value.ToString("x16", CultureInfo.InvariantCulture);

    private static ulong ShingleHash(ReadOnlySpan<char> shingle)
    {
        ulong h = 0;
        foreach (var c in shingle)
        {
            h = (h << 16) | c;
        }

        // SplitMix64 finaliser: spreads the shingle's characters over all 64 bits.
        h += 0x9E3779B97F4A7C15UL;
        h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9UL;
        h = (h ^ (h >> 27)) * 0x94D049BB133111EBUL;
        return h ^ (h >> 31);
    }

    private static Vector256<int>[] BuildByteLanes()
    {
        var lanes = new Vector256<int>[256];
        Span<int> values = stackalloc int[8];
        for (var b = 0; b < 256; b++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                values[bit] = (b >> bit) & 1;
            }

            lanes[b] = Vector256.Create<int>(values);
        }

        return lanes;
    }
}

/// <summary>An earlier review's fingerprint as the App's near-duplicate store returns it for a band-key lookup.</summary>
public sealed record NearDuplicateCandidate(string ReviewId, string MemberId, SimHashFingerprint Fingerprint, DateTimeOffset PostedAt);

/// <summary>
/// The banded near-duplicate index in memory (tests and the benchmark; the App backs the same banding with storage).
/// A lookup touches maxDistance + 1 buckets instead of scanning every fingerprint.
/// </summary>
public sealed class InMemoryNearDuplicateIndex
{
    private readonly Dictionary<ulong, List<NearDuplicateCandidate>> buckets = [];
    private readonly int maxDistance;

    public InMemoryNearDuplicateIndex(int maxDistance = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDistance, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDistance, 7);
        this.maxDistance = maxDistance;
    }

    public int Count { get; private set; }

    public void Add(NearDuplicateCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        foreach (var key in candidate.Fingerprint.PackedBandKeys(maxDistance))
        {
            if (!buckets.TryGetValue(key, out var bucket))
            {
                bucket = [];
                buckets[key] = bucket;
            }

            bucket.Add(candidate);
        }

        Count++;
    }

    /// <summary>Earlier reviews within the index's distance of <paramref name="fingerprint"/>, each once.</summary>
    public IReadOnlyList<NearDuplicateCandidate> FindCandidates(SimHashFingerprint fingerprint)
    {
        List<NearDuplicateCandidate>? found = null;
        foreach (var key in fingerprint.PackedBandKeys(maxDistance))
        {
            if (!buckets.TryGetValue(key, out var bucket))
            {
                continue;
            }

            foreach (var candidate in bucket)
            {
                if (candidate.Fingerprint.DistanceTo(fingerprint) <= maxDistance && (found is null || !found.Contains(candidate)))
                {
                    (found ??= []).Add(candidate);
                }
            }
        }

        return found ?? (IReadOnlyList<NearDuplicateCandidate>)[];
    }
}
