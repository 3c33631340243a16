using EcomFunctions.App.Platform;
using EcomFunctions.App.Platform.OpenApi;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.App.Coupons;

/// <summary>
/// Redemption (storefront, function key): validate against a cart → reserve for an order (idempotent per order id) →
/// confirm on payment or release on cancel; lapsed reservations are swept by a timer and return the coupon.
/// </summary>
public sealed class CouponRedemptionFunctions(CouponRedemptions redemptions, ILogger<CouponRedemptionFunctions> logger)
{
    /// <summary>The discount of each code on the cart, or why it does not apply (200 either way; 400 for bad input).</summary>
    [Function("ValidateCoupons")]
    [ApiSummary("The discount each code gives on a cart, or why it does not apply; changes nothing.")]
    [RequestBody(typeof(ValidateRequest))]
    [ProducesResponseType(typeof(EvaluationResponse), StatusCodes.Status200OK)]
    public async Task<IActionResult> Validate(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "coupons/redemptions/validate")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var read = await ReadWithCartAsync<ValidateRequest>(request, cancellationToken);
        if (read.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var (input, cart) = read.Value;
        return await CouponHttp.GuardAsync(request, async () =>
            (await redemptions.ValidateAsync(input.MemberId, input.Codes, cart, cancellationToken))
                .ToApiResult(request, e => ApiResult.Ok(EvaluationResponse.From(e))));
    }

    /// <summary>Reserves the order's coupons, all or nothing; the same order id again returns the same reservation.</summary>
    [Function("ReserveCoupons")]
    [ApiSummary("Reserves coupons for an unpaid order, all or nothing, idempotent per order id; reservations lapse after 30 minutes by default.")]
    [RequestBody(typeof(ReserveRequest))]
    [ProducesResponseType(typeof(ReservationResponse), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IActionResult> Reserve(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "coupons/redemptions")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var read = await ReadWithCartAsync<ReserveRequest>(request, cancellationToken);
        if (read.Problem is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var (input, cart) = read.Value;
        return await CouponHttp.GuardAsync(request, async () =>
            (await redemptions.ReserveAsync(input.MemberId, input.OrderId, input.Codes, cart, cancellationToken))
                .ToApiResult(request, r => ApiResult.Ok(ReservationResponse.From(r))));
    }

    [Function("ConfirmCouponRedemption")]
    [ApiSummary("Redeems the order's reserved coupons on payment (idempotent); publishes CouponRedeemed.")]
    [ProducesResponseType(typeof(RedemptionResponse), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public Task<IActionResult> Confirm(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "coupons/redemptions/{orderId}/confirm")] HttpRequest request,
        string orderId,
        CancellationToken cancellationToken) =>
        RespondAsync(request, async () => (await redemptions.ConfirmAsync(orderId, cancellationToken)).ToApiResult(request, r => ApiResult.Ok(RedemptionResponse.From(r))));

    [Function("ReleaseCouponReservation")]
    [ApiSummary("Releases the order's reservations (order cancelled): the coupons return to the wallet.")]
    [ProducesResponseType(typeof(OrderRelease), StatusCodes.Status200OK)]
    public Task<IActionResult> Release(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "coupons/redemptions/{orderId}/release")] HttpRequest request,
        string orderId,
        CancellationToken cancellationToken) =>
        RespondAsync(request, async () => (await redemptions.ReleaseAsync(orderId, cancellationToken)).ToApiResult(request, r => ApiResult.Ok(r)));

    /// <summary>
    /// Every minute: reservations that lapsed (CouponOptions.ReservationExpiry after they were made) go back to the
    /// wallet with CouponReleased. The rules already treat a lapsed reservation as released, so a late sweep delays
    /// only the wallet view and the event, never a redemption.
    /// </summary>
    [Function("ExpireCouponReservations")]
    public async Task Expire([TimerTrigger("0 */1 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var released = await redemptions.ExpireReservationsAsync(cancellationToken);
        if (released > 0)
        {
            logger.LogInformation("Released {Count} lapsed coupon reservation(s).", released);
        }
    }

    /// <summary>The body and the cart it carries, or the first problem with either (400 with field errors).</summary>
    private static async Task<Result<(T Input, Cart Cart)>> ReadWithCartAsync<T>(HttpRequest request, CancellationToken cancellationToken) where T : class, ICartRequest
    {
        var input = await request.ReadValidatedAsync<T>(cancellationToken);
        if (input.Problem is { } invalid)
        {
            return invalid;
        }

        var cart = input.Value!.Cart.ToCart();
        return cart.Problem is { } badCart ? badCart : (input.Value, cart.Value!);
    }

    private static async Task<IActionResult> RespondAsync(HttpRequest request, Func<Task<ApiResult>> operation) =>
        await CouponHttp.GuardAsync(request, operation);
}
