using EcomFunctions.App.Platform;
using EcomFunctions.App.Platform.OpenApi;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using EcomFunctions.Storage.Campaigns;
using Microsoft.Extensions.Options;

namespace EcomFunctions.App.Campaigns;

/// <summary>
/// Driving a campaign: submit (starts <c>campaign-{id}</c> once), approval (four-eyes), readiness, pause, resume, kill,
/// extend, cancel, reopen, mechanic pause/resume, lessons learned. Each endpoint applies the change through the domain
/// (audited, version-checked, liveness published in the same save) and then signals the orchestration.
/// </summary>
public sealed class CampaignLifecycleFunctions(
    CampaignPlanning planning,
    CampaignApprovals approvals,
    CampaignOperations operations,
    CampaignHttp http,
    IdempotentRequests idempotency,
    CampaignPublication publication,
    IOptions<CampaignRuntimeOptions> runtime,
    TimeProvider time)
{
    [Function("SubmitCampaign")]
    [OperatorEndpoint(OperatorRoles.CampaignManager)]
    [ApiSummary("Submits a Draft for approval and starts its orchestration campaign-{id} (once, however often it is called).")]
    [ProducesResponseType(typeof(SubmitResponse), StatusCodes.Status202Accepted)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    [ProducesResponseType(StatusCodes.Status412PreconditionFailed)]
    public async Task<IActionResult> Submit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{campaignId}/submit")] HttpRequest request,
        string campaignId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var command = http.Command(request, OperatorRoles.CampaignManager);
        if (command.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        return await idempotency.RunAsync(request, "campaign-submit", keyRequired: false, async () =>
        {
            // A repeated submit is a no-op in the domain and StartOnceAsync finds the running instance: one orchestration.
            var submitted = await planning.SubmitAsync(campaignId, command.Value!.ExpectedVersion, command.Value.Actor, cancellationToken);
            if (!submitted.IsSuccess)
            {
                return ApiResult.Problem(submitted.Problem!, request);
            }

            var instanceId = CampaignSignals.InstanceId(campaignId);
            var settings = runtime.Value;
            var started = await client.StartOnceAsync(nameof(CampaignOrchestration.CampaignOrchestrator), instanceId,
                new CampaignRun(campaignId, Retry: new RunRetry(settings.ActivityAttempts, settings.ActivityRetryInterval.TotalSeconds)), cancellationToken);
            return CampaignHttp.Json(StatusCodes.Status202Accepted, new SubmitResponse(instanceId, started, CampaignView.Of(submitted.Value!)))
                .WithHeader("Location", $"/api/campaigns/{campaignId}/status")
                .WithHeader("ETag", CampaignHttp.ETagOf(submitted.Value!.Version));
        }, cancellationToken);
    }

    /// <summary>Approve or reject: CampaignApprover only, and never whoever created, edited or submitted the plan (403).</summary>
    [Function("DecideCampaignApproval")]
    [OperatorEndpoint(OperatorRoles.CampaignApprover)]
    [ApiSummary("Approves or rejects (with a reason) a submitted campaign; the approver must not be its creator, editor or submitter (403); audited.")]
    [RequestBody(typeof(ApprovalRequest))]
    [ProducesResponseType(typeof(CampaignView), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status403Forbidden)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Approval(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{campaignId}/approval")] HttpRequest request,
        string campaignId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var command = await http.ReadCommandAsync<ApprovalRequest>(request, [OperatorRoles.CampaignApprover], cancellationToken);
        if (command.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var (actor, decision, expected) = command.Value!;
        var decided = decision.Approved
            ? await approvals.ApproveAsync(campaignId, decision.Comment, expected, actor, cancellationToken)
            : await approvals.RejectAsync(campaignId, decision.Comment!, expected, actor, cancellationToken);
        return await SignalAsync(request, client, campaignId, CampaignSignals.Approval, actor, decision.Comment, decided, cancellationToken);
    }

    [Function("GetCampaignReadiness")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("The readiness gate: what is confirmed, what is missing, any override.")]
    [ProducesResponseType(typeof(CampaignReadinessView), StatusCodes.Status200OK)]
    public async Task<IActionResult> GetReadiness(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns/{campaignId}/readiness")] HttpRequest request,
        string campaignId,
        CancellationToken cancellationToken)
    {
        var actor = http.Actor(request, CampaignHttp.AnyCampaignRole);
        if (actor.Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var campaign = await planning.GetAsync(campaignId, cancellationToken);
        return campaign.ToApiResult(request, c =>
        {
            var report = ReadinessGate.Check(c);
            return CampaignHttp.Ok(new CampaignReadinessView(report.IsReady, report.IsOverridden, report.Missing, c.Readiness.Confirmations, c.Readiness.Override));
        });
    }

    /// <summary>Confirm readiness items, name contingency owners, or override the gate with a reason (all audited).</summary>
    [Function("UpdateCampaignReadiness")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("Confirms readiness items, names contingency owners or overrides the gate with a reason (audited).")]
    [RequestBody(typeof(ReadinessRequest))]
    [ProducesResponseType(typeof(CampaignView), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Readiness(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{campaignId}/readiness")] HttpRequest request,
        string campaignId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var command = await http.ReadCommandAsync<ReadinessRequest>(request, CampaignHttp.AnyCampaignRole, cancellationToken);
        if (command.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        // One change for the whole request: a refused part leaves the campaign as it was (no partial write).
        var (actor, body, expected) = command.Value!;
        var result = await operations.UpdateReadinessAsync(campaignId,
            new ReadinessUpdate(body.Confirm, body.Note, body.ContingencyOwners, body.OverrideReason), expected, actor, cancellationToken);
        return await SignalAsync(request, client, campaignId, CampaignSignals.Readiness, actor, body.OverrideReason ?? body.Note, result, cancellationToken);
    }

    [Function("PauseCampaign")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("Pauses a live campaign (claims and redemptions stop within 1 s).")]
    [RequestBody(typeof(ReasonRequest))]
    [ProducesResponseType(typeof(CampaignView), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public Task<IActionResult> Pause(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{campaignId}/pause")] HttpRequest request,
        string campaignId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        ReasonedAsync(request, campaignId, client, CampaignSignals.Pause,
            (reason, expected, actor) => operations.PauseAsync(campaignId, reason, expected, actor, cancellationToken), cancellationToken);

    [Function("ResumeCampaign")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("Resumes a paused campaign (body optional).")]
    [RequestBody(typeof(CommentRequest))]
    [ProducesResponseType(typeof(CampaignView), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Resume(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{campaignId}/resume")] HttpRequest request,
        string campaignId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var command = await http.ReadCommandAsync(request, CampaignHttp.AnyCampaignRole, cancellationToken, new CommentRequest());
        if (command.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var (actor, body, expected) = command.Value!;
        var resumed = await operations.ResumeAsync(campaignId, body.Comment, expected, actor, cancellationToken);
        return await SignalAsync(request, client, campaignId, CampaignSignals.Resume, actor, body.Comment, resumed, cancellationToken);
    }

    /// <summary>The emergency stop: the saved kill is what the coupon claim path reads (within 1 s); the orchestration then winds down.</summary>
    [Function("KillCampaign")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("Emergency stop: the coupon claim path sees it within 1 s; the campaign is still evaluated.")]
    [RequestBody(typeof(ReasonRequest))]
    [ProducesResponseType(typeof(CampaignView), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public Task<IActionResult> Kill(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{campaignId}/kill")] HttpRequest request,
        string campaignId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        ReasonedAsync(request, campaignId, client, CampaignSignals.Kill,
            (reason, expected, actor) => operations.KillAsync(campaignId, reason, expected, actor, cancellationToken), cancellationToken);

    [Function("ExtendCampaign")]
    [OperatorEndpoint(OperatorRoles.CampaignManager)]
    [ApiSummary("Moves the end later (the plan is checked again).")]
    [RequestBody(typeof(ExtendRequest))]
    [ProducesResponseType(typeof(CampaignView), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Extend(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{campaignId}/extend")] HttpRequest request,
        string campaignId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var command = await http.ReadCommandAsync<ExtendRequest>(request, [OperatorRoles.CampaignManager], cancellationToken);
        if (command.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var (actor, body, expected) = command.Value!;
        var extended = await operations.ExtendAsync(campaignId, body.End, body.Reason, expected, actor, cancellationToken);
        return await SignalAsync(request, client, campaignId, CampaignSignals.Extend, actor, body.Reason, extended, cancellationToken);
    }

    [Function("CancelCampaign")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("Cancels a campaign before it ended.")]
    [RequestBody(typeof(ReasonRequest))]
    [ProducesResponseType(typeof(CampaignView), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public Task<IActionResult> Cancel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{campaignId}/cancel")] HttpRequest request,
        string campaignId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        ReasonedAsync(request, campaignId, client, CampaignSignals.Cancel,
            (reason, expected, actor) => planning.CancelAsync(campaignId, reason, expected, actor, cancellationToken), cancellationToken);

    [Function("ReopenCampaign")]
    [OperatorEndpoint(OperatorRoles.CampaignManager)]
    [ApiSummary("Reopens a rejected campaign as a Draft.")]
    [ProducesResponseType(typeof(CampaignView), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Reopen(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{campaignId}/reopen")] HttpRequest request,
        string campaignId,
        CancellationToken cancellationToken)
    {
        var command = http.Command(request, OperatorRoles.CampaignManager);
        if (command.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var reopened = await planning.ReopenAsync(campaignId, command.Value!.ExpectedVersion, command.Value.Actor, cancellationToken);
        return reopened.ToApiResult(request, c => CampaignHttp.Campaign(c));
    }

    [Function("PauseCampaignMechanic")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("Pauses one mechanic of a campaign.")]
    [RequestBody(typeof(ReasonRequest))]
    [ProducesResponseType(typeof(CampaignView), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public Task<IActionResult> PauseMechanic(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{campaignId}/mechanics/{mechanicId}/pause")] HttpRequest request,
        string campaignId,
        string mechanicId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        ReasonedAsync(request, campaignId, client, CampaignSignals.Pause,
            (reason, expected, actor) => operations.PauseMechanicAsync(campaignId, mechanicId, reason, expected, actor, cancellationToken), cancellationToken);

    [Function("ResumeCampaignMechanic")]
    [OperatorEndpoint(OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover)]
    [ApiSummary("Resumes a paused mechanic (body optional).")]
    [RequestBody(typeof(CommentRequest))]
    [ProducesResponseType(typeof(CampaignView), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> ResumeMechanic(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{campaignId}/mechanics/{mechanicId}/resume")] HttpRequest request,
        string campaignId,
        string mechanicId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var command = await http.ReadCommandAsync(request, CampaignHttp.AnyCampaignRole, cancellationToken, new CommentRequest());
        if (command.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var (actor, body, expected) = command.Value!;
        var resumed = await operations.ResumeMechanicAsync(campaignId, mechanicId, body.Comment, expected, actor, cancellationToken);
        return await SignalAsync(request, client, campaignId, CampaignSignals.Resume, actor, body.Comment, resumed, cancellationToken);
    }

    [Function("RecordCampaignLessons")]
    [OperatorEndpoint(OperatorRoles.CampaignManager)]
    [ApiSummary("Lessons learned for the report, once the campaign has stopped.")]
    [RequestBody(typeof(LessonsRequest))]
    [ProducesResponseType(typeof(CampaignView), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Lessons(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "campaigns/{campaignId}/lessons")] HttpRequest request,
        string campaignId,
        CancellationToken cancellationToken)
    {
        var command = await http.ReadCommandAsync<LessonsRequest>(request, [OperatorRoles.CampaignManager], cancellationToken);
        if (command.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var (actor, body, expected) = command.Value!;
        var recorded = await planning.RecordLessonsAsync(campaignId, body.LessonsLearned, expected, actor, cancellationToken);
        return recorded.ToApiResult(request, c => CampaignHttp.Campaign(c));
    }

    private async Task<IActionResult> ReasonedAsync(
        HttpRequest request, string campaignId, DurableTaskClient client, string signal,
        Func<string, long?, CampaignActor, Task<Result<Campaign>>> operation, CancellationToken cancellationToken)
    {
        var command = await http.ReadCommandAsync<ReasonRequest>(request, CampaignHttp.AnyCampaignRole, cancellationToken);
        if (command.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var (actor, body, expected) = command.Value!;
        var result = await operation(body.Reason, expected, actor);
        return await SignalAsync(request, client, campaignId, signal, actor, body.Reason, result, cancellationToken);
    }

    /// <summary>After a successful change, wakes the orchestration (who, why, when travel with the signal).</summary>
    private async Task<IActionResult> SignalAsync(
        HttpRequest request, DurableTaskClient client, string campaignId, string name, CampaignActor actor, string? reason, Result<Campaign> result,
        CancellationToken cancellationToken)
    {
        if (!result.IsSuccess)
        {
            return ApiResult.Problem(result.Problem!, request);
        }

        // Repairs the published liveness should an earlier attempt of this request have saved the change and then failed.
        await publication.SyncAsync(result.Value!, cancellationToken);
        await CampaignSignals.RaiseAsync(client, campaignId, name, new CampaignSignal(name, actor.Id, reason, time.GetUtcNow()), cancellationToken);
        return CampaignHttp.Campaign(result.Value!);
    }
}
