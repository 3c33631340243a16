using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using EcomFunctions.Testing;

namespace EcomFunctions.LocalHost.Tests.Hosting;

/// <summary>The App's orchestrator and activity running on the Durable Task engine under the LocalHost.</summary>
public sealed class OrchestrationHostingTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task The_echo_orchestration_runs_its_activity_and_timer_and_completes()
    {
        var started = await fixture.Client.PostAsJsonAsync("api/diagnostics/echo-orchestration", new { message = "hello", delaySeconds = 1 });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var instanceId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString()!;
        Assert.EndsWith(instanceId, started.Headers.Location!.ToString(), StringComparison.Ordinal);

        var status = await Eventually.HoldsAsync(
            () => fixture.Client.GetFromJsonAsync<JsonElement>($"api/diagnostics/echo-orchestration/{instanceId}"),
            s => s.GetProperty("runtimeStatus").GetString() is "Completed" or "Failed");

        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        using var output = JsonDocument.Parse(status.GetProperty("output").GetString()!);
        var root = output.RootElement;
        Assert.Equal("echo: hello", root.GetProperty("Echo").GetString());
        var startedAt = root.GetProperty("StartedAt").GetDateTime();
        var firedAt = root.GetProperty("TimerFiredAt").GetDateTime();
        Assert.True(firedAt - startedAt >= TimeSpan.FromSeconds(1), $"timer fired after {firedAt - startedAt}");
    }

    [Fact]
    public async Task A_retried_start_with_the_same_idempotency_key_does_not_start_a_second_instance()
    {
        var key = Guid.NewGuid().ToString("N");
        async Task<string> Start()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/diagnostics/echo-orchestration") { Content = JsonContent.Create(new { message = "once", delaySeconds = 0 }) };
            request.Headers.Add("Idempotency-Key", key);
            var response = await fixture.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString()!;
        }

        var ids = await Task.WhenAll(Start(), Start(), Start());
        Assert.Single(ids.Distinct());
    }
}
