using EcomFunctions.Domain.Coupons;
using static EcomFunctions.Domain.Tests.Coupons.Support.CouponTestData;

using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Tests.Coupons;

public class InventoryPlanTests
{
    private static readonly CouponOptions Options = new();
    private static readonly DateOnly Day = new(2025, 3, 10);

    [Theory]
    [InlineData(200, 16)] // bench: 200 coupons → the minimum of 16 shards
    [InlineData(1000, 32)] // ⌈1000 / 32⌉
    [InlineData(2048, 64)]
    [InlineData(100_000, 64)] // capped at the maximum
    [InlineData(5, 5)] // never more shards than coupons
    public void Shard_count_scales_with_quantity_between_the_minimum_and_maximum(int quantity, int shards) =>
        Assert.Equal(shards, InventoryPlan.For(Active(Terms(quantity: quantity)), Options).ShardCount);

    [Fact]
    public void Shard_count_never_exceeds_the_daily_limit_so_every_shard_has_a_daily_allowance()
    {
        var plan = InventoryPlan.For(Active(Terms(quantity: 10_000) with { DailyIssueLimit = 10 }), Options);
        Assert.Equal(10, plan.ShardCount);
        Assert.All(plan.Allocations(), a => Assert.Equal(1, a.DailyAllowance));
    }

    [Fact]
    public void A_single_face_value_turns_the_budget_into_a_quantity_bound()
    {
        var plan = InventoryPlan.For(Active(Terms(quantity: 1000) with { BudgetCap = 510m }), Options); // 20 each
        Assert.Equal(25, plan.Quantity); // ⌊510 / 20⌋
        Assert.Null(plan.Budget);
        Assert.Equal(16, plan.ShardCount);
        Assert.Equal(25, plan.Allocations().Sum(a => a.Quantity));
        Assert.All(plan.Allocations(), a => Assert.Null(a.Budget));
    }

    [Fact]
    public void Tiered_face_values_keep_a_money_budget_share_per_shard()
    {
        var terms = Tiered((MemberTier.Regular, new FixedAmountBenefit(10m)), (MemberTier.Gold, new FixedAmountBenefit(30m))) with { TotalQuantity = 1000, BudgetCap = 1000.05m };
        var plan = InventoryPlan.For(Active(terms), Options);
        Assert.Equal(1000, plan.Quantity);
        Assert.Equal(1000.05m, plan.Budget);
        Assert.Equal(32, plan.ShardCount);
        Assert.Equal(1000.05m, plan.Allocations().Sum(a => a.Budget));
        Assert.All(plan.Allocations(), a => Assert.True(a.Budget >= 30m, "every shard can serve the dearest coupon"));
    }

    [Fact]
    public void A_small_money_budget_limits_the_shard_count()
    {
        var terms = Tiered((MemberTier.Regular, new FixedAmountBenefit(10m)), (MemberTier.Gold, new FixedAmountBenefit(30m))) with { TotalQuantity = 1000, BudgetCap = 100m };
        Assert.Equal(3, InventoryPlan.For(Active(terms), Options).ShardCount); // ⌊100 / 30⌋
    }

    [Theory]
    [InlineData(10, 4, new[] { 3, 3, 2, 2 })]
    [InlineData(200, 16, new[] { 13, 13, 13, 13, 13, 13, 13, 13, 12, 12, 12, 12, 12, 12, 12, 12 })]
    [InlineData(3, 5, new[] { 1, 1, 1, 0, 0 })]
    public void Quantities_split_evenly(int total, int parts, int[] expected) =>
        Assert.Equal(expected, InventoryPlan.Split(total, parts));

    [Fact]
    public void Money_splits_into_whole_fen_that_add_up_exactly()
    {
        Assert.Equal([33.34m, 33.33m, 33.33m], InventoryPlan.SplitMoney(100m, 3));
        for (var parts = 1; parts <= 64; parts++)
        {
            Assert.Equal(12345.67m, InventoryPlan.SplitMoney(12345.67m, parts).Sum());
        }
    }

    [Fact]
    public void The_probe_order_starts_at_the_seed_and_visits_every_shard_once()
    {
        Assert.Equal([5, 6, 7, 0, 1, 2, 3, 4], InventoryPlan.ProbeOrder(13, 8));
        Assert.Equal([0, 1, 2], InventoryPlan.ProbeOrder(0, 3));
        Assert.Equal(64, InventoryPlan.ProbeOrder(int.MaxValue, 64).Distinct().Count());
        Assert.Equal(16, InventoryPlan.ProbeOrder(-7, 16).Distinct().Count());
    }

    [Fact]
    public void A_shard_serves_a_claim_by_counting_it_issued_and_on_the_day()
    {
        var shard = InventoryShard.Open(new ShardAllocation(0, 2, 50m, 5));
        var take = shard.TryTake(20m, Day);
        Assert.True(take.Taken);
        Assert.Equal(1, take.Shard.Issued);
        Assert.Equal(1, take.Shard.Remaining);
        Assert.Equal(20m, take.Shard.MoneyIssued);
        Assert.Equal(1, take.Shard.IssuedOn(Day));
        Assert.Equal(0, take.Shard.IssuedOn(Day.AddDays(1)));
    }

    [Fact]
    public void An_empty_shard_refuses()
    {
        var shard = InventoryShard.Open(new ShardAllocation(0, 1, null, null)).TryTake(20m, Day).Shard;
        Assert.Equal(ShardTakeOutcome.Empty, shard.TryTake(20m, Day).Outcome);
    }

    [Fact]
    public void A_shard_whose_budget_share_cannot_cover_the_face_value_refuses()
    {
        var shard = InventoryShard.Open(new ShardAllocation(0, 10, 50m, null));
        shard = shard.TryTake(30m, Day).Shard; // 30 of 50 used
        Assert.Equal(ShardTakeOutcome.BudgetShort, shard.TryTake(30m, Day).Outcome);
        Assert.True(shard.TryTake(20m, Day).Taken); // a cheaper tier's coupon still fits exactly
    }

    [Fact]
    public void A_shards_daily_allowance_resets_on_the_next_local_day()
    {
        var shard = InventoryShard.Open(new ShardAllocation(0, 10, null, 1));
        shard = shard.TryTake(20m, Day).Shard;
        Assert.Equal(ShardTakeOutcome.DailyAllowanceUsed, shard.TryTake(20m, Day).Outcome);
        var tomorrow = shard.TryTake(20m, Day.AddDays(1));
        Assert.True(tomorrow.Taken);
        Assert.Equal(1, tomorrow.Shard.IssuedOn(Day.AddDays(1)));
        Assert.Equal(2, tomorrow.Shard.Issued);
    }

    [Fact]
    public void Raising_a_shard_is_idempotent_and_never_lowers_it()
    {
        var shard = InventoryShard.Open(new ShardAllocation(0, 10, 100m, 3)).TryTake(20m, Day).Shard;
        var raised = shard.RaiseTo(new ShardAllocation(0, 15, 150m, 3));
        Assert.Equal(15, raised.AllocatedQuantity);
        Assert.Equal(150m, raised.AllocatedBudget);
        Assert.Equal(1, raised.Issued);
        Assert.Equal(raised, raised.RaiseTo(new ShardAllocation(0, 15, 150m, 3)));
        Assert.Equal(raised, raised.RaiseTo(new ShardAllocation(0, 12, 120m, 3)));
    }

    [Fact]
    public void Refusal_when_no_shard_serves_prefers_the_most_hopeful_reason()
    {
        Assert.Equal(ClaimRefusal.SoldOut, InventoryPlan.RefusalFor([ShardTakeOutcome.Empty, ShardTakeOutcome.Empty]));
        Assert.Equal(ClaimRefusal.SoldOut, InventoryPlan.RefusalFor([]));
        Assert.Equal(ClaimRefusal.BudgetExhausted, InventoryPlan.RefusalFor([ShardTakeOutcome.Empty, ShardTakeOutcome.BudgetShort]));
        Assert.Equal(ClaimRefusal.DailyLimitReached, InventoryPlan.RefusalFor([ShardTakeOutcome.Empty, ShardTakeOutcome.BudgetShort, ShardTakeOutcome.DailyAllowanceUsed]));
    }

    [Fact]
    public void A_bulk_take_is_all_or_nothing()
    {
        InventoryShard[] shards = [.. new InventoryPlan(4, 10, null, null).Allocations().Select(InventoryShard.Open)];
        var taken = InventoryPlan.PlanBulkTake(shards, 7, 20m)!;
        Assert.Equal(7, taken.Sum(s => s.Issued));
        Assert.Equal([0, 1, 2], taken.Select(s => s.Index));
        Assert.Null(InventoryPlan.PlanBulkTake(shards, 11, 20m));
        Assert.Equal(ClaimRefusal.SoldOut, InventoryPlan.BulkRefusalFor(shards, 11));
    }

    [Fact]
    public void A_bulk_take_respects_budget_shares()
    {
        InventoryShard[] shards = [.. new InventoryPlan(2, 100, 100m, null).Allocations().Select(InventoryShard.Open)];
        Assert.Equal(4, InventoryPlan.PlanBulkTake(shards, 4, 25m)!.Sum(s => s.Issued)); // 2 per 50 share
        Assert.Null(InventoryPlan.PlanBulkTake(shards, 5, 25m));
        Assert.Equal(ClaimRefusal.BudgetExhausted, InventoryPlan.BulkRefusalFor(shards, 5));
    }

    [Fact]
    public void Random_claims_against_the_shards_never_exceed_quantity_budget_or_daily_limit()
    {
        // The invariants the store relies on, exercised over many random claims of mixed tiers and days.
        var terms = Tiered((MemberTier.Regular, new FixedAmountBenefit(10m)), (MemberTier.Gold, new FixedAmountBenefit(25m))) with
        {
            TotalQuantity = 700,
            BudgetCap = 9000m,
            DailyIssueLimit = 120,
        };
        var plan = InventoryPlan.For(Active(terms), Options);
        var shards = plan.Allocations().Select(InventoryShard.Open).ToArray();
        var random = new Random(3);
        var perDay = new Dictionary<DateOnly, int>();
        decimal money = 0;
        var issued = 0;
        for (var claim = 0; claim < 5000; claim++)
        {
            var day = Day.AddDays(claim / 600);
            var face = random.Next(3) == 0 ? 25m : 10m;
            foreach (var index in InventoryPlan.ProbeOrder(random.Next(), shards.Length))
            {
                var take = shards[index].TryTake(face, day);
                if (take.Taken)
                {
                    shards[index] = take.Shard;
                    issued++;
                    money += face;
                    perDay[day] = perDay.GetValueOrDefault(day) + 1;
                    break;
                }
            }
        }

        Assert.Equal(issued, shards.Sum(s => s.Issued));
        Assert.True(issued <= 700);
        Assert.True(money <= 9000m);
        Assert.Equal(money, shards.Sum(s => s.MoneyIssued));
        Assert.All(perDay.Values, count => Assert.True(count <= 120));
        // Splitting may refuse a little early, but only by what the shards strand: under one unit of quantity or one
        // dearest face value of budget per shard. (Here the mixed faces average 15, so the budget binds first.)
        Assert.True(
            issued >= 700 - plan.ShardCount || money > 9000m - (plan.ShardCount * 25m),
            $"issued {issued}, money {money}: more stranded than the shard split explains");
    }
}
