using System.Text;
using EcomFunctions.App.Platform;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using Microsoft.AspNetCore.Http;

namespace EcomFunctions.App.Coupons;

/// <summary>
/// Entity versions as HTTP entity tags. A Table Storage ETag (<c>W/"datetime'…'"</c>) contains quotes, so it travels
/// Base64url-encoded inside the quoted entity tag; If-Match decodes it back. Clients treat it as opaque.
/// </summary>
public static class EntityVersion
{
    public const string IfMatchHeader = "If-Match";

    public static string ToETag(string version) => Base64Url(Encoding.UTF8.GetBytes(version));

    /// <summary>The header value for a version: a strong quoted entity tag.</summary>
    public static string Header(string version) => $"\"{ToETag(version)}\"";

    /// <summary>The version an If-Match names; null without the header; a problem when it is not one of ours (412: it cannot match).</summary>
    public static Result<string?> FromIfMatch(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var raw = request.Headers[IfMatchHeader].ToString().Trim();
        if (raw.Length == 0)
        {
            return Result<string?>.Success(null);
        }

        var tag = raw.StartsWith("W/", StringComparison.Ordinal) ? raw[2..] : raw;
        tag = tag.Trim('"');
        try
        {
            var padded = tag.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            return Encoding.UTF8.GetString(Convert.FromBase64String(padded));
        }
        catch (FormatException)
        {
            return Problem.PreconditionFailed("If-Match does not name a version of this definition.");
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>What every coupon HTTP function does around its one operation.</summary>
internal static class CouponHttp
{
    /// <summary>
    /// Runs the operation; storage failures (outage, throttling) become 503 problem details with Retry-After, so a
    /// client knows to retry and never sees a bare 500 for an expected condition.
    /// </summary>
    public static async Task<ApiResult> GuardAsync(HttpRequest request, Func<Task<ApiResult>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception ex) when (StorageFaults.IsTransient(ex))
        {
            return ApiResult.Problem(Problem.Unavailable("Storage is unavailable; retry shortly."), request);
        }
    }
}
