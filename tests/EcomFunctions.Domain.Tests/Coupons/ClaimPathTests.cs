using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Tests.Coupons.Support;
using static EcomFunctions.Domain.Tests.Coupons.Support.CouponTestData;

namespace EcomFunctions.Domain.Tests.Coupons;

/// <summary>The lean claim path: what is decided before the member is known, and who shares one attempt.</summary>
public class ClaimPathTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public void An_exhausted_inventory_is_sold_out_for_every_tier_but_a_member_at_the_limit_hears_member_limit()
    {
        var definition = Active(Tiered((MemberTier.Gold, new FixedAmountBenefit(30m))));
        var exhausted = new ClaimCounters(100, 0, 0, 3000m, Exhausted: true);

        Assert.Equal(ClaimRefusal.SoldOut, ClaimPolicy.Decide(definition, MemberTier.Regular, null, Now, exhausted).Refusal);
        Assert.Equal(ClaimRefusal.SoldOut, ClaimPolicy.Decide(definition, null, null, Now, exhausted).Refusal);
        Assert.Equal(ClaimRefusal.MemberLimitReached, ClaimPolicy.Decide(definition, MemberTier.Gold, null, Now, exhausted with { MemberIssued = 1 }).Refusal);
        Assert.Null(ClaimPolicy.DecideBeforeMember(definition, null, Now, exhausted with { Exhausted = false }));
    }

    [Fact]
    public void An_exhausted_inventory_bound_by_the_budget_is_named_budget_exhausted()
    {
        var definition = Active(Terms(quantity: 100) with { BudgetCap = 100m }); // 20 each: 5 coupons
        var decision = ClaimPolicy.DecideBeforeMember(definition, null, Now, new ClaimCounters(5, 0, 5, 100m, Exhausted: true));
        Assert.Equal(ClaimRefusal.BudgetExhausted, decision?.Refusal);
    }

    [Fact]
    public void Only_a_single_benefit_from_regular_up_is_tier_independent()
    {
        Assert.True(Active().IsTierIndependent);
        Assert.False(Active(Tiered((MemberTier.Silver, new FixedAmountBenefit(20m)))).IsTierIndependent);
        Assert.False(Active(Tiered((MemberTier.Regular, new FixedAmountBenefit(10m)), (MemberTier.Gold, new FixedAmountBenefit(30m)))).IsTierIndependent);
    }

    [Fact]
    public async Task A_sold_out_claim_is_answered_without_looking_the_member_up()
    {
        var tiers = new CountingTiers();
        var harness = new CouponHarness();
        var issuer = new CouponIssuer(harness.Storage, harness.Storage, tiers, harness.Campaigns, harness.Random, harness.Time, harness.Options);
        await harness.ActiveDefinitionAsync(Terms(quantity: 1));
        tiers.Known["m-0"] = MemberTier.Regular;
        (await issuer.IssueAsync("cd-spring", "m-0", "k0", IssueSource.Claim, null, None)).GetValueOrThrow();
        var lookupsAfterTheWinner = tiers.Calls;

        var loser = await issuer.IssueAsync("cd-spring", "m-unknown", "k1", IssueSource.Claim, null, None);

        AssertProblem(loser, ProblemKind.Gone, "sold-out");
        Assert.Equal(lookupsAfterTheWinner, tiers.Calls);
    }

    [Fact]
    public async Task A_tier_independent_claim_still_refuses_an_unknown_member_and_gives_the_unit_back()
    {
        var harness = new CouponHarness();
        await harness.ActiveDefinitionAsync(Terms(quantity: 1));

        AssertProblem(await harness.Claims.ClaimAsync("cd-spring", "m-ghost", "k", None), ProblemKind.NotFound, "member-not-found");

        Assert.Equal(0, harness.Storage.ShardsOf("cd-spring").Sum(s => s.Issued));
        harness.Tiers.Set("m-real", MemberTier.Regular);
        Assert.True((await harness.Claims.ClaimAsync("cd-spring", "m-real", "k", None)).IsSuccess);
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_share_one_attempt_and_the_joiners_are_replays()
    {
        var harness = new CouponHarness().Members(1);
        await harness.ActiveDefinitionAsync(Terms() with { PerMemberLimit = 5 });

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => harness.Claims.ClaimAsync("cd-spring", "m-0", "same", None)));

        Assert.Single(outcomes.Select(o => o.Value!.Coupon.Id).Distinct());
        Assert.Equal(1, outcomes.Count(o => !o.Value!.Replayed));
        Assert.Equal(1, harness.Storage.IssueCalls);
    }

    [Fact]
    public void Shard_seeds_are_stable_per_issue_key_and_spread_over_the_shards()
    {
        Assert.Equal(CouponKeys.ShardSeed("claim|m|k"), CouponKeys.ShardSeed("claim|m|k"));
        var firstShards = Enumerable.Range(0, 1600).Select(i => InventoryPlan.ProbeOrder(CouponKeys.ShardSeed($"claim|m-{i}|k"), 16).First()).ToList();
        Assert.All(Enumerable.Range(0, 16), shard => Assert.InRange(firstShards.Count(s => s == shard), 60, 140));
    }

    private sealed class CountingTiers : IMemberTierLookup
    {
        public Dictionary<string, MemberTier> Known { get; } = [];

        public int Calls { get; private set; }

        public Task<MemberTier?> GetTierAsync(string memberId, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(Known.TryGetValue(memberId, out var tier) ? tier : (MemberTier?)null);
        }
    }
}
