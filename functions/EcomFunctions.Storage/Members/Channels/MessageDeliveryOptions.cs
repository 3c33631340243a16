using System.Globalization;
using EcomFunctions.Domain.Members;

namespace EcomFunctions.Storage;

public enum ChannelAdapterKind
{
    /// <summary>Records the message in table <see cref="TableNames.LocalMessages"/> (development, tests, the console).</summary>
    Local = 0,

    /// <summary>POSTs the message as JSON to a provider endpoint (SMS gateways, push services, e-mail APIs).</summary>
    Http = 1,

    /// <summary>Sends e-mail over SMTP.</summary>
    Smtp = 2,
}

/// <summary>One channel's adapter (section <c>Reactivation:Delivery:{Channel}</c>).</summary>
public sealed class ChannelAdapterOptions
{
    public ChannelAdapterKind Adapter { get; set; } = ChannelAdapterKind.Local;

    /// <summary>Http: the provider endpoint the message is POSTed to.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Http: header carrying <see cref="ApiKey"/> (e.g. "Authorization" with "Bearer …", or "X-Api-Key").</summary>
    public string ApiKeyHeader { get; set; } = "X-Api-Key";

    /// <summary>Http: the provider credential. A secret: in Azure a Key Vault reference, never a plain setting.</summary>
    public string? ApiKey { get; set; }

    public int TimeoutSeconds { get; set; } = 10;

    public string? SmtpHost { get; set; }

    public int SmtpPort { get; set; } = 587;

    public bool SmtpEnableSsl { get; set; } = true;

    public string? SmtpUser { get; set; }

    /// <summary>A secret: in Azure a Key Vault reference.</summary>
    public string? SmtpPassword { get; set; }

    public string From { get; set; } = "noreply@ecomfunctions.local";

    public override string ToString() => $"ChannelAdapterOptions({Adapter}, redacted)";
}

/// <summary>Which adapter delivers each channel (section <c>Reactivation:Delivery</c>); Local unless configured.</summary>
public sealed class MessageDeliveryOptions
{
    public const string SectionName = "Reactivation:Delivery";

    public ChannelAdapterOptions Email { get; set; } = new();

    public ChannelAdapterOptions Sms { get; set; } = new();

    public ChannelAdapterOptions Push { get; set; } = new();

    public ChannelAdapterOptions AppInbox { get; set; } = new();

    public ChannelAdapterOptions For(ContactChannel channel) => channel switch
    {
        ContactChannel.Email => Email,
        ContactChannel.Sms => Sms,
        ContactChannel.Push => Push,
        _ => AppInbox,
    };
}

/// <summary>A message template: subject and body with {amount} and {coupon} placeholders.</summary>
public sealed class MessageTemplate
{
    public string Subject { get; set; } = "";

    public string Body { get; set; } = "";
}

/// <summary>Message texts by template id (section <c>Reactivation:Templates</c>); configuration overrides entries.</summary>
public sealed class MessageTemplateOptions
{
    public const string SectionName = "Reactivation:Templates";

    public Dictionary<string, MessageTemplate> Templates { get; } = new(StringComparer.Ordinal)
    {
        ["winback-dormant"] = new()
        {
            Subject = "好久不见，送您一张 {amount} 元优惠券",
            Body = "我们想念您！一张 {amount} 元的优惠券已放入您的账户，7 天内有效。",
        },
        ["winback-churned-care"] = new()
        {
            Subject = "专属关怀：{amount} 元回归礼券",
            Body = "感谢您一直以来的支持。我们为您准备了 {amount} 元专属回归礼券，期待再次为您服务。",
        },
    };

    /// <summary>The text of a message; an unknown template falls back to a neutral text rather than failing delivery.</summary>
    public (string Subject, string Body) Render(OutboundMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var template = Templates.GetValueOrDefault(message.TemplateId)
            ?? new MessageTemplate { Subject = "A coupon for you", Body = "A {amount} coupon is waiting in your account." };
        var amount = message.CouponAmount.ToString("0.##", CultureInfo.InvariantCulture);
        string Fill(string text) => text.Replace("{amount}", amount, StringComparison.Ordinal).Replace("{coupon}", message.CouponDefinitionId, StringComparison.Ordinal);
        return (Fill(template.Subject), Fill(template.Body));
    }
}
