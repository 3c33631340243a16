using Azure.Data.Tables;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Members;
using EcomFunctions.Storage.Coupons;

namespace EcomFunctions.Storage.Tests.Coupons;

/// <summary>Bulk code batches on the Table adapters: packed chunks, duplicate messages, collisions, the code listing.</summary>
public sealed class TableCouponBatchStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Chunks_processed_twice_in_parallel_generate_each_code_once_and_complete_the_batch_once()
    {
        using var first = new TableCoupons(options: new CouponOptions { CodesPerChunk = 250 });
        using var second = first.AnotherProcess();
        var definition = await first.ActiveDefinitionAsync(TableCoupons.Terms(quantity: 2000));
        var requested = (await first.Batches.RequestAsync(definition.Id, 1200, "spr", "req-1", None)).GetValueOrThrow();
        Assert.Equal(5, requested.ChunksToGenerate.Count);

        // Every chunk message delivered twice, to two processes at once.
        var results = await Task.WhenAll(requested.ChunksToGenerate.SelectMany(c => new[] { first, second }.Select(p => Task.Run(() => p.Batches.GenerateChunkAsync(c, None)))));

        Assert.All(results, r => Assert.True(r.IsSuccess, $"{r.Problem?.Code}: {r.Problem?.Detail}"));
        var batch = (await first.Batches.GetAsync(requested.Batch.Id, None)).GetValueOrThrow();
        Assert.Equal(CouponBatchState.Completed, batch.State);
        Assert.Equal(1200, batch.Generated);
        var codes = (await first.Batches.ListCodesAsync(batch.Id, None)).GetValueOrThrow();
        Assert.Equal(1200, codes.Select(c => c.Code).Distinct().Count());
        Assert.All(codes, c => Assert.StartsWith("SPR", c.Code, StringComparison.Ordinal));
        Assert.Equal(1200, await CountRowsAsync(first, first.Tables.Codes));
        Assert.Single(await first.OutboxEventsAsync(CouponEventTypes.CouponBatchCompleted));
        Assert.Equal(1200, (await first.Inventory.GetSummaryAsync(definition.Id, None)).Issued);
    }

    [Fact]
    public async Task A_definitions_batches_are_listed_newest_first_with_their_progress_and_no_other_definitions_batches()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        using var coupons = new TableCoupons(time, new CouponOptions { CodesPerChunk = 100 });
        var definition = await coupons.ActiveDefinitionAsync(TableCoupons.Terms(quantity: 1000));
        var other = await coupons.ActiveDefinitionAsync(TableCoupons.Terms(quantity: 1000));
        var older = (await coupons.Batches.RequestAsync(definition.Id, 150, null, "req-older", None)).GetValueOrThrow();
        time.Advance(TimeSpan.FromMinutes(5));
        var newer = (await coupons.Batches.RequestAsync(definition.Id, 250, null, "req-newer", None)).GetValueOrThrow();
        await coupons.Batches.RequestAsync(other.Id, 10, null, "req-other", None);
        foreach (var chunk in older.ChunksToGenerate)
        {
            (await coupons.Batches.GenerateChunkAsync(chunk, None)).GetValueOrThrow();
        }

        (await coupons.Batches.GenerateChunkAsync(newer.ChunksToGenerate[0], None)).GetValueOrThrow();

        var listed = (await coupons.Batches.ListAsync(definition.Id, None)).GetValueOrThrow();

        Assert.Equal([newer.Batch.Id, older.Batch.Id], listed.Select(b => b.Id));
        Assert.Equal((CouponBatchState.Generating, 100), (listed[0].State, listed[0].Generated));
        Assert.Equal((CouponBatchState.Completed, 150), (listed[1].State, listed[1].Generated));
        Assert.Empty((await coupons.Batches.ListAsync("cd-none", None)).GetValueOrThrow());
        Assert.Equal("not-found", (await coupons.Batches.ListAsync("bad/id", None)).Problem?.Code);
    }

    [Fact]
    public async Task A_bearer_code_from_the_listing_is_redeemed_once()
    {
        using var coupons = new TableCoupons();
        coupons.Lookups.Tiers["m-a"] = MemberTier.Regular;
        coupons.Lookups.Tiers["m-b"] = MemberTier.Gold;
        var definition = await coupons.ActiveDefinitionAsync(TableCoupons.Terms(quantity: 10));
        var requested = (await coupons.Batches.RequestAsync(definition.Id, 3, null, "req-1", None)).GetValueOrThrow();
        await coupons.Batches.GenerateChunkAsync(requested.ChunksToGenerate.Single(), None);
        var code = (await coupons.Batches.ListCodesAsync(requested.Batch.Id, None)).GetValueOrThrow()[1].Code;
        var cart = Cart.Create(100m, null).GetValueOrThrow();

        (await coupons.Redemptions.ReserveAsync("m-a", "o-1", [CouponCode.Parse(code).GetValueOrThrow().ToDisplayString().ToLowerInvariant()], cart, None)).GetValueOrThrow();
        (await coupons.Redemptions.ConfirmAsync("o-1", None)).GetValueOrThrow();

        Assert.Equal("already-redeemed", (await coupons.Redemptions.ReserveAsync("m-b", "o-2", [code], cart, None)).Problem?.Code);
        var stored = (await coupons.CouponStore.FindByCodeAsync("m-b", code, None))!.Value;
        Assert.Equal(CouponState.Redeemed, stored.State);
        Assert.Equal(requested.Batch.Id, stored.BatchId);
        Assert.Null(stored.MemberId);
    }

    [Fact]
    public async Task A_code_taken_by_another_coupon_moves_that_position_to_its_next_attempt()
    {
        using var coupons = new TableCoupons(options: new CouponOptions { CodesPerChunk = 50 });
        var definition = await coupons.ActiveDefinitionAsync(TableCoupons.Terms(quantity: 100));
        var requested = (await coupons.Batches.RequestAsync(definition.Id, 50, null, "req-1", None)).GetValueOrThrow();
        var stolen = requested.Batch.CodeAt(7).Value;
        var codes = await coupons.Storage.TableAsync(coupons.Tables.Codes);
        await codes.AddEntityAsync(new TableEntity(CouponRows.CodeBucket(stolen), stolen) { ["CouponId"] = "someone-else", ["BatchId"] = "another-batch" });

        await coupons.Batches.GenerateChunkAsync(requested.ChunksToGenerate.Single(), None);

        var listed = (await coupons.Batches.ListCodesAsync(requested.Batch.Id, None)).GetValueOrThrow();
        Assert.Equal(requested.Batch.CodeAt(7, attempt: 1).Value, listed[7].Code);
        Assert.Equal(51, await CountRowsAsync(coupons, coupons.Tables.Codes));
    }

    private static async Task<int> CountRowsAsync(TableCoupons coupons, string tableName)
    {
        var table = await coupons.Storage.TableAsync(tableName);
        var count = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey lt {"~"}"), select: ["PartitionKey"]))
        {
            count++;
        }

        return count;
    }
}
