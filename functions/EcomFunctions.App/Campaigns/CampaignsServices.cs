using EcomFunctions.App.Platform;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Storage;
using EcomFunctions.Storage.Campaigns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EcomFunctions.App.Campaigns;

/// <summary>Settings of the campaign orchestration and storefront plumbing that are not business rules (section <c>Campaigns</c>).</summary>
public sealed class CampaignRuntimeOptions
{
    /// <summary>Attempts of an orchestration activity before the step (or stage) counts as failed.</summary>
    public int ActivityAttempts { get; set; } = 3;

    /// <summary>Wait before the first retry of a failed activity (doubles each time).</summary>
    public TimeSpan ActivityRetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How stale the storefront's list of live campaigns may be (≤ 1 s keeps a kill within DESIGN §5's bound).</summary>
    public TimeSpan LiveDirectoryRefresh { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Counter rows per hourly metrics bucket and per budget total.</summary>
    public int CounterShards { get; set; } = 8;

    /// <summary>Storefront events per request, at most.</summary>
    public int MaxEventsPerRequest { get; set; } = 1000;
}

public static class CampaignsServices
{
    /// <summary>Everything the Campaigns capability needs: options (section <c>Campaigns</c>), storage adapters, use cases, subscriptions.</summary>
    public static IServiceCollection AddCampaigns(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(CampaignOptions.SectionName);
        services.AddOptions<CampaignOptions>().Bind(section);
        services.AddOptions<CampaignRuntimeOptions>().Bind(section);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<CampaignOptions>>().Value);

        // Storage adapters (Storage/Campaigns).
        services.TryAddSingleton(CampaignTables.Default);
        services.TryAddSingleton(sp => new CampaignMetricsOptions { Shards = sp.GetRequiredService<IOptions<CampaignRuntimeOptions>>().Value.CounterShards });
        services.TryAddSingleton(sp => new LiveCampaignDirectoryOptions { RefreshInterval = sp.GetRequiredService<IOptions<CampaignRuntimeOptions>>().Value.LiveDirectoryRefresh });
        services.TryAddSingleton<CampaignDirectory>();
        services.TryAddSingleton<CampaignPublication>();
        services.TryAddSingleton<TableCampaignRepository>();
        services.TryAddSingleton<ICampaignRepository>(sp => sp.GetRequiredService<TableCampaignRepository>());
        services.TryAddSingleton<ICampaignAuditTrail>(sp => sp.GetRequiredService<TableCampaignRepository>());
        services.TryAddSingleton<ICampaignAvailabilitySource>(sp => sp.GetRequiredService<TableCampaignRepository>());
        services.TryAddSingleton<ICampaignCalendar>(sp => sp.GetRequiredService<CampaignDirectory>());
        services.TryAddSingleton<LiveCampaignDirectory>();
        services.TryAddSingleton<ILiveCampaignDirectory>(sp => sp.GetRequiredService<LiveCampaignDirectory>());
        services.TryAddSingleton<ICampaignMetrics, TableCampaignMetrics>();
        services.TryAddSingleton<TableBudgetLedger>();
        services.TryAddSingleton<IBudgetLedger>(sp => sp.GetRequiredService<TableBudgetLedger>());
        services.TryAddSingleton<IIncidentLog, TableIncidentLog>();
        services.TryAddSingleton<CampaignSnapshotLog>();
        services.TryAddSingleton<IAudienceSizer, MemberTierAudienceSizer>();
        services.TryAddSingleton<ICouponDefinitionLookup>(sp => new CouponDefinitionLookup(sp.GetService<ICouponDefinitionStore>()));

        // Use cases (Domain/Campaigns).
        services.TryAddSingleton<CampaignPlanChecker>();
        services.TryAddSingleton<CampaignPlanning>();
        services.TryAddSingleton<CampaignApprovals>();
        services.TryAddSingleton<CampaignOperations>();
        services.TryAddSingleton<CampaignBudgets>();
        services.TryAddSingleton<CampaignIncidents>();
        services.TryAddSingleton<CampaignEvaluation>();
        services.TryAddSingleton<CampaignStorefront>();

        // App plumbing.
        services.TryAddSingleton<CampaignHttp>();
        services.TryAddSingleton<KnownCampaigns>();

        services.AddOutboxTable(TableNames.Campaigns);
        services.AddOutboxTable(TableNames.CampaignIncidents);

        // Coupon redemptions are campaign spend (at face value): the Coupons capability's events come to our queue.
        services.AddEventSubscription(CouponEventTypes.CouponRedeemed, QueueNames.CampaignSpend);
        return services;
    }
}
