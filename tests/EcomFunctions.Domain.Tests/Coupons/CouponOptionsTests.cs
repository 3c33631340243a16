using EcomFunctions.Domain.Coupons;

namespace EcomFunctions.Domain.Tests.Coupons;

public class CouponOptionsTests
{
    [Fact]
    public void Defaults_follow_the_design()
    {
        var options = new CouponOptions();
        Assert.Equal(TimeSpan.FromMinutes(30), options.ReservationExpiry);
        Assert.Equal("Asia/Shanghai", options.StoreTimeZoneId);
        Assert.Equal(16, options.MinShardCount);
        Assert.Equal(64, options.MaxShardCount);
        Assert.Equal(12, options.CodeLength);
        Assert.Equal(100_000, options.MaxBatchSize);
        Assert.InRange(options.CodesPerChunk, 100, 1000);
        Assert.True(options.Validate().IsEmpty);
    }

    [Fact]
    public void Invalid_options_are_reported_per_setting()
    {
        var options = new CouponOptions
        {
            ReservationExpiry = TimeSpan.Zero,
            StoreTimeZoneId = "Nowhere/Land",
            CodeLength = 4,
            MinShardCount = 10,
            MaxShardCount = 5,
            CodesPerChunk = 5000,
        };
        Assert.Equal(
            ["CodeLength", "CodesPerChunk", "MaxShardCount", "ReservationExpiry", "StoreTimeZoneId"],
            options.Validate().ToDictionary().Keys.Order(StringComparer.Ordinal));
    }
}
