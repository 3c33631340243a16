using System.Text.Json;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.App.Coupons;

/// <summary>
/// Reacts to the Campaigns capability's end-of-life events (<c>Ecom.Campaigns.CampaignEnded</c>,
/// <c>Ecom.Campaigns.CampaignKilled</c>, data with <c>campaignId</c>) delivered to queue
/// <see cref="QueueNames.CouponCampaignEvents"/>: every linked definition closes its claims and releases its unused
/// inventory (CouponDefinitionClosed reports how much). At least once: closing is idempotent, so a redelivered event
/// releases nothing more and publishes nothing again — the dedupe by event id is the operation's own.
/// </summary>
public sealed class CampaignEndFunction(CouponDefinitions definitions, DeadLetters deadLetters, ILogger<CampaignEndFunction> logger)
{
    [Function("CloseCouponsOfEndedCampaigns")]
    public async Task Run([QueueTrigger(QueueNames.CouponCampaignEvents)] string message, CancellationToken cancellationToken)
    {
        var delivery = QueueMessages.Read<EventDelivery>(message);
        if (delivery.Problem is { } unreadable)
        {
            await deadLetters.ParkAsync(QueueNames.CouponCampaignEvents, message, QueueMessages.Reason(unreadable), cancellationToken);
            return;
        }

        foreach (var campaignEvent in delivery.Value!.Events)
        {
            var reason = campaignEvent?.Type switch
            {
                EcomFunctions.App.CouponsServices.CampaignEnded => "ended",
                EcomFunctions.App.CouponsServices.CampaignKilled => "was killed",
                _ => null,
            };
            if (reason is null)
            {
                logger.LogDebug("Ignoring event {Type} on {Queue}.", campaignEvent?.Type, QueueNames.CouponCampaignEvents);
                continue;
            }

            if (CampaignIdOf(campaignEvent!) is not { } campaignId || !CouponKeys.IsValidId(campaignId))
            {
                await deadLetters.ParkAsync(QueueNames.CouponCampaignEvents, EcomJson.Serialize(new EventDelivery([campaignEvent!])),
                    $"Event {campaignEvent!.Id} ({campaignEvent.Type}) has no valid campaignId in its data.", cancellationToken);
                continue;
            }

            var closed = await definitions.CloseForCampaignAsync(campaignId, $"Campaign {campaignId} {reason}", cancellationToken);
            if (closed.Problem is { } problem)
            {
                // Only a concurrent edit exhausting the retries gets here: let the host retry the message.
                throw new InvalidOperationException($"Closing the coupons of campaign {campaignId} failed: {problem.Detail}");
            }

            foreach (var closure in closed.Value!)
            {
                logger.LogInformation(
                    "Campaign {CampaignId} {Reason}: coupon definition {DefinitionId} closed; released {Released} unused coupon(s) now ({TotalReleased} in all), {Issued} issued.",
                    campaignId, reason, closure.DefinitionId, closure.ReleasedNow, closure.Inventory.Released, closure.Inventory.Issued);
            }
        }
    }

    private static string? CampaignIdOf(DomainEvent campaignEvent)
    {
        try
        {
            using var data = JsonDocument.Parse(campaignEvent.DataJson);
            return data.RootElement.ValueKind == JsonValueKind.Object
                && data.RootElement.TryGetProperty("campaignId", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
