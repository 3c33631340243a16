using System.Diagnostics;
using System.Text;
using System.Text.Json;
using EcomFunctions.LocalHost.Hosting;
using EcomFunctions.Testing;

namespace EcomFunctions.EndToEnd.Tests.Console;

/// <summary>
/// The real App in the LocalHost on an Azurite of its own, seeded by the very script <c>./scripts/start</c> runs
/// (scripts/lib/seed-demo, through the public HTTP API only). Its own storage: every LocalHost polls every queue of the
/// storage it runs on, and the demo's fixed ids must not meet other test classes' data.
/// </summary>
public sealed class DemoHostFixture : IAsyncLifetime
{
    public const string Planner = "pat; roles=CampaignManager";
    public const string Approver = "amy; roles=CampaignApprover";
    public const string Moderator = "olga; roles=Moderator";

    private AzuriteProcess? azurite;

    public LocalFunctionsHost Host { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>What the seed script printed (its progress log), for failure messages.</summary>
    public string SeedLog { get; private set; } = "";

    public async Task InitializeAsync()
    {
        azurite = AzuriteProcess.Start(persistenceFolder: null);
        Host = await LocalHostFixture.StartHostAsync(LocalHostFixture.SettingsFor(azurite.ConnectionString, "consoledemo"));
        Client = LocalHostFixture.ClientFor(Host);
        SeedLog = await SeedAsync();
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        azurite?.Dispose();
    }

    /// <summary>Runs scripts/lib/seed-demo against the host; throws with its output when it fails.</summary>
    public async Task<string> SeedAsync()
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(Azurite.RepositoryRoot(), "scripts", "lib", "seed-demo"));
        start.ArgumentList.Add(Host.BaseAddress.ToString());
        start.Environment["ECOM_FUNCTION_KEY"] = LocalHostFixture.FunctionKey;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        var log = await output + await errors;
        return process.ExitCode == 0 ? log : throw new InvalidOperationException($"seed-demo exited with {process.ExitCode}:\n{log}");
    }

    public async Task<JsonElement> GetJsonAsync(string path, string principal)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Dev-Principal", principal);
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} → {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<HttpResponseMessage> PostAsync(string path, string principal, string? json = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add("X-Dev-Principal", principal);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await Client.SendAsync(request);
    }

    /// <summary>Waits until the campaign's state (camelCase) is one of <paramref name="states"/>.</summary>
    public Task<JsonElement> CampaignInStateAsync(string id, params string[] states) =>
        Eventually.HoldsAsync(() => GetJsonAsync($"api/campaigns/{id}", Planner), c => states.Contains(c.GetProperty("state").GetString()),
            TimeSpan.FromSeconds(60), $"campaign {id} in {string.Join(" or ", states)}");
}
