using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Tests.Members;

public sealed class HoldoutTests
{
    private const string Salt = "winback-v1";

    [Theory]
    // Pinned values: SHA-256("holdout\nwinback-v1\n{id}"), first 8 bytes big-endian, mod 10 000. If these change,
    // every running experiment's control group changes with them.
    [InlineData("member-1", 9749)]
    [InlineData("member-2", 5266)]
    [InlineData("member-3", 7010)]
    [InlineData("m-42", 3857)]
    public void Holdout_bucket_is_the_same_in_every_process(string memberId, int bucket)
    {
        Assert.Equal(bucket, Holdout.Bucket(memberId, Salt));
    }

    [Theory]
    [InlineData("member-4", true)]
    [InlineData("member-5", true)]
    [InlineData("member-1", false)]
    [InlineData("m-42", false)]
    public void Ten_percent_default_holds_out_the_first_thousand_buckets(string memberId, bool heldOut)
    {
        Assert.Equal(heldOut, Holdout.IsHeldOut(memberId, new ReactivationOptions().HoldoutShare, Salt));
    }

    [Fact]
    public void Holdout_share_over_100k_members_is_between_9_and_11_percent()
    {
        var heldOut = Enumerable.Range(0, 100_000).Count(i => Holdout.IsHeldOut($"member-{i}", 0.10m, Salt));

        Assert.InRange(heldOut / 100_000.0, 0.09, 0.11);
    }

    [Fact]
    public void A_new_salt_draws_a_different_control_group_of_the_same_size()
    {
        var ids = Enumerable.Range(0, 20_000).Select(i => $"member-{i}").ToList();
        var first = ids.Where(id => Holdout.IsHeldOut(id, 0.10m, Salt)).ToHashSet();
        var second = ids.Where(id => Holdout.IsHeldOut(id, 0.10m, "winback-v2")).ToHashSet();

        Assert.InRange(second.Count, 1_800, 2_200);
        Assert.InRange(first.Intersect(second).Count(), 100, 300); // independent draws overlap ≈ 10 % of 10 %
    }

    [Fact]
    public void Zero_share_holds_out_nobody_and_full_share_everybody()
    {
        var ids = Enumerable.Range(0, 1_000).Select(i => $"member-{i}").ToList();

        Assert.DoesNotContain(ids, id => Holdout.IsHeldOut(id, 0m, Salt));
        Assert.All(ids, id => Assert.True(Holdout.IsHeldOut(id, 1m, Salt)));
    }

    [Fact]
    public void Partitions_are_stable_and_spread_members_evenly()
    {
        Assert.Equal("p025", MemberPartitions.Of("member-1", 32));
        Assert.Equal("p011", MemberPartitions.Of("member-2", 32));
        Assert.Equal(32, MemberPartitions.All(32).Count);
        Assert.Equal("p000", MemberPartitions.All(32)[0]);

        var counts = Enumerable.Range(0, 32_000).GroupBy(i => MemberPartitions.Of($"member-{i}", 32)).Select(g => g.Count()).ToList();
        Assert.Equal(32, counts.Count);
        Assert.All(counts, c => Assert.InRange(c, 850, 1_150));
    }
}
