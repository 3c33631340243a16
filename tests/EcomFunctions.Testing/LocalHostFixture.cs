using System.Net.Http.Headers;
using EcomFunctions.LocalHost.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace EcomFunctions.Testing;

/// <summary>A LocalHost serving the real App on a free port against Azurite, with the in-memory durable engine.</summary>
public sealed class LocalHostFixture : IAsyncLifetime
{
    public const string FunctionKey = "test-function-key";
    public const string MasterKey = "test-master-key";

    private readonly Action<LocalHostOptions>? configure;
    private readonly Action<IServiceCollection>? configureServices;

    public LocalHostFixture()
    {
    }

    /// <summary>A host with adjusted options or services (not usable as a class fixture; create and dispose it in the test class).</summary>
    public static LocalHostFixture With(Action<LocalHostOptions>? configure, Action<IServiceCollection>? configureServices) =>
        new(configure, configureServices);

    private LocalHostFixture(Action<LocalHostOptions>? configure, Action<IServiceCollection>? configureServices)
    {
        this.configure = configure;
        this.configureServices = configureServices;
    }

    public LocalFunctionsHost Host { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public static IReadOnlyDictionary<string, string?> Settings(string? taskHub = null) =>
        SettingsFor(Azurite.ConnectionString, taskHub ?? Azurite.UniqueName("hub"));

    public async Task InitializeAsync()
    {
        Host = await StartHostAsync(Settings(), configure, configureServices);
        Client = CreateClient();
    }

    /// <summary>
    /// The App in a LocalHost as the tests run it (free port, test keys, in-memory durable engine, no timers, fast queue
    /// polling) on <paramref name="settings"/> — e.g. an Azurite of its own, for fixtures whose queues no other host may poll.
    /// </summary>
    public static Task<LocalFunctionsHost> StartHostAsync(IReadOnlyDictionary<string, string?> settings, Action<LocalHostOptions>? configure = null, Action<IServiceCollection>? configureServices = null) =>
        LocalFunctionsHost.StartAsync([], settings, options =>
        {
            options.Url = "http://127.0.0.1:0";
            options.FunctionKey = FunctionKey;
            options.MasterKey = MasterKey;
            options.DurableBackend = OrchestrationBackend.InMemory;
            options.EnableTimers = false;
            options.MaxQueuePollingInterval = TimeSpan.FromMilliseconds(200);
            options.QueueRetryDelay = TimeSpan.Zero;
            configure?.Invoke(options);
        }, DurableEngines.StartAsync, configureServices);

    /// <summary>Settings for a host on the storage of <paramref name="connectionString"/> with the development principal allowed.</summary>
    public static IReadOnlyDictionary<string, string?> SettingsFor(string connectionString, string taskHub) => new Dictionary<string, string?>
    {
        ["AzureWebJobsStorage"] = connectionString,
        ["DurableTaskHubName"] = taskHub,
        ["Auth:AllowDevelopmentPrincipal"] = "true",
        ["EventGrid:Endpoint"] = string.Empty,
    };

    public HttpClient CreateClient(string? key = FunctionKey) => ClientFor(Host, key);

    /// <summary>A JSON client of <paramref name="host"/> carrying <paramref name="key"/> (the function key unless told).</summary>
    public static HttpClient ClientFor(LocalFunctionsHost host, string? key = FunctionKey)
    {
        ArgumentNullException.ThrowIfNull(host);
        var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add(HttpFunctionEndpoints.KeyHeader, key);
        }

        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}

/// <summary>Polls until a condition holds (bounded); the LocalHost works asynchronously, tests wait for effects.</summary>
public static class Eventually
{
    public static async Task<T> HoldsAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        T last;
        while (true)
        {
            last = await probe();
            if (condition(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not met in time{(because is null ? string.Empty : ": " + because)}. Last value: {last}");
            }

            await Task.Delay(100);
        }
    }
}
