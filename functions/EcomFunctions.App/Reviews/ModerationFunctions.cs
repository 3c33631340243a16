using EcomFunctions.App.Platform;
using EcomFunctions.App.Platform.OpenApi;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Reviews;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace EcomFunctions.App.Reviews;

/// <summary>Moderator endpoints: the queue, decisions with their audit trail, and the blocklist.</summary>
public sealed class ModerationFunctions(OperatorAuthentication operators, ReviewOperations operations, ModerationBlocklist blocklist, ReviewOptions options)
{
    [Function("GetModerationQueue")]
    [OperatorEndpoint(OperatorRoles.Moderator)]
    [ApiSummary("Reviews waiting for a moderator, oldest submission first, with every screening reason and its matched spans.")]
    [QueryParameter("pageSize", typeof(int), "Reviews per page (1-100, default 20).")]
    [QueryParameter("continuationToken", typeof(string), "The token of the previous page.")]
    [ProducesResponseType(typeof(PageView<ModerationReviewView>), StatusCodes.Status200OK)]
    public async Task<IActionResult> Queue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "moderation/queue")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (operators.Require(request, OperatorRoles.Moderator).Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var pageSize = request.QueryInt("pageSize", options.DefaultPageSize, 1, options.MaxPageSize);
        if (pageSize.Problem is { } bad)
        {
            return ApiResult.Problem(bad, request);
        }

        var page = await operations.ModerationQueueAsync(pageSize.Value, request.Query["continuationToken"].ToString(), cancellationToken);
        return page.ToApiResult(request, p => ApiResult.Ok(new PageView<ModerationReviewView>(p.Items.Select(ModerationReviewView.From).ToList(), p.ContinuationToken)));
    }

    [Function("GetReviewForModeration")]
    [OperatorEndpoint(OperatorRoles.Moderator, OperatorRoles.Merchant)]
    [ApiSummary("A review with its screening reasons, decisions, response and audit trail.")]
    [ProducesResponseType(typeof(ReviewDetailView), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Detail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "moderation/reviews/{reviewId}")] HttpRequest request,
        string reviewId,
        CancellationToken cancellationToken)
    {
        if (operators.Require(request, OperatorRoles.Moderator, OperatorRoles.Merchant).Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var detail = await operations.GetDetailAsync(reviewId, cancellationToken);
        return detail.ToApiResult(request, d => ApiResult.Ok(new ReviewDetailView(ModerationReviewView.From(d.Review), d.AuditTrail.Select(AuditEntryView.Of).ToList()))
            .WithHeader("ETag", ReviewInput.ETag(d.Review.Version)));
    }

    /// <summary>Approve or reject with a reason (audited). Honours If-Match with the review's ETag.</summary>
    [Function("DecideReview")]
    [OperatorEndpoint(OperatorRoles.Moderator)]
    [ApiSummary("Approves or rejects a review with a reason (audited); If-Match with the review's ETag guards against a concurrent decision.")]
    [RequestBody(typeof(DecisionRequest))]
    [ProducesResponseType(typeof(ModerationReviewView), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    [ProducesResponseType(StatusCodes.Status412PreconditionFailed)]
    public async Task<IActionResult> Decide(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reviews/{reviewId}/decision")] HttpRequest request,
        string reviewId,
        CancellationToken cancellationToken)
    {
        var command = await operators.ReadCommandAsync<DecisionRequest>(request, OperatorRoles.Moderator, cancellationToken);
        if (command.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var (_, input, expected) = command.Value!;
        var decided = await operations.DecideAsync(reviewId, input.Decision == ModerationVerdict.Approve, input.Reason.Trim(),
            command.Value.Actor, expected, cancellationToken);
        return decided.ToApiResult(request, r => ApiResult.Ok(ModerationReviewView.From(r)).WithHeader("ETag", ReviewInput.ETag(r.Version)));
    }

    [Function("GetBlocklist")]
    [OperatorEndpoint(OperatorRoles.Moderator)]
    [ApiSummary("The blocklist screening uses (terms with category and action), with its version as ETag.")]
    [ProducesResponseType(typeof(BlocklistView), StatusCodes.Status200OK)]
    public async Task<IActionResult> GetBlocklist(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "moderation/blocklist")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (operators.Require(request, OperatorRoles.Moderator).Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var stored = await blocklist.GetAsync(cancellationToken);
        return ApiResult.Ok(BlocklistView.From(stored)).WithHeader("ETag", ReviewInput.ETag(stored.Version));
    }

    /// <summary>
    /// Replaces the whole list (validation errors per entry, e.g. <c>entries[3].term</c>). This instance screens with it
    /// from the next review on; the others within Reviews:BlocklistRefreshInterval. Honours If-Match.
    /// </summary>
    [Function("PutBlocklist")]
    [OperatorEndpoint(OperatorRoles.Moderator)]
    [ApiSummary("Replaces the blocklist (validation errors per entry); screening uses it from the next review on, on every instance within seconds.")]
    [RequestBody(typeof(BlocklistRequest))]
    [ProducesResponseType(typeof(BlocklistView), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status412PreconditionFailed)]
    public async Task<IActionResult> PutBlocklist(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "moderation/blocklist")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var command = await operators.ReadCommandAsync<BlocklistRequest>(request, OperatorRoles.Moderator, cancellationToken);
        if (command.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var entries = command.Value!.Input.Entries.Select(e => new BlocklistEntry(e.Term, e.Category, e.Action)).ToList();
        var saved = await blocklist.ReplaceAsync(entries, command.Value.ExpectedVersion, command.Value.Operator.Id, cancellationToken);
        return saved.ToApiResult(request, s => ApiResult.Ok(BlocklistView.From(s)).WithHeader("ETag", ReviewInput.ETag(s.Version)));
    }
}
