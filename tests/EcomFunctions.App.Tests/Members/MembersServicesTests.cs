using EcomFunctions.App.Members;
using EcomFunctions.Domain.Members;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EcomFunctions.App.Tests.Members;

/// <summary>The Members registration binds its three sections as configuration means them.</summary>
public sealed class MembersServicesTests
{
    private const string AesKey = "REVWLU9OTFktbWVtYmVyLWNvbnRhY3QtYWVzLWtleSE=";
    private const string LookupKey = "REVWLU9OTFktbWVtYmVyLWxvb2t1cC1obWFjLWtleSE=";

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        settings.TryAdd("AzureWebJobsStorage", Azurite.ConnectionStringFor("127.0.0.1", 1, 2, 3));
        settings.TryAdd("Members:ContactEncryptionKey", AesKey);
        settings.TryAdd("Members:ContactLookupKey", LookupKey);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddEcomFunctions(configuration).BuildServiceProvider();
    }

    [Fact]
    public void A_configured_coupon_list_replaces_the_default_list_instead_of_being_appended()
    {
        using var services = Build(new()
        {
            ["Members:TierUpgradeCoupons:Gold:0"] = "gold-2026",
            ["Members:BirthdayCoupons:Regular:0"] = "bday-a",
            ["Members:BirthdayCoupons:Regular:1"] = "bday-b",
        });

        var options = services.GetRequiredService<MemberOptions>();

        Assert.Equal(["gold-2026"], options.TierUpgradeCoupons[MemberTier.Gold]);
        Assert.Equal(["bday-a", "bday-b"], options.BirthdayCoupons[MemberTier.Regular]);
        Assert.Equal(["tier-silver-welcome"], options.TierUpgradeCoupons[MemberTier.Silver]); // untouched default
    }

    [Fact]
    public void Sections_bind_thresholds_and_the_store_time_zone_is_the_default_member_zone()
    {
        using var services = Build(new()
        {
            ["Store:TimeZone"] = "Asia/Tokyo",
            ["Members:TierThresholds:Silver"] = "600",
            ["Reactivation:HoldoutShare"] = "0.2",
            ["Reactivation:QuietHoursStart"] = "22:00",
            ["Reactivation:ChannelCosts:Sms"] = "0.07",
        });

        var members = services.GetRequiredService<MemberOptions>();
        var reactivation = services.GetRequiredService<ReactivationOptions>();

        Assert.Equal(("Asia/Tokyo", 600L), (members.StoreTimeZone, members.TierThresholds[MemberTier.Silver]));
        Assert.Equal((0.2m, new TimeOnly(22, 0), 0.07m, 0.001m), (reactivation.HoldoutShare, reactivation.QuietHoursStart,
            reactivation.ChannelCosts[ContactChannel.Sms], reactivation.ChannelCosts[ContactChannel.Push]));
    }

    [Fact]
    public void The_key_vault_backed_settings_become_the_active_contact_key_and_the_lookup_key()
    {
        using var services = Build([]);

        var protector = services.GetRequiredService<ContactProtector>();
        var sealedValue = protector.Protect("secret", "m-1", PersonalField.Email);

        Assert.Equal("k1", protector.ActiveKeyId);
        Assert.Equal("secret", protector.Unprotect(sealedValue, "m-1", PersonalField.Email));
        Assert.NotNull(protector.EmailLookup("a@example.com"));
    }

    [Fact]
    public void Invalid_member_settings_and_missing_keys_fail_validation()
    {
        using var invalid = Build(new() { ["Members:DormantAfter"] = "200.00:00:00", ["Members:ChurnedAfter"] = "100.00:00:00" });
        using var keyless = Build(new() { ["Members:ContactEncryptionKey"] = "", ["Members:ContactLookupKey"] = "" });

        var error = Assert.Throws<OptionsValidationException>(() => invalid.GetRequiredService<IOptions<MemberOptions>>().Value);
        Assert.Contains("ChurnedAfter", error.Message, StringComparison.Ordinal);
        Assert.Throws<OptionsValidationException>(() => keyless.GetRequiredService<IOptions<ContactProtectionOptions>>().Value);
    }

    [Fact]
    public void Channel_adapters_are_chosen_by_configuration()
    {
        using var services = Build(new()
        {
            ["Reactivation:Delivery:Sms:Adapter"] = "Http",
            ["Reactivation:Delivery:Sms:Endpoint"] = "http://127.0.0.1:9/sms",
            ["Reactivation:Delivery:Email:Adapter"] = "Smtp",
            ["Reactivation:Delivery:Email:SmtpHost"] = "127.0.0.1",
        });

        var channels = services.GetServices<IMessageChannel>().ToDictionary(c => c.Channel);

        Assert.IsType<HttpMessageChannel>(channels[ContactChannel.Sms]);
        Assert.IsType<SmtpEmailChannel>(channels[ContactChannel.Email]);
        Assert.IsType<LocalMessageChannel>(channels[ContactChannel.Push]);
    }
}
