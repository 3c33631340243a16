using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Tests.Coupons.Support;
using static EcomFunctions.Domain.Tests.Coupons.Support.CouponTestData;

namespace EcomFunctions.Domain.Tests.Coupons;

public class CouponGrantsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_grant_issues_a_coupon_with_its_reason()
    {
        var harness = new CouponHarness().Members(1);
        await harness.ActiveDefinitionAsync();
        var granted = (await harness.Grants.GrantAsync("g-birthday-m0-2025", "cd-spring", "m-0", GrantReason.Birthday, None)).GetValueOrThrow();
        Assert.Equal(IssueSource.Grant, granted.Coupon.Source);
        Assert.Equal(GrantReason.Birthday, granted.Coupon.GrantReason);
        Assert.Equal(CouponKeys.GrantIssueKey("g-birthday-m0-2025"), granted.Coupon.IssueKey);
    }

    [Fact]
    public async Task Duplicate_grant_messages_grant_once()
    {
        var harness = new CouponHarness().Members(1);
        await harness.ActiveDefinitionAsync(Terms() with { PerMemberLimit = 3 });
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => harness.Grants.GrantAsync("g-1", "cd-spring", "m-0", GrantReason.Reactivation, None))));
        Assert.All(outcomes, o => Assert.True(o.IsSuccess));
        Assert.Single(harness.Storage.AllCoupons);
        Assert.Equal(9, outcomes.Count(o => o.Value!.Replayed));
    }

    [Fact]
    public async Task A_grant_id_reused_for_another_member_is_rejected()
    {
        var harness = new CouponHarness().Members(2);
        await harness.ActiveDefinitionAsync();
        await harness.Grants.GrantAsync("g-1", "cd-spring", "m-0", GrantReason.TierUpgrade, None);
        AssertProblem(await harness.Grants.GrantAsync("g-1", "cd-spring", "m-1", GrantReason.TierUpgrade, None), ProblemKind.Unprocessable, "issue-key-reused");
    }

    [Fact]
    public async Task Grants_respect_the_member_limit_shared_with_claims()
    {
        var harness = new CouponHarness().Members(1);
        await harness.ActiveDefinitionAsync();
        await harness.ClaimAsync("m-0");
        AssertProblem(await harness.Grants.GrantAsync("g-1", "cd-spring", "m-0", GrantReason.ReviewReward, None), ProblemKind.Conflict, "member-limit");
    }

    [Fact]
    public async Task Grants_respect_quantity_and_budget()
    {
        var harness = new CouponHarness().Members(3);
        await harness.ActiveDefinitionAsync(Terms(quantity: 10) with { BudgetCap = 40m }); // two coupons of 20
        Assert.True((await harness.Grants.GrantAsync("g-0", "cd-spring", "m-0", GrantReason.Reactivation, None)).IsSuccess);
        Assert.True((await harness.Grants.GrantAsync("g-1", "cd-spring", "m-1", GrantReason.Reactivation, None)).IsSuccess);
        AssertProblem(await harness.Grants.GrantAsync("g-2", "cd-spring", "m-2", GrantReason.Reactivation, None), ProblemKind.Gone, "budget-exhausted");
    }

    [Fact]
    public async Task An_unknown_reason_or_bad_ids_are_invalid()
    {
        var harness = new CouponHarness();
        var result = await harness.Grants.GrantAsync("g#1", "cd-spring", "m-0", (GrantReason)99, None);
        Assert.Equal(["grantId", "reason"], result.Problem!.Errors!.Keys.Order(StringComparer.Ordinal));
    }
}
