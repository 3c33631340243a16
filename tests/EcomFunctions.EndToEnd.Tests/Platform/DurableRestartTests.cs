using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EcomFunctions.LocalHost.Hosting;
using EcomFunctions.Testing;

namespace EcomFunctions.EndToEnd.Tests.Platform;

/// <summary>
/// The LocalHost's default backend (Durable Task on Azure Storage, on Azurite) keeps orchestration state across a host
/// restart, as Durable Functions does in Azure: a run waiting on its durable timer when the host stops finishes after
/// the host comes back.
/// </summary>
public sealed class DurableRestartTests
{
    [Fact]
    public async Task An_orchestration_waiting_when_the_host_stops_completes_after_a_restart()
    {
        var settings = LocalHostFixture.Settings(Azurite.UniqueName("hub"));
        string instanceId;
        await using (var first = await StartAsync(settings))
        {
            using var client = Client(first);
            var started = await client.PostAsJsonAsync("api/diagnostics/echo-orchestration", new { message = "survive", delaySeconds = 6 });
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            instanceId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString()!;

            // Stop only once the activity ran and the durable timer is pending.
            await Eventually.HoldsAsync(
                () => client.GetFromJsonAsync<JsonElement>($"api/diagnostics/echo-orchestration/{instanceId}"),
                s => s.GetProperty("customStatus").GetString() == "\"Waiting\"", TimeSpan.FromSeconds(60));
        }

        await using var second = await StartAsync(settings);
        using var after = Client(second);
        var status = await Eventually.HoldsAsync(
            () => after.GetFromJsonAsync<JsonElement>($"api/diagnostics/echo-orchestration/{instanceId}"),
            s => s.GetProperty("runtimeStatus").GetString() is "Completed" or "Failed", TimeSpan.FromSeconds(90));

        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        Assert.Contains("echo: survive", status.GetProperty("output").GetString(), StringComparison.Ordinal);
    }

    private static Task<LocalFunctionsHost> StartAsync(IReadOnlyDictionary<string, string?> settings) =>
        LocalFunctionsHost.StartAsync([], settings, options =>
        {
            options.Url = "http://127.0.0.1:0";
            options.FunctionKey = LocalHostFixture.FunctionKey;
            options.DurableBackend = OrchestrationBackend.AzureStorage;
            options.EnableTimers = false;
        }, DurableEngines.StartAsync);

    private static HttpClient Client(LocalFunctionsHost host)
    {
        var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add(HttpFunctionEndpoints.KeyHeader, LocalHostFixture.FunctionKey);
        return client;
    }
}
