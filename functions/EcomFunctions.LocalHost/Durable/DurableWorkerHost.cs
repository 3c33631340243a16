using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.LocalHost.Durable;

/// <summary>
/// A minimal generic host with a Durable Task worker and client connected to a <see cref="DurableEngine"/>, for tests,
/// benchmarks and tools. The LocalHost itself registers the worker and client in its own host instead.
/// </summary>
public sealed class DurableWorkerHost : IAsyncDisposable
{
    private readonly IHost host;

    private DurableWorkerHost(IHost host)
    {
        this.host = host;
        Client = host.Services.GetRequiredService<DurableTaskClient>();
    }

    public DurableTaskClient Client { get; }

    public IServiceProvider Services => host.Services;

    public static async Task<DurableWorkerHost> StartAsync(
        DurableEngine engine,
        Action<DurableTaskRegistry> registerTasks,
        ILoggerFactory loggerFactory,
        Action<IServiceCollection>? configureServices = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(registerTasks);
        ArgumentNullException.ThrowIfNull(loggerFactory);

        // Empty: no appsettings or environment variables of whatever process runs this.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ForwardingLoggerProvider(loggerFactory));
        configureServices?.Invoke(builder.Services);
        builder.Services.AddDurableTaskWorker(worker =>
        {
            worker.UseDurableEngine(engine);
            worker.AddTasks(registerTasks);
        });
        builder.Services.AddDurableTaskClient(client =>
        {
            client.UseDurableEngine(engine);
            client.RegisterDirectly();
        });

        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new DurableWorkerHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await host.StopAsync(timeout.Token);
        }
        finally
        {
            host.Dispose();
        }
    }
}
