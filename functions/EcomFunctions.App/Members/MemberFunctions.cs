using EcomFunctions.App.Platform;
using EcomFunctions.App.Platform.OpenApi;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace EcomFunctions.App.Members;

/// <summary>
/// Storefront member endpoints (function key): profile sync, read, erasure, activities and points redemption. Thin: bind,
/// validate, call one use case, map the result. Bodies carrying personal data are never logged.
/// </summary>
public sealed class MemberFunctions(MemberProfiles profiles, MemberActivities activities, PointsRedemptions redemptions)
{
    [ApiSummary("Creates or updates a member profile from the storefront (tier, growth and points are ours); contact details are stored encrypted. If-Match with the ETag guards against lost updates.")]
    [RequestBody(typeof(MemberProfileRequest))]
    [Function("PutMember")]
    public async Task<IActionResult> Put(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "members/{memberId}")] HttpRequest request,
        string memberId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (MemberIds.Validate(memberId) is { } invalid)
        {
            return ApiResult.Problem(invalid, request);
        }

        var input = await request.ReadValidatedAsync<MemberProfileRequest>(cancellationToken);
        if (input.Problem is { } problem)
        {
            return ApiResult.Problem(problem, request);
        }

        var ifMatch = IfMatch(request);
        if (ifMatch == "*")
        {
            var current = await profiles.GetVersionedAsync(memberId, cancellationToken);
            if (!current.IsSuccess)
            {
                return ApiResult.Problem(Problem.PreconditionFailed($"Member {memberId} does not exist."), request);
            }

            ifMatch = null;
        }

        var outcome = await profiles.UpsertAsync(memberId, input.Value!.ToUpdate(), ifMatch, cancellationToken);
        return outcome.ToApiResult(request, o => (o.Created
                ? ApiResult.Created($"/api/members/{memberId}", o.Member)
                : ApiResult.Ok(o.Member))
            .WithHeader("ETag", ETag(o.Version)));
    }

    [ApiSummary("A member: tier, growth value, points, lifecycle state and next-tier progress (no contact details), with its version as ETag.")]
    [Function("GetMember")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "members/{memberId}")] HttpRequest request,
        string memberId,
        CancellationToken cancellationToken)
    {
        var found = await profiles.GetVersionedAsync(memberId, cancellationToken);
        return found.ToApiResult(request, v => ApiResult.Ok(v.Member).WithHeader("ETag", ETag(v.Version)));
    }

    [ApiSummary("Erases the member's personal data and keeps the aggregates (tier, growth, points, dates); idempotent.")]
    [Function("DeleteMember")]
    public async Task<IActionResult> Delete(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "members/{memberId}")] HttpRequest request,
        string memberId,
        CancellationToken cancellationToken) =>
        (await profiles.EraseAsync(memberId, cancellationToken)).ToApiResult(request);

    [ApiSummary("Records a login, purchase, approved review, share or task; idempotent per activity id.")]
    [RequestBody(typeof(ActivityRequest))]
    [Function("RecordMemberActivity")]
    public async Task<IActionResult> Activity(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "members/{memberId}/activity")] HttpRequest request,
        string memberId,
        CancellationToken cancellationToken)
    {
        var input = await request.ReadValidatedAsync<ActivityRequest>(cancellationToken);
        if (input.Problem is { } problem)
        {
            return ApiResult.Problem(problem, request);
        }

        var activity = input.Value!;
        var effect = await activities.RecordAsync(memberId, activity.ToActivity(), cancellationToken);
        return effect.ToApiResult(request, e => ApiResult.Ok(new ActivityResponse(memberId, activity.ActivityId, e.IsNew, e.Kind, e.GrowthAdded, e.PointsAdded, e.ShareCapReached)));
    }

    [ApiSummary("Redeems points at the member's tier ratio (409 insufficient-points); idempotent per redemption id.")]
    [RequestBody(typeof(RedemptionRequest))]
    [Function("RedeemMemberPoints")]
    public async Task<IActionResult> Redeem(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "members/{memberId}/points/redemptions")] HttpRequest request,
        string memberId,
        CancellationToken cancellationToken)
    {
        var input = await request.ReadValidatedAsync<RedemptionRequest>(cancellationToken);
        if (input.Problem is { } problem)
        {
            return ApiResult.Problem(problem, request);
        }

        var redeemed = await redemptions.RedeemAsync(memberId, input.Value!.RedemptionId, input.Value.Points, cancellationToken);
        return redeemed.ToApiResult(request);
    }

    private static string ETag(string version) => $"\"{version}\"";

    private static string? IfMatch(HttpRequest request)
    {
        var value = request.Headers.IfMatch.ToString().Trim();
        if (value.Length == 0)
        {
            return null;
        }

        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        return value.Trim('"');
    }
}
