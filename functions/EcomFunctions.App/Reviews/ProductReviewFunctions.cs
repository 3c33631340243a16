using EcomFunctions.App.Platform;
using EcomFunctions.App.Platform.OpenApi;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Reviews;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace EcomFunctions.App.Reviews;

/// <summary>What storefronts show on a product page: published reviews with responses and ratings, and keywords.</summary>
public sealed class ProductReviewFunctions(ProductReviews products, ReviewOptions options)
{
    public const int MaxKeywords = 100;

    [Function("ListProductReviews")]
    [ApiSummary("A product's published reviews, newest first, with merchant responses and the rating distribution.")]
    [QueryParameter("pageSize", typeof(int), "Reviews per page (1-100, default 20).")]
    [QueryParameter("continuationToken", typeof(string), "The token of the previous page.")]
    [ProducesResponseType(typeof(ProductReviewsView), StatusCodes.Status200OK)]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "products/{productId}/reviews")] HttpRequest request,
        string productId,
        CancellationToken cancellationToken)
    {
        var pageSize = request.QueryInt("pageSize", options.DefaultPageSize, 1, options.MaxPageSize);
        if ((ProductIdProblem(productId) ?? pageSize.Problem) is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var page = await products.ListAsync(productId, pageSize.Value, request.Query["continuationToken"].ToString(), cancellationToken);
        return page.ToApiResult(request, p => ApiResult.Ok(new ProductReviewsView(p.ProductId, RatingsView.From(p.Ratings),
            p.Items.Select(PublishedReviewView.From).ToList(), p.ContinuationToken)));
    }

    /// <summary>Top terms of the product's published reviews (jieba segmentation, stop words removed), by how many reviews use them.</summary>
    [Function("GetProductKeywords")]
    [ApiSummary("Top keywords of a product's published reviews (Chinese word segmentation, stop words removed).")]
    [QueryParameter("top", typeof(int), "How many keywords (1-100, default 20).")]
    [ProducesResponseType(typeof(KeywordsView), StatusCodes.Status200OK)]
    public async Task<IActionResult> Keywords(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "products/{productId}/keywords")] HttpRequest request,
        string productId,
        CancellationToken cancellationToken)
    {
        var top = request.QueryInt("top", 20, 1, MaxKeywords);
        if ((ProductIdProblem(productId) ?? top.Problem) is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var keywords = await products.TopKeywordsAsync(productId, top.Value, cancellationToken);
        return ApiResult.Ok(new KeywordsView(productId, keywords.ReviewsRead, keywords.Keywords));
    }

    private static Problem? ProductIdProblem(string productId)
    {
        var errors = new FieldErrors();
        ReviewInput.Id(errors, "productId", productId);
        return errors.ToProblem();
    }
}
