using System.Diagnostics;
using System.Reflection;
using EcomFunctions.App.Platform;
using EcomFunctions.App.Platform.OpenApi;
using EcomFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.App.Diagnostics;

public sealed record HealthReport(string Status, string Version, DateTimeOffset Time, StorageHealth Storage);

public sealed record StorageHealth(bool Tables, bool Queues, long LatencyMs, string? Error);

/// <summary>Liveness and readiness in one: is storage reachable, and which build is this.</summary>
public sealed class HealthFunction(StorageClients storage, TimeProvider time, ILogger<HealthFunction> logger)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static string Version { get; } =
        typeof(HealthFunction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    [Function("Health")]
    [PublicEndpoint]
    [ApiSummary("Liveness and readiness: storage reachable, build version.")]
    [ProducesResponseType(typeof(HealthReport), StatusCodes.Status200OK)]
    [ProducesResponseType(typeof(HealthReport), StatusCodes.Status503ServiceUnavailable)]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var health = await CheckStorageAsync(cancellationToken);
        var healthy = health.Tables && health.Queues;
        var report = new HealthReport(healthy ? "Healthy" : "Unhealthy", Version, time.GetUtcNow(), health);
        return ApiResult.Json(healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, report);
    }

    private async Task<StorageHealth> CheckStorageAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var stopwatch = Stopwatch.StartNew();
        bool tables = false, queues = false;
        string? error = null;
        try
        {
            await foreach (var _ in storage.TableService.QueryAsync(maxPerPage: 1, cancellationToken: timeout.Token).AsPages(pageSizeHint: 1))
            {
                break;
            }

            tables = true;
            await foreach (var _ in storage.QueueService.GetQueuesAsync(cancellationToken: timeout.Token).AsPages(pageSizeHint: 1))
            {
                break;
            }

            queues = true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Health check: storage unreachable.");
            error = ex is OperationCanceledException ? "Storage did not answer within 5 s." : ex.GetType().Name + ": " + ex.Message.Split('\n')[0];
        }

        return new StorageHealth(tables, queues, stopwatch.ElapsedMilliseconds, error);
    }
}
