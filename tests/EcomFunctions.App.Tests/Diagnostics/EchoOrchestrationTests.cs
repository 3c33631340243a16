using EcomFunctions.App.Diagnostics;
using EcomFunctions.App.Platform;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Moq;

namespace EcomFunctions.App.Tests.Diagnostics;

public sealed class EchoOrchestrationTests
{
    private readonly Mock<DurableTaskClient> client = new("test");
    private readonly EchoOrchestration function;

    public EchoOrchestrationTests()
    {
        var storage = new StorageClients(new StorageConnection(Azurite.ConnectionString));
        function = new EchoOrchestration(
            new IdempotentRequests(new TableIdempotencyStore(storage), Options.Create(new IdempotencyOptions()), TimeProvider.System),
            storage, TimeProvider.System);
    }

    [Fact]
    public async Task Start_schedules_the_orchestrator_with_dedupe_so_a_retry_cannot_replace_a_running_instance()
    {
        StartOrchestrationOptions? used = null;
        client.Setup(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .Callback<TaskName, object?, StartOrchestrationOptions?, CancellationToken>((_, _, o, _) => used = o)
            .ReturnsAsync("id");
        var key = Guid.NewGuid().ToString("N");
        var request = TestHttp.Request("POST", "/api/diagnostics/echo-orchestration", "{\"message\":\"hi\",\"delaySeconds\":0}", headers: new Dictionary<string, string> { ["Idempotency-Key"] = key });

        var (status, body, headers) = await TestHttp.ExecuteAsync(await function.Start(request, client.Object, CancellationToken.None), request);

        Assert.Equal(202, status);
        Assert.Equal($"echo-{key}", used!.InstanceId);
        Assert.Equal(["Pending", "Running", "Suspended"], used.DedupeStatuses!.Order());
        Assert.Contains($"echo-{key}", body, StringComparison.Ordinal);
        Assert.EndsWith($"/echo-{key}", headers.Location.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_rejects_an_invalid_request_without_touching_the_engine()
    {
        var request = TestHttp.Request("POST", "/api/diagnostics/echo-orchestration", "{\"message\":\"\",\"delaySeconds\":99}");
        var (status, body, _) = await TestHttp.ExecuteAsync(await function.Start(request, client.Object, CancellationToken.None), request);

        Assert.Equal(400, status);
        Assert.Contains("delaySeconds", body, StringComparison.Ordinal);
        client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Status_of_an_unknown_instance_is_404()
    {
        client.Setup(c => c.GetInstanceAsync("nope", true, It.IsAny<CancellationToken>())).ReturnsAsync((OrchestrationMetadata?)null);
        var request = TestHttp.Request("GET", "/api/diagnostics/echo-orchestration/nope");
        var (status, _, _) = await TestHttp.ExecuteAsync(await EchoOrchestration.Status(request, "nope", client.Object, CancellationToken.None), request);
        Assert.Equal(404, status);
    }
}
