using Microsoft.Extensions.Logging;

namespace EcomFunctions.LocalHost.Hosting;

/// <summary>Starts the Durable Task engine for the configured backend.</summary>
public static class DurableEngines
{
    public static Task<IDurableEngineHandle> StartAsync(DurableBackend backend, string storageConnectionString, string taskHub, ILoggerFactory loggerFactory, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Durable engine not wired yet: run with --LocalHost:DurableBackend=None");
}
