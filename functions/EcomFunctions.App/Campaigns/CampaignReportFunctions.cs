using System.Text.Json;
using EcomFunctions.App.Platform;
using EcomFunctions.App.Platform.OpenApi;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage.Campaigns;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Net.Http.Headers;

namespace EcomFunctions.App.Campaigns;

/// <summary>The evaluation report (JSON, or CSV with <c>Accept: text/csv</c>) and the campaign's status page.</summary>
public sealed class CampaignReportFunctions(
    CampaignEvaluation evaluation, CampaignPlanning planning, CampaignSnapshotLog snapshots, CampaignHttp http, CampaignOptions options, TimeProvider time)
{
    /// <summary>How the durable engine serialises custom status and output (default System.Text.Json), read case-insensitively.</summary>
    private static readonly JsonSerializerOptions EngineJson = new() { PropertyNameCaseInsensitive = true };

    [Function("GetCampaignReport")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("The evaluation report (JSON, or CSV with Accept: text/csv or ?format=csv).")]
    [QueryParameter("format", typeof(string), "csv for the CSV form.")]
    [ProducesResponseType(typeof(EvaluationReport), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Report(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns/{campaignId}/report")] HttpRequest request,
        string campaignId,
        CancellationToken cancellationToken)
    {
        var actor = http.Actor(request, CampaignHttp.AnyCampaignRole);
        if (actor.Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        if (WantsCsv(request))
        {
            var csv = await evaluation.BuildCsvAsync(campaignId, cancellationToken);
            return csv.ToApiResult(request, text => ApiResult.Text(StatusCodes.Status200OK, text, "text/csv; charset=utf-8")
                .WithHeader("Content-Disposition", $"attachment; filename=\"campaign-{campaignId}-report.csv\""));
        }

        var report = await evaluation.BuildReportAsync(campaignId, cancellationToken);
        return report.ToApiResult(request, r => CampaignHttp.Ok(r));
    }

    [Function("GetCampaignStatus")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("State, current stage, next step, milestones and the orchestration's runtime status.")]
    [ProducesResponseType(typeof(CampaignStatusResponse), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Status(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns/{campaignId}/status")] HttpRequest request,
        string campaignId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var actor = http.Actor(request, CampaignHttp.AnyCampaignRole);
        if (actor.Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var loaded = await planning.GetAsync(campaignId, cancellationToken);
        if (!loaded.IsSuccess)
        {
            return ApiResult.Problem(loaded.Problem!, request);
        }

        var campaign = loaded.Value!;
        var instance = await client.GetInstanceAsync(CampaignSignals.InstanceId(campaignId), getInputsAndOutputs: true, cancellationToken);
        OrchestrationView? orchestration = null;
        if (instance is not null)
        {
            orchestration = new OrchestrationView(
                instance.InstanceId,
                instance.RuntimeStatus.ToString(),
                Read<CampaignRunStatus>(instance.SerializedCustomStatus),
                Read<CampaignRunOutcome>(instance.SerializedOutput),
                instance.CreatedAt,
                instance.LastUpdatedAt,
                instance.FailureDetails?.ErrorMessage);
        }

        var now = time.GetUtcNow();
        var next = CampaignTimeline.Next(campaign, now, options);
        var recent = await snapshots.ListAsync(campaignId, 1, cancellationToken);
        var latest = recent.Count > 0 ? recent[0] : null;
        var readiness = ReadinessGate.Check(campaign);
        return CampaignHttp.Ok(new CampaignStatusResponse(
            campaign.Id, campaign.State, campaign.Version, campaign.CurrentStage ?? next.Stage, CampaignLivenessPolicy.Of(campaign), next,
            CampaignTimeline.Milestones(campaign, options), readiness, readiness.IsReady, orchestration, latest))
            .WithHeader("ETag", CampaignHttp.ETagOf(campaign.Version));
    }

    [Function("ListCampaignSnapshots")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("The monitoring snapshots, newest first.")]
    [QueryParameter("take", typeof(int), "How many (1-1000, default 48).")]
    [ProducesResponseType(typeof(IReadOnlyList<CampaignSnapshot>), StatusCodes.Status200OK)]
    public async Task<IActionResult> Snapshots(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns/{campaignId}/snapshots")] HttpRequest request,
        string campaignId,
        CancellationToken cancellationToken)
    {
        var actor = http.Actor(request, CampaignHttp.AnyCampaignRole);
        if (actor.Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var take = request.QueryInt("take", 48, 1, 1000);
        if (take.Problem is { } bad)
        {
            return ApiResult.Problem(bad, request);
        }

        var loaded = await planning.GetAsync(campaignId, cancellationToken);
        return loaded.IsSuccess
            ? CampaignHttp.Ok(await snapshots.ListAsync(campaignId, take.Value, cancellationToken))
            : ApiResult.Problem(loaded.Problem!, request);
    }

    private static bool WantsCsv(HttpRequest request)
    {
        if (string.Equals(request.Query["format"], "csv", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // The best-ranked of CSV and JSON wins; JSON when neither is named.
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted))
        {
            return false;
        }

        double Quality(string type) => accepted.Where(a => a.MediaType.Equals(type, StringComparison.OrdinalIgnoreCase)).Select(a => a.Quality ?? 1).DefaultIfEmpty(-1).Max();
        return Quality("text/csv") > Math.Max(Quality("application/json"), -1) && Quality("text/csv") > 0;
    }

    private static T? Read<T>(string? json) where T : class
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(json, EngineJson);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
