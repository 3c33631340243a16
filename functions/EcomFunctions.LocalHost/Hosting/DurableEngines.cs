using EcomFunctions.LocalHost.Durable;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.LocalHost.Hosting;

/// <summary>Starts the LocalHost's Durable Task engine (<see cref="DurableEngine"/>) for the configured backend.</summary>
public static class DurableEngines
{
    public static async Task<IDurableEngineHandle> StartAsync(OrchestrationBackend backend, string storageConnectionString, string taskHub, ILoggerFactory loggerFactory, TimeSpan? messageVisibility, CancellationToken cancellationToken)
    {
        var options = new DurableEngineOptions
        {
            Backend = backend == OrchestrationBackend.InMemory ? DurableBackend.InMemory : DurableBackend.AzureStorage,
            TaskHubName = taskHub,
            StorageConnectionString = storageConnectionString,
            MessageVisibilityTimeout = messageVisibility,
        };
        try
        {
            return new Handle(await DurableEngine.StartAsync(options, loggerFactory, cancellationToken), loggerFactory);
        }
        catch
        {
            loggerFactory.Dispose();
            throw;
        }
    }

    /// <summary>Owns the engine and the logger factory it writes to.</summary>
    private sealed class Handle(DurableEngine engine, ILoggerFactory loggerFactory) : IDurableEngineHandle
    {
        public GrpcChannel Channel => engine.Channel;

        public async ValueTask DisposeAsync()
        {
            await engine.DisposeAsync();
            loggerFactory.Dispose();
        }
    }
}
