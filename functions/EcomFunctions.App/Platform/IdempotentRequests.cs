using System.Security.Cryptography;
using System.Text;
using EcomFunctions.Domain.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace EcomFunctions.App.Platform;

/// <summary>
/// Runs a request at most once per <c>Idempotency-Key</c>: the first request with a key runs and its response is
/// stored for <see cref="IdempotencyOptions.RetentionHours"/>; a repeat gets the stored response (header
/// <c>Idempotent-Replayed: true</c>); a repeat arriving while the first still runs waits for it; the same key with a
/// different request is a 422. Server errors (5xx) are not stored, so a retry after one runs again.
/// </summary>
public sealed class IdempotentRequests(IIdempotencyStore store, IOptions<IdempotencyOptions> options, TimeProvider time)
{
    public const string ReplayedHeader = "Idempotent-Replayed";

    public async Task<ApiResult> RunAsync(HttpRequest request, string scope, bool keyRequired, Func<Task<ApiResult>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(operation);
        var key = request.IdempotencyKey();
        if (key is null)
        {
            return keyRequired
                ? ApiResult.Problem(Problem.Validation(HttpRequestExtensions.IdempotencyKeyHeader, "An Idempotency-Key header is required for this operation."), request)
                : await operation();
        }

        if (key.Length > 200)
        {
            return ApiResult.Problem(Problem.Validation(HttpRequestExtensions.IdempotencyKeyHeader, "At most 200 characters."), request);
        }

        var body = await request.ReadBodyAsync(cancellationToken);
        if (!body.IsSuccess)
        {
            return ApiResult.Problem(body.Problem!, request);
        }

        var hash = RequestHash(request, body.Value!);
        var settings = options.Value;
        var deadline = time.GetUtcNow().AddSeconds(settings.WaitForInProgressSeconds);
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var claim = await store.BeginAsync(scope, key, hash, time.GetUtcNow(), TimeSpan.FromSeconds(settings.LeaseSeconds), cancellationToken);
            switch (claim.State)
            {
                case IdempotencyState.Started:
                    return await RunAndStoreAsync(scope, key, operation, cancellationToken);
                case IdempotencyState.Completed when claim.RequestHash != hash:
                    return ApiResult.Problem(KeyReused(), request);
                case IdempotencyState.Completed:
                    return ApiResult.FromStored(claim.Response!).WithHeader(ReplayedHeader, "true");
                case IdempotencyState.InProgress when claim.RequestHash != hash:
                    return ApiResult.Problem(KeyReused(), request);
                default:
                    if (time.GetUtcNow() >= deadline)
                    {
                        return ApiResult.Problem(Problem.Conflict("idempotency-in-progress",
                            "A request with this Idempotency-Key is still being processed; retry shortly."), request).WithHeader("Retry-After", "1");
                    }

                    await Task.Delay(delay, time, cancellationToken);
                    delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
                    break;
            }
        }
    }

    private async Task<ApiResult> RunAndStoreAsync(string scope, string key, Func<Task<ApiResult>> operation, CancellationToken cancellationToken)
    {
        ApiResult result;
        try
        {
            result = await operation();
        }
        catch
        {
            // The outcome is unknown to the client: free the key so its retry runs the (idempotent) operation again.
            await store.ReleaseAsync(scope, key, CancellationToken.None);
            throw;
        }

        if (result.Status >= 500)
        {
            await store.ReleaseAsync(scope, key, CancellationToken.None);
            return result;
        }

        await store.CompleteAsync(scope, key, result.ToStored(), time.GetUtcNow().AddHours(options.Value.RetentionHours), CancellationToken.None);
        return result;
    }

    private static Problem KeyReused() => new(ProblemKind.Unprocessable, "Idempotency-Key reused.",
        "This Idempotency-Key was already used for a different request.", Code: "idempotency-key-reused");

    private static string RequestHash(HttpRequest request, byte[] body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        hash.AppendData(body);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
