using EcomFunctions.App.Platform;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EcomFunctions.App.Members;

/// <summary>Infrastructure settings of the member runs and the sender (section <c>Reactivation</c>, next to the domain's rules).</summary>
public sealed class MemberRunOptions
{
    /// <summary>Attempts of each orchestration activity (page of a partition) before the run fails.</summary>
    public int ActivityMaxAttempts { get; set; } = 5;

    /// <summary>Wait before the first retry of a failed activity; doubles on every further attempt.</summary>
    public TimeSpan ActivityFirstRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between two attempts of an activity.</summary>
    public TimeSpan ActivityMaxRetryInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Deliveries of one message tried after temporary channel failures before it is parked in the poison queue.</summary>
    public int SenderMaxAttempts { get; set; } = 8;

    /// <summary>Delay before the first re-delivery after a temporary failure; doubles on every further attempt.</summary>
    public TimeSpan SenderRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest delay between re-deliveries.</summary>
    public TimeSpan SenderMaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Messages of one packed batch delivered concurrently.</summary>
    public int SenderParallelism { get; set; } = 8;

    /// <summary>Members of one packed activity batch (queue) processed concurrently (activities of one member stay in order).</summary>
    public int ActivityQueueParallelism { get; set; } = 8;
}

public static class MembersServices
{
    /// <summary>
    /// The Members capability: options (sections <c>Members</c>, <c>Reactivation</c>, <c>ContactProtection</c>; the
    /// contact keys from <c>Members:ContactEncryptionKey</c> / <c>Members:ContactLookupKey</c>, Key Vault references in
    /// Azure), storage adapters, use cases, channel adapters.
    /// </summary>
    public static IServiceCollection AddMembers(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var members = configuration.GetSection(MemberOptions.SectionName);
        var reactivation = configuration.GetSection(ReactivationOptions.SectionName);
        services.AddOptions<MemberOptions>()
            .Configure(o => o.StoreTimeZone = configuration["Store:TimeZone"] is { Length: > 0 } zone ? zone : o.StoreTimeZone)
            .Bind(members)
            .PostConfigure(o => ReplaceArrays(o, members))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MemberOptions>>(new FieldErrorsValidation<MemberOptions>(o => o.Validate()));
        services.AddOptions<ReactivationOptions>().Bind(reactivation).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReactivationOptions>>(new FieldErrorsValidation<ReactivationOptions>(o => o.Validate()));
        services.AddOptions<MemberRunOptions>().Bind(reactivation);
        services.AddOptions<ContactProtectionOptions>()
            .Bind(configuration.GetSection(ContactProtectionOptions.SectionName))
            .PostConfigure(o => ApplyContactKeys(o, configuration))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ContactProtectionOptions>>(new FieldErrorsValidation<ContactProtectionOptions>(o => o.Validate()));
        services.AddOptions<MessageDeliveryOptions>().Bind(configuration.GetSection(MessageDeliveryOptions.SectionName));
        services.AddOptions<MessageTemplateOptions>().Bind(reactivation);

        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<MemberOptions>>().Value);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ReactivationOptions>>().Value);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<MessageTemplateOptions>>().Value);
        services.TryAddSingleton(sp => new ContactProtector(sp.GetRequiredService<IOptions<ContactProtectionOptions>>().Value));

        services.TryAddSingleton<IMemberRepository>(sp => new TableMemberRepository(sp.GetRequiredService<StorageClients>(), sp.GetRequiredService<Outbox>(), sp.GetRequiredService<MemberOptions>()));
        services.TryAddSingleton<IContactHistory>(sp => new TableContactHistory(sp.GetRequiredService<StorageClients>(), sp.GetRequiredService<Outbox>(), sp.GetRequiredService<MemberOptions>()));
        services.TryAddSingleton<IReactivationLedger>(sp => new TableReactivationLedger(sp.GetRequiredService<StorageClients>()));
        services.TryAddSingleton<ICouponGrants, QueueCouponGrants>();
        services.TryAddSingleton<QueueMessageOutbox>();
        services.TryAddSingleton<IMessageOutbox>(sp => sp.GetRequiredService<QueueMessageOutbox>());
        services.TryAddSingleton<IMemberTierPublisher, DirectoryTierPublisher>();
        services.AddOutboxTable(TableNames.Members);
        services.AddOutboxTable(TableNames.MemberContacts);

        services.TryAddSingleton<ReactivationPlanner>();
        services.TryAddSingleton<ReactivationResponses>();
        services.TryAddSingleton(sp => new MemberProfiles(sp.GetRequiredService<IMemberRepository>(), sp.GetRequiredService<ContactProtector>(),
            sp.GetRequiredService<MemberOptions>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IMemberTierPublisher>()));
        services.TryAddSingleton(sp => new MemberActivities(sp.GetRequiredService<IMemberRepository>(), sp.GetRequiredService<MemberOptions>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ReactivationResponses>()));
        services.TryAddSingleton<PointsRedemptions>();
        services.TryAddSingleton<PointsExpiry>();
        services.TryAddSingleton(sp => new TierEvaluation(sp.GetRequiredService<IMemberRepository>(), sp.GetRequiredService<ICouponGrants>(),
            sp.GetRequiredService<MemberOptions>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IMemberTierPublisher>()));
        services.TryAddSingleton<BirthdayGifts>();
        services.TryAddSingleton<ReactivationBatches>();
        services.TryAddSingleton<ReactivationReports>();
        services.TryAddSingleton(sp => new WinBackDelivery(sp.GetRequiredService<IMemberRepository>(), sp.GetRequiredService<IContactHistory>(),
            sp.GetServices<IMessageChannel>(), sp.GetRequiredService<ContactProtector>(), sp.GetRequiredService<ReactivationOptions>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IReactivationLedger>()));

        services.AddHttpClient(nameof(HttpMessageChannel));
        foreach (var channel in Enum.GetValues<ContactChannel>())
        {
            services.AddSingleton<IMessageChannel>(sp => CreateChannel(sp, channel));
        }

        return services;
    }

    /// <summary>
    /// The configuration binder appends configured array items to a pre-filled array instead of replacing it; a coupon
    /// list given in configuration is meant as the whole list, so it replaces the default.
    /// </summary>
    private static void ReplaceArrays(MemberOptions options, IConfigurationSection section)
    {
        foreach (var (name, target) in new[] { ("TierUpgradeCoupons", options.TierUpgradeCoupons), ("BirthdayCoupons", options.BirthdayCoupons) })
        {
            foreach (var tier in section.GetSection(name).GetChildren())
            {
                if (Enum.TryParse<MemberTier>(tier.Key, ignoreCase: true, out var parsed))
                {
                    target[parsed] = tier.Get<string[]>() ?? [];
                }
            }
        }
    }

    /// <summary>The Key Vault-backed settings name the active AES key and the lookup key; older keys stay under ContactProtection:Keys.</summary>
    private static void ApplyContactKeys(ContactProtectionOptions options, IConfiguration configuration)
    {
        if (string.IsNullOrEmpty(options.ActiveKeyId))
        {
            options.ActiveKeyId = "k1";
        }

        if (configuration["Members:ContactEncryptionKey"] is { Length: > 0 } key && !options.Keys.ContainsKey(options.ActiveKeyId))
        {
            options.Keys[options.ActiveKeyId] = key;
        }

        if (string.IsNullOrEmpty(options.LookupKey) && configuration["Members:ContactLookupKey"] is { Length: > 0 } lookup)
        {
            options.LookupKey = lookup;
        }
    }

    private static IMessageChannel CreateChannel(IServiceProvider services, ContactChannel channel)
    {
        var settings = services.GetRequiredService<IOptions<MessageDeliveryOptions>>().Value.For(channel);
        var templates = services.GetRequiredService<MessageTemplateOptions>();
        return settings.Adapter switch
        {
            ChannelAdapterKind.Http => new HttpMessageChannel(channel, services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(HttpMessageChannel)), settings, templates),
            ChannelAdapterKind.Smtp when channel == ContactChannel.Email => new SmtpEmailChannel(settings, templates),
            ChannelAdapterKind.Smtp => throw new InvalidOperationException($"SMTP delivers e-mail only; configure another adapter for {channel}."),
            _ => new LocalMessageChannel(channel, services.GetRequiredService<StorageClients>(), templates, services.GetRequiredService<TimeProvider>()),
        };
    }

    /// <summary>Turns a domain options class's <see cref="FieldErrors"/> into start-up validation messages.</summary>
    private sealed class FieldErrorsValidation<T>(Func<T, FieldErrors> validate) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var errors = validate(options);
            return errors.IsEmpty
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(errors.ToDictionary().Select(e => $"{typeof(T).Name}.{e.Key}: {string.Join(" ", e.Value)}"));
        }
    }
}
