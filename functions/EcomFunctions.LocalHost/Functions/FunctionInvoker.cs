using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.LocalHost.Functions;

/// <summary>What a trigger delivers for one invocation; the invoker binds parameters from it.</summary>
public sealed class InvocationInput
{
    public HttpContext? HttpContext { get; init; }

    public string? QueueMessageText { get; init; }

    public QueueMessage? QueueMessage { get; init; }

    public TimerInfo? Timer { get; init; }

    public TaskOrchestrationContext? OrchestrationContext { get; init; }

    public object? OrchestrationInput { get; init; }

    public object? ActivityInput { get; init; }

    /// <summary>Route values, queue message metadata: bound to parameters of the same name, as the host does.</summary>
    public IReadOnlyDictionary<string, object?> BindingData { get; init; } = new Dictionary<string, object?>();
}

/// <summary>
/// Invokes an App function the way the isolated worker does: a DI scope per invocation, the function class built
/// by constructor injection from the App's own registrations, and parameters bound from the trigger, binding data
/// and well-known types.
/// </summary>
public sealed class FunctionInvoker(IServiceProvider services, ILoggerFactory loggerFactory)
{
    /// <summary>The worker's default for POCO triggers: web casing, case-insensitive.</summary>
    private static readonly JsonSerializerOptions PocoOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Fails at start-up, not at the first request, when a function has a parameter the LocalHost cannot bind.</summary>
    public static void EnsureBindable(FunctionDescriptor function)
    {
        ArgumentNullException.ThrowIfNull(function);
        foreach (var parameter in function.Method.GetParameters())
        {
            if (parameter.Position == function.TriggerParameter.Position || IsWellKnown(parameter.ParameterType) ||
                parameter.GetCustomAttribute<DurableClientAttribute>() is not null)
            {
                continue;
            }

            var bindableByName = function.Trigger switch
            {
                TriggerKind.Http => IsSimple(parameter.ParameterType),
                TriggerKind.Queue => parameter.Name is "id" or "dequeueCount" or "insertionTime" or "expirationTime" or "popReceipt" or "nextVisibleTime",
                TriggerKind.Orchestration => true, // the orchestration input, as the Durable extension binds it
                _ => false,
            };
            if (!bindableByName)
            {
                throw new NotSupportedException($"Function '{function.Name}': cannot bind parameter '{parameter.Name}' of type {parameter.ParameterType.Name}.");
            }
        }
    }

    public async Task<object?> InvokeAsync(FunctionDescriptor function, InvocationInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(input);
        await using var scope = services.CreateAsyncScope();
        return await InvokeInScopeAsync(function, input, scope.ServiceProvider, cancellationToken);
    }

    /// <summary>
    /// Orchestrators replay many times and their task may stay pending across episodes: no per-invocation scope
    /// (it could never be disposed), and they must run synchronously up to their first durable await.
    /// </summary>
    public Task<object?> InvokeOrchestratorAsync(FunctionDescriptor function, InvocationInput input) =>
        InvokeInScopeAsync(function, input, services, CancellationToken.None);

    private async Task<object?> InvokeInScopeAsync(FunctionDescriptor function, InvocationInput input, IServiceProvider scoped, CancellationToken cancellationToken)
    {
        var context = new LocalFunctionContext(function, scoped, input.BindingData, cancellationToken);
        if (input.HttpContext is not null)
        {
            // Same key the ASP.NET Core integration uses, so context.GetHttpContext() works in App code.
            context.Items["HttpRequestContext"] = input.HttpContext;
        }

        var arguments = function.Method.GetParameters()
            .Select(p => Bind(function, p, input, context, scoped, cancellationToken))
            .ToArray();
        var instance = function.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(scoped, function.Method.DeclaringType!);
        try
        {
            object? returned;
            try
            {
                returned = function.Method.Invoke(instance, arguments);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }

            return await UnwrapAsync(returned);
        }
        finally
        {
            switch (instance)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    private object? Bind(FunctionDescriptor function, ParameterInfo parameter, InvocationInput input, FunctionContext context, IServiceProvider scoped, CancellationToken cancellationToken)
    {
        var type = parameter.ParameterType;
        if (parameter.Position == function.TriggerParameter.Position)
        {
            return function.Trigger switch
            {
                TriggerKind.Http => input.HttpContext!.Request,
                TriggerKind.Queue => BindQueueMessage(type, input),
                TriggerKind.Timer => input.Timer,
                TriggerKind.Orchestration => input.OrchestrationContext,
                TriggerKind.Activity => input.ActivityInput,
                _ => throw new NotSupportedException(function.Trigger.ToString()),
            };
        }

        if (type == typeof(CancellationToken))
        {
            return cancellationToken;
        }

        if (type == typeof(FunctionContext))
        {
            return context;
        }

        if (type == typeof(ILogger))
        {
            return loggerFactory.CreateLogger("Function." + function.Name);
        }

        if (type == typeof(HttpContext))
        {
            return input.HttpContext;
        }

        if (parameter.GetCustomAttribute<DurableClientAttribute>() is not null || type == typeof(DurableTaskClient))
        {
            return scoped.GetRequiredService<DurableTaskClient>();
        }

        if (function.Trigger == TriggerKind.Orchestration)
        {
            return ConvertInput(input.OrchestrationInput, type);
        }

        if (parameter.Name is { } name && input.BindingData.TryGetValue(name, out var value))
        {
            return ConvertSimple(value, type);
        }

        return parameter.HasDefaultValue ? parameter.DefaultValue : null;
    }

    private static object? BindQueueMessage(Type type, InvocationInput input)
    {
        var text = input.QueueMessageText ?? string.Empty;
        if (type == typeof(string))
        {
            return text;
        }

        if (type == typeof(BinaryData))
        {
            return BinaryData.FromString(text);
        }

        if (type == typeof(byte[]))
        {
            return System.Text.Encoding.UTF8.GetBytes(text);
        }

        if (type == typeof(QueueMessage))
        {
            return input.QueueMessage;
        }

        // A POCO: the host deserialises JSON; failure fails the invocation (retried, then poison).
        return JsonSerializer.Deserialize(text, type, PocoOptions);
    }

    /// <summary>The orchestration input, converted to the parameter's type (the engine hands over a JSON element).</summary>
    internal static object? ConvertInput(object? input, Type type) => input switch
    {
        null => null,
        _ when type.IsInstanceOfType(input) => input,
        JsonElement element => element.Deserialize(type, LocalOrchestrationContext.InputOptions),
        _ => JsonSerializer.Deserialize(JsonSerializer.Serialize(input, LocalOrchestrationContext.InputOptions), type, LocalOrchestrationContext.InputOptions),
    };

    private static object? ConvertSimple(object? value, Type type)
    {
        if (value is null || type.IsInstanceOfType(value))
        {
            return value;
        }

        var target = Nullable.GetUnderlyingType(type) ?? type;
        var text = Convert.ToString(value, CultureInfo.InvariantCulture);
        return string.IsNullOrEmpty(text) && target != typeof(string)
            ? null
            : TypeDescriptor.GetConverter(target).ConvertFromInvariantString(text!);
    }

    private static async Task<object?> UnwrapAsync(object? returned)
    {
        switch (returned)
        {
            case Task task:
                await task;
                var taskType = task.GetType();
                return taskType.IsGenericType && taskType.GetGenericArguments()[0].Name != "VoidTaskResult"
                    ? taskType.GetProperty("Result")!.GetValue(task)
                    : null;
            case ValueTask valueTask:
                await valueTask;
                return null;
            default:
                if (returned is not null && returned.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(ValueTask<>))
                {
                    var asTask = (Task)type.GetMethod(nameof(ValueTask<int>.AsTask))!.Invoke(returned, null)!;
                    return await UnwrapAsync(asTask);
                }

                return returned;
        }
    }

    private static bool IsWellKnown(Type type) =>
        type == typeof(CancellationToken) || type == typeof(FunctionContext) || type == typeof(ILogger) ||
        type == typeof(HttpContext) || type == typeof(DurableTaskClient);

    private static bool IsSimple(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type == typeof(string) || type == typeof(Guid) || type == typeof(decimal) ||
               type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(DateOnly) || type.IsEnum;
    }
}
