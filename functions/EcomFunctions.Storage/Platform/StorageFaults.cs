using Azure;

namespace EcomFunctions.Storage;

/// <summary>Tells a storage outage (retry later: 503 for HTTP, a host retry for queues) from a business answer (409, 412, 404).</summary>
public static class StorageFaults
{
    /// <summary>
    /// True for failures worth retrying: no answer (status 0), timeouts, throttling, server errors, network errors — and
    /// the <see cref="AggregateException"/> the Azure SDK throws when all its retries failed that way.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        RequestFailedException failed => failed.Status is 0 or 408 or 429 or >= 500,
        HttpRequestException or TimeoutException or IOException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsTransient),
        _ => false,
    };
}
