using System.Text.Json;
using EcomFunctions.App.Platform;
using EcomFunctions.App.Platform.OpenApi;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using EcomFunctions.Storage.Coupons;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace EcomFunctions.App.Coupons;

/// <summary>
/// "Redeemed" next to "issued": the CouponRedeemed events (delivered packed and at least once to
/// <see cref="QueueNames.CouponRedemptionTally"/>) tallied per definition, and the figures for operators.
/// </summary>
public sealed class CouponRedemptionTallyFunctions(TableCouponRedemptionTally tally, CouponDefinitions definitions, OperatorAuthentication operators, DeadLetters deadLetters)
{
    [Function("TallyCouponRedemptions")]
    public async Task Tally([QueueTrigger(QueueNames.CouponRedemptionTally)] string message, CancellationToken cancellationToken)
    {
        var delivery = QueueMessages.Read<EventDelivery>(message);
        if (delivery.Problem is { } problem)
        {
            await deadLetters.ParkAsync(QueueNames.CouponRedemptionTally, message, QueueMessages.Reason(problem), cancellationToken);
            return;
        }

        var redemptions = new List<CouponRedeemed>();
        var unreadable = new List<string>();
        foreach (var e in delivery.Value!.Events.Where(e => e?.Type == CouponEventTypes.CouponRedeemed).DistinctBy(e => e.Id))
        {
            CouponRedeemed? data = null;
            try
            {
                data = JsonSerializer.Deserialize<CouponRedeemed>(e.DataJson, CouponEventTypes.JsonOptions);
            }
            catch (JsonException)
            {
                // Reported below with the other unreadable events.
            }

            if (data is null || !CouponKeys.IsValidId(data.DefinitionId) || !TableKeys.IsValid(data.CouponId))
            {
                unreadable.Add(e.Id);
            }
            else
            {
                redemptions.Add(data);
            }
        }

        await tally.RecordAsync(redemptions, cancellationToken);
        if (unreadable.Count > 0)
        {
            await deadLetters.ParkAsync(QueueNames.CouponRedemptionTally, message, $"Unreadable CouponRedeemed data in event(s) {string.Join(", ", unreadable)}.", cancellationToken);
        }
    }

    [Function("GetCouponRedemptionFigures")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("How many coupons of the definition were redeemed, the discount given and the latest redemption (eventually consistent: counted from the CouponRedeemed events).")]
    [ProducesResponseType(typeof(RedemptionFigures), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Figures(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "coupons/definitions/{definitionId}/redemptions")] HttpRequest request,
        string definitionId,
        CancellationToken cancellationToken)
    {
        if (operators.Require(request, OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover).Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        return await CouponHttp.GuardAsync(request, async () =>
        {
            var found = await definitions.GetAsync(definitionId, cancellationToken);
            return found.Problem is { } missing
                ? ApiResult.Problem(missing, request)
                : ApiResult.Ok(await tally.GetAsync(definitionId, cancellationToken));
        });
    }
}
