using System.Text;
using EcomFunctions.App.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EcomFunctions.App.Tests;

/// <summary>Builds requests for function classes and reads their results as a client would.</summary>
internal static class TestHttp
{
    public static HttpRequest Request(string method, string path, string? body = null, string contentType = "application/json", IDictionary<string, string>? headers = null, Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        collection.AddOptions();
        services?.Invoke(collection);
        var context = new DefaultHttpContext { RequestServices = collection.BuildServiceProvider() };
        context.Request.Method = method;
        context.Request.Path = path;
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Request.Body = new MemoryStream(bytes);
            context.Request.ContentLength = bytes.Length;
            context.Request.ContentType = contentType;
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            context.Request.Headers[name] = value;
        }

        context.Response.Body = new MemoryStream();
        return context.Request;
    }

    public static async Task<(int Status, string Body, IHeaderDictionary Headers)> ExecuteAsync(IActionResult result, HttpRequest request)
    {
        var context = request.HttpContext;
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        context.Response.Body.Position = 0;
        using var reader = new StreamReader(context.Response.Body, leaveOpen: true);
        return (context.Response.StatusCode, await reader.ReadToEndAsync(), context.Response.Headers);
    }

    public static Task<(int Status, string Body, IHeaderDictionary Headers)> ExecuteAsync(ApiResult result, HttpRequest request) =>
        ExecuteAsync((IActionResult)result, request);
}
