using Azure.Data.Tables;
using EcomFunctions.App;
using EcomFunctions.LocalHost.Functions;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EcomFunctions.LocalHost.Hosting;

/// <summary>A running Durable Task engine the host's client and worker connect to over gRPC.</summary>
public interface IDurableEngineHandle : IAsyncDisposable
{
    GrpcChannel Channel { get; }
}

/// <summary>Starts the engine for a backend (see <see cref="OrchestrationBackend"/>).</summary>
public delegate Task<IDurableEngineHandle> DurableEngineStarter(OrchestrationBackend backend, string storageConnectionString, string taskHub, ILoggerFactory loggerFactory, TimeSpan? messageVisibility, CancellationToken cancellationToken);

/// <summary>
/// Serves the App's functions without Azure Functions Core Tools: HTTP triggers on Kestrel, queue triggers polling
/// Azurite, timer triggers on their schedules, orchestrators and activities on the Durable Task engine — all
/// discovered from the App assembly and resolved from the App's own service registration
/// (<see cref="EcomFunctionsServices.AddEcomFunctions"/>). Used by <c>scripts/start</c> and by the end-to-end tests.
/// </summary>
public sealed class LocalFunctionsHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly IDurableEngineHandle? engine;

    private LocalFunctionsHost(WebApplication app, IDurableEngineHandle? engine, IReadOnlyList<FunctionDescriptor> functions, Uri baseAddress)
    {
        this.app = app;
        this.engine = engine;
        Functions = functions;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => app.Services;

    public IReadOnlyList<FunctionDescriptor> Functions { get; }

    public LocalHostOptions Options => app.Services.GetRequiredService<IOptions<LocalHostOptions>>().Value;

    /// <param name="args">Command-line arguments (configuration overrides, e.g. <c>--LocalHost:Url=http://localhost:7072</c>).</param>
    /// <param name="settings">App settings with the highest precedence (tests: the Azurite connection string).</param>
    /// <param name="configure">Adjusts the LocalHost options after configuration binding (tests).</param>
    /// <param name="durableEngine">Starts the orchestration engine; required unless the backend is <see cref="OrchestrationBackend.None"/>.</param>
    public static async Task<LocalFunctionsHost> StartAsync(
        string[] args,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<LocalHostOptions>? configure = null,
        DurableEngineStarter? durableEngine = null,
        Action<IServiceCollection>? configureServices = null,
        CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var localSettings = LocalSettings.Load(FindSettingsFile());
        // Precedence, lowest first: local.settings.json Values, environment, command line, explicit settings.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = localSettings });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        var options = new LocalHostOptions();
        builder.Configuration.GetSection("LocalHost").Bind(options);
        configure?.Invoke(options);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));

        ConfigureLogging(builder);
        var host = HostSettings.Load(Path.Combine(AppContext.BaseDirectory, "host.json"));
        var functions = FunctionCatalog.Discover(typeof(EcomFunctionsServices).Assembly);
        foreach (var function in functions)
        {
            FunctionInvoker.EnsureBindable(function);
        }

        var connectionString = builder.Configuration["AzureWebJobsStorage"]
            ?? throw new InvalidOperationException("Set AzureWebJobsStorage (e.g. UseDevelopmentStorage=true) in local.settings.json or the environment.");

        builder.WebHost.UseUrls(options.Url);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 100 * 1024 * 1024);
        builder.Services.AddEcomFunctions(builder.Configuration);
        builder.Services.AddMvcCore();
        builder.Services.AddSingleton<FunctionInvoker>();
        configureServices?.Invoke(builder.Services);

        IDurableEngineHandle? engine = null;
        WebApplication? app = null;
        var durableFunctions = functions.Where(f => f.Trigger is TriggerKind.Orchestration or TriggerKind.Activity).ToList();
        if (options.DurableBackend != OrchestrationBackend.None)
        {
            if (durableEngine is null)
            {
                throw new InvalidOperationException("A durable engine starter is required for backend " + options.DurableBackend);
            }

            var taskHub = options.TaskHubName ?? builder.Configuration["DurableTaskHubName"] ?? "ecomlocal";
            // The engine lives as long as the host: its logger factory is owned by the engine handle, not disposed here.
            var engineLogging = LoggerFactory.Create(logging => logging
                .AddSimpleConsole(console => { console.SingleLine = true; console.TimestampFormat = "HH:mm:ss "; })
                .SetMinimumLevel(LogLevel.Warning));
            engine = await durableEngine(options.DurableBackend, connectionString, taskHub, engineLogging, options.DurableMessageVisibility, cancellationToken);
            var channel = engine.Channel;
            builder.Services.AddDurableTaskClient(client => client.UseGrpc(channel));
            builder.Services.AddDurableTaskWorker(worker =>
            {
                worker.UseGrpc(channel);
                worker.AddTasks(registry => registry.AddAppFunctions(durableFunctions, () => app!.Services));
            });
        }

        if (options.EnableQueues)
        {
            foreach (var function in functions.Where(f => f.Trigger == TriggerKind.Queue))
            {
                var trigger = function.Attribute<QueueTriggerAttribute>();
                var queueSettings = host.Queues with
                {
                    MaxPollingInterval = options.MaxQueuePollingInterval ?? host.Queues.MaxPollingInterval,
                    VisibilityTimeout = options.QueueRetryDelay ?? host.Queues.VisibilityTimeout,
                    ProcessingVisibility = options.QueueProcessingVisibility ?? host.Queues.ProcessingVisibility,
                };
                builder.Services.AddSingleton<IHostedService>(sp => new QueueFunctionListener(
                    function, LocalSettings.Resolve(trigger.QueueName, builder.Configuration), connectionString, queueSettings,
                    sp.GetRequiredService<FunctionInvoker>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Queue." + function.Name),
                    options.DeliverEveryMessageTwice));
            }
        }

        if (options.EnableTimers)
        {
            var zone = builder.Configuration["WEBSITE_TIME_ZONE"] is { Length: > 0 } tz ? TimeZoneInfo.FindSystemTimeZoneById(tz) : TimeZoneInfo.Utc;
            foreach (var function in functions.Where(f => f.Trigger == TriggerKind.Timer))
            {
                var trigger = function.Attribute<TimerTriggerAttribute>();
                var expression = options.TimerSchedules.TryGetValue(function.Name, out var overridden)
                    ? overridden
                    : LocalSettings.Resolve(trigger.Schedule, builder.Configuration);
                var schedule = TimerSchedule.Parse(expression, zone);
                var monitor = trigger.UseMonitor ? new TableClient(connectionString, TimerFunctionScheduler.MonitorTable) : null;
                builder.Services.AddSingleton<IHostedService>(sp => new TimerFunctionScheduler(
                    function, schedule, trigger.RunOnStartup, monitor, sp.GetRequiredService<FunctionInvoker>(),
                    sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Timer." + function.Name)));
            }
        }

        app = builder.Build();
        app.UseRouting();
        HttpFunctionEndpoints.MapFunctions(app, functions, host);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            if (engine is not null)
            {
                await engine.DisposeAsync();
            }

            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LocalFunctionsHost(app, engine, functions, new Uri(address.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal)));
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await app.DisposeAsync();
            if (engine is not null)
            {
                await engine.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// local.settings.json of the App project (Core Tools' file) when running from a source tree; ECOM_LOCAL_SETTINGS
    /// names another; otherwise the sample shipped next to the binaries.
    /// </summary>
    private static string? FindSettingsFile()
    {
        if (Environment.GetEnvironmentVariable("ECOM_LOCAL_SETTINGS") is { Length: > 0 } explicitPath)
        {
            return explicitPath;
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "functions", "EcomFunctions.App", "local.settings.json");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        var sample = Path.Combine(AppContext.BaseDirectory, "local.settings.sample.json");
        return File.Exists(sample) ? sample : null;
    }

    private static void ConfigureLogging(WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        foreach (var noisy in new[] { "Microsoft.AspNetCore", "Microsoft.Hosting", "Azure", "Grpc", "Microsoft.DurableTask", "DurableTask" })
        {
            builder.Logging.AddFilter(noisy, LogLevel.Warning);
        }

        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
    }

    /// <summary>One line per function: HTTP functions with their methods and full URL, others with their trigger.</summary>
    public IEnumerable<string> Describe()
    {
        var host = HostSettings.Load(Path.Combine(AppContext.BaseDirectory, "host.json"));
        return Functions.Select(f => Describe(f, host, BaseAddress));
    }

    private static string Describe(FunctionDescriptor function, HostSettings host, Uri baseAddress) => function.Trigger switch
    {
        TriggerKind.Http => $"{function.Name}: [{string.Join(",", function.Attribute<HttpTriggerAttribute>().Methods ?? ["*"]).ToUpperInvariant()}] {new Uri(baseAddress, $"{host.RoutePrefix}/{function.Attribute<HttpTriggerAttribute>().Route}")}",
        TriggerKind.Queue => $"{function.Name}: queue {function.Attribute<QueueTriggerAttribute>().QueueName}",
        TriggerKind.Timer => $"{function.Name}: timer {function.Attribute<TimerTriggerAttribute>().Schedule}",
        _ => $"{function.Name}: {function.Trigger.ToString().ToLowerInvariant()}",
    };
}
