using EcomFunctions.Domain.Reviews;

namespace EcomFunctions.Domain.Tests.Reviews;

public sealed class SimHashTests
{
    private static SimHashFingerprint Fingerprint(string text) => SimHashFingerprint.Compute(TextNormalizer.Normalize(text));

    [Fact]
    public void Punctuation_spacing_and_emoji_variants_fingerprint_identically()
    {
        var a = Fingerprint("物流很快，包装很好，宝贝质量也很好，和描述的一样，推荐购买！");
        var b = Fingerprint("物流很快 包装很好 宝贝质量也很好~和描述的一样 推荐购买😊😊");

        Assert.Equal(0, a.DistanceTo(b));
    }

    [Fact]
    public void A_small_edit_moves_few_bits_and_unrelated_texts_many()
    {
        var original = Fingerprint("Amazing product! Changed my life, I lost 10 pounds in two weeks. Everyone should try it, five stars!");
        var edited = Fingerprint("Amazing product! Changed my life, I lost 10 pounds in 2 weeks. Everyone should try it, five stars!");
        var unrelated = Fingerprint("The lid doesn't seal properly, coffee leaks in my bag every single morning.");

        Assert.InRange(original.DistanceTo(edited), 0, 3);
        Assert.InRange(original.DistanceTo(unrelated), 12, 64);
    }

    [Fact]
    public void Fingerprints_within_the_distance_always_share_a_band_key()
    {
        var random = new Random(11);
        for (var i = 0; i < 2000; i++)
        {
            var value = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40);
            var flipped = value;
            foreach (var bit in Enumerable.Range(0, 64).OrderBy(_ => random.Next()).Take(random.Next(0, 4)))
            {
                flipped ^= 1UL << bit;
            }

            var a = new SimHashFingerprint(value).BandKeys(3);
            var b = new SimHashFingerprint(flipped).BandKeys(3);
            Assert.Equal(4, a.Count);
            Assert.NotEmpty(a.Intersect(b));
        }
    }

    [Fact]
    public void Band_keys_name_the_band_and_its_value()
    {
        var keys = new SimHashFingerprint(0x0004_0003_0002_0001).BandKeys(3);

        Assert.Equal(["0-1", "1-2", "2-3", "3-4"], keys);
    }

    [Fact]
    public void The_index_returns_near_duplicates_once_and_nothing_beyond_the_distance()
    {
        var index = new InMemoryNearDuplicateIndex(3);
        var at = DateTimeOffset.UnixEpoch;
        index.Add(new NearDuplicateCandidate("exact", "m1", new SimHashFingerprint(0b1111), at));
        index.Add(new NearDuplicateCandidate("near", "m2", new SimHashFingerprint(0b1111 ^ (1UL << 20) ^ (1UL << 50)), at));
        index.Add(new NearDuplicateCandidate("far", "m3", new SimHashFingerprint(0b1111 ^ 0xF0F0_0000_0000_0000), at));

        var found = index.FindCandidates(new SimHashFingerprint(0b1111));

        Assert.Equal(["exact", "near"], found.Select(c => c.ReviewId).Order(StringComparer.Ordinal));
        Assert.Equal(3, index.Count);
    }
}
