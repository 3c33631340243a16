using System.Globalization;
using EcomFunctions.Domain.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace EcomFunctions.App.Platform;

/// <summary>
/// An HTTP response as data: status, headers and an already-serialised body. It writes itself to the response
/// without MVC formatters, so it behaves the same under the Functions host and the LocalHost, and it can be stored
/// and replayed byte for byte for a repeated Idempotency-Key.
/// </summary>
public sealed class ApiResult : IActionResult
{
    public const string JsonContentType = "application/json; charset=utf-8";
    public const string ProblemContentType = "application/problem+json; charset=utf-8";

    public ApiResult(int status, string? contentType = null, string? body = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        Status = status;
        ContentType = contentType;
        Body = body;
        Headers = headers is null ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) : new(headers, StringComparer.OrdinalIgnoreCase);
    }

    public int Status { get; }

    public string? ContentType { get; }

    public string? Body { get; }

    public Dictionary<string, string> Headers { get; }

    public static ApiResult Json(int status, object? body) => new(status, JsonContentType, EcomJson.Serialize(body));

    public static ApiResult Ok(object? body) => Json(StatusCodes.Status200OK, body);

    public static ApiResult Created(string location, object? body) => Json(StatusCodes.Status201Created, body).WithHeader("Location", location);

    public static ApiResult Accepted(object? body, string? location = null)
    {
        var result = Json(StatusCodes.Status202Accepted, body);
        return location is null ? result : result.WithHeader("Location", location);
    }

    public static ApiResult NoContent() => new(StatusCodes.Status204NoContent);

    public static ApiResult Text(int status, string text, string contentType) => new(status, contentType, text);

    /// <summary>RFC 7807 problem details for an expected failure.</summary>
    public static ApiResult Problem(Problem problem, HttpRequest? request = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var status = StatusOf(problem.Kind);
        var body = new Dictionary<string, object?>
        {
            ["type"] = "urn:ecom:problem:" + (problem.Code ?? problem.Kind.ToString().ToLowerInvariant()),
            ["title"] = problem.Title,
            ["status"] = status,
            ["detail"] = problem.Detail,
            ["instance"] = request?.Path.Value,
            ["code"] = problem.Code,
        };
        if (problem.Errors is { Count: > 0 })
        {
            body["errors"] = problem.Errors;
        }

        if (request?.HttpContext.TraceIdentifier is { Length: > 0 } traceId)
        {
            body["traceId"] = traceId;
        }

        var result = new ApiResult(status, ProblemContentType, EcomJson.Serialize(body));
        return problem.Kind is ProblemKind.Unavailable or ProblemKind.TooManyRequests ? result.WithHeader("Retry-After", "1") : result;
    }

    public static int StatusOf(ProblemKind kind) => kind switch
    {
        ProblemKind.Validation => StatusCodes.Status400BadRequest,
        ProblemKind.Unauthorized => StatusCodes.Status401Unauthorized,
        ProblemKind.Forbidden => StatusCodes.Status403Forbidden,
        ProblemKind.NotFound => StatusCodes.Status404NotFound,
        ProblemKind.Conflict => StatusCodes.Status409Conflict,
        ProblemKind.Gone => StatusCodes.Status410Gone,
        ProblemKind.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        ProblemKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ProblemKind.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        ProblemKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        ProblemKind.Locked => StatusCodes.Status423Locked,
        ProblemKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
        ProblemKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public ApiResult WithHeader(string name, string value)
    {
        Headers[name] = value;
        return this;
    }

    public StoredResponse ToStored() => new(Status, ContentType, Body, Headers);

    public static ApiResult FromStored(StoredResponse stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return new ApiResult(stored.Status, stored.ContentType, stored.Body, stored.Headers);
    }

    public async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.HttpContext.Response;
        response.StatusCode = Status;
        foreach (var (name, value) in Headers)
        {
            response.Headers[name] = value;
        }

        if (Body is not null)
        {
            response.ContentType = ContentType ?? "text/plain; charset=utf-8";
            var bytes = System.Text.Encoding.UTF8.GetBytes(Body);
            response.ContentLength = bytes.Length;
            await response.Body.WriteAsync(bytes, context.HttpContext.RequestAborted);
        }
        else
        {
            response.ContentLength = 0;
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Status} {ContentType}");
}

public static class ResultHttpExtensions
{
    /// <summary>Maps a result: success through <paramref name="onSuccess"/>, a problem to problem details.</summary>
    public static ApiResult ToApiResult<T>(this Result<T> result, HttpRequest request, Func<T, ApiResult> onSuccess)
    {
        ArgumentNullException.ThrowIfNull(onSuccess);
        return result.Problem is { } problem ? ApiResult.Problem(problem, request) : onSuccess(result.Value!);
    }

    public static ApiResult ToApiResult<T>(this Result<T> result, HttpRequest request) => result.ToApiResult(request, value => ApiResult.Ok(value));
}
