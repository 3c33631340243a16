using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Members;

/// <summary>CloudEvent types of the member capability.</summary>
public static class MemberEventTypes
{
    public const string TierChanged = "Ecom.Members.TierChanged";
    public const string PointsRedeemed = "Ecom.Members.PointsRedeemed";
    public const string PointsExpired = "Ecom.Members.PointsExpired";
    public const string BirthdayGiftGranted = "Ecom.Members.BirthdayGiftGranted";
    public const string MemberErased = "Ecom.Members.MemberErased";
    public const string ReactivationMessageSent = "Ecom.Members.ReactivationMessageSent";
}

/// <summary>
/// Builds the member capability's domain events. Subjects are <c>members/{id}</c>; ids are stable per business
/// occurrence (tier change per evaluation month, expiry per local day, gift per year, message per message id) so a
/// retried operation produces the same event id. Event data never contains personal data.
/// </summary>
public static class MemberEvents
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Subject(string memberId) => "members/" + memberId;

    public static DomainEvent TierChanged(string memberId, TierEvaluationResult result, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Create(MemberEventTypes.TierChanged, memberId, result.EvaluationMonth.ToString(), at, new
        {
            memberId,
            from = result.From,
            to = result.To,
            direction = result.IsUpgrade ? "Up" : "Down",
            rollingGrowth = result.RollingGrowth,
            evaluationMonth = result.EvaluationMonth.ToString(),
        });
    }

    public static DomainEvent PointsRedeemed(string memberId, PointsRedemption redemption)
    {
        ArgumentNullException.ThrowIfNull(redemption);
        return Create(MemberEventTypes.PointsRedeemed, memberId, redemption.RedemptionId, redemption.RedeemedAt, new
        {
            memberId,
            redemption.RedemptionId,
            redemption.Points,
            redemption.Value,
            redemption.Tier,
        });
    }

    public static DomainEvent PointsExpired(string memberId, IReadOnlyList<PointsLot> lots, DateOnly localDate, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(lots);
        var day = localDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return Create(MemberEventTypes.PointsExpired, memberId, day, at, new
        {
            memberId,
            points = lots.Sum(l => l.Points),
            lots = lots.Select(l => new { earnedOn = l.EarnedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), l.Points }),
            expiredOn = day,
        });
    }

    public static DomainEvent BirthdayGiftGranted(string memberId, int year, IReadOnlyList<CouponGrant> grants, DateTimeOffset at) =>
        Create(MemberEventTypes.BirthdayGiftGranted, memberId, year.ToString(CultureInfo.InvariantCulture), at, new
        {
            memberId,
            year,
            coupons = grants.Select(g => new { g.GrantId, g.CouponDefinitionId }),
        });

    public static DomainEvent MemberErased(string memberId, DateTimeOffset at) =>
        Create(MemberEventTypes.MemberErased, memberId, "erased", at, new { memberId, erasedAt = at });

    public static DomainEvent ReactivationMessageSent(OutboundMessage message, DeliveryResult result, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(result);
        return Create(MemberEventTypes.ReactivationMessageSent, message.MemberId, message.MessageId, at, new
        {
            message.MemberId,
            message.MessageId,
            message.Channel,
            message.TemplateId,
            message.CouponDefinitionId,
            message.CouponAmount,
            message.Lifecycle,
            runDate = message.RunDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            result.ProviderMessageId,
        });
    }

    private static DomainEvent Create(string type, string memberId, string discriminator, DateTimeOffset at, object data)
    {
        var subject = Subject(memberId);
        return new DomainEvent(DomainEvent.StableId(type, subject, discriminator), type, subject, at, JsonSerializer.Serialize(data, Json));
    }
}
