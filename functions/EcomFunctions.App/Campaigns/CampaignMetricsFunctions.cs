using EcomFunctions.App.Platform;
using EcomFunctions.App.Platform.OpenApi;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace EcomFunctions.App.Campaigns;

/// <summary>The campaign's hourly storefront counters as a series (the console's orders/sales chart while it runs).</summary>
public sealed class CampaignMetricsFunctions(CampaignPlanning planning, ICampaignMetrics metrics, CampaignHttp http)
{
    [Function("GetCampaignHourlyMetrics")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("Visits, orders and sales per UTC hour (channels and variants added up), oldest first; quiet hours between the first and last are zero rows.")]
    [ProducesResponseType(typeof(IReadOnlyList<HourlyTotal>), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Hourly(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns/{campaignId}/metrics")] HttpRequest request,
        string campaignId,
        CancellationToken cancellationToken)
    {
        var actor = http.Actor(request, CampaignHttp.AnyCampaignRole);
        if (actor.Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var loaded = await planning.GetAsync(campaignId, cancellationToken);
        return loaded.IsSuccess
            ? CampaignHttp.Ok(HourlyMetrics.ByHour(await metrics.ReadAsync(campaignId, cancellationToken)))
            : ApiResult.Problem(loaded.Problem!, request);
    }
}
