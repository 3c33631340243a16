using EcomFunctions.Domain.Campaigns;
using static EcomFunctions.Domain.Tests.Campaigns.CampaignTestData;

namespace EcomFunctions.Domain.Tests.Campaigns;

public sealed class CampaignMetricsTests
{
    private static StorefrontActivity Activity(StorefrontActivityKind kind, DateTimeOffset at, CampaignChannel channel = CampaignChannel.App, string? variant = "A",
        decimal value = 0m, string? visitor = "v1", bool first = true) => new()
        {
            CampaignId = CampaignId,
            Kind = kind,
            OccurredAt = at,
            Channel = channel,
            Variant = variant,
            OrderValue = value,
            VisitorId = visitor,
            FirstForVisitor = first,
        };

    [Fact]
    public void Activities_fold_into_hourly_buckets_per_channel_and_variant()
    {
        var buckets = HourlyMetrics.Aggregate(
        [
            Activity(StorefrontActivityKind.Visit, At(9, 10, 10, 5)),
            Activity(StorefrontActivityKind.Visit, At(9, 10, 10, 59), visitor: "v2"),
            Activity(StorefrontActivityKind.Visit, At(9, 10, 10, 30), visitor: "v1", first: false),
            Activity(StorefrontActivityKind.PageView, At(9, 10, 10, 6)),
            Activity(StorefrontActivityKind.Order, At(9, 10, 10, 7), value: 199.90m),
            Activity(StorefrontActivityKind.Order, At(9, 10, 11, 0), value: 50m),
            Activity(StorefrontActivityKind.SignUp, At(9, 10, 10, 8), channel: CampaignChannel.Web, variant: null),
        ]);

        Assert.Equal(3, buckets.Count);
        Assert.Equal(new MetricsBucket(new MetricsBucketKey(CampaignId, new DateTimeOffset(2025, 9, 10, 2, 0, 0, TimeSpan.Zero), CampaignChannel.App, "A"),
            new MetricsCounts { Visits = 2, PageViews = 1, Orders = 1, OrderValue = 199.90m }), buckets[0]);
        Assert.Equal(new MetricsCounts { NewMembers = 1 }, buckets[1].Counts);
        Assert.Equal((CampaignChannel.Web, MetricsBucketKey.NoVariant), (buckets[1].Key.Channel, buckets[1].Key.Variant));
        Assert.Equal(new MetricsCounts { Orders = 1, OrderValue = 50m }, buckets[2].Counts);
    }

    [Fact]
    public void Participation_counts_only_a_members_first_time()
    {
        var counts = HourlyMetrics.Total(HourlyMetrics.Aggregate(
        [
            Activity(StorefrontActivityKind.Participation, Start, visitor: "m1"),
            Activity(StorefrontActivityKind.Participation, Start, visitor: "m1", first: false),
            Activity(StorefrontActivityKind.Participation, Start, visitor: "m2"),
        ]));

        Assert.Equal(2, counts.ParticipatingMembers);
    }

    [Fact]
    public void Shards_of_a_bucket_merge_into_one_bucket_with_the_sums()
    {
        var key = new MetricsBucketKey(CampaignId, HourlyMetrics.HourOf(Start), CampaignChannel.App, "A");
        var otherKey = key with { Channel = CampaignChannel.Web };

        var merged = HourlyMetrics.Merge(
        [
            new MetricsBucket(key, new MetricsCounts { Visits = 3, Orders = 1, OrderValue = 10.5m }),
            new MetricsBucket(otherKey, new MetricsCounts { Visits = 1 }),
            new MetricsBucket(key, new MetricsCounts { Visits = 4, Orders = 2, OrderValue = 0.25m, NewMembers = 1 }),
        ]);

        Assert.Equal([new MetricsBucket(key, new MetricsCounts { Visits = 7, Orders = 3, OrderValue = 10.75m, NewMembers = 1 }), new MetricsBucket(otherKey, new MetricsCounts { Visits = 1 })], merged);
    }

    [Fact]
    public void Totals_split_by_channel_and_variant_add_up_to_the_whole()
    {
        var buckets = HourlyMetrics.Aggregate(
        [
            Activity(StorefrontActivityKind.Order, Start, CampaignChannel.App, "A", 10m),
            Activity(StorefrontActivityKind.Order, Start, CampaignChannel.Web, "B", 20m),
            Activity(StorefrontActivityKind.Order, Start.AddHours(3), CampaignChannel.App, "B", 30m),
        ]);

        Assert.Equal(60m, HourlyMetrics.Total(buckets).OrderValue);
        Assert.Equal(40m, HourlyMetrics.ByChannel(buckets)[CampaignChannel.App].OrderValue);
        Assert.Equal(50m, HourlyMetrics.ByVariant(buckets)["B"].OrderValue);
    }

    [Fact]
    public void The_hourly_series_adds_channels_and_variants_per_hour_and_fills_quiet_hours_with_zeros()
    {
        var hour = HourlyMetrics.HourOf(Start);
        var buckets = HourlyMetrics.Aggregate(
        [
            Activity(StorefrontActivityKind.Order, Start, CampaignChannel.App, "A", 10m),
            Activity(StorefrontActivityKind.Order, Start, CampaignChannel.Web, "B", 20m),
            Activity(StorefrontActivityKind.Visit, Start, CampaignChannel.Web, "B", visitor: "v9"),
            Activity(StorefrontActivityKind.Order, hour.AddHours(3).AddMinutes(5), CampaignChannel.App, "B", 30m),
        ]);

        var series = HourlyMetrics.ByHour(buckets);

        Assert.Equal([hour, hour.AddHours(1), hour.AddHours(2), hour.AddHours(3)], series.Select(s => s.HourUtc));
        Assert.Equal([2L, 0L, 0L, 1L], series.Select(s => s.Counts.Orders));
        Assert.Equal([30m, 0m, 0m, 30m], series.Select(s => s.Counts.OrderValue));
        Assert.Equal(1, series[0].Counts.Visits);
        Assert.Empty(HourlyMetrics.ByHour([]));
    }

    [Fact]
    public void Hours_are_utc_hours()
    {
        Assert.Equal(new DateTimeOffset(2025, 9, 9, 16, 0, 0, TimeSpan.Zero), HourlyMetrics.HourOf(At(9, 10, 0, 59)));
        Assert.Equal(TimeSpan.Zero, HourlyMetrics.HourOf(new DateTimeOffset(2025, 9, 10, 5, 45, 0, TimeSpan.FromHours(5.5))).Offset);
    }

    [Fact]
    public void Storefront_input_is_validated()
    {
        var now = Start;
        var skew = TimeSpan.FromMinutes(5);

        Assert.True(Activity(StorefrontActivityKind.Order, now, value: 10m).Validate(now, skew).IsEmpty);
        Assert.Equal(["orderValue"], Activity(StorefrontActivityKind.Order, now, value: -1m).Validate(now, skew).ToDictionary().Keys);
        Assert.Equal(["orderValue"], Activity(StorefrontActivityKind.PageView, now, value: 5m).Validate(now, skew).ToDictionary().Keys);
        Assert.Equal(["occurredAt"], Activity(StorefrontActivityKind.PageView, now.AddMinutes(6)).Validate(now, skew).ToDictionary().Keys);
        Assert.Equal(["visitorId"], Activity(StorefrontActivityKind.Visit, now, visitor: null).Validate(now, skew).ToDictionary().Keys);
        Assert.Equal(["channel"], (Activity(StorefrontActivityKind.Visit, now) with { Channel = (CampaignChannel)99 }).Validate(now, skew).ToDictionary().Keys);
        Assert.Equal(["campaignId"], (Activity(StorefrontActivityKind.Visit, now) with { CampaignId = "a/b" }).Validate(now, skew).ToDictionary().Keys);
    }
}
