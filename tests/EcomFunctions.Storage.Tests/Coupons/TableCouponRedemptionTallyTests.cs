using EcomFunctions.Domain.Coupons;
using EcomFunctions.Storage.Coupons;
using EcomFunctions.Testing;

namespace EcomFunctions.Storage.Tests.Coupons;

/// <summary>The redemption tally on Azurite: exact counts under redelivery, one definition's figures apart from another's.</summary>
public sealed class TableCouponRedemptionTallyTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset At = new(2026, 4, 2, 9, 30, 0, TimeSpan.Zero);

    private static CouponRedeemed Redeemed(string definition, string coupon, decimal discount, DateTimeOffset at) =>
        new(coupon, definition, "m-" + coupon, null, "o-" + coupon, discount, discount, at);

    [Fact]
    public async Task Redelivered_and_concurrent_events_count_each_coupon_once()
    {
        var tally = new TableCouponRedemptionTally(new StorageClients(new StorageConnection(Azurite.ConnectionString)), Azurite.UniqueName("tally"));
        var first = Enumerable.Range(0, 150).Select(i => Redeemed("cd-a", $"c{i:D3}", 10m, At.AddMinutes(i))).ToList();

        // The same 150 redemptions delivered three times, two deliveries at once, plus one of another definition.
        await Task.WhenAll(tally.RecordAsync(first, None), tally.RecordAsync(first, None));
        await tally.RecordAsync([first[7], Redeemed("cd-b", "c900", 4.5m, At), first[149]], None);

        var a = await tally.GetAsync("cd-a", None);
        Assert.Equal(new RedemptionFigures("cd-a", 150, 1500m, At.AddMinutes(149)), a);
        Assert.Equal(new RedemptionFigures("cd-b", 1, 4.5m, At), await tally.GetAsync("cd-b", None));
        Assert.Equal(new RedemptionFigures("cd-none", 0, 0m, null), await tally.GetAsync("cd-none", None));
    }
}
