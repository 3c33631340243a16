using EcomFunctions.App.Platform;
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

    [Function("GetMember")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "members/{memberId}")] HttpRequest request,
        string memberId,
        CancellationToken cancellationToken)
    {
        var found = await profiles.GetVersionedAsync(memberId, cancellationToken);
        return found.ToApiResult(request, v => ApiResult.Ok(v.Member).WithHeader("ETag", ETag(v.Version)));
    }

    [Function("DeleteMember")]
    public async Task<IActionResult> Delete(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "members/{memberId}")] HttpRequest request,
        string memberId,
        CancellationToken cancellationToken) =>
        (await profiles.EraseAsync(memberId, cancellationToken)).ToApiResult(request);

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
