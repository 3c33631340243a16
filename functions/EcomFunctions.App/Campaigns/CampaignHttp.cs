using System.Globalization;
using System.Text.Json;
using EcomFunctions.App.Platform;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Platform;
using Microsoft.AspNetCore.Http;

namespace EcomFunctions.App.Campaigns;

/// <summary>
/// HTTP plumbing shared by the campaign endpoints: the operator as a <see cref="CampaignActor"/>, plan bodies in the
/// campaign JSON dialect (polymorphic mechanics), responses in that dialect with the version as ETag, and If-Match.
/// </summary>
public sealed class CampaignHttp(OperatorAuthentication operators)
{
    /// <summary>
    /// The signed-in operator with their campaign roles. Only roles an operator can hold pass through: the System role
    /// belongs to the orchestrator and is never taken from a request.
    /// </summary>
    public Result<CampaignActor> Actor(HttpRequest request, params string[] anyOfRoles)
    {
        var principal = operators.Require(request, anyOfRoles);
        if (!principal.IsSuccess)
        {
            return principal.Problem!;
        }

        var roles = principal.Value!.Roles.Where(r => r is CampaignRoles.Manager or CampaignRoles.Approver).ToList();
        return new CampaignActor(principal.Value.Id, roles);
    }

    /// <summary>
    /// An operator's command: who (with <paramref name="anyOfRoles"/>), the expected version from If-Match, and the body
    /// (validated like every JSON body; when <paramref name="whenEmpty"/> is given an absent body means that value).
    /// </summary>
    public async Task<Result<CampaignCommand<T>>> ReadCommandAsync<T>(HttpRequest request, string[] anyOfRoles, CancellationToken cancellationToken, T? whenEmpty = null)
        where T : class
    {
        var command = Command(request, anyOfRoles);
        if (!command.IsSuccess)
        {
            return command.Problem!;
        }

        var body = await request.ReadBodyAsync(cancellationToken);
        if (!body.IsSuccess)
        {
            return body.Problem!;
        }

        var input = whenEmpty is not null && body.Value!.Length == 0 ? whenEmpty : await request.ReadValidatedAsync<T>(cancellationToken);
        return input.IsSuccess ? new CampaignCommand<T>(command.Value!.Actor, input.Value!, command.Value.ExpectedVersion) : input.Problem!;
    }

    /// <summary>An operator's command without a body: who, and the expected version from If-Match.</summary>
    public Result<CampaignCommand<object>> Command(HttpRequest request, params string[] anyOfRoles)
    {
        var actor = Actor(request, anyOfRoles);
        if (!actor.IsSuccess)
        {
            return actor.Problem!;
        }

        var version = IfMatch(request);
        return version.IsSuccess ? new CampaignCommand<object>(actor.Value!, new object(), version.Value) : version.Problem!;
    }

    /// <summary>The operator roles that may work on campaigns at all.</summary>
    public static string[] AnyCampaignRole { get; } = [OperatorRoles.CampaignManager, OperatorRoles.CampaignApprover];

    /// <summary>A body in the campaign dialect (<see cref="CampaignJson.Api"/>): 415 unless JSON, 413 when too large, 400 with the JSON path for malformed input.</summary>
    public static async Task<Result<T>> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken) where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await request.ReadBodyAsync(cancellationToken);
        if (!body.IsSuccess)
        {
            return body.Problem!;
        }

        if (body.Value!.Length == 0)
        {
            return Problem.Validation("$", "A JSON body is required.");
        }

        var mediaType = (request.ContentType ?? "").Split(';', 2)[0].Trim();
        if (!mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) && !mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        {
            return new Problem(ProblemKind.UnsupportedMediaType, "Unsupported media type.", "Send the body as application/json.", Code: "unsupported-media-type");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(body.Value, CampaignJson.Api) is { } value
                ? value
                : Problem.Validation("$", "A JSON object is required, not null.");
        }
        catch (JsonException ex)
        {
            var path = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "$" : ex.Path.StartsWith("$.", StringComparison.Ordinal) ? ex.Path[2..] : ex.Path.TrimStart('$');
            return Problem.Validation(path, ex.Message.Split(" Path:", 2)[0]);
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or ArgumentException or FormatException or OverflowException)
        {
            return Problem.Validation("$", "The body is not a valid campaign document: " + ex.Message);
        }
    }

    /// <summary>The expected version from If-Match (<c>"7"</c>, <c>W/"7"</c> or <c>7</c>); null when absent or <c>*</c>.</summary>
    public static Result<long?> IfMatch(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var raw = request.Headers.IfMatch.ToString().Trim();
        if (raw.Length == 0 || raw == "*")
        {
            return (long?)null;
        }

        var value = raw.StartsWith("W/", StringComparison.Ordinal) ? raw[2..] : raw;
        value = value.Trim('"');
        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0
            ? version
            : Problem.Validation("If-Match", "An ETag of this API (the campaign version, e.g. \"3\").");
    }

    public static string ETagOf(long version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    public static ApiResult Json(int status, object? body) =>
        new(status, ApiResult.JsonContentType, JsonSerializer.Serialize(body, CampaignJson.Api));

    public static ApiResult Ok(object? body) => Json(StatusCodes.Status200OK, body);

    /// <summary>A campaign with its version as ETag.</summary>
    public static ApiResult Campaign(Campaign campaign, int status = StatusCodes.Status200OK)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return Json(status, CampaignView.Of(campaign)).WithHeader("ETag", ETagOf(campaign.Version));
    }
}

/// <summary>Who sends a command, what they send and the version they expect the campaign to be at (If-Match).</summary>
public sealed record CampaignCommand<T>(CampaignActor Actor, T Body, long? ExpectedVersion);

/// <summary>
/// A campaign as the API shows it: the aggregate plus what is derived from it (readiness verdict, liveness on the
/// coupon paths, the linked coupon definitions).
/// </summary>
public sealed record CampaignView(
    string Id,
    CampaignState State,
    long Version,
    IReadOnlyList<CampaignWarning> Warnings,
    bool Ready,
    IReadOnlyList<ReadinessItem> MissingReadiness,
    Domain.Coupons.CampaignLiveness Liveness,
    IReadOnlyList<string> CouponDefinitionIds,
    Campaign Campaign)
{
    public static CampaignView Of(Campaign campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var readiness = ReadinessGate.Check(campaign);
        return new(campaign.Id, campaign.State, campaign.Version, campaign.Warnings, readiness.IsReady, readiness.Missing,
            CampaignLivenessPolicy.Of(campaign), campaign.CouponDefinitionIds, campaign);
    }
}
