using Azure.Data.Tables;
using EcomFunctions.Domain.Campaigns;

namespace EcomFunctions.Storage.Tests.Campaigns;

public sealed class TableCampaignMetricsTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Hour = new(2025, 9, 10, 2, 0, 0, TimeSpan.Zero);
    private readonly CampaignStorageHarness h = new(shards: 4);

    private static MetricsBucket Bucket(string campaignId, DateTimeOffset hour, MetricsCounts counts, CampaignChannel channel = CampaignChannel.App, string variant = "A") =>
        new(new MetricsBucketKey(campaignId, hour, channel, variant), counts);

    [Fact]
    public async Task Concurrent_batches_on_the_same_hot_bucket_add_up_exactly_spread_over_several_rows()
    {
        var id = CampaignStorageHarness.NewId();
        const int Batches = 40;

        await Task.WhenAll(Enumerable.Range(0, Batches).Select(i => Task.Run(() => h.Metrics.AddAsync($"batch-{i}",
        [
            Bucket(id, Hour, new MetricsCounts { Visits = 1, PageViews = 3, Orders = 1, OrderValue = 10.25m }),
            Bucket(id, Hour, new MetricsCounts { NewMembers = 1 }, CampaignChannel.Web, MetricsBucketKey.NoVariant),
        ], Ct))));

        var buckets = await h.Metrics.ReadAsync(id, Ct);
        Assert.Equal(new MetricsCounts { Visits = Batches, PageViews = 3 * Batches, Orders = Batches, OrderValue = 10.25m * Batches, NewMembers = Batches }, HourlyMetrics.Total(buckets));
        Assert.Equal(2, buckets.Count);

        var table = await h.Storage.TableAsync(h.Tables.Metrics, Ct);
        var rows = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == id && e.RowKey.CompareTo("2025091002|App|") >= 0 && e.RowKey.CompareTo("2025091002|App|~") < 0))
        {
            rows++;
        }

        Assert.True(rows > 1, $"the hot bucket sits in {rows} row(s)");
    }

    [Fact]
    public async Task A_redelivered_batch_adds_nothing_even_when_both_copies_arrive_at_once()
    {
        var id = CampaignStorageHarness.NewId();
        IReadOnlyList<MetricsBucket> increments = [Bucket(id, Hour, new MetricsCounts { Orders = 2, OrderValue = 99.90m }), Bucket(id, Hour.AddHours(1), new MetricsCounts { Visits = 5 })];

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => h.Metrics.AddAsync("msg-1", increments, Ct))));
        await h.Metrics.AddAsync("msg-1", increments, Ct);

        Assert.Equal(new MetricsCounts { Orders = 2, OrderValue = 99.90m, Visits = 5 }, HourlyMetrics.Total(await h.Metrics.ReadAsync(id, Ct)));
    }

    [Fact]
    public async Task A_visitor_is_first_seen_once_per_campaign_and_kind_and_a_retried_batch_gets_its_own_first_timers_back()
    {
        var id = CampaignStorageHarness.NewId();

        var first = await h.Metrics.MarkFirstSeenAsync("b1", id, StorefrontActivityKind.Visit, ["v1", "v2", "v/3#?"], Ct);
        var retry = await h.Metrics.MarkFirstSeenAsync("b1", id, StorefrontActivityKind.Visit, ["v1", "v2", "v/3#?"], Ct);
        var later = await h.Metrics.MarkFirstSeenAsync("b2", id, StorefrontActivityKind.Visit, ["v2", "v4"], Ct);
        var otherKind = await h.Metrics.MarkFirstSeenAsync("b2", id, StorefrontActivityKind.Participation, ["v1"], Ct);

        Assert.Equal(["v/3#?", "v1", "v2"], first.Order(StringComparer.Ordinal));
        Assert.Equal(first.Order(StringComparer.Ordinal), retry.Order(StringComparer.Ordinal));
        Assert.Equal(["v4"], later);
        Assert.Equal(["v1"], otherKind);
    }

    [Fact]
    public async Task Of_many_batches_racing_for_the_same_visitor_exactly_one_sees_them_first()
    {
        var id = CampaignStorageHarness.NewId();

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            h.Metrics.MarkFirstSeenAsync($"b{i}", id, StorefrontActivityKind.Participation, ["member-1"], Ct))));

        Assert.Equal(1, results.Count(r => r.Contains("member-1")));
    }

    [Fact]
    public async Task The_baseline_sums_whole_store_hours_inside_the_window_and_is_unknown_before_the_first_recorded_hour()
    {
        // The store scope is shared by every test on this Azurite, so this test uses hours no other test writes.
        var day = new DateTimeOffset(1999, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(Random.Shared.Next(1, 3000));
        var store = HourlyMetrics.StoreScope;
        await h.Metrics.AddAsync("baseline-" + day.Ticks,
        [
            Bucket(store, day, new MetricsCounts { Orders = 1, OrderValue = 5m }, variant: MetricsBucketKey.NoVariant),
            Bucket(store, day.AddHours(1), new MetricsCounts { Orders = 2, OrderValue = 20m }, variant: MetricsBucketKey.NoVariant),
            Bucket(store, day.AddHours(2), new MetricsCounts { Orders = 4, OrderValue = 40m }, CampaignChannel.Web, MetricsBucketKey.NoVariant),
            Bucket(store, day.AddHours(3), new MetricsCounts { Orders = 8, OrderValue = 80m }, variant: MetricsBucketKey.NoVariant),
        ], Ct);

        // 01:30 to 03:30: only the hour from 02:00 lies wholly inside; 01:00 and 03:00 are partial and left out.
        var partial = await h.Metrics.ReadBaselineAsync(new TimeWindow(day.AddMinutes(90), day.AddMinutes(210)), Ct);
        var whole = await h.Metrics.ReadBaselineAsync(new TimeWindow(day.AddHours(1), day.AddHours(3)), Ct);
        var tooShort = await h.Metrics.ReadBaselineAsync(new TimeWindow(day.AddMinutes(10), day.AddMinutes(50)), Ct);

        Assert.Equal((4L, 40m), (partial!.Orders, partial.OrderValue));
        Assert.Equal((6L, 60m), (whole!.Orders, whole.OrderValue));
        Assert.Null(tooShort);
    }

    [Fact]
    public async Task Sell_through_counts_the_flash_sales_units_sold_capped_at_their_stock()
    {
        var id = CampaignStorageHarness.NewId();
        var now = DateTimeOffset.UtcNow;
        await h.CreateAsync(id, CampaignStorageHarness.Plan(now.AddDays(1),
            new FlashSaleMechanic { Id = "f1", Sku = "SKU-1", FlashPrice = 9.9m, Stock = 10 },
            new FlashSaleMechanic { Id = "f2", Sku = "SKU-2", FlashPrice = 19.9m, Stock = 5 }), now);

        await h.Metrics.AddUnitsSoldAsync("b1", [new UnitsSold(id, "SKU-1", 4), new UnitsSold(id, "SKU-2", 3), new UnitsSold(id, "SKU-9", 100)], Ct);
        await h.Metrics.AddUnitsSoldAsync("b1", [new UnitsSold(id, "SKU-1", 4)], Ct);
        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => Task.Run(() => h.Metrics.AddUnitsSoldAsync($"b{i + 2}", [new UnitsSold(id, "SKU-2", 1)], Ct))));

        var outcome = await h.Metrics.ReadStockOutcomeAsync(id, Ct);

        Assert.Equal(new StockOutcome(15, 4 + 5), outcome);
        Assert.Null(await h.Metrics.ReadStockOutcomeAsync(CampaignStorageHarness.NewId(), Ct));
    }
}
