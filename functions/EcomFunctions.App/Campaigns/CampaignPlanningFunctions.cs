using System.Text.Json;
using EcomFunctions.App.Platform;
using EcomFunctions.App.Platform.OpenApi;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace EcomFunctions.App.Campaigns;

/// <summary>
/// The planning API for campaign managers: create, update (If-Match), get (ETag), list, dry-run check, audit trail.
/// Validation errors are 400 with field errors; warnings never block and come back with the campaign.
/// </summary>
public sealed class CampaignPlanningFunctions(CampaignPlanning planning, CampaignHttp http, IdempotentRequests idempotency)
{
    [Function("CreateCampaign")]
    [OperatorEndpoint(OperatorRoles.CampaignManager)]
    [ApiSummary("Creates a Draft campaign from a plan (optional caller-chosen id; Idempotency-Key honoured); 400 with field errors, warnings come back with it.")]
    [RequestBody(typeof(CampaignPlan))]
    [ProducesResponseType(typeof(CampaignView), StatusCodes.Status201Created)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var actor = http.Actor(request, OperatorRoles.CampaignManager);
        if (actor.Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var plan = await CampaignHttp.ReadAsync<CampaignPlan>(request, cancellationToken);
        if (plan.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var id = await ReadIdAsync(request, cancellationToken);
        if (id.Problem is { } badId)
        {
            return ApiResult.Problem(badId, request);
        }

        return await idempotency.RunAsync(request, "campaign-create", keyRequired: false, async () =>
        {
            var created = await planning.CreateAsync(plan.Value!, actor.Value!, id.Value, cancellationToken);
            return created.ToApiResult(request, c =>
                CampaignHttp.Campaign(c, StatusCodes.Status201Created).WithHeader("Location", $"/api/campaigns/{c.Id}"));
        }, cancellationToken);
    }

    [Function("UpdateCampaign")]
    [OperatorEndpoint(OperatorRoles.CampaignManager)]
    [ApiSummary("Replaces the plan of a Draft (or Rejected) campaign; If-Match with the campaign ETag.")]
    [RequestBody(typeof(CampaignPlan))]
    [ProducesResponseType(typeof(CampaignView), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    [ProducesResponseType(StatusCodes.Status412PreconditionFailed)]
    public async Task<IActionResult> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "campaigns/{campaignId}")] HttpRequest request,
        string campaignId,
        CancellationToken cancellationToken)
    {
        var actor = http.Actor(request, OperatorRoles.CampaignManager);
        if (actor.Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var version = CampaignHttp.IfMatch(request);
        if (version.Problem is { } badVersion)
        {
            return ApiResult.Problem(badVersion, request);
        }

        var plan = await CampaignHttp.ReadAsync<CampaignPlan>(request, cancellationToken);
        if (plan.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var updated = await planning.UpdateAsync(campaignId, plan.Value!, version.Value, actor.Value!, cancellationToken);
        return updated.ToApiResult(request, c => CampaignHttp.Campaign(c));
    }

    [Function("GetCampaign")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("A campaign with its warnings, readiness and liveness; ETag = version.")]
    [ProducesResponseType(typeof(CampaignView), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns/{campaignId}")] HttpRequest request,
        string campaignId,
        CancellationToken cancellationToken)
    {
        var actor = http.Actor(request, CampaignHttp.AnyCampaignRole);
        if (actor.Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var campaign = await planning.GetAsync(campaignId, cancellationToken);
        return campaign.ToApiResult(request, c => CampaignHttp.Campaign(c));
    }

    [Function("ListCampaigns")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("Campaigns, newest first, optionally of one state.")]
    [QueryParameter("state", typeof(string), "A campaign state (draft, pendingApproval, live …).")]
    [QueryParameter("pageSize", typeof(int), "Campaigns per page (1-200, default 50).")]
    [QueryParameter("continuationToken", typeof(string), "The token of the previous page.")]
    [ProducesResponseType(typeof(CampaignListView), StatusCodes.Status200OK)]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var actor = http.Actor(request, CampaignHttp.AnyCampaignRole);
        if (actor.Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var pageSize = request.QueryInt("pageSize", 50, 1, CampaignQuery.MaxPageSize);
        if (pageSize.Problem is { } badSize)
        {
            return ApiResult.Problem(badSize, request);
        }

        CampaignState? state = null;
        var rawState = request.Query["state"].ToString();
        if (rawState.Length > 0)
        {
            if (!Enum.TryParse<CampaignState>(rawState, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(rawState, out _))
            {
                return ApiResult.Problem(Problem.Validation("state", $"One of {string.Join(", ", Enum.GetNames<CampaignState>())}."), request);
            }

            state = parsed;
        }

        var token = request.Query["continuationToken"].ToString();
        if (token.Length > 1000)
        {
            return ApiResult.Problem(Problem.Validation("continuationToken", "Not a token this API issued."), request);
        }

        var page = await planning.ListAsync(new CampaignQuery(state, pageSize.Value, token.Length == 0 ? null : token), cancellationToken);
        return CampaignHttp.Ok(new CampaignListView([.. page.Items.Select(CampaignView.Of)], page.ContinuationToken));
    }

    /// <summary>Errors and warnings of a plan without saving it (the planner's "check" button).</summary>
    [Function("CheckCampaignPlan")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("Errors and warnings of a plan without saving it.")]
    [RequestBody(typeof(CampaignPlan))]
    [ProducesResponseType(typeof(CampaignPlanCheckView), StatusCodes.Status200OK)]
    public async Task<IActionResult> Check(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{campaignId}/check")] HttpRequest request,
        string campaignId,
        CancellationToken cancellationToken)
    {
        var actor = http.Actor(request, CampaignHttp.AnyCampaignRole);
        if (actor.Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        if (!CampaignPlanRules.IsValidCampaignId(campaignId))
        {
            return ApiResult.Problem(Problem.Validation("campaignId", "Letters, digits, '-' or '_' (at most 64), starting with a letter or digit."), request);
        }

        var plan = await CampaignHttp.ReadAsync<CampaignPlan>(request, cancellationToken);
        if (plan.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var check = await planning.CheckAsync(campaignId, plan.Value!, cancellationToken);
        return CampaignHttp.Ok(new CampaignPlanCheckView(check.IsValid, check.Errors.ToDictionary(), check.Warnings));
    }

    [Function("GetCampaignAuditTrail")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("Who did what to the campaign and when, in order.")]
    [ProducesResponseType(typeof(IReadOnlyList<CampaignAuditEntry>), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Audit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns/{campaignId}/audit")] HttpRequest request,
        string campaignId,
        CancellationToken cancellationToken)
    {
        var actor = http.Actor(request, CampaignHttp.AnyCampaignRole);
        if (actor.Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var trail = await planning.AuditTrailAsync(campaignId, cancellationToken);
        return trail.ToApiResult(request, entries => CampaignHttp.Ok(entries));
    }

    /// <summary>The caller-chosen id of a new campaign (optional <c>id</c> property of the plan body).</summary>
    private static async Task<Result<string?>> ReadIdAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await request.ReadBodyAsync(cancellationToken);
        using var document = JsonDocument.Parse(body.Value!);
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("id", out var id) || id.ValueKind == JsonValueKind.Null)
        {
            return (string?)null;
        }

        return id.ValueKind == JsonValueKind.String && CampaignPlanRules.IsValidCampaignId(id.GetString())
            ? id.GetString()
            : Problem.Validation("id", "Letters, digits, '-' or '_' (at most 64), starting with a letter or digit.");
    }
}
