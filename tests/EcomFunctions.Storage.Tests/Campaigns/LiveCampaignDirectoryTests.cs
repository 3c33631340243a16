using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage.Campaigns;
using Microsoft.Extensions.Time.Testing;

namespace EcomFunctions.Storage.Tests.Campaigns;

public sealed class LiveCampaignDirectoryTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly CampaignStorageHarness h = new();

    [Fact]
    public async Task Storefront_reads_come_from_memory_each_campaign_is_read_once_per_version_and_a_kill_drops_it_within_the_refresh()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var counting = new CountingRepository(h.Repository);
        using var live = new LiveCampaignDirectory(h.Directory, counting, new LiveCampaignDirectoryOptions { RefreshInterval = TimeSpan.FromMilliseconds(500) }, time);
        var id = CampaignStorageHarness.NewId();
        var campaign = await h.LiveAsync(id);

        Assert.Contains(await live.ListActiveAsync(Ct), c => c.Id == id);
        for (var i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.Contains(await live.ListActiveAsync(Ct), c => c.Id == id);
        }

        Assert.Equal(1, counting.Reads(id));

        await h.ApplyAsync(campaign, c => c.Kill(CampaignStorageHarness.Planner, DateTimeOffset.UtcNow, "fraud"));
        Assert.Contains(await live.ListActiveAsync(Ct), c => c.Id == id);
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.DoesNotContain(await live.ListActiveAsync(Ct), c => c.Id == id);
    }

    private sealed class CountingRepository(ICampaignRepository inner) : ICampaignRepository
    {
        private readonly Dictionary<string, int> reads = [];

        public int Reads(string id)
        {
            lock (reads)
            {
                return reads.GetValueOrDefault(id);
            }
        }

        public Task<Campaign?> GetAsync(string campaignId, CancellationToken cancellationToken)
        {
            lock (reads)
            {
                reads[campaignId] = reads.GetValueOrDefault(campaignId) + 1;
            }

            return inner.GetAsync(campaignId, cancellationToken);
        }

        public Task<Result<Campaign>> SaveAsync(CampaignChange change, CancellationToken cancellationToken) => inner.SaveAsync(change, cancellationToken);

        public Task<CampaignPage> ListAsync(CampaignQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);
    }
}
