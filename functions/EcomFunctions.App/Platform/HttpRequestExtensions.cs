using System.Globalization;
using EcomFunctions.Domain.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EcomFunctions.App.Platform;

public static class HttpRequestExtensions
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    internal const string BodyItemKey = "ecom.request-body";

    /// <summary>
    /// Reads the JSON body into <typeparamref name="T"/> and validates it. Problems: 415 when the body is not
    /// declared as JSON, 413 when larger than <see cref="HttpOptions.MaxRequestBodyBytes"/>, 400 with field errors for
    /// malformed JSON, wrong types, missing or invalid fields.
    /// </summary>
    public static async Task<Result<T>> ReadValidatedAsync<T>(this HttpRequest request, CancellationToken cancellationToken) where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await request.ReadBodyAsync(cancellationToken);
        if (!body.IsSuccess)
        {
            return body.Problem!;
        }

        if (body.Value!.Length > 0 && !IsJson(request.ContentType))
        {
            return new Problem(ProblemKind.UnsupportedMediaType, "Unsupported media type.",
                "Send the body as application/json.", Code: "unsupported-media-type");
        }

        return InputValidation.Parse<T>(body.Value);
    }

    /// <summary>The raw body, size-capped; kept on the request so the idempotency hash sees exactly these bytes.</summary>
    public static async Task<Result<byte[]>> ReadBodyAsync(this HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.HttpContext.Items.TryGetValue(BodyItemKey, out var cached) && cached is byte[] bytes)
        {
            return bytes;
        }

        var limit = request.HttpContext.RequestServices?.GetService<IOptions<HttpOptions>>()?.Value.MaxRequestBodyBytes
                    ?? new HttpOptions().MaxRequestBodyBytes;
        if (request.ContentLength > limit)
        {
            return TooLarge(limit);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                return TooLarge(limit);
            }
        }

        var body = buffer.ToArray();
        request.HttpContext.Items[BodyItemKey] = body;
        return body;
    }

    public static string? IdempotencyKey(this HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var value = request.Headers[IdempotencyKeyHeader].ToString();
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>An integer query parameter within bounds, or the default; a malformed value is a 400.</summary>
    public static Result<int> QueryInt(this HttpRequest request, string name, int defaultValue, int min, int max)
    {
        ArgumentNullException.ThrowIfNull(request);
        var raw = request.Query[name].ToString();
        if (string.IsNullOrEmpty(raw))
        {
            return defaultValue;
        }

        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : Problem.Validation(name, $"Must be an integer from {min} to {max}.");
    }

    private static Problem TooLarge(int limit) =>
        new(ProblemKind.TooLarge, "Request body too large.", $"The body may be at most {limit} bytes.", Code: "body-too-large");

    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return false;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
               mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }
}
