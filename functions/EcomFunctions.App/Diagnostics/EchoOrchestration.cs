using Azure.Data.Tables;
using EcomFunctions.App.Platform;
using EcomFunctions.App.Platform.OpenApi;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace EcomFunctions.App.Diagnostics;

public sealed record EchoRequest(string Message, int DelaySeconds = 1) : ISelfValidating
{
    public void Validate(FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors.AddIf(string.IsNullOrWhiteSpace(Message) || Message.Length > 200, "message", "Between 1 and 200 characters.");
        errors.AddIf(DelaySeconds is < 0 or > 60, "delaySeconds", "From 0 to 60.");
    }
}

public sealed record EchoStarted(string InstanceId);

public sealed record EchoInput(string Message, int DelaySeconds);

public sealed record EchoActivityInput(string InstanceId, string Message);

public sealed record EchoOutput(string Echo, string InstanceId, DateTime StartedAt, DateTime TimerFiredAt);

public sealed record OrchestrationStatus(
    string InstanceId, string Name, string RuntimeStatus, string? CustomStatus, string? Output,
    DateTimeOffset CreatedAt, DateTimeOffset LastUpdatedAt, string? Failure);

/// <summary>
/// A small real orchestration that proves the Durable wiring end to end: one activity (which writes to storage)
/// and one durable timer. Instance ids come from the Idempotency-Key when given, so a retried POST does not start
/// a second run.
/// </summary>
public sealed class EchoOrchestration(IdempotentRequests idempotency, StorageClients storage, TimeProvider time)
{
    [Function("StartEchoOrchestration")]
    [ApiSummary("Starts a diagnostic orchestration (one activity, one durable timer); Idempotency-Key optional.")]
    [RequestBody(typeof(EchoRequest))]
    [ProducesResponseType(typeof(EchoStarted), StatusCodes.Status202Accepted)]
    public async Task<IActionResult> Start(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "diagnostics/echo-orchestration")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var input = await request.ReadValidatedAsync<EchoRequest>(cancellationToken);
        if (input.Problem is { } problem)
        {
            return ApiResult.Problem(problem, request);
        }

        return await idempotency.RunAsync(request, "echo-orchestration", keyRequired: false, async () =>
        {
            var key = request.IdempotencyKey();
            var instanceId = key is null ? $"echo-{Guid.NewGuid():N}" : $"echo-{TableIdempotencyStore.RowKey(key)}";
            await client.StartOnceAsync(nameof(EchoOrchestrator), instanceId, new EchoInput(input.Value!.Message, input.Value.DelaySeconds), cancellationToken);
            return ApiResult.Accepted(new EchoStarted(instanceId), $"/api/diagnostics/echo-orchestration/{instanceId}");
        }, cancellationToken);
    }

    [Function("GetEchoOrchestration")]
    [ApiSummary("Status of a diagnostic orchestration.")]
    [ProducesResponseType(typeof(OrchestrationStatus), StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public static async Task<IActionResult> Status(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "diagnostics/echo-orchestration/{instanceId}")] HttpRequest request,
        string instanceId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        if (instance is null)
        {
            return ApiResult.Problem(Problem.NotFound($"No orchestration '{instanceId}'."), request);
        }

        return ApiResult.Ok(new OrchestrationStatus(
            instance.InstanceId, instance.Name, instance.RuntimeStatus.ToString(), instance.SerializedCustomStatus,
            instance.SerializedOutput, instance.CreatedAt, instance.LastUpdatedAt, instance.FailureDetails?.ErrorMessage));
    }

    [Function(nameof(EchoOrchestrator))]
    public static async Task<EchoOutput> EchoOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<EchoInput>()!;
        var startedAt = context.CurrentUtcDateTime;
        context.SetCustomStatus("Echoing");
        var echo = await context.CallActivityAsync<string>(nameof(EchoActivity), new EchoActivityInput(context.InstanceId, input.Message));
        context.SetCustomStatus("Waiting");
        await context.CreateTimer(startedAt.AddSeconds(input.DelaySeconds), CancellationToken.None);
        context.SetCustomStatus("Done");
        return new EchoOutput(echo, context.InstanceId, startedAt, context.CurrentUtcDateTime);
    }

    /// <summary>Records the echo in the diagnostics table (upsert: a re-run activity writes the same row).</summary>
    [Function(nameof(EchoActivity))]
    public async Task<string> EchoActivity([ActivityTrigger] EchoActivityInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var table = await storage.TableAsync(TableNames.Diagnostics, cancellationToken);
        var echo = $"echo: {input.Message}";
        await table.UpsertEntityAsync(new TableEntity("echo", input.InstanceId)
        {
            ["Message"] = input.Message,
            ["Echo"] = echo,
            ["RecordedAt"] = time.GetUtcNow(),
        }, TableUpdateMode.Replace, cancellationToken);
        return echo;
    }
}
