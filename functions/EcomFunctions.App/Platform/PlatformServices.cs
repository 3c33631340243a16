using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EcomFunctions.App.Platform;

public static class PlatformServices
{
    /// <summary>Options, storage clients, idempotency, outbox and event publishing, operator authentication.</summary>
    public static IServiceCollection AddPlatform(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.Configure<StoreOptions>(configuration.GetSection("Store"));
        services.Configure<AuthOptions>(configuration.GetSection("Auth"));
        services.Configure<HttpOptions>(configuration.GetSection("Http"));
        services.Configure<IdempotencyOptions>(configuration.GetSection("Idempotency"));
        services.Configure<EventGridOptions>(configuration.GetSection("EventGrid"));
        services.Configure<OutboxOptions>(_ => { });

        services.TryAddSingleton(_ => new StorageClients(StorageConnection.FromSettings(key => configuration[key])));
        services.TryAddSingleton<IQueueSender, QueueSender>();
        services.TryAddSingleton<DeadLetters>();
        services.TryAddSingleton<IIdempotencyStore, TableIdempotencyStore>();
        services.TryAddSingleton<IdempotentRequests>();
        services.TryAddSingleton<OperatorAuthentication>();
        services.TryAddSingleton<Outbox>();
        services.TryAddSingleton<OutboxDispatcher>();
        services.TryAddSingleton<LocalEventSink>();

        // Read models the capabilities publish for each other (owner writes, others read).
        services.TryAddSingleton<MemberTierDirectory>();
        services.TryAddSingleton<IMemberTierLookup>(sp => sp.GetRequiredService<MemberTierDirectory>());
        services.TryAddSingleton<CampaignStatusDirectory>();
        services.TryAddSingleton<ICampaignStatusLookup>(sp => sp.GetRequiredService<CampaignStatusDirectory>());
        services.TryAddSingleton<OrderDirectory>();
        services.TryAddSingleton<IEventPublisher>(sp =>
        {
            var eventGrid = sp.GetRequiredService<IOptions<EventGridOptions>>().Value;
            return string.IsNullOrWhiteSpace(eventGrid.Endpoint)
                ? sp.GetRequiredService<LocalEventSink>()
                : new EventGridEventPublisher(eventGrid);
        });
        return services;
    }

    /// <summary>Delivers every published event of <paramref name="eventType"/> to <paramref name="queue"/> as an <see cref="EventDelivery"/>.</summary>
    public static IServiceCollection AddEventSubscription(this IServiceCollection services, string eventType, string queue) =>
        services.Configure<OutboxOptions>(o =>
        {
            if (!o.Subscriptions.TryGetValue(eventType, out var queues))
            {
                queues = new HashSet<string>(StringComparer.Ordinal);
                o.Subscriptions[eventType] = queues;
            }

            queues.Add(queue);
        });

    /// <summary>Declares that <paramref name="table"/> carries outbox rows, so the sweeper looks there for stranded events.</summary>
    public static IServiceCollection AddOutboxTable(this IServiceCollection services, string table) =>
        services.Configure<OutboxOptions>(o => o.Tables.Add(table));
}
