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
    public const int ShingleLength = 2; // the code below hashes exactly two characters per shingle

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

        if (compact.Length < ShingleLength)
        {
            return new SimHashFingerprint(Mix(compact[0]));
        }

        // One counter per bit, kept as eight 8-lane vectors in registers: a shingle's hash adds its bits a byte at a time.
        var lanes = ByteLanes;
        Vector256<int> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        var shingles = compact.Length - 1;
        for (var i = 0; i < shingles; i++)
        {
            var h = Mix(((ulong)compact[i] << 16) | compact[i + 1]);
            c0 += lanes[(byte)h];
            c1 += lanes[(byte)(h >> 8)];
            c2 += lanes[(byte)(h >> 16)];
            c3 += lanes[(byte)(h >> 24)];
            c4 += lanes[(byte)(h >> 32)];
            c5 += lanes[(byte)(h >> 40)];
            c6 += lanes[(byte)(h >> 48)];
            c7 += lanes[(byte)(h >> 56)];
        }

        // A bit is set when more than half of the shingles have it set.
        var half = Vector256.Create(shingles);
        ulong value = Bits(c0, half) | (Bits(c1, half) << 8) | (Bits(c2, half) << 16) | (Bits(c3, half) << 24)
            | (Bits(c4, half) << 32) | (Bits(c5, half) << 40) | (Bits(c6, half) << 48) | (Bits(c7, half) << 56);
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

    private static ulong Bits(Vector256<int> counts, Vector256<int> shingles) =>
        Vector256.GreaterThan(counts + counts, shingles).ExtractMostSignificantBits();

    /// <summary>SplitMix64 finaliser: spreads a shingle's two characters over all 64 bits.</summary>
    private static ulong Mix(ulong h)
    {
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
