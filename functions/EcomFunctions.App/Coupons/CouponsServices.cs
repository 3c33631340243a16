using EcomFunctions.App.Coupons;
using EcomFunctions.App.Platform;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Storage;
using EcomFunctions.Storage.Coupons;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

// In the App's root namespace so that EcomFunctionsServices needs only its one registration line.
namespace EcomFunctions.App;

public static class CouponsServices
{
    /// <summary>Campaign lifecycle events that end a campaign for good: linked definitions close and release their inventory.</summary>
    public const string CampaignEnded = "Ecom.Campaigns.CampaignEnded";

    public const string CampaignKilled = "Ecom.Campaigns.CampaignKilled";

    /// <summary>
    /// The coupon capability: options (section <see cref="CouponOptions.SectionName"/>, validated at start-up), the
    /// Table adapters, the use cases (singletons: the adapters hold the per-process caches and shard writers the claim
    /// path relies on), the outbox tables, and the subscription to the campaign end-of-life events.
    /// </summary>
    public static IServiceCollection AddCoupons(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CouponOptions>()
            .Bind(configuration.GetSection(CouponOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CouponOptions>, CouponOptionsValidation>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<CouponOptions>>().Value);
        services.TryAddSingleton<IRandomSource>(CryptoRandomSource.Instance);

        services.TryAddSingleton<TableCouponDefinitionStore>();
        services.TryAddSingleton<ICouponDefinitionStore>(sp => sp.GetRequiredService<TableCouponDefinitionStore>());
        services.TryAddSingleton<TableCouponInventory>();
        services.TryAddSingleton<ICouponInventory>(sp => sp.GetRequiredService<TableCouponInventory>());
        services.TryAddSingleton<TableCouponBatchStore>();
        services.TryAddSingleton<ICouponBatchStore>(sp => sp.GetRequiredService<TableCouponBatchStore>());
        services.TryAddSingleton(sp => new TableCouponRedemptionTally(sp.GetRequiredService<StorageClients>()));
        services.TryAddSingleton<TableCouponStore>();
        services.TryAddSingleton<ICouponStore>(sp => sp.GetRequiredService<TableCouponStore>());

        services.TryAddSingleton<CouponIssuer>();
        services.TryAddSingleton<CouponClaims>();
        services.TryAddSingleton<CouponGrants>();
        services.TryAddSingleton<CouponDefinitions>();
        services.TryAddSingleton<CouponRedemptions>();
        services.TryAddSingleton<CouponBatches>();
        services.TryAddSingleton<CouponWallets>();

        foreach (var table in CouponTableSet.Default.OutboxTables)
        {
            services.AddOutboxTable(table);
        }

        services.AddEventSubscription(CampaignEnded, QueueNames.CouponCampaignEvents);
        services.AddEventSubscription(CampaignKilled, QueueNames.CouponCampaignEvents);
        services.AddEventSubscription(CouponEventTypes.CouponRedeemed, QueueNames.CouponRedemptionTally);
        return services;
    }
}

/// <summary>Start-up check of section "Coupons": every invalid setting named with the reason.</summary>
internal sealed class CouponOptionsValidation : IValidateOptions<CouponOptions>
{
    public ValidateOptionsResult Validate(string? name, CouponOptions options)
    {
        var errors = options.Validate();
        return errors.IsEmpty
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(errors.ToDictionary().Select(e => $"{CouponOptions.SectionName}:{e.Key}: {string.Join(" ", e.Value)}"));
    }
}
