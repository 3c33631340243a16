using EcomFunctions.Domain.Coupons;
using EcomFunctions.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EcomFunctions.App.Tests.Coupons;

public sealed class CouponsServicesTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>(settings) { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" }).Build();
        return new ServiceCollection().AddLogging().AddEcomFunctions(configuration).BuildServiceProvider();
    }

    [Fact]
    public void Options_bind_from_the_coupons_section_and_every_use_case_resolves()
    {
        using var services = Build(new() { ["Coupons:ReservationExpiry"] = "00:10:00", ["Coupons:CodesPerChunk"] = "250" });

        var options = services.GetRequiredService<CouponOptions>();
        Assert.Equal(TimeSpan.FromMinutes(10), options.ReservationExpiry);
        Assert.Equal(250, options.CodesPerChunk);
        Assert.NotNull(services.GetRequiredService<CouponClaims>());
        Assert.NotNull(services.GetRequiredService<CouponRedemptions>());
        Assert.NotNull(services.GetRequiredService<CouponBatches>());
        Assert.Contains(TableNames.Coupons, services.GetRequiredService<IOptions<OutboxOptions>>().Value.Tables);
        var subscriptions = services.GetRequiredService<IOptions<OutboxOptions>>().Value.Subscriptions;
        Assert.Contains(QueueNames.CouponCampaignEvents, subscriptions["Ecom.Campaigns.CampaignEnded"]);
        Assert.Contains(QueueNames.CouponCampaignEvents, subscriptions["Ecom.Campaigns.CampaignKilled"]);
    }

    [Fact]
    public void Invalid_options_fail_at_start_up_naming_the_section()
    {
        using var services = Build(new() { ["Coupons:CodesPerChunk"] = "5000" });
        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<CouponOptions>());
        Assert.Contains("Coupons:CodesPerChunk", failure.Message, StringComparison.Ordinal);
    }
}
