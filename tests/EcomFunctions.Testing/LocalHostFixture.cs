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

    public static IReadOnlyDictionary<string, string?> Settings(string? taskHub = null) => new Dictionary<string, string?>
    {
        ["AzureWebJobsStorage"] = Azurite.ConnectionString,
        ["DurableTaskHubName"] = taskHub ?? Azurite.UniqueName("hub"),
        ["Auth:AllowDevelopmentPrincipal"] = "true",
        ["EventGrid:Endpoint"] = string.Empty,
    };

    public async Task InitializeAsync()
    {
        Host = await LocalFunctionsHost.StartAsync([], Settings(), options =>
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
        Client = CreateClient();
    }

    public HttpClient CreateClient(string? key = FunctionKey)
    {
        var client = new HttpClient { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
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
