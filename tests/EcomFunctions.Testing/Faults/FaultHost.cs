using System.Net.Http.Headers;
using EcomFunctions.LocalHost.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace EcomFunctions.Testing.Faults;

/// <summary>
/// The real App in an in-process LocalHost on an Azurite of its own. Fault scenarios own their Azurite: the App's
/// queues have fixed names, so a host of another test on a shared Azurite would take (or poison) their messages, and
/// the storage-outage scenario stops and restarts it.
/// </summary>
public sealed class FaultHost : IAsyncDisposable
{
    private readonly bool ownsAzurite;

    private FaultHost(AzuriteProcess azurite, bool ownsAzurite, LocalFunctionsHost host, IReadOnlyDictionary<string, string?> settings)
    {
        Azurite = azurite;
        this.ownsAzurite = ownsAzurite;
        Host = host;
        Settings = settings;
        Client = CreateClient(LocalHostFixture.FunctionKey);
    }

    public AzuriteProcess Azurite { get; }

    public LocalFunctionsHost Host { get; }

    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>A storefront client (function key).</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => Host.Services;

    public static async Task<FaultHost> StartAsync(
        AzuriteProcess? azurite = null,
        IReadOnlyDictionary<string, string?>? extraSettings = null,
        Action<LocalHostOptions>? configure = null,
        Action<IServiceCollection>? configureServices = null,
        OrchestrationBackend backend = OrchestrationBackend.InMemory,
        string? taskHub = null)
    {
        var owns = azurite is null;
        azurite ??= AzuriteProcess.Start(persistenceFolder: null);
        var settings = new Dictionary<string, string?>(LocalHostFixture.SettingsFor(azurite.ConnectionString, taskHub ?? Testing.Azurite.UniqueName("hub")));
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        try
        {
            var host = await LocalHostFixture.StartHostAsync(settings, options =>
            {
                options.DurableBackend = backend;
                configure?.Invoke(options);
            }, configureServices);
            return new FaultHost(azurite, owns, host, settings);
        }
        catch
        {
            if (owns)
            {
                azurite.Dispose();
            }

            throw;
        }
    }

    /// <summary>A client with the given key, and an operator principal when given.</summary>
    public HttpClient CreateClient(string? key = LocalHostFixture.FunctionKey, string? principal = null)
    {
        var client = new HttpClient { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add(HttpFunctionEndpoints.KeyHeader, key);
        }

        if (principal is not null)
        {
            client.DefaultRequestHeaders.Add("X-Dev-Principal", principal);
        }

        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        if (ownsAzurite)
        {
            Azurite.Dispose();
        }
    }
}
