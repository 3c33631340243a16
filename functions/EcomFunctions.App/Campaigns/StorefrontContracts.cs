using System.ComponentModel.DataAnnotations;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;

namespace EcomFunctions.App.Campaigns;

public enum StorefrontEventType
{
    Visit,
    PageView,

    /// <summary>A paid order: value, member, new-member flag, lines; also recorded for verified purchases (OrderDirectory).</summary>
    Order,
    SignUp,

    /// <summary>A member took part without ordering (claimed a coupon, joined a group).</summary>
    Participation,
}

/// <summary>
/// One storefront event. <see cref="CampaignId"/> attributes it to a campaign (omit it for store-wide traffic, which
/// still counts in the baseline). Visits need a visitor id (or member id), orders a member id, an order id and a value.
/// </summary>
public sealed record StorefrontEvent(
    StorefrontEventType Type,
    DateTimeOffset OccurredAt,
    CampaignChannel Channel,
    [property: StringLength(64)] string? CampaignId = null,
    [property: StringLength(CampaignPlanRules.MaxShortTextLength)] string? Variant = null,
    [property: StringLength(StorefrontActivity.MaxIdLength)] string? VisitorId = null,
    [property: StringLength(StorefrontActivity.MaxIdLength)] string? MemberId = null,
    [property: StringLength(StorefrontActivity.MaxIdLength)] string? OrderId = null,
    decimal? Value = null,
    bool NewMember = false,
    IReadOnlyList<OrderLine>? Lines = null) : ISelfValidating
{
    public void Validate(FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors.AddIf(CampaignId is not null && !CampaignPlanRules.IsValidCampaignId(CampaignId), "campaignId", "A campaign id.");
        errors.AddIf(VisitorId is not null && !TableKeys.IsValid(VisitorId), "visitorId", "No '/', '\\\\', '#', '?' or control characters.");
        errors.AddIf(MemberId is not null && !TableKeys.IsValid(MemberId), "memberId", "No '/', '\\\\', '#', '?' or control characters.");
        errors.AddIf(OrderId is not null && !TableKeys.IsValid(OrderId), "orderId", "No '/', '\\\\', '#', '?' or control characters.");
        switch (Type)
        {
            case StorefrontEventType.Visit:
                errors.AddIf(VisitorId is null && MemberId is null, "visitorId", "A visit needs a visitor id or a member id.");
                break;
            case StorefrontEventType.Order:
                errors.AddIf(MemberId is null, "memberId", "Required for an order.");
                errors.AddIf(OrderId is null, "orderId", "Required for an order.");
                errors.AddIf(Value is null, "value", "Required for an order.");
                errors.AddIf(Value is < 0 or > 100_000_000m, "value", "From 0 to 100000000.");
                break;
            case StorefrontEventType.SignUp:
            case StorefrontEventType.Participation:
                errors.AddIf(MemberId is null, "memberId", $"Required for {Type}.");
                errors.AddIf(Type == StorefrontEventType.Participation && CampaignId is null, "campaignId", "Participation is always in a campaign.");
                break;
        }

        errors.AddIf(Type != StorefrontEventType.Order && (Value is not null || NewMember || Lines is { Count: > 0 }), "type", "Only orders carry a value, a new-member flag or lines.");
    }
}

/// <summary>
/// A batch of storefront events. <see cref="BatchId"/> (else the Idempotency-Key header, else a hash of the body)
/// identifies the batch: sending it again — a retried request — counts nothing twice.
/// </summary>
public sealed record StorefrontEventsRequest(
    IReadOnlyList<StorefrontEvent> Events,
    [property: StringLength(100, MinimumLength = 1)] string? BatchId = null) : ISelfValidating
{
    public void Validate(FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors.AddIf(Events is null || Events.Count == 0, "events", "At least one event.");
    }
}

/// <summary>A storefront activity on the queue (the wire shape of <see cref="StorefrontActivity"/>).</summary>
public sealed record ActivityMessage(
    StorefrontActivityKind Kind,
    string CampaignId,
    DateTimeOffset OccurredAt,
    CampaignChannel Channel,
    string? Variant,
    string? VisitorId,
    decimal OrderValue,
    IReadOnlyList<OrderLine>? Lines)
{
    public StorefrontActivity ToActivity() => new()
    {
        Kind = Kind,
        CampaignId = CampaignId,
        OccurredAt = OccurredAt,
        Channel = Channel,
        Variant = Variant,
        VisitorId = VisitorId,
        OrderValue = OrderValue,
        Lines = Lines ?? [],
    };
}

/// <summary>An order for the verified-purchase directory (<see cref="OrderDirectory"/>).</summary>
public sealed record OrderMessage(string MemberId, string OrderId, IReadOnlyList<string> ProductIds, decimal Amount, DateTimeOffset PlacedAt, string? Channel);

/// <summary>
/// Storefront activity packed on <see cref="QueueNames.CampaignActivity"/> (a few hundred activities per message, under
/// the queue's message size). <see cref="BatchId"/> is the idempotency key of the counters.
/// </summary>
public sealed record StorefrontActivityBatch(string BatchId, IReadOnlyList<ActivityMessage> Activities, IReadOnlyList<OrderMessage> Orders, int Version = 1) : IVersionedMessage;

public sealed record StorefrontOffersView(string MemberId, Domain.Members.MemberTier Tier, DateTimeOffset GeneratedAt, IReadOnlyList<LiveOffer> Offers);

public sealed record StorefrontEventsAccepted(string BatchId, int Events, int Activities, int Messages);
