using EcomFunctions.App.Platform;
using EcomFunctions.App.Platform.OpenApi;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace EcomFunctions.App.Coupons;

/// <summary>
/// A shopper claims a coupon (storefront, function key): 201 with the coupon; 410 sold out / budget; 409 member or
/// daily limit; 403 tier; 423 campaign not live or claims closed; 404 definition or member; 400 invalid input.
/// </summary>
/// <remarks>
/// Idempotency-Key is required and is the claim's issue key (scoped to the member): the same key returns the same
/// coupon (201 again, header Idempotent-Replayed), and concurrent duplicates share one attempt. It is not run through
/// the platform's stored-response store on purpose: the issue key already makes the claim idempotent in the member's
/// partition, and skipping three extra storage operations per request is what keeps a flash sale's claim path near the
/// raw insert rate. Refusals are evaluated afresh on a retry (they changed nothing).
/// </remarks>
public sealed class ClaimCouponFunction(CouponClaims claims)
{
    [Function("ClaimCoupon")]
    [ApiSummary("A shopper claims a coupon (Idempotency-Key required): 201 coupon; 410 sold out; 409 member or daily limit; 403 tier; 423 campaign not live; 404.")]
    [RequestBody(typeof(ClaimRequest))]
    [ProducesResponseType(typeof(CouponResponse), StatusCodes.Status201Created)]
    [ProducesResponseType(StatusCodes.Status403Forbidden)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    [ProducesResponseType(StatusCodes.Status410Gone)]
    [ProducesResponseType(StatusCodes.Status423Locked)]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "coupons/{definitionId}/claim")] HttpRequest request,
        string definitionId,
        CancellationToken cancellationToken)
    {
        var key = request.IdempotencyKey();
        if (key is null)
        {
            return ApiResult.Problem(Problem.Validation(HttpRequestExtensions.IdempotencyKeyHeader, "An Idempotency-Key header is required to claim a coupon."), request);
        }

        var input = await request.ReadValidatedAsync<ClaimRequest>(cancellationToken);
        if (input.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        return await CouponHttp.GuardAsync(request, async () =>
        {
            var claimed = await claims.ClaimAsync(definitionId, input.Value!.MemberId, key, cancellationToken);
            return claimed.ToApiResult(request, issued =>
            {
                var created = ApiResult.Created($"/api/members/{Uri.EscapeDataString(issued.Coupon.MemberId!)}/coupons", CouponResponse.From(issued.Coupon));
                return issued.Replayed ? created.WithHeader(IdempotentRequests.ReplayedHeader, "true") : created;
            });
        });
    }
}

/// <summary>The member wallet (storefront, function key): coupons with their state and expiry, soonest expiry first.</summary>
public sealed class CouponWalletFunction(CouponWallets wallets)
{
    [Function("GetMemberCoupons")]
    [ApiSummary("The member's wallet: coupons with state and expiry, soonest expiry first.")]
    [QueryParameter("history", typeof(bool), "false lists only usable coupons (default true: every coupon).")]
    [ProducesResponseType(typeof(WalletResponse), StatusCodes.Status200OK)]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "members/{memberId}/coupons")] HttpRequest request,
        string memberId,
        CancellationToken cancellationToken)
    {
        // history=false lists only coupons still usable (available, not yet valid, reserved).
        var history = request.Query["history"].ToString();
        if (history.Length > 0 && !bool.TryParse(history, out _))
        {
            return ApiResult.Problem(Problem.Validation("history", "Must be true or false."), request);
        }

        var includeHistory = history.Length == 0 || bool.Parse(history);
        return await CouponHttp.GuardAsync(request, async () =>
        {
            var wallet = await wallets.GetAsync(memberId, includeHistory, cancellationToken);
            return wallet.ToApiResult(request, lines => ApiResult.Ok(new WalletResponse(memberId, [.. lines.Select(WalletLineResponse.From)])));
        });
    }
}
