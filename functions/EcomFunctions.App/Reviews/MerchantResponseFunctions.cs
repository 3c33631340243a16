using EcomFunctions.App.Platform;
using EcomFunctions.App.Platform.OpenApi;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Reviews;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.App.Reviews;

/// <summary>The merchant-response queue of negative reviews, responses, and the hourly SLA check.</summary>
public sealed class MerchantResponseFunctions(OperatorAuthentication operators, ReviewOperations operations, ReviewOptions options, TimeProvider time, ILogger<MerchantResponseFunctions> logger)
{
    /// <summary>Unanswered negative reviews, earliest due first; <c>?overdue=true</c> only overdue ones, <c>false</c> only those still in time.</summary>
    [Function("ListNegativeReviews")]
    [OperatorEndpoint(OperatorRoles.Merchant, OperatorRoles.Moderator)]
    [ApiSummary("Negative reviews waiting for a merchant response, earliest due first.")]
    [QueryParameter("overdue", typeof(bool), "true: only overdue; false: only those still in time; absent: all.")]
    [QueryParameter("pageSize", typeof(int), "Reviews per page (1-100, default 20).")]
    [QueryParameter("continuationToken", typeof(string), "The token of the previous page.")]
    [ProducesResponseType(typeof(PageView<NegativeReviewView>), StatusCodes.Status200OK)]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reviews/negative")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (operators.Require(request, OperatorRoles.Merchant, OperatorRoles.Moderator).Problem is { } denied)
        {
            return ApiResult.Problem(denied, request);
        }

        var pageSize = request.QueryInt("pageSize", options.DefaultPageSize, 1, options.MaxPageSize);
        var filter = Filter(request.Query["overdue"].ToString());
        if ((pageSize.Problem ?? filter.Problem) is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var page = await operations.ResponseQueueAsync(filter.Value, pageSize.Value, request.Query["continuationToken"].ToString(), cancellationToken);
        var now = time.GetUtcNow();
        return page.ToApiResult(request, p => ApiResult.Ok(new PageView<NegativeReviewView>(p.Items.Select(r => NegativeReviewView.From(r, now)).ToList(), p.ContinuationToken)));
    }

    /// <summary>The merchant's public answer (once per review; published reviews only). Honours If-Match.</summary>
    [Function("RespondToReview")]
    [OperatorEndpoint(OperatorRoles.Merchant)]
    [ApiSummary("The merchant's public response to a published review (once); If-Match optional.")]
    [RequestBody(typeof(ResponseRequest))]
    [ProducesResponseType(typeof(ModerationReviewView), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Respond(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reviews/{reviewId}/response")] HttpRequest request,
        string reviewId,
        CancellationToken cancellationToken)
    {
        var command = await operators.ReadCommandAsync<ResponseRequest>(request, OperatorRoles.Merchant, cancellationToken);
        if (command.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var answered = await operations.RespondAsync(reviewId, command.Value!.Input.Text, command.Value.Actor, command.Value.ExpectedVersion, cancellationToken);
        return answered.ToApiResult(request, r => ApiResult.Ok(ModerationReviewView.From(r)).WithHeader("ETag", ReviewInput.ETag(r.Version)));
    }

    /// <summary>Hourly: flags negative reviews unanswered past the SLA and publishes ResponseOverdue, once per review.</summary>
    [Function("FlagOverdueResponses")]
    public async Task FlagOverdue([TimerTrigger("0 5 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var flagged = await operations.FlagOverdueResponsesAsync(cancellationToken);
        if (flagged > 0)
        {
            logger.LogInformation("Flagged {Count} overdue merchant response(s).", flagged);
        }
    }

    private static Result<ResponseQueueFilter> Filter(string overdue) => overdue.ToUpperInvariant() switch
    {
        "" => ResponseQueueFilter.All,
        "TRUE" => ResponseQueueFilter.Overdue,
        "FALSE" => ResponseQueueFilter.InTime,
        _ => Problem.Validation("overdue", "Must be true or false."),
    };
}
