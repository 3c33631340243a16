using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Members;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EcomFunctions.Storage.Tests.ReadModels;

public sealed class ReadModelDirectoriesTests
{
    private readonly StorageClients storage = new(new StorageConnection(Azurite.ConnectionString));
    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task A_published_tier_is_read_back_and_an_unknown_member_has_none()
    {
        var writer = new MemberTierDirectory(storage, time);
        var reader = new MemberTierDirectory(storage, time);
        var member = Azurite.UniqueName("m");

        Assert.Null(await reader.GetTierAsync(member, CancellationToken.None));
        await writer.PublishAsync(member, MemberTier.Gold, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(6)); // past the reader's cache of the earlier miss
        Assert.Equal(MemberTier.Gold, await reader.GetTierAsync(member, CancellationToken.None));

        await writer.RemoveAsync(member, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.Null(await reader.GetTierAsync(member, CancellationToken.None));
    }

    [Fact]
    public async Task A_kill_is_seen_by_another_process_within_one_second_and_unknown_campaigns_fail_closed()
    {
        var campaigns = new CampaignStatusDirectory(storage, time);
        var coupons = new CampaignStatusDirectory(storage, time);
        var id = Azurite.UniqueName("c");

        Assert.Equal(CampaignLiveness.NotLive, await coupons.GetLivenessAsync(id, CancellationToken.None));
        await campaigns.PublishAsync(id, CampaignLiveness.Live, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(CampaignLiveness.Live, await coupons.GetLivenessAsync(id, CancellationToken.None));

        await campaigns.PublishAsync(id, CampaignLiveness.Killed, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(CampaignLiveness.Killed, await coupons.GetLivenessAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task A_recorded_order_verifies_its_products_only_for_its_member()
    {
        var orders = new OrderDirectory(storage);
        var member = Azurite.UniqueName("m");
        await orders.RecordAsync(new OrderRecord(member, "o-1", ["sku-1", "sku-2"], 199.9m, DateTimeOffset.UtcNow, "app"), CancellationToken.None);

        Assert.True(await orders.IsVerifiedPurchaseAsync(member, "o-1", "sku-2", CancellationToken.None));
        Assert.False(await orders.IsVerifiedPurchaseAsync(member, "o-1", "sku-3", CancellationToken.None));
        Assert.False(await orders.IsVerifiedPurchaseAsync("someone-else", "o-1", "sku-1", CancellationToken.None));
        Assert.False(await orders.IsVerifiedPurchaseAsync(member, "bad/id#", "sku-1", CancellationToken.None));
        Assert.Equal(199.9m, (await orders.FindAsync(member, "o-1", CancellationToken.None))!.Amount);
    }
}
