using EcomFunctions.Domain.Campaigns;

namespace EcomFunctions.Storage.Tests.Campaigns;

public sealed class TableBudgetLedgerTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly CampaignOptions Options = new();
    private readonly CampaignStorageHarness h = new(shards: 4);

    [Fact]
    public async Task An_entry_is_recorded_once_however_often_and_concurrently_it_is_delivered()
    {
        var id = CampaignStorageHarness.NewId();
        var entry = SpendEntry.ForCouponRedemption(id, "coupon-1", 20m, DateTimeOffset.UtcNow, Options, channel: CampaignChannel.App, variant: "A");

        var recorded = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => h.Ledger.RecordAsync(entry, Ct))));

        Assert.Single(recorded, r => r);
        var summary = await h.Ledger.SummarizeAsync(id, Ct);
        Assert.Equal((20m, 20m, 20m), (summary.SpentOn(BudgetLineKind.Marketing), summary.ByChannel[CampaignChannel.App], summary.ByVariant["A"]));
        Assert.Single(await h.Ledger.ListEntriesAsync(id, Ct));
    }

    [Fact]
    public async Task Concurrent_distinct_entries_add_up_exactly_per_line_channel_and_variant()
    {
        var id = CampaignStorageHarness.NewId();
        var entries = Enumerable.Range(0, 60).Select(i => i % 3 == 0
            ? SpendEntry.ForPaidPromotion(id, $"ad-{i}", 1.10m, DateTimeOffset.UtcNow, CampaignChannel.Web)
            : SpendEntry.ForCouponRedemption(id, $"coupon-{i}", 2.50m, DateTimeOffset.UtcNow, Options, channel: CampaignChannel.App, variant: i % 2 == 0 ? "A" : "B")).ToList();

        var recorded = await Task.WhenAll(entries.Select(e => Task.Run(() => h.Ledger.RecordAsync(e, Ct))));

        Assert.All(recorded, Assert.True);
        var summary = await h.Ledger.SummarizeAsync(id, Ct);
        Assert.Equal(20 * 1.10m, summary.SpentOn(BudgetLineKind.PlatformPromotion));
        Assert.Equal(40 * 2.50m, summary.SpentOn(BudgetLineKind.Marketing));
        Assert.Equal((22.00m, 100.00m), (summary.ByChannel[CampaignChannel.Web], summary.ByChannel[CampaignChannel.App]));
        Assert.Equal(100.00m, summary.ByVariant["A"] + summary.ByVariant["B"]);
        Assert.Equal(60, (await h.Ledger.ListEntriesAsync(id, Ct)).Count);
    }
}
