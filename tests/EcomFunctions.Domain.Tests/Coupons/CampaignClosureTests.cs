using System.Text.Json;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Tests.Coupons.Support;
using static EcomFunctions.Domain.Tests.Coupons.Support.CouponTestData;

namespace EcomFunctions.Domain.Tests.Coupons;

/// <summary>Closing a definition when its campaign ends or is killed, and giving up its unused inventory.</summary>
public class CampaignClosureTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public void Closing_keeps_the_first_reason_refuses_claims_activation_and_revision_but_allows_retiring()
    {
        var closed = Active().Close(Now, "Campaign c-1 ended");

        Assert.Equal(CouponDefinitionState.Closed, closed.State);
        Assert.Equal(Now, closed.ClosedAt);
        Assert.Same(closed, closed.Close(Now.AddHours(1), "Campaign c-1 was killed"));
        Assert.Equal("Campaign c-1 ended", closed.ClosedReason);
        var refused = ClaimPolicy.Decide(closed, EcomFunctions.Domain.Members.MemberTier.Gold, null, Now, ClaimCounters.None);
        Assert.Equal(ClaimRefusal.ClaimsClosed, refused.Refusal);
        Assert.Contains("Campaign c-1 ended", refused.Detail, StringComparison.Ordinal);
        Assert.Equal("claims-closed", closed.Activate(Now).Problem?.Code);
        Assert.Equal("claims-closed", closed.Revise(closed.Terms with { Name = "x" }, Now).Problem?.Code);
        Assert.Equal(CouponDefinitionState.Retired, closed.Retire(Now).GetValueOrThrow().State);
        Assert.Equal(CouponDefinitionState.Retired, Active().Retire(Now).GetValueOrThrow().Close(Now, "late").State);
    }

    [Fact]
    public void Claims_closed_is_423_like_the_kill_switch()
    {
        var problem = CouponProblems.For(ClaimRefusal.ClaimsClosed);
        Assert.Equal(ProblemKind.Locked, problem.Kind);
        Assert.Equal("claims-closed", problem.Code);
    }

    [Fact]
    public void Releasing_a_shard_gives_up_exactly_what_is_left_once_and_a_top_up_cannot_reopen_it()
    {
        var shard = new InventoryShard(0, 10, 4, 100m, 40m, null, null, 0);

        var (released, now) = shard.ReleaseUnused();
        var (again, twice) = released.ReleaseUnused();

        Assert.Equal(6, now);
        Assert.Equal(0, twice);
        Assert.Equal(again, released);
        Assert.Equal(0, released.Remaining);
        Assert.Equal(40m, released.AllocatedBudget);
        Assert.Equal(6, released.Released);
        Assert.Equal(released, released.RaiseTo(new ShardAllocation(0, 50, 500m, null)));
        Assert.Equal(ShardTakeOutcome.Empty, released.TryTake(10m, new DateOnly(2025, 3, 10)).Outcome);
    }

    [Fact]
    public void A_returned_unit_is_counted_back_on_its_day_only()
    {
        var day = new DateOnly(2025, 3, 10);
        var taken = new InventoryShard(0, 10, 0, null, 0m, 5, null, 0).TryTake(20m, day).Shard;

        var returned = taken.Return(20m, day);
        var returnedLater = taken.TryTake(20m, day.AddDays(1)).Shard.Return(20m, day);

        Assert.Equal((0, 0m, 0), (returned.Issued, returned.MoneyIssued, returned.IssuedOn(day)));
        Assert.Equal((1, 20m, 1), (returnedLater.Issued, returnedLater.MoneyIssued, returnedLater.IssuedOn(day.AddDays(1))));
    }

    [Fact]
    public void The_inventory_summary_adds_the_shards_up()
    {
        var summary = InventorySummary.Of([new InventoryShard(0, 10, 4, null, 80m, null, null, 0, 0), new InventoryShard(1, 5, 5, null, 100m, null, null, 0, 3)]);
        Assert.Equal(new InventorySummary(2, 15, 9, 3, 180m), summary);
        Assert.Equal(6, summary.Remaining);
    }

    [Fact]
    public async Task Closing_a_campaign_closes_only_its_definitions_releases_their_inventory_and_publishes_once()
    {
        var harness = new CouponHarness().Members(3);
        harness.Campaigns.Set("c-618", CampaignLiveness.Live);
        await harness.ActiveDefinitionAsync(Terms(quantity: 20) with { CampaignId = "c-618" }, "cd-linked");
        await harness.ActiveDefinitionAsync(Terms(quantity: 20), "cd-other");
        await harness.ClaimAsync("m-0", "cd-linked");
        await harness.ClaimAsync("m-1", "cd-linked");

        var closed = (await harness.Definitions.CloseForCampaignAsync("c-618", "Campaign c-618 ended", None)).GetValueOrThrow();
        var repeated = (await harness.Definitions.CloseForCampaignAsync("c-618", "Campaign c-618 ended", None)).GetValueOrThrow();

        var closure = Assert.Single(closed);
        Assert.Equal(("cd-linked", CouponDefinitionState.Closed, 18), (closure.DefinitionId, closure.State, closure.ReleasedNow));
        Assert.Equal(new InventorySummary(16, 2, 2, 18, 40m), closure.Inventory);
        Assert.Equal(0, Assert.Single(repeated).ReleasedNow);
        var published = Assert.Single(harness.Storage.EventsOfType(CouponEventTypes.CouponDefinitionClosed));
        using var data = JsonDocument.Parse(published.DataJson);
        Assert.Equal("c-618", data.RootElement.GetProperty("campaignId").GetString());
        Assert.Equal(18, data.RootElement.GetProperty("released").GetInt32());
        Assert.Equal(2, data.RootElement.GetProperty("issued").GetInt32());
        Assert.Equal("coupon-definitions/cd-linked", published.Subject);
        AssertProblem(await harness.Claims.ClaimAsync("cd-linked", "m-2", "k", None), ProblemKind.Locked, "claims-closed");
        Assert.True((await harness.Claims.ClaimAsync("cd-other", "m-2", "k", None)).IsSuccess);
        Assert.Equal(0, harness.Storage.ShardsOf("cd-other").Sum(s => s.Released));
    }

    [Fact]
    public async Task Coupons_of_a_closed_definition_stay_redeemable()
    {
        var harness = new CouponHarness().Members(1);
        harness.Campaigns.Set("c-618", CampaignLiveness.Live);
        await harness.ActiveDefinitionAsync(Terms() with { CampaignId = "c-618" });
        var coupon = await harness.ClaimAsync("m-0");
        await harness.Definitions.CloseForCampaignAsync("c-618", "Campaign c-618 ended", None);
        harness.Campaigns.Set("c-618", CampaignLiveness.Ended);

        var reserved = await harness.Redemptions.ReserveAsync("m-0", "o-1", [coupon.Code], Cart(100m), None);

        Assert.True(reserved.IsSuccess, reserved.Problem?.Detail);
    }

    [Fact]
    public async Task An_invalid_campaign_id_is_rejected() =>
        AssertProblem(await new CouponHarness().Definitions.CloseForCampaignAsync("c/1", "x", None), ProblemKind.Validation, "validation");
}
