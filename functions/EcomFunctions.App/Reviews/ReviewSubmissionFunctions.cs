using EcomFunctions.App.Platform;
using EcomFunctions.App.Platform.OpenApi;
using EcomFunctions.Domain.Reviews;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace EcomFunctions.App.Reviews;

/// <summary>Storefront endpoints (function key): submit a review, and read its moderation status.</summary>
public sealed class ReviewSubmissionFunctions(ReviewSubmissions submissions, ReviewOperations operations)
{
    /// <summary>
    /// 202 {id, status}: accepted and screened asynchronously. A retry of the same submission (same member, order,
    /// product and content) returns the same review; a different review of the same purchase is a 409.
    /// </summary>
    [Function("SubmitReview")]
    [ApiSummary("Submits a member's review of a purchased product (rating 1-5, text up to 2 000 characters, up to 9 image URLs); screened asynchronously.")]
    [RequestBody(typeof(SubmitReviewRequest))]
    [ProducesResponseType(typeof(SubmitReviewResponse), StatusCodes.Status202Accepted)]
    [ProducesResponseType(StatusCodes.Status400BadRequest)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Submit(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "reviews")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var input = await request.ReadValidatedAsync<SubmitReviewRequest>(cancellationToken);
        if (input.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var outcome = await submissions.SubmitAsync(input.Value!.ToSubmission(), cancellationToken);
        return outcome.ToApiResult(request, o => ApiResult.Accepted(new SubmitReviewResponse(o.Review.Id, o.Review.Status.ToString()), $"/api/reviews/{o.Review.Id}")
            .WithHeader("ETag", ReviewInput.ETag(o.Review.Version)));
    }

    [Function("GetReviewStatus")]
    [ApiSummary("The moderation status of a review (Pending, Approved, Rejected, NeedsReview).")]
    [ProducesResponseType(typeof(ReviewStatusView), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Status(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "reviews/{reviewId}")] HttpRequest request,
        string reviewId,
        CancellationToken cancellationToken)
    {
        var review = await operations.GetAsync(reviewId, cancellationToken);
        return review.ToApiResult(request, r => ApiResult.Ok(ReviewStatusView.From(r)).WithHeader("ETag", ReviewInput.ETag(r.Version)));
    }
}
