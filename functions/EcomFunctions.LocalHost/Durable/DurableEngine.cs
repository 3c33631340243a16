using System.Net;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.LocalHost.Durable;

/// <summary>
/// The Durable Task engine the LocalHost runs orchestrations on: the Durable Task sidecar (<see cref="TaskHubGrpcServer"/>
/// from Microsoft.DurableTask.InProcessTestHost) self-hosted on Kestrel (HTTP/2, loopback) over an in-memory or Azure
/// Storage provider. Clients and the worker connect through <see cref="Channel"/>:
/// <code>
/// await using var engine = await DurableEngine.StartAsync(options, loggerFactory, ct);
/// services.AddDurableTaskClient(b => b.UseDurableEngine(engine));
/// services.AddDurableTaskWorker(b => { b.UseDurableEngine(engine); b.AddTasks(registry => ...); });
/// </code>
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Exactly one worker may be connected at a time (the sidecar answers a second one with ResourceExhausted). Stop the
/// worker before disposing the engine, or the sidecar waits for the worker's stream until <see cref="DurableEngineOptions.ShutdownTimeout"/>.</item>
/// <item>Durable entities are not implemented by the sidecar (gRPC Unimplemented): keep counters in Tables.</item>
/// <item>Schedule business-keyed instance ids with dedupe statuses (<c>EcomFunctions.App.Platform.DurableClientExtensions.StartOnceAsync</c>):
/// without them a second schedule silently replaces a running instance, on both backends.</item>
/// <item>Raise events through <see cref="DurableClientExtensions.RaiseEventIfExistsAsync"/>; the engine additionally drops
/// in-memory messages to instances that do not exist (the in-memory provider would re-deliver them in a tight loop).</item>
/// <item>AzureStorage on Azurite: durable timers can fire up to ~1 s early, because Azurite cuts queue visibility delays to
/// whole seconds. Nothing should depend on sub-second timer precision.</item>
/// </list>
/// </remarks>
public sealed class DurableEngine : IAsyncDisposable
{
    private readonly WebApplication sidecar;
    private readonly SidecarOrchestrationService service;
    private readonly IDisposable? provider;
    private readonly ILoggerFactory engineLoggers;
    private readonly TimeSpan shutdownTimeout;
    private int disposed;

    private DurableEngine(
        WebApplication sidecar, SidecarOrchestrationService service, IDisposable? provider, ILoggerFactory engineLoggers,
        Uri address, DurableEngineOptions options)
    {
        this.sidecar = sidecar;
        this.service = service;
        this.provider = provider;
        this.engineLoggers = engineLoggers;
        shutdownTimeout = options.ShutdownTimeout;
        Address = address;
        Backend = options.Backend;
        TaskHubName = options.TaskHubName;
        Channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            // Loopback only; histories of large fan-outs exceed the 4 MB gRPC default.
            MaxReceiveMessageSize = null,
            MaxSendMessageSize = null,
        });
    }

    /// <summary>The sidecar's address (http://127.0.0.1:port, HTTP/2 without TLS).</summary>
    public Uri Address { get; }

    /// <summary>The channel Durable Task clients and the worker use (<c>UseGrpc(engine.Channel)</c>). Owned by the engine.</summary>
    public GrpcChannel Channel { get; }

    public DurableBackend Backend { get; }

    public string TaskHubName { get; }

    /// <summary>The provider wrapper the sidecar runs on (diagnostics such as <see cref="SidecarOrchestrationService.DroppedOrphanMessages"/>).</summary>
    public SidecarOrchestrationService Service => service;

    /// <summary>
    /// Creates the task hub if needed (AzureStorage: queues, tables and containers named after the hub), starts the sidecar
    /// on a loopback port and returns once it accepts connections. Work is dispatched from the moment a worker connects.
    /// </summary>
    public static async Task<DurableEngine> StartAsync(DurableEngineOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate();

        var engineLoggers = ForwardingLoggerProvider.Filtered(loggerFactory, options.LogLevel);
        AzureStorageOrchestrationService? provider = null;
        WebApplication? sidecar = null;
        SidecarOrchestrationService? service = null;
        try
        {
            if (options.Backend == DurableBackend.InMemory)
            {
                var inMemory = new InMemoryOrchestrationService(engineLoggers);
                service = new SidecarOrchestrationService(inMemory, inMemory, BehaviourFor(options), engineLoggers.CreateLogger<DurableEngine>());
            }
            else
            {
                var azureStorage = new AzureStorageOrchestrationService(AzureStorageSettings(options, engineLoggers));
                provider = azureStorage;
                service = new SidecarOrchestrationService(azureStorage, azureStorage, BehaviourFor(options), engineLoggers.CreateLogger<DurableEngine>());
                await azureStorage.CreateIfNotExistsAsync().WaitAsync(cancellationToken);
            }

            sidecar = BuildSidecar(options, loggerFactory, service);

            // Built now so its ApplicationStarted hook (which starts the dispatchers once a worker connects) is registered.
            sidecar.Services.GetRequiredService<TaskHubGrpcServer>();
            await sidecar.StartAsync(cancellationToken);
            var address = sidecar.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
                .Addresses.Single();
            return new DurableEngine(sidecar, service, provider, engineLoggers, new Uri(address), options);
        }
        catch
        {
            if (sidecar is not null)
            {
                await sidecar.DisposeAsync();
            }

            provider?.Dispose();
            service?.Dispose();
            engineLoggers.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stops the sidecar and the provider (AzureStorage: releases the partition leases so the next start owns them at
    /// once; all state stays in storage). Stop the worker first.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(shutdownTimeout);
        try
        {
            await sidecar.StopAsync(timeout.Token);
            await service.StopAsync().WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Shutdown took too long; the remaining resources are released below regardless.
        }
        finally
        {
            await Channel.ShutdownAsync();
            Channel.Dispose();
            await sidecar.DisposeAsync();
            provider?.Dispose();
            service.Dispose();
            engineLoggers.Dispose();
        }
    }

    private static SidecarServiceBehaviour BehaviourFor(DurableEngineOptions options) => new()
    {
        MaxConcurrentActivityWorkItems = options.MaxConcurrentActivityWorkItems,
        MaxConcurrentOrchestrationWorkItems = options.MaxConcurrentOrchestrationWorkItems,

        // The in-memory service signals completion itself; the Azure Storage one polls every 2 s.
        StatusPollingInterval = options.Backend == DurableBackend.AzureStorage ? options.StatusPollingInterval : null,

        // Azure Storage discards messages for missing instances itself; the in-memory service loops on them.
        DropMessagesForMissingInstances = options.Backend == DurableBackend.InMemory,

        // In memory, a fetch is a channel read and needs no help.
        ActivityPrefetch = options.Backend == DurableBackend.AzureStorage ? options.ActivityPrefetchCount : 0,
    };

    private static AzureStorageOrchestrationServiceSettings AzureStorageSettings(DurableEngineOptions options, ILoggerFactory engineLoggers) => new()
    {
        StorageAccountClientProvider = new StorageAccountClientProvider(options.StorageConnectionString!),
        TaskHubName = options.TaskHubName,
        PartitionCount = options.PartitionCount,
        MaxQueuePollingInterval = options.MaxQueuePollingInterval,
        ControlQueueBufferThreshold = options.ControlQueueBufferThreshold,
        MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentActivityWorkItems,
        MaxConcurrentTaskOrchestrationWorkItems = options.MaxConcurrentOrchestrationWorkItems,
        WorkerId = options.WorkerId,
        ControlQueueVisibilityTimeout = options.MessageVisibilityTimeout ?? TimeSpan.FromMinutes(5),
        WorkItemQueueVisibilityTimeout = options.MessageVisibilityTimeout ?? TimeSpan.FromMinutes(5),

        // Without it a create with dedupe statuses that hits an active instance is silently ignored, and the caller
        // believes it started a run that never happens.
        ThrowExceptionOnInvalidDedupeStatus = true,

        // The app lease arbitrates between deployment slots; a single local host does not need it, and after a crash it
        // would hold the restarted host back until the lease expires.
        UseAppLease = false,

        // The 2 s default is routinely exceeded by Azurite on a busy development machine, which then logs warnings and
        // retries lease bookkeeping that a single local worker does not need to hurry.
        PartitionTableOperationTimeout = TimeSpan.FromSeconds(10),
        LoggerFactory = engineLoggers,
    };

    private static WebApplication BuildSidecar(DurableEngineOptions options, ILoggerFactory loggerFactory, SidecarOrchestrationService service)
    {
        // The empty builder reads no appsettings or ASPNETCORE_* variables, so the LocalHost's own Kestrel configuration
        // (URLs, endpoints) cannot leak into this private server.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(DurableEngine).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.Protocols = HttpProtocols.Http2));

        // The sidecar logs through the host's logging, not through any factory it is given: set the level here.
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.Logging.AddProvider(new ForwardingLoggerProvider(loggerFactory));

        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.AddRouting();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
            grpc.EnableDetailedErrors = true;
        });
        builder.Services.AddSingleton<IOrchestrationService>(service);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.Configure<TaskHubGrpcServerOptions>(sidecar => sidecar.Mode = TaskHubGrpcServerMode.ApiServerAndDispatcher);
        builder.Services.AddSingleton<TaskHubGrpcServer>();

        var app = builder.Build();
        app.UseRouting();
        app.MapGrpcService<TaskHubGrpcServer>();
        return app;
    }
}
