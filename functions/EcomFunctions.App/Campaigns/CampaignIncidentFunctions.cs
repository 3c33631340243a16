using EcomFunctions.App.Platform;
using EcomFunctions.App.Platform.OpenApi;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage.Campaigns;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.App.Campaigns;

/// <summary>
/// Incidents (Technical, StockAnomaly, LogisticsDelay, ComplaintSurge, Payment): open with actions (pause the campaign,
/// pause one mechanic, notify owners), add notes to the timeline, resolve. Open incidents show in the report.
/// </summary>
public sealed class CampaignIncidentFunctions(
    CampaignIncidents incidents, CampaignHttp http, CampaignPublication publication, TimeProvider time, ILogger<CampaignIncidentFunctions> logger)
{
    [Function("OpenCampaignIncident")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("Opens an incident; its actions pause the campaign or one mechanic and notify owners.")]
    [RequestBody(typeof(IncidentReport))]
    [ProducesResponseType(typeof(CampaignIncidentOpenedView), StatusCodes.Status201Created)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Open(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{campaignId}/incidents")] HttpRequest request,
        string campaignId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var command = await http.ReadCommandAsync<IncidentReport>(request, CampaignHttp.AnyCampaignRole, cancellationToken);
        if (command.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var (actor, report, _) = command.Value!;
        var opened = await incidents.OpenAsync(campaignId, report, actor, cancellationToken);
        if (!opened.IsSuccess)
        {
            return ApiResult.Problem(opened.Problem!, request);
        }

        var result = opened.Value!;
        await publication.SyncAsync(result.Campaign, cancellationToken);
        if (result.Notify.Count > 0)
        {
            // The IncidentOpened event (outbox) carries whom to notify; the log line is the operators' immediate trace.
            logger.LogWarning("Campaign {CampaignId} incident {IncidentId} ({Severity} {Type}): notifying {People}.",
                campaignId, result.Incident.Id, result.Incident.Severity, result.Incident.Type, string.Join(", ", result.Notify));
        }

        if (result.Incident.Actions.Any(a => a.Kind is IncidentActionKind.PauseCampaign or IncidentActionKind.PauseMechanic))
        {
            await CampaignSignals.RaiseAsync(client, campaignId, CampaignSignals.Pause,
                new CampaignSignal(CampaignSignals.Pause, actor.Id, $"incident {result.Incident.Id}: {result.Incident.Title}", time.GetUtcNow()), cancellationToken);
        }

        return CampaignHttp.Json(StatusCodes.Status201Created, new CampaignIncidentOpenedView(result.Incident, result.Notify, CampaignView.Of(result.Campaign)))
            .WithHeader("Location", $"/api/campaigns/{campaignId}/incidents/{result.Incident.Id}");
    }

    [Function("ListCampaignIncidents")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("The campaign's incidents with their timelines, in opening order.")]
    [ProducesResponseType(typeof(IReadOnlyList<CampaignIncident>), StatusCodes.Status200OK)]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns/{campaignId}/incidents")] HttpRequest request,
        string campaignId,
        CancellationToken cancellationToken)
    {
        var actor = http.Actor(request, CampaignHttp.AnyCampaignRole);
        if (actor.Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var list = await incidents.ListAsync(campaignId, cancellationToken);
        return list.ToApiResult(request, items => CampaignHttp.Ok(items));
    }

    [Function("AddCampaignIncidentNote")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("Adds a note to an incident's timeline.")]
    [RequestBody(typeof(IncidentNoteRequest))]
    [ProducesResponseType(typeof(CampaignIncident), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Note(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{campaignId}/incidents/{incidentId}/notes")] HttpRequest request,
        string campaignId,
        string incidentId,
        CancellationToken cancellationToken)
    {
        var command = await http.ReadCommandAsync<IncidentNoteRequest>(request, CampaignHttp.AnyCampaignRole, cancellationToken);
        return command.Problem is { } invalid
            ? ApiResult.Problem(invalid, request)
            : (await incidents.AddNoteAsync(campaignId, incidentId, command.Value!.Body.Note, command.Value.Actor, cancellationToken)).ToApiResult(request, i => CampaignHttp.Ok(i));
    }

    [Function("ResolveCampaignIncident")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("Resolves an incident.")]
    [RequestBody(typeof(IncidentResolutionRequest))]
    [ProducesResponseType(typeof(CampaignIncident), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Resolve(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{campaignId}/incidents/{incidentId}/resolve")] HttpRequest request,
        string campaignId,
        string incidentId,
        CancellationToken cancellationToken)
    {
        var command = await http.ReadCommandAsync<IncidentResolutionRequest>(request, CampaignHttp.AnyCampaignRole, cancellationToken);
        return command.Problem is { } invalid
            ? ApiResult.Problem(invalid, request)
            : (await incidents.ResolveAsync(campaignId, incidentId, command.Value!.Body.Resolution, command.Value.Actor, cancellationToken)).ToApiResult(request, i => CampaignHttp.Ok(i));
    }
}
