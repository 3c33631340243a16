using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Tests.Coupons.Support;
using static EcomFunctions.Domain.Tests.Coupons.Support.CouponTestData;

using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Tests.Coupons;

public class CouponClaimsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Claim_issues_a_coupon_with_the_tier_amount_a_valid_code_and_an_event()
    {
        var harness = new CouponHarness();
        harness.Tiers.Set("m-1", MemberTier.Gold);
        await harness.ActiveDefinitionAsync(Tiered((MemberTier.Regular, new FixedAmountBenefit(10m)), (MemberTier.Gold, new FixedAmountBenefit(30m))));

        var result = (await harness.Claims.ClaimAsync("cd-spring", "m-1", "key-1", None)).GetValueOrThrow();

        Assert.False(result.Replayed);
        var coupon = result.Coupon;
        Assert.Equal(30m, coupon.FaceValue);
        Assert.Equal("m-1", coupon.MemberId);
        Assert.Equal(IssueSource.Claim, coupon.Source);
        Assert.Equal(Now, coupon.ValidFrom);
        Assert.Equal(new DateTimeOffset(2025, 3, 16, 16, 0, 0, TimeSpan.Zero), coupon.ValidUntil);
        Assert.Equal(coupon, CouponCode.Parse(coupon.Code).Map(_ => coupon).GetValueOrThrow());
        Assert.Equal(CouponKeys.CouponIdFor(CouponKeys.ClaimIssueKey("m-1", "key-1")), coupon.Id);
        var issued = Assert.Single(harness.Storage.EventsOfType(CouponEventTypes.CouponIssued));
        Assert.Equal(CouponIssued.Create(coupon).Id, issued.Id);
        Assert.Equal(1, harness.Storage.ShardsOf("cd-spring").Sum(s => s.Issued));
    }

    [Fact]
    public async Task The_same_idempotency_key_returns_the_same_coupon_once()
    {
        var harness = new CouponHarness().Members(1);
        await harness.ActiveDefinitionAsync();
        var first = (await harness.Claims.ClaimAsync("cd-spring", "m-0", "key-1", None)).GetValueOrThrow();
        var retry = (await harness.Claims.ClaimAsync("cd-spring", "m-0", "key-1", None)).GetValueOrThrow();
        Assert.True(retry.Replayed);
        Assert.Equal(first.Coupon, retry.Coupon);
        Assert.Single(harness.Storage.AllCoupons);
        Assert.Single(harness.Storage.Outbox);
    }

    [Fact]
    public async Task A_retry_gets_its_coupon_even_after_the_coupon_sold_out()
    {
        var harness = new CouponHarness().Members(2);
        await harness.ActiveDefinitionAsync(Terms(quantity: 1));
        var first = await harness.ClaimAsync("m-0", requestId: "key-1");
        AssertProblem(await harness.Claims.ClaimAsync("cd-spring", "m-1", "key-2", None), ProblemKind.Gone, "sold-out");
        Assert.Equal(first, (await harness.Claims.ClaimAsync("cd-spring", "m-0", "key-1", None)).GetValueOrThrow().Coupon);
    }

    [Fact]
    public async Task Reusing_a_key_for_another_definition_is_rejected()
    {
        var harness = new CouponHarness().Members(1);
        await harness.ActiveDefinitionAsync(id: "cd-a");
        await harness.ActiveDefinitionAsync(id: "cd-b");
        await harness.ClaimAsync("m-0", "cd-a", "key-1");
        AssertProblem(await harness.Claims.ClaimAsync("cd-b", "m-0", "key-1", None), ProblemKind.Unprocessable, "issue-key-reused");
        Assert.Single(harness.Storage.AllCoupons);
    }

    [Fact]
    public async Task Claim_is_rejected_when_member_limit_reached()
    {
        var harness = new CouponHarness().Members(1);
        await harness.ActiveDefinitionAsync(Terms() with { PerMemberLimit = 2 });
        await harness.ClaimAsync("m-0", requestId: "k1");
        await harness.ClaimAsync("m-0", requestId: "k2");
        AssertProblem(await harness.Claims.ClaimAsync("cd-spring", "m-0", "k3", None), ProblemKind.Conflict, "member-limit");
    }

    [Fact]
    public async Task Claim_is_rejected_when_sold_out()
    {
        var harness = new CouponHarness().Members(4);
        await harness.ActiveDefinitionAsync(Terms(quantity: 3));
        for (var i = 0; i < 3; i++)
        {
            await harness.ClaimAsync($"m-{i}");
        }

        AssertProblem(await harness.Claims.ClaimAsync("cd-spring", "m-3", "k", None), ProblemKind.Gone, "sold-out");
        Assert.Equal(3, harness.Storage.AllCoupons.Count);
    }

    [Fact]
    public async Task Claim_is_rejected_when_the_tier_is_not_eligible()
    {
        var harness = new CouponHarness();
        harness.Tiers.Set("m-1", MemberTier.Silver);
        await harness.ActiveDefinitionAsync(Tiered((MemberTier.Gold, new FixedAmountBenefit(30m))));
        AssertProblem(await harness.Claims.ClaimAsync("cd-spring", "m-1", "k", None), ProblemKind.Forbidden, "tier-not-eligible");
    }

    [Fact]
    public async Task Claim_is_rejected_while_the_campaign_is_paused_and_allowed_once_live()
    {
        var harness = new CouponHarness().Members(1);
        harness.Campaigns.Set("c-618", CampaignLiveness.Paused);
        await harness.ActiveDefinitionAsync(Terms() with { CampaignId = "c-618" });
        AssertProblem(await harness.Claims.ClaimAsync("cd-spring", "m-0", "k", None), ProblemKind.Locked, "campaign-not-live");
        harness.Campaigns.Set("c-618", CampaignLiveness.Live);
        Assert.True((await harness.Claims.ClaimAsync("cd-spring", "m-0", "k", None)).IsSuccess);
    }

    [Fact]
    public async Task Claims_of_unknown_draft_or_retired_definitions_and_unknown_members_are_refused()
    {
        var harness = new CouponHarness().Members(1);
        AssertProblem(await harness.Claims.ClaimAsync("cd-none", "m-0", "k", None), ProblemKind.NotFound, "definition-not-found");
        await harness.Definitions.CreateAsync(Terms(), "cd-draft", None);
        AssertProblem(await harness.Claims.ClaimAsync("cd-draft", "m-0", "k", None), ProblemKind.Conflict, "definition-not-active");
        await harness.ActiveDefinitionAsync();
        AssertProblem(await harness.Claims.ClaimAsync("cd-spring", "m-unknown", "k", None), ProblemKind.NotFound, "member-not-found");
        await harness.Definitions.RetireAsync("cd-spring", None);
        AssertProblem(await harness.Claims.ClaimAsync("cd-spring", "m-0", "k", None), ProblemKind.Gone, "definition-retired");
    }

    [Fact]
    public async Task Invalid_input_is_rejected_with_field_errors()
    {
        var harness = new CouponHarness();
        var result = await harness.Claims.ClaimAsync("bad/id", "", new string('k', 101), None);
        Assert.Equal(ProblemKind.Validation, result.Problem?.Kind);
        Assert.Equal(["definitionId", "idempotencyKey", "memberId"], result.Problem!.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_daily_limit_resets_at_store_local_midnight_not_utc_midnight()
    {
        // 15:00 UTC is 23:00 in Shanghai; the store's next day starts at 16:00 UTC.
        var harness = new CouponHarness(now: new DateTimeOffset(2025, 3, 10, 15, 0, 0, TimeSpan.Zero)).Members(4);
        await harness.ActiveDefinitionAsync(Terms() with { DailyIssueLimit = 2 });
        await harness.ClaimAsync("m-0");
        await harness.ClaimAsync("m-1");
        var refused = await harness.Claims.ClaimAsync("cd-spring", "m-2", "k", None);
        AssertProblem(refused, ProblemKind.Conflict, "daily-limit");
        Assert.Equal("Today's 2 coupons are gone; more from 2025-03-11 00:00 +08:00.", refused.Problem!.Detail);

        harness.Time.Advance(TimeSpan.FromMinutes(59)); // 23:59 local
        AssertProblem(await harness.Claims.ClaimAsync("cd-spring", "m-2", "k", None), ProblemKind.Conflict, "daily-limit");
        harness.Time.Advance(TimeSpan.FromMinutes(1)); // 00:00 local, still 10 March in UTC
        Assert.True((await harness.Claims.ClaimAsync("cd-spring", "m-2", "k", None)).IsSuccess);
    }

    [Fact]
    public async Task A_coupon_claimed_at_local_2350_for_one_day_is_valid_until_local_midnight()
    {
        var harness = new CouponHarness(now: new DateTimeOffset(2025, 3, 10, 15, 50, 0, TimeSpan.Zero)).Members(1);
        await harness.ActiveDefinitionAsync(Terms() with { Validity = new ValidDaysAfterIssue(1) });
        var coupon = await harness.ClaimAsync("m-0");
        Assert.Equal(new DateTimeOffset(2025, 3, 10, 16, 0, 0, TimeSpan.Zero), coupon.ValidUntil);
    }

    [Fact]
    public async Task The_budget_cap_limits_issues_by_face_value_per_tier()
    {
        var harness = new CouponHarness();
        for (var i = 0; i < 20; i++)
        {
            harness.Tiers.Set($"m-{i}", i % 2 == 0 ? MemberTier.Regular : MemberTier.Gold);
        }

        // Regular 10, Gold 30; budget 120 → money mode with ⌊120/30⌋ = 4 shards of 30 each.
        await harness.ActiveDefinitionAsync(Tiered((MemberTier.Regular, new FixedAmountBenefit(10m)), (MemberTier.Gold, new FixedAmountBenefit(30m))) with { BudgetCap = 120m });
        var outcomes = new List<Result<IssuedCoupon>>();
        for (var i = 0; i < 20; i++)
        {
            outcomes.Add(await harness.Claims.ClaimAsync("cd-spring", $"m-{i}", "k", None));
        }

        var money = harness.Storage.AllCoupons.Sum(c => c.FaceValue);
        Assert.True(money <= 120m);
        Assert.True(money > 120m - (4 * 30m));
        Assert.All(outcomes.Where(o => !o.IsSuccess), o => Assert.Equal("budget-exhausted", o.Problem!.Code));
        Assert.Equal(money, harness.Storage.ShardsOf("cd-spring").Sum(s => s.MoneyIssued));
    }

    [Fact]
    public async Task A_single_face_value_budget_becomes_a_quantity_bound()
    {
        var harness = new CouponHarness().Members(10);
        await harness.ActiveDefinitionAsync(Terms(quantity: 100) with { BudgetCap = 100m }); // 20 each → 5 coupons
        var outcomes = new List<Result<IssuedCoupon>>();
        for (var i = 0; i < 10; i++)
        {
            outcomes.Add(await harness.Claims.ClaimAsync("cd-spring", $"m-{i}", "k", None));
        }

        Assert.Equal(5, outcomes.Count(o => o.IsSuccess));
        Assert.All(outcomes.Skip(5), o => Assert.Equal("budget-exhausted", o.Problem!.Code));
        Assert.Equal(5, harness.Storage.ShardsOf("cd-spring").Sum(s => s.AllocatedQuantity));
        Assert.All(harness.Storage.ShardsOf("cd-spring"), s => Assert.Null(s.AllocatedBudget));
    }

    [Fact]
    public async Task A_code_collision_is_retried_with_a_fresh_code()
    {
        var random = new ScriptedRandomSource().ThenFill([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        var harness = new CouponHarness(random: random).Members(1);
        await harness.ActiveDefinitionAsync();
        var colliding = new CouponCodeGenerator(new ScriptedRandomSource().ThenFill([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), harness.Options).Generate();
        harness.Storage.TakeCode(colliding.Value);

        var coupon = await harness.ClaimAsync("m-0");

        Assert.NotEqual(colliding.Value, coupon.Code);
        Assert.Equal(2, harness.Storage.IssueCalls);
        Assert.Equal(1, harness.Storage.ShardsOf("cd-spring").Sum(s => s.Issued));
    }

    [Fact]
    public async Task The_store_enforces_the_limits_even_when_the_counters_snapshot_is_stale()
    {
        var harness = new CouponHarness().Members(5);
        await harness.ActiveDefinitionAsync(Terms(quantity: 2));
        harness.Storage.StaleCounters = true;
        var outcomes = new List<Result<IssuedCoupon>>();
        for (var i = 0; i < 5; i++)
        {
            outcomes.Add(await harness.Claims.ClaimAsync("cd-spring", $"m-{i}", "k", None));
        }

        Assert.Equal(2, outcomes.Count(o => o.IsSuccess));
        Assert.All(outcomes.Skip(2), o => Assert.Equal("sold-out", o.Problem!.Code));
        AssertProblem(await harness.Claims.ClaimAsync("cd-spring", "m-0", "k-second", None), ProblemKind.Conflict, "member-limit");
    }

    [Fact]
    public async Task Parallel_claims_never_oversell()
    {
        var harness = new CouponHarness().Members(500);
        await harness.ActiveDefinitionAsync(Terms(quantity: 50));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Task.Run(() => harness.Claims.ClaimAsync("cd-spring", $"m-{i}", "k", None))));

        Assert.Equal(50, outcomes.Count(o => o.IsSuccess));
        Assert.All(outcomes.Where(o => !o.IsSuccess), o => Assert.Equal("sold-out", o.Problem!.Code));
        Assert.Equal(50, harness.Storage.AllCoupons.Count);
        Assert.Equal(50, harness.Storage.AllCoupons.Select(c => c.MemberId).Distinct().Count());
        Assert.Equal(50, harness.Storage.AllCoupons.Select(c => c.Code).Distinct().Count());
        Assert.Equal(50, harness.Storage.ShardsOf("cd-spring").Sum(s => s.Issued));
        Assert.Equal(50, harness.Storage.EventsOfType(CouponEventTypes.CouponIssued).Count);
    }

    [Fact]
    public async Task The_same_member_claiming_in_parallel_with_limit_one_gets_exactly_one()
    {
        var harness = new CouponHarness().Members(1);
        await harness.ActiveDefinitionAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => harness.Claims.ClaimAsync("cd-spring", "m-0", $"k-{i}", None))));

        Assert.Equal(1, outcomes.Count(o => o.IsSuccess));
        Assert.All(outcomes.Where(o => !o.IsSuccess), o => Assert.Equal("member-limit", o.Problem!.Code));
        Assert.Single(harness.Storage.AllCoupons);
    }

    [Fact]
    public async Task Parallel_retries_with_one_key_all_get_the_same_single_coupon()
    {
        var harness = new CouponHarness().Members(1);
        await harness.ActiveDefinitionAsync(Terms() with { PerMemberLimit = 5 });

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => harness.Claims.ClaimAsync("cd-spring", "m-0", "same-key", None))));

        Assert.All(outcomes, o => Assert.True(o.IsSuccess));
        Assert.Single(outcomes.Select(o => o.Value!.Coupon.Id).Distinct());
        Assert.Single(harness.Storage.AllCoupons);
        Assert.Single(harness.Storage.Outbox);
    }
}
