using EcomFunctions.LocalHost.Functions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EcomFunctions.LocalHost.Hosting;

/// <summary>
/// Serves HTTP-triggered functions at <c>/{routePrefix}/{route}</c> with their methods and authorization level,
/// and the host's admin endpoint for running a non-HTTP function by hand (<c>POST /admin/functions/{name}</c>).
/// </summary>
public static class HttpFunctionEndpoints
{
    public const string KeyHeader = "x-functions-key";

    public static void MapFunctions(IEndpointRouteBuilder endpoints, IReadOnlyList<FunctionDescriptor> functions, HostSettings host)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        foreach (var function in functions.Where(f => f.Trigger == TriggerKind.Http))
        {
            var trigger = function.Attribute<HttpTriggerAttribute>();
            var route = (trigger.Route ?? function.Name).Trim('/');
            var pattern = host.RoutePrefix.Length == 0 ? "/" + route : $"/{host.RoutePrefix}/{route}";
            var handler = Handler(function, trigger.AuthLevel);
            var builder = trigger.Methods is { Length: > 0 } methods
                ? endpoints.MapMethods(pattern, methods.Select(m => m.ToUpperInvariant()), handler)
                : endpoints.Map(pattern, handler);
            builder.WithName(function.Name);
        }

        endpoints.MapPost("/admin/functions/{name}", (Delegate)RunByHand(functions));
        endpoints.MapFallback(context => WriteProblemAsync(context, StatusCodes.Status404NotFound, "Not found.", "No function serves this route."));
        endpoints.MapGet("/admin/functions", (HttpContext context) => Authorized(context, AuthorizationLevel.Admin)
            ? Results.Json(functions.Select(f => new { f.Name, Trigger = f.Trigger.ToString() }))
            : Results.Unauthorized());
    }

    private static RequestDelegate Handler(FunctionDescriptor function, AuthorizationLevel level) => async context =>
    {
        if (!Authorized(context, level))
        {
            await WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized.", "A valid function key is required (x-functions-key header or code query parameter).");
            return;
        }

        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Function." + function.Name);
        var bindingData = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in context.Request.Query)
        {
            bindingData[key] = value.ToString();
        }

        foreach (var (key, value) in context.Request.RouteValues)
        {
            bindingData[key] = value;
        }

        try
        {
            var invoker = context.RequestServices.GetRequiredService<FunctionInvoker>();
            var result = await invoker.InvokeAsync(function, new InvocationInput { HttpContext = context, BindingData = bindingData }, context.RequestAborted);
            await WriteResultAsync(context, result);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Function {Function} failed.", function.Name);
            if (!context.Response.HasStarted)
            {
                await WriteProblemAsync(context, StatusCodes.Status500InternalServerError, "Internal server error.", "The function failed; see the host log.");
            }
        }
    };

    private static Func<HttpContext, string, Task<IResult>> RunByHand(IReadOnlyList<FunctionDescriptor> functions) => async (context, name) =>
    {
        if (!Authorized(context, AuthorizationLevel.Admin))
        {
            return Results.Unauthorized();
        }

        var function = functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
        if (function is null || function.Trigger is TriggerKind.Http or TriggerKind.Orchestration or TriggerKind.Activity)
        {
            return Results.NotFound();
        }

        string? input = null;
        if (context.Request.ContentLength > 0)
        {
            using var body = await System.Text.Json.JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            input = body.RootElement.TryGetProperty("input", out var value) ? value.GetString() : null;
        }

        var invoker = context.RequestServices.GetRequiredService<FunctionInvoker>();
        var now = DateTime.UtcNow;
        await invoker.InvokeAsync(function, new InvocationInput
        {
            QueueMessageText = input,
            Timer = new TimerInfo { ScheduleStatus = new ScheduleStatus { Last = now, Next = now, LastUpdated = now }, IsPastDue = false },
        }, context.RequestAborted);
        return Results.Accepted();
    };

    private static bool Authorized(HttpContext context, AuthorizationLevel level)
    {
        if (level == AuthorizationLevel.Anonymous)
        {
            return true;
        }

        var options = context.RequestServices.GetRequiredService<IOptions<LocalHostOptions>>().Value;
        var key = context.Request.Headers[KeyHeader].ToString();
        if (string.IsNullOrEmpty(key))
        {
            key = context.Request.Query["code"].ToString();
        }

        return key == options.MasterKey || (level == AuthorizationLevel.Function && key == options.FunctionKey);
    }

    private static async Task WriteResultAsync(HttpContext context, object? result)
    {
        switch (result)
        {
            case IActionResult actionResult:
                await actionResult.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                break;
            case IResult httpResult:
                await httpResult.ExecuteAsync(context);
                break;
            case null:
                if (!context.Response.HasStarted)
                {
                    context.Response.StatusCode = StatusCodes.Status204NoContent;
                }

                break;
            case string text:
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(text, context.RequestAborted);
                break;
            default:
                await context.Response.WriteAsJsonAsync(result, result.GetType(), context.RequestAborted);
                break;
        }
    }

    private static Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(
            new { type = "about:blank", title, status, detail, instance = context.Request.Path.Value },
            (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", context.RequestAborted);
    }
}
