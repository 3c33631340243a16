using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using EcomFunctions.LocalHost.Hosting;
using EcomFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.EndToEnd.Tests.Members;

/// <summary>
/// A LocalHost serving the real App against its own Azurite. The member tests own their Azurite because the App's
/// queues (win-back messages, member activities) have fixed names: a host of another test on the shared Azurite would
/// otherwise pick up and deliver this test's messages.
/// </summary>
public sealed class MembersHost : IAsyncDisposable
{
    public const string Operator = "marketing-1; roles=CampaignManager";

    private MembersHost(AzuriteProcess azurite, LocalFunctionsHost host, LogCollector logs, IReadOnlyDictionary<string, string?> settings)
    {
        Azurite = azurite;
        Host = host;
        Logs = logs;
        Settings = settings;
        Client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Add(HttpFunctionEndpoints.KeyHeader, LocalHostFixture.FunctionKey);
        Client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        OperatorClient = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        OperatorClient.DefaultRequestHeaders.Add("X-Dev-Principal", Operator);
    }

    public AzuriteProcess Azurite { get; }

    public LocalFunctionsHost Host { get; }

    public LogCollector Logs { get; }

    public IReadOnlyDictionary<string, string?> Settings { get; }

    public HttpClient Client { get; }

    public HttpClient OperatorClient { get; }

    public string ConnectionString => Azurite.ConnectionString;

    public static async Task<MembersHost> StartAsync(
        IReadOnlyDictionary<string, string?>? extraSettings = null,
        Action<LocalHostOptions>? configure = null,
        Action<IServiceCollection>? configureServices = null,
        AzuriteProcess? azurite = null,
        OrchestrationBackend backend = OrchestrationBackend.InMemory,
        string? taskHub = null)
    {
        azurite ??= AzuriteProcess.Start(persistenceFolder: null);
        var settings = new Dictionary<string, string?>(LocalHostFixture.SettingsFor(azurite.ConnectionString, taskHub ?? Testing.Azurite.UniqueName("hub")));
        settings["Reactivation:ActivityFirstRetryInterval"] = "00:00:00.200";
        settings["Reactivation:SenderRetryDelay"] = "00:00:01";
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var logs = new LogCollector();
        var host = await LocalHostFixture.StartHostAsync(settings, options =>
        {
            options.DurableBackend = backend;
            configure?.Invoke(options);
        }, services =>
        {
            services.AddSingleton<ILoggerProvider>(logs);
            configureServices?.Invoke(services);
        });
        return new MembersHost(azurite, host, logs, settings);
    }

    public TableClient Table(string name) => new(ConnectionString, name);

    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonDocument.Parse(text).RootElement.Clone()
            : throw new HttpRequestException($"GET {path}: {(int)response.StatusCode} {text}");
    }

    public async Task<JsonElement> WaitForRunAsync(string date, TimeSpan timeout) =>
        await Eventually.HoldsAsync(async () =>
        {
            using var response = await OperatorClient.GetAsync($"api/reactivation/runs/{date}");
            return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone() : default;
        }, r => r.ValueKind == JsonValueKind.Object && r.GetProperty("status").GetString() == "completed", timeout, $"run {date} completed");

    public async Task<HttpResponseMessage> StartRunAsync(string date) =>
        await OperatorClient.PostAsJsonAsync($"api/reactivation/runs/{date}", new { });

    /// <summary>Stops the host; the Azurite keeps running for a restart unless <paramref name="stopAzurite"/>.</summary>
    public async Task StopAsync(bool stopAzurite)
    {
        Client.Dispose();
        OperatorClient.Dispose();
        await Host.DisposeAsync();
        if (stopAzurite)
        {
            Azurite.Dispose();
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync(stopAzurite: true));
}

/// <summary>Keeps every log line the host writes (to prove personal data never reaches a log).</summary>
public sealed class LogCollector : ILoggerProvider
{
    private readonly ConcurrentQueue<string> lines = new();

    public IReadOnlyCollection<string> Lines => lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }
}
