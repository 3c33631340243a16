using EcomFunctions.App.Platform;
using EcomFunctions.Domain.Reviews;
using EcomFunctions.Storage;
using EcomFunctions.Storage.Reviews;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EcomFunctions.App.Reviews;

public static class ReviewsServices
{
    /// <summary>
    /// Review moderation (DESIGN §8): options from sections "Moderation" (screening thresholds, classifier switch),
    /// "Moderation:ContentSafety" (the external classifier), "Reviews" (operations) and "Reviews:Responses" (merchant
    /// response SLA); Table adapters; the use cases; the outbox table; and the subscriptions that start screening
    /// (ReviewSubmitted → review-moderation) and relay rewards and refresh work queues (→ review-events).
    /// </summary>
    public static IServiceCollection AddReviews(this IServiceCollection services, IConfiguration configuration)
    {
        Bind<ModerationOptions>(services, configuration, ModerationOptions.SectionName, o => o.Validate());
        Bind<ReviewOptions>(services, configuration, ReviewOptions.SectionName, o => o.Validate());
        Bind<ReviewResponseOptions>(services, configuration, ReviewResponseOptions.SectionName, _ => new Domain.Platform.FieldErrors());
        services.AddOptions<ContentSafetyOptions>().Bind(configuration.GetSection(ContentSafetyOptions.SectionName));
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ModerationOptions>>().Value);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ReviewOptions>>().Value);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ReviewResponseOptions>>().Value);

        services.TryAddSingleton(ReviewTables.Default);
        services.TryAddSingleton<IReviewStore, TableReviewStore>();
        services.TryAddSingleton<INearDuplicateIndex, TableNearDuplicateIndex>();
        services.TryAddSingleton<IMemberReviewLog, TableMemberReviewLog>();
        services.TryAddSingleton<IBlocklistStore, TableBlocklistStore>();
        services.TryAddSingleton<IReviewRewardSink, MemberActivityRewardSink>();
        services.TryAddSingleton<IOrderVerifier>(sp => sp.GetRequiredService<OrderDirectory>());
        services.TryAddSingleton<IWordSegmenter, JiebaWordSegmenter>();
        services.TryAddSingleton<IContentClassifier>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ContentSafetyOptions>>().Value;
            // One HttpClient for the process; pooled connections are recycled so DNS changes are picked up.
            var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
            return new ContentSafetyClassifier(http, options, ContentSafetyClassifier.CredentialFor(options));
        });

        services.TryAddSingleton<ActiveBlocklist>();
        services.TryAddSingleton<ModerationBlocklist>();
        services.TryAddSingleton<ReviewScreening>();
        services.TryAddSingleton<NegativeReviewPolicy>();
        services.TryAddSingleton<ReviewLifecycle>();
        services.TryAddSingleton(sp => new KeywordExtractor(sp.GetRequiredService<IWordSegmenter>()));
        services.TryAddSingleton<ReviewSubmissions>();
        services.TryAddSingleton<ReviewModeration>();
        services.TryAddSingleton<ReviewOperations>();
        services.TryAddSingleton<ProductReviews>();
        services.TryAddSingleton<ReviewEventReactions>();

        services.AddOutboxTable(TableNames.Reviews);
        services.AddEventSubscription(ReviewEventTypes.ReviewSubmitted, QueueNames.ReviewModeration);
        foreach (var type in ReviewEventTypes.All.Where(t => t != ReviewEventTypes.ReviewSubmitted))
        {
            services.AddEventSubscription(type, QueueNames.ReviewEvents);
        }

        return services;
    }

    private static void Bind<T>(IServiceCollection services, IConfiguration configuration, string section, Func<T, Domain.Platform.FieldErrors> validate)
        where T : class
    {
        services.AddOptions<T>()
            .Bind(configuration.GetSection(section))
            .Validate(o => validate(o).IsEmpty, $"Invalid settings in section '{section}'.")
            .ValidateOnStart();
    }
}
