using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using EcomFunctions.Testing;

namespace EcomFunctions.EndToEnd.Tests.Campaigns;

/// <summary>Events into and out of the campaign capability, as the platform moves them.</summary>
internal static class CampaignEvents
{
    /// <summary>A CouponRedeemed event as the Coupons capability publishes it (its own data record and JSON options).</summary>
    public static DomainEvent Redeemed(string campaignId, string couponId, decimal faceValue)
    {
        var data = new CouponRedeemed(couponId, "def-" + campaignId, "m-" + couponId, campaignId, "o-" + couponId, faceValue, faceValue, DateTimeOffset.UtcNow);
        return new DomainEvent(DomainEvent.StableId(CouponEventTypes.CouponRedeemed, CouponEventTypes.CouponSubject(couponId), data.OrderId),
            CouponEventTypes.CouponRedeemed, CouponEventTypes.CouponSubject(couponId), data.RedeemedAt, JsonSerializer.Serialize(data, CouponEventTypes.JsonOptions));
    }

    /// <summary>Delivers events to the spend queue exactly as the outbox dispatcher does for a subscription.</summary>
    public static async Task DeliverAsync(IReadOnlyList<DomainEvent> events)
    {
        var queue = new QueueClient(Azurite.ConnectionString, QueueNames.CampaignSpend, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync(EcomJson.Serialize(new EventDelivery(events)));
    }

    /// <summary>The data of the campaign events of a type published to the local event sink.</summary>
    public static async Task<IReadOnlyList<JsonElement>> OfAsync(string type, string campaignId)
    {
        var table = new TableClient(Azurite.ConnectionString, TableNames.LocalEvents);
        var found = new List<JsonElement>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == type))
        {
            var data = JsonDocument.Parse(row.GetString("Data") ?? "{}").RootElement.Clone();
            if (data.TryGetProperty("campaignId", out var c) && c.GetString() == campaignId)
            {
                found.Add(data);
            }
        }

        return found;
    }
}
