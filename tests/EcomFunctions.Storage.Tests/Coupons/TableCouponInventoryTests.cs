using System.Globalization;
using Azure.Data.Tables;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Storage.Tests.Coupons;

/// <summary>The issuance invariants of DESIGN §6 with real concurrency against Azurite (exact final counts from storage).</summary>
public sealed class TableCouponInventoryTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Five_hundred_parallel_claims_for_fifty_coupons_issue_exactly_fifty()
    {
        using var coupons = new TableCoupons().Members(500);
        var definition = await coupons.ActiveDefinitionAsync(TableCoupons.Terms(quantity: 50));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Task.Run(() => coupons.Claims.ClaimAsync(definition.Id, $"m-{i}", "k", None))));

        Assert.Equal(50, outcomes.Count(o => o.IsSuccess));
        Assert.All(outcomes.Where(o => !o.IsSuccess), o => Assert.Equal("sold-out", o.Problem!.Code));
        var stored = await coupons.StoredCouponsAsync(definition.Id);
        Assert.Equal(50, stored.Count);
        Assert.Equal(50, stored.Select(c => c.MemberId).Distinct().Count());
        Assert.Equal(50, stored.Select(c => c.Id).Distinct().Count());
        var inventory = await coupons.Inventory.GetSummaryAsync(definition.Id, None);
        Assert.Equal(50, inventory.Issued);
        Assert.Equal(0, inventory.Remaining);
        Assert.Equal(50, (await coupons.OutboxEventsAsync(CouponEventTypes.CouponIssued)).Count);
    }

    [Fact]
    public async Task Two_processes_claiming_the_same_coupons_never_oversell()
    {
        using var first = new TableCoupons().Members(300);
        using var second = first.AnotherProcess();
        var definition = await first.ActiveDefinitionAsync(TableCoupons.Terms(quantity: 40));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 300).Select(i =>
            Task.Run(() => (i % 2 == 0 ? first : second).Claims.ClaimAsync(definition.Id, $"m-{i}", "k", None))));

        Assert.Equal(40, outcomes.Count(o => o.IsSuccess));
        Assert.Equal(40, (await first.StoredCouponsAsync(definition.Id)).Count);
        Assert.Equal(40, (await first.Inventory.GetSummaryAsync(definition.Id, None)).Issued);
    }

    [Fact]
    public async Task One_member_claiming_in_twenty_parallel_requests_with_limit_one_gets_exactly_one()
    {
        using var coupons = new TableCoupons().Members(1);
        var definition = await coupons.ActiveDefinitionAsync(TableCoupons.Terms(quantity: 100));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => coupons.Claims.ClaimAsync(definition.Id, "m-0", $"k-{i}", None))));

        Assert.Equal(1, outcomes.Count(o => o.IsSuccess));
        Assert.All(outcomes.Where(o => !o.IsSuccess), o => Assert.Equal("member-limit", o.Problem!.Code));
        Assert.Single(await coupons.StoredCouponsAsync(definition.Id));
        // Every losing request gave its unit back: the inventory counts exactly the one coupon.
        Assert.Equal(1, (await coupons.Inventory.GetSummaryAsync(definition.Id, None)).Issued);
    }

    [Fact]
    public async Task One_member_in_two_processes_with_limit_two_gets_exactly_two()
    {
        using var first = new TableCoupons().Members(1);
        using var second = first.AnotherProcess();
        var definition = await first.ActiveDefinitionAsync(TableCoupons.Terms(quantity: 100) with { PerMemberLimit = 2 });

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => (i % 2 == 0 ? first : second).Claims.ClaimAsync(definition.Id, "m-0", $"k-{i}", None))));

        Assert.Equal(2, outcomes.Count(o => o.IsSuccess));
        Assert.Equal(2, (await first.StoredCouponsAsync(definition.Id)).Count);
        Assert.Equal(2, (await first.Inventory.GetSummaryAsync(definition.Id, None)).Issued);
    }

    [Fact]
    public async Task Parallel_retries_with_one_key_in_two_processes_issue_one_coupon()
    {
        using var first = new TableCoupons().Members(1);
        using var second = first.AnotherProcess();
        var definition = await first.ActiveDefinitionAsync(TableCoupons.Terms(quantity: 100) with { PerMemberLimit = 5 });

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => (i % 2 == 0 ? first : second).Claims.ClaimAsync(definition.Id, "m-0", "same-key", None))));

        Assert.All(outcomes, o => Assert.True(o.IsSuccess, o.Problem?.Detail));
        Assert.Single(outcomes.Select(o => o.Value!.Coupon.Code).Distinct());
        Assert.Single(await first.StoredCouponsAsync(definition.Id));
        Assert.Equal(1, (await first.Inventory.GetSummaryAsync(definition.Id, None)).Issued);
        Assert.Single(await first.OutboxEventsAsync(CouponEventTypes.CouponIssued));
    }

    [Fact]
    public async Task A_retry_returns_the_same_coupon_from_another_process_even_after_sold_out()
    {
        using var first = new TableCoupons().Members(2);
        using var second = first.AnotherProcess();
        var definition = await first.ActiveDefinitionAsync(TableCoupons.Terms(quantity: 1));

        var original = (await first.Claims.ClaimAsync(definition.Id, "m-0", "key-1", None)).GetValueOrThrow();
        Assert.Equal("sold-out", (await first.Claims.ClaimAsync(definition.Id, "m-1", "key-2", None)).Problem!.Code);
        var retry = (await second.Claims.ClaimAsync(definition.Id, "m-0", "key-1", None)).GetValueOrThrow();

        Assert.True(retry.Replayed);
        Assert.Equal(original.Coupon, retry.Coupon);
    }

    [Fact]
    public async Task Duplicate_grant_messages_grant_one_coupon()
    {
        using var first = new TableCoupons().Members(2);
        using var second = first.AnotherProcess();
        var definition = await first.ActiveDefinitionAsync(TableCoupons.Terms(quantity: 100) with { PerMemberLimit = 3 });

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => (i % 2 == 0 ? first : second).Grants.GrantAsync("g-birthday-m0", definition.Id, "m-0", GrantReason.Birthday, None))));

        Assert.All(outcomes, o => Assert.True(o.IsSuccess, o.Problem?.Detail));
        var stored = Assert.Single(await first.StoredCouponsAsync(definition.Id));
        Assert.Equal(CouponKeys.CouponIdFor(CouponKeys.GrantIssueKey("g-birthday-m0")), stored.Id);
        Assert.Equal(1, (await first.Inventory.GetSummaryAsync(definition.Id, None)).Issued);
        var reused = await first.Grants.GrantAsync("g-birthday-m0", definition.Id, "m-1", GrantReason.Birthday, None);
        Assert.Equal("issue-key-reused", reused.Problem?.Code);
    }

    [Fact]
    public async Task The_budget_cap_is_never_exceeded_under_concurrency()
    {
        using var coupons = new TableCoupons();
        for (var i = 0; i < 200; i++)
        {
            coupons.Lookups.Tiers[$"m-{i}"] = i % 3 == 0 ? MemberTier.Gold : MemberTier.Regular;
        }

        // Regular 10, Gold 30: face values differ, so the budget is split into money shares per shard.
        var terms = TableCoupons.Terms(quantity: 1000) with
        {
            TierBenefits = new Dictionary<MemberTier, CouponBenefit> { [MemberTier.Regular] = new FixedAmountBenefit(10m), [MemberTier.Gold] = new FixedAmountBenefit(30m) },
            BudgetCap = 600m,
        };
        var definition = await coupons.ActiveDefinitionAsync(terms);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => coupons.Claims.ClaimAsync(definition.Id, $"m-{i}", "k", None))));

        var issued = outcomes.Where(o => o.IsSuccess).Select(o => o.Value!.Coupon).ToList();
        var money = issued.Sum(c => c.FaceValue);
        Assert.True(money <= 600m, $"Issued {money} against a cap of 600.");
        Assert.True(money > 600m - (20 * 30m), $"Issued only {money}: shards refused far too early.");
        Assert.All(outcomes.Where(o => !o.IsSuccess), o => Assert.Equal("budget-exhausted", o.Problem!.Code));
        Assert.Equal(money, (await coupons.Inventory.GetSummaryAsync(definition.Id, None)).MoneyIssued);
        Assert.Equal(issued.Count, (await coupons.StoredCouponsAsync(definition.Id)).Count);
    }

    [Fact]
    public async Task The_daily_limit_is_never_exceeded_under_concurrency()
    {
        using var coupons = new TableCoupons().Members(200);
        var definition = await coupons.ActiveDefinitionAsync(TableCoupons.Terms(quantity: 1000) with { DailyIssueLimit = 37 });

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => coupons.Claims.ClaimAsync(definition.Id, $"m-{i}", "k", None))));

        var issued = outcomes.Count(o => o.IsSuccess);
        Assert.InRange(issued, 37 - 16 + 1, 37); // a split daily allowance may refuse up to (shards - 1) early, never issue more
        Assert.All(outcomes.Where(o => !o.IsSuccess), o => Assert.Equal("daily-limit", o.Problem!.Code));
        Assert.Equal(issued, (await coupons.StoredCouponsAsync(definition.Id)).Count);
        Assert.Equal(issued, (await coupons.Inventory.GetSummaryAsync(definition.Id, None)).Issued);
    }

    [Fact]
    public async Task Releasing_unused_inventory_stops_further_issues_and_counts_what_was_released()
    {
        using var coupons = new TableCoupons().Members(20);
        var definition = await coupons.ActiveDefinitionAsync(TableCoupons.Terms(quantity: 100));
        for (var i = 0; i < 10; i++)
        {
            (await coupons.Claims.ClaimAsync(definition.Id, $"m-{i}", "k", None)).GetValueOrThrow();
        }

        var released = await coupons.Inventory.ReleaseUnusedAsync(definition.Id, None);
        var again = await coupons.Inventory.ReleaseUnusedAsync(definition.Id, None);

        Assert.Equal(90, released.ReleasedNow);
        Assert.Equal(new InventorySummary(16, 10, 10, 90, 200m), released.Summary);
        Assert.Equal(0, again.ReleasedNow);
        Assert.Equal(90, again.Summary.Released);
        Assert.Equal("sold-out", (await coupons.Claims.ClaimAsync(definition.Id, "m-15", "k", None)).Problem?.Code);
        await coupons.Inventory.EnsureAllocatedAsync(definition.Id, InventoryPlan.For(definition, coupons.Options), None);
        Assert.Equal(10, (await coupons.Inventory.GetSummaryAsync(definition.Id, None)).Allocated);
    }

    [Fact]
    public async Task A_bulk_reservation_is_all_or_nothing_and_idempotent_per_batch()
    {
        using var coupons = new TableCoupons().Members(5);
        var definition = await coupons.ActiveDefinitionAsync(TableCoupons.Terms(quantity: 100));
        for (var i = 0; i < 5; i++)
        {
            (await coupons.Claims.ClaimAsync(definition.Id, $"m-{i}", "k", None)).GetValueOrThrow();
        }

        var tooMany = await coupons.Inventory.TryReserveBulkAsync(definition.Id, "cb-1", 96, 20m, None);
        var fits = await coupons.Inventory.TryReserveBulkAsync(definition.Id, "cb-2", 95, 20m, None);
        var repeated = await coupons.Inventory.TryReserveBulkAsync(definition.Id, "cb-2", 95, 20m, None);

        Assert.Equal(ClaimRefusal.SoldOut, tooMany.Refusal);
        Assert.True(fits.Reserved);
        Assert.True(repeated.Reserved);
        Assert.Equal(100, (await coupons.Inventory.GetSummaryAsync(definition.Id, None)).Issued);
        coupons.Lookups.Tiers["m-extra"] = MemberTier.Regular;
        Assert.Equal("sold-out", (await coupons.Claims.ClaimAsync(definition.Id, "m-extra", "k", None)).Problem?.Code);
    }

    [Fact]
    public async Task A_retry_after_a_crash_between_the_shard_write_and_the_coupon_write_reuses_the_unit_it_took()
    {
        using var coupons = new TableCoupons().Members(1);
        var definition = await coupons.ActiveDefinitionAsync(TableCoupons.Terms(quantity: 100));
        var key = CouponKeys.ClaimIssueKey("m-0", "k");
        var couponId = CouponKeys.CouponIdFor(key);
        // What the interrupted attempt left: the unit taken on the first shard of the key's probe order, with its receipt.
        var shard = InventoryPlan.ProbeOrder(CouponKeys.ShardSeed(key), 16).First();
        var partition = string.Create(CultureInfo.InvariantCulture, $"{definition.Id}|{shard:D3}");
        var table = await coupons.Storage.TableAsync(coupons.Tables.Inventory);
        var row = (await table.GetEntityAsync<TableEntity>(partition, "shard")).Value;
        row["Issued"] = row.GetInt32("Issued") + 1;
        row["MoneyIssued"] = "20";
        await table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, row.ETag),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, "r|" + couponId)),
        ]);

        var retried = (await coupons.Claims.ClaimAsync(definition.Id, "m-0", "k", None)).GetValueOrThrow();

        Assert.Equal(couponId, retried.Coupon.Id);
        Assert.Single(await coupons.StoredCouponsAsync(definition.Id));
        Assert.Equal(1, (await coupons.Inventory.GetSummaryAsync(definition.Id, None)).Issued);
    }

    [Fact]
    public async Task Claims_for_unknown_members_give_their_units_back()
    {
        using var coupons = new TableCoupons().Members(1);
        var definition = await coupons.ActiveDefinitionAsync(TableCoupons.Terms(quantity: 3));

        var ghosts = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => coupons.Claims.ClaimAsync(definition.Id, $"ghost-{i}", "k", None))));

        // While ghosts hold the three units for the member check, other ghosts may hear "sold out": never a coupon.
        Assert.All(ghosts, g => Assert.Contains(g.Problem?.Code, new[] { "member-not-found", "sold-out" }));
        Assert.Contains(ghosts, g => g.Problem?.Code == "member-not-found");
        Assert.Equal(0, (await coupons.Inventory.GetSummaryAsync(definition.Id, None)).Issued);
        Assert.True((await coupons.Claims.ClaimAsync(definition.Id, "m-0", "k", None)).IsSuccess);
    }
}
