using System.Globalization;
using EcomFunctions.Domain.Campaigns;

namespace EcomFunctions.Domain.Tests.Campaigns;

public sealed class VariantAssignmentTests
{
    private static readonly IReadOnlyList<string> MemberIds =
        Enumerable.Range(0, 100_000).Select(i => "member-" + i.ToString(CultureInfo.InvariantCulture)).ToList();

    [Fact]
    public void A_member_always_gets_the_same_variant_of_a_campaign()
    {
        CampaignVariant[] variants = [new("A", 50), new("B", 50)];

        var first = MemberIds.Take(1000).Select(m => VariantAssignment.Assign("autumn-2025", m, variants)).ToList();
        var second = MemberIds.Take(1000).Select(m => VariantAssignment.Assign("autumn-2025", m, variants)).ToList();

        Assert.Equal(first, second);
    }

    [Fact]
    public void Buckets_come_from_sha256_so_every_process_agrees()
    {
        // string.GetHashCode is randomised per process; a SHA-256 of the ids is the same everywhere.
        Assert.Equal(
            [VariantAssignment.BucketOf("autumn-2025", "member-0"), VariantAssignment.BucketOf("autumn-2025", "member-1"), VariantAssignment.BucketOf("spring-2026", "member-0")],
            GoldenBuckets());
    }

    [Theory]
    [InlineData(50, 50)]
    [InlineData(90, 10)]
    [InlineData(20, 80)]
    public void Assignment_follows_the_weights_within_one_percent_on_100k_members(int weightA, int weightB)
    {
        CampaignVariant[] variants = [new("A", weightA), new("B", weightB)];

        var counts = MemberIds.GroupBy(m => VariantAssignment.Assign("autumn-2025", m, variants)).ToDictionary(g => g.Key!, g => g.Count());

        Assert.InRange(counts["A"] / 100_000.0, (weightA - 1) / 100.0, (weightA + 1) / 100.0);
        Assert.InRange(counts["B"] / 100_000.0, (weightB - 1) / 100.0, (weightB + 1) / 100.0);
    }

    [Fact]
    public void Three_unequal_variants_are_split_by_weight()
    {
        CampaignVariant[] variants = [new("control", 60), new("coupon", 30), new("gift", 10)];

        var counts = MemberIds.GroupBy(m => VariantAssignment.Assign("member-day", m, variants)).ToDictionary(g => g.Key!, g => g.Count());

        Assert.InRange(counts["control"], 59_000, 61_000);
        Assert.InRange(counts["coupon"], 29_000, 31_000);
        Assert.InRange(counts["gift"], 9_000, 11_000);
    }

    [Fact]
    public void Buckets_spread_evenly_over_0_to_99()
    {
        var perBucket = MemberIds.GroupBy(m => VariantAssignment.BucketOf("autumn-2025", m)).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(Enumerable.Range(0, 100), perBucket.Keys.Order());
        Assert.All(perBucket.Values, count => Assert.InRange(count, 850, 1150));
    }

    [Fact]
    public void Different_campaigns_split_the_same_members_independently()
    {
        CampaignVariant[] variants = [new("A", 50), new("B", 50)];

        var sameInBoth = MemberIds.Take(10_000).Count(m =>
            VariantAssignment.Assign("autumn-2025", m, variants) == VariantAssignment.Assign("spring-2026", m, variants));

        // Independent 50/50 splits agree for about half the members, not all of them.
        Assert.InRange(sameInBoth, 4_700, 5_300);
    }

    [Fact]
    public void A_campaign_without_variants_assigns_none() =>
        Assert.Null(VariantAssignment.Assign("autumn-2025", "member-1", []));

    private static int[] GoldenBuckets()
    {
        // Computed independently of the implementation: first 8 bytes of the SHA-256, big-endian, × 100 / 2^64.
        static int Bucket(string campaign, string member)
        {
            var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(campaign + "\n" + member));
            var value = new System.Numerics.BigInteger(hash.AsSpan(0, 8), isUnsigned: true, isBigEndian: true);
            return (int)(value * 100 / System.Numerics.BigInteger.Pow(2, 64));
        }

        return [Bucket("autumn-2025", "member-0"), Bucket("autumn-2025", "member-1"), Bucket("spring-2026", "member-0")];
    }
}
