using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.LocalHost.Functions;

/// <summary>
/// Wraps the engine's orchestration context, as the Functions Durable extension does: the orchestrator is registered
/// without knowing its input type, so <see cref="GetInput{T}"/> converts the JSON input to whatever type the
/// orchestrator asks for. Everything else is delegated unchanged.
/// </summary>
public sealed class LocalOrchestrationContext(TaskOrchestrationContext inner, object? input, ILoggerFactory loggerFactory) : TaskOrchestrationContext
{
    /// <summary>Matches the engine's JSON data converter (PascalCase, fields included), read case-insensitively.</summary>
    internal static readonly JsonSerializerOptions InputOptions = new() { IncludeFields = true, PropertyNameCaseInsensitive = true };

    public override TaskName Name => inner.Name;

    public override string InstanceId => inner.InstanceId;

    public override ParentOrchestrationInstance? Parent => inner.Parent;

    public override DateTime CurrentUtcDateTime => inner.CurrentUtcDateTime;

    public override bool IsReplaying => inner.IsReplaying;

    public override string Version => inner.Version;

    public override IReadOnlyDictionary<string, object?> Properties => inner.Properties;

    public override TaskOrchestrationEntityFeature Entities =>
        throw new NotSupportedException("Durable entities are not supported: keep counters and shared state in Tables (DESIGN §3).");

    protected override ILoggerFactory LoggerFactory => loggerFactory;

    public override T GetInput<T>() => (T)FunctionInvoker.ConvertInput(input, typeof(T))!;

    public override Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null) =>
        inner.CallActivityAsync<TResult>(name, input, options);

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken) => inner.CreateTimer(fireAt, cancellationToken);

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default) =>
        inner.WaitForExternalEvent<T>(eventName, cancellationToken);

    public override void SendEvent(string instanceId, string eventName, object payload) => inner.SendEvent(instanceId, eventName, payload);

    public override void SetCustomStatus(object? customStatus) => inner.SetCustomStatus(customStatus);

    public override Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null) =>
        inner.CallSubOrchestratorAsync<TResult>(orchestratorName, input, options);

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) =>
        inner.ContinueAsNew(newInput, preserveUnprocessedEvents);

    public override void ContinueAsNew(ContinueAsNewOptions options) => inner.ContinueAsNew(options);

    public override Guid NewGuid() => inner.NewGuid();
}

/// <summary>An App orchestrator function as the engine sees it.</summary>
public sealed class FunctionOrchestrator(FunctionDescriptor function, FunctionInvoker invoker, ILoggerFactory loggerFactory) : ITaskOrchestrator
{
    public Type InputType => typeof(object);

    public Type OutputType => typeof(object);

    public Task<object?> RunAsync(TaskOrchestrationContext context, object? input) =>
        invoker.InvokeOrchestratorAsync(function, new InvocationInput
        {
            OrchestrationContext = new LocalOrchestrationContext(context, input, loggerFactory),
            OrchestrationInput = input,
        });
}

/// <summary>An App activity function as the engine sees it; the engine deserialises the input to the trigger parameter's type.</summary>
public sealed class FunctionActivity(FunctionDescriptor function, FunctionInvoker invoker) : ITaskActivity
{
    public Type InputType => function.TriggerParameter.ParameterType;

    public Type OutputType => typeof(object);

    public Task<object?> RunAsync(TaskActivityContext context, object? input)
    {
        ArgumentNullException.ThrowIfNull(context);
        return invoker.InvokeAsync(function, new InvocationInput
        {
            ActivityInput = input,
            BindingData = new Dictionary<string, object?> { ["instanceId"] = context.InstanceId },
        }, CancellationToken.None);
    }
}

public static class DurableFunctionRegistration
{
    /// <summary>
    /// Registers every orchestrator and activity function of the App with the engine's registry. Orchestrator
    /// factories take no service provider, so both resolve the invoker through <paramref name="services"/> lazily,
    /// when the first work item arrives (after the host has been built).
    /// </summary>
    public static void AddAppFunctions(this DurableTaskRegistry registry, IEnumerable<FunctionDescriptor> functions, Func<IServiceProvider> services)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(services);
        foreach (var function in functions)
        {
            switch (function.Trigger)
            {
                case TriggerKind.Orchestration:
                    registry.AddOrchestrator(function.Name, () => new FunctionOrchestrator(function, Invoker(), Loggers()));
                    break;
                case TriggerKind.Activity:
                    registry.AddActivity(function.Name, _ => new FunctionActivity(function, Invoker()));
                    break;
            }
        }

        FunctionInvoker Invoker() => (FunctionInvoker)services().GetService(typeof(FunctionInvoker))!;

        ILoggerFactory Loggers() => (ILoggerFactory)services().GetService(typeof(ILoggerFactory))!;
    }
}
