using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace EcomFunctions.Domain.Campaigns;

/// <summary>
/// The JSON form of campaigns, incidents and reports shared by storage and the App, without attributes on the domain
/// types: camelCase names, enums as their names, mechanics tagged by a <c>kind</c> discriminator, and computed
/// properties (those without a setter, such as <see cref="Mechanic.Kind"/> or <see cref="TimeWindow.Duration"/>) left
/// out, so what is stored is state only and a stored campaign reads back equal to what was written.
/// </summary>
public static class CampaignJson
{
    public static JsonSerializerOptions Options { get; } = Create(api: false);

    /// <summary>
    /// The HTTP API's dialect of the same shapes: enums and mechanic kinds in camelCase like every other endpoint
    /// (<c>"kind": "flashSale"</c>, <c>"state": "live"</c>; reading accepts either casing), integers refused for enums,
    /// and a null for a non-nullable property is an error (a 400, not a silently empty field).
    /// </summary>
    public static JsonSerializerOptions Api { get; } = Create(api: true);

    private static readonly (Type Type, MechanicKind Kind)[] Mechanics =
    [
        (typeof(FullReductionMechanic), MechanicKind.FullReduction),
        (typeof(PercentOffMechanic), MechanicKind.PercentOff),
        (typeof(TimeLimitedDiscountMechanic), MechanicKind.TimeLimitedDiscount),
        (typeof(FlashSaleMechanic), MechanicKind.FlashSale),
        (typeof(GroupBuyMechanic), MechanicKind.GroupBuy),
        (typeof(PointsRedemptionMechanic), MechanicKind.PointsRedemption),
        (typeof(GiftWithPurchaseMechanic), MechanicKind.GiftWithPurchase),
        (typeof(CouponMechanic), MechanicKind.Coupon),
        (typeof(MemberExclusiveMechanic), MechanicKind.MemberExclusive),
    ];

    private static JsonSerializerOptions Create(bool api)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Converters = { api ? new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) : new JsonStringEnumConverter() },

            // Operators' tools do not always put the discriminator first.
            AllowOutOfOrderMetadataProperties = true,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { info => Configure(info, api) } },
            RespectNullableAnnotations = api,
            MaxDepth = 32,

            // Like the rest of the API: "5" for a number is a client bug worth a 400.
            NumberHandling = api ? JsonNumberHandling.Strict : JsonNumberHandling.AllowReadingFromString,
        };
        options.MakeReadOnly();
        return options;
    }

    private static void Configure(JsonTypeInfo info, bool api)
    {
        if (info.Kind != JsonTypeInfoKind.Object || info.Type.Namespace != typeof(Campaign).Namespace)
        {
            return;
        }

        // Constructor parameters of positional records are settable state even without a setter.
        var constructorParameters = info.Type.GetConstructors()
            .SelectMany(c => c.GetParameters())
            .Select(p => p.Name)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var property in info.Properties.Where(p => p.Set is null && !constructorParameters.Contains(p.Name)).ToList())
        {
            info.Properties.Remove(property);
        }

        if (info.Type == typeof(Mechanic))
        {
            info.PolymorphismOptions = new JsonPolymorphismOptions
            {
                TypeDiscriminatorPropertyName = "kind",
                UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization,
            };
            foreach (var (type, kind) in Mechanics)
            {
                var name = kind.ToString();
                info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(type, api ? JsonNamingPolicy.CamelCase.ConvertName(name) : name));
            }
        }
    }
}
