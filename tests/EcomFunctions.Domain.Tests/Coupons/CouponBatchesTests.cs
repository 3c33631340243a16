using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Tests.Coupons.Support;
using static EcomFunctions.Domain.Tests.Coupons.Support.CouponTestData;

using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Tests.Coupons;

public class CouponBatchesTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<CouponBatch> GenerateAllAsync(CouponHarness harness, BatchRequested requested)
    {
        var batch = requested.Batch;
        foreach (var chunk in requested.ChunksToGenerate)
        {
            batch = (await harness.Batches.GenerateChunkAsync(chunk, None)).GetValueOrThrow();
        }

        return batch;
    }

    [Fact]
    public async Task A_request_reserves_inventory_and_splits_the_work_into_packed_chunks()
    {
        var harness = new CouponHarness();
        await harness.ActiveDefinitionAsync(Terms(quantity: 2000));
        var requested = (await harness.Batches.RequestAsync("cd-spring", 1200, "spr", "req-1", None)).GetValueOrThrow();

        Assert.Equal(CouponBatchState.Generating, requested.Batch.State);
        Assert.Equal("SPR", requested.Batch.Prefix);
        Assert.Equal([(0, 0, 500), (1, 500, 500), (2, 1000, 200)], requested.ChunksToGenerate.Select(c => (c.Index, c.FirstPosition, c.Count)));
        Assert.Equal(1200, harness.Storage.ShardsOf("cd-spring").Sum(s => s.Issued));
    }

    [Fact]
    public async Task Generating_every_chunk_completes_the_batch_with_unique_valid_prefixed_codes_and_one_event()
    {
        var harness = new CouponHarness();
        await harness.ActiveDefinitionAsync(Terms(quantity: 2000));
        var requested = (await harness.Batches.RequestAsync("cd-spring", 1200, "SPR", "req-1", None)).GetValueOrThrow();

        var batch = await GenerateAllAsync(harness, requested);

        Assert.Equal(CouponBatchState.Completed, batch.State);
        Assert.Equal(1200, batch.Generated);
        var codes = (await harness.Batches.ListCodesAsync(batch.Id, None)).GetValueOrThrow();
        Assert.Equal(1200, codes.Count);
        Assert.Equal(Enumerable.Range(0, 1200), codes.Select(c => c.Position));
        Assert.Equal(1200, codes.Select(c => c.Code).Distinct().Count());
        var stored = harness.Storage.AllCoupons.ToDictionary(c => c.Id);
        Assert.All(codes, c =>
        {
            Assert.StartsWith("SPR", c.Code, StringComparison.Ordinal);
            Assert.True(CouponCode.Parse(c.Code).IsSuccess);
            Assert.Equal(c.Code, stored[c.CouponId].Code);
            Assert.Null(stored[c.CouponId].MemberId);
            Assert.Equal(IssueSource.Batch, stored[c.CouponId].Source);
        });
        Assert.Single(harness.Storage.EventsOfType(CouponEventTypes.CouponBatchCompleted));
        Assert.Empty(harness.Storage.EventsOfType(CouponEventTypes.CouponIssued));
    }

    [Fact]
    public async Task A_duplicate_chunk_message_inserts_nothing_twice()
    {
        var harness = new CouponHarness();
        await harness.ActiveDefinitionAsync(Terms(quantity: 2000));
        var requested = (await harness.Batches.RequestAsync("cd-spring", 600, null, "req-1", None)).GetValueOrThrow();
        var chunk = requested.ChunksToGenerate[0];
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => harness.Batches.GenerateChunkAsync(chunk, None))));
        Assert.Equal(500, harness.Storage.AllCoupons.Count);
        var batch = (await harness.Batches.GetAsync(requested.Batch.Id, None)).GetValueOrThrow();
        Assert.Equal([0], batch.CompletedChunks);
        Assert.Equal(500, batch.Generated);
        AssertProblem(await harness.Batches.ListCodesAsync(batch.Id, None), ProblemKind.Conflict, "batch-not-completed");
    }

    [Fact]
    public async Task Chunks_generated_in_parallel_complete_the_batch_exactly_once()
    {
        var harness = new CouponHarness(new CouponOptions { CodesPerChunk = 100 });
        await harness.ActiveDefinitionAsync(Terms(quantity: 5000));
        var requested = (await harness.Batches.RequestAsync("cd-spring", 1000, null, "req-1", None)).GetValueOrThrow();
        var results = await Task.WhenAll(requested.ChunksToGenerate.Select(c => Task.Run(() => harness.Batches.GenerateChunkAsync(c, None))));
        Assert.All(results, r => Assert.True(r.IsSuccess));
        var batch = (await harness.Batches.GetAsync(requested.Batch.Id, None)).GetValueOrThrow();
        Assert.Equal(CouponBatchState.Completed, batch.State);
        Assert.Single(harness.Storage.EventsOfType(CouponEventTypes.CouponBatchCompleted));
    }

    [Fact]
    public async Task Retrying_a_request_returns_the_same_batch_and_a_different_request_under_the_key_is_refused()
    {
        var harness = new CouponHarness();
        await harness.ActiveDefinitionAsync(Terms(quantity: 2000));
        var first = (await harness.Batches.RequestAsync("cd-spring", 600, "SPR", "req-1", None)).GetValueOrThrow();
        await harness.Batches.GenerateChunkAsync(first.ChunksToGenerate[0], None);

        var retry = (await harness.Batches.RequestAsync("cd-spring", 600, "spr", "req-1", None)).GetValueOrThrow();

        Assert.Equal(first.Batch.Id, retry.Batch.Id);
        Assert.Equal([1], retry.ChunksToGenerate.Select(c => c.Index));
        Assert.Equal(600, harness.Storage.ShardsOf("cd-spring").Sum(s => s.Issued));
        AssertProblem(await harness.Batches.RequestAsync("cd-spring", 700, "SPR", "req-1", None), ProblemKind.Unprocessable, "issue-key-reused");
    }

    [Fact]
    public async Task A_batch_larger_than_the_remaining_inventory_is_refused_and_generates_nothing()
    {
        var harness = new CouponHarness().Members(1);
        await harness.ActiveDefinitionAsync(Terms(quantity: 100));
        await harness.ClaimAsync("m-0");
        AssertProblem(await harness.Batches.RequestAsync("cd-spring", 100, null, "req-1", None), ProblemKind.Gone, "sold-out");
        Assert.Equal(1, harness.Storage.ShardsOf("cd-spring").Sum(s => s.Issued));
        AssertProblem(await harness.Batches.RequestAsync("cd-spring", 100, null, "req-1", None), ProblemKind.Gone, "sold-out");
        Assert.True((await harness.Batches.RequestAsync("cd-spring", 99, null, "req-2", None)).IsSuccess);
    }

    [Fact]
    public async Task Invalid_counts_and_prefixes_are_rejected()
    {
        var harness = new CouponHarness();
        await harness.ActiveDefinitionAsync();
        var invalid = await harness.Batches.RequestAsync("cd-spring", 0, "SHOE", "req-1", None);
        Assert.Equal(["count", "prefix"], invalid.Problem!.Errors!.Keys.Order(StringComparer.Ordinal));
        AssertProblem(await harness.Batches.RequestAsync("cd-none", 10, null, "req-1", None), ProblemKind.NotFound, "definition-not-found");
    }

    [Fact]
    public async Task Colliding_codes_in_a_chunk_move_to_the_next_attempt_and_the_csv_lists_the_replacement()
    {
        var harness = new CouponHarness(new CouponOptions { CodesPerChunk = 10 });
        await harness.ActiveDefinitionAsync();
        var requested = (await harness.Batches.RequestAsync("cd-spring", 10, null, "req-1", None)).GetValueOrThrow();
        var taken = requested.Batch.CodeAt(3).Value;
        harness.Storage.TakeCode(taken);

        var batch = await GenerateAllAsync(harness, requested);

        Assert.Equal(CouponBatchState.Completed, batch.State);
        Assert.Equal(10, harness.Storage.AllCoupons.Count);
        var codes = (await harness.Batches.ListCodesAsync(batch.Id, None)).GetValueOrThrow();
        Assert.Equal(requested.Batch.CodeAt(3, attempt: 1).Value, codes[3].Code);
        Assert.DoesNotContain(taken, codes.Select(c => c.Code));
        Assert.Equal(requested.Batch.CodeAt(4).Value, codes[4].Code);
    }

    [Fact]
    public void Batch_codes_are_derived_from_the_secret_per_position_and_attempt()
    {
        var definition = Active();
        var batch = CouponBatch.Request("cb-1", definition, 100, "SPR", Now, new CouponOptions(), Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray())).GetValueOrThrow();
        var other = batch with { CodeSecret = Convert.ToBase64String(new byte[32]) };

        Assert.Equal(batch.CodeAt(7), batch.CodeAt(7));
        Assert.NotEqual(batch.CodeAt(7), batch.CodeAt(8));
        Assert.NotEqual(batch.CodeAt(7), batch.CodeAt(7, attempt: 1));
        Assert.NotEqual(batch.CodeAt(7), other.CodeAt(7));
        Assert.Equal(100, Enumerable.Range(0, 100).Select(p => batch.CodeAt(p).Value).Distinct().Count());
        Assert.All(Enumerable.Range(0, 100), p =>
        {
            var code = batch.CodeAt(p).Value;
            Assert.Equal(3 + 12 + 1, code.Length);
            Assert.StartsWith("SPR", code, StringComparison.Ordinal);
            Assert.True(CouponCode.Parse(code).IsSuccess);
        });
    }

    [Fact]
    public async Task A_bearer_code_is_redeemed_once_by_any_eligible_member()
    {
        var harness = new CouponHarness();
        harness.Tiers.Set("m-gold", MemberTier.Gold).Set("m-silver", MemberTier.Silver).Set("m-diamond", MemberTier.Diamond);
        await harness.ActiveDefinitionAsync(Tiered((MemberTier.Gold, new FixedAmountBenefit(30m)), (MemberTier.Diamond, new FixedAmountBenefit(50m))));
        var batch = await GenerateAllAsync(harness, (await harness.Batches.RequestAsync("cd-spring", 1, null, "req-1", None)).GetValueOrThrow());
        var code = (await harness.Batches.ListCodesAsync(batch.Id, None)).GetValueOrThrow().Single().Code;

        AssertProblem(await harness.Redemptions.ReserveAsync("m-silver", "o-1", [code], Cart(100m), None), ProblemKind.Forbidden, "tier-not-eligible");
        var reservation = (await harness.Redemptions.ReserveAsync("m-diamond", "o-2", [code], Cart(100m), None)).GetValueOrThrow();
        Assert.Equal(30m, reservation.TotalDiscount); // bearer codes carry the minimum tier's benefit
        await harness.Redemptions.ConfirmAsync("o-2", None);
        AssertProblem(await harness.Redemptions.ReserveAsync("m-gold", "o-3", [code], Cart(100m), None), ProblemKind.Conflict, "already-redeemed");
    }

    [Fact]
    public async Task A_batch_of_one_hundred_thousand_codes_works()
    {
        var harness = new CouponHarness(new CouponOptions { CodesPerChunk = 1000 });
        await harness.ActiveDefinitionAsync(Terms(quantity: 100_000));
        var requested = (await harness.Batches.RequestAsync("cd-spring", 100_000, "B", "req-1", None)).GetValueOrThrow();
        Assert.Equal(100, requested.ChunksToGenerate.Count);

        var batch = await GenerateAllAsync(harness, requested);

        Assert.Equal(CouponBatchState.Completed, batch.State);
        Assert.Equal(100_000, batch.Generated);
        Assert.Equal(100_000, harness.Storage.AllCoupons.Select(c => c.Code).Distinct().Count());
        Assert.Equal(100_000, harness.Storage.ShardsOf("cd-spring").Sum(s => s.Issued));
    }
}
