using System.Collections.Frozen;
using System.Reflection;
using EcomFunctions.App.Platform;
using EcomFunctions.App.Platform.OpenApi;
using EcomFunctions.Domain.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace EcomFunctions.App.Console;

/// <summary>
/// Serves the operator console: a static single-page app embedded in the App assembly (so every deployment carries
/// the matching version). The page calls only the public HTTP API; operator calls carry the App Service
/// authentication principal (cookie, in Azure) or, locally, the development principal the operator picks on the page.
/// </summary>
public static class ConsoleFunction
{
    private static readonly FrozenDictionary<string, (byte[] Content, string ContentType)> Assets = LoadAssets();

    [Function("ConsolePage")]
    [PublicEndpoint]
    [ApiSummary("The operator console (HTML page).")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    public static IActionResult Page([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console")] HttpRequest request) => Serve("index.html", request);

    [Function("ConsoleAsset")]
    [PublicEndpoint]
    [ApiSummary("Operator console assets (scripts, styles).")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public static IActionResult Asset([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/{asset}")] HttpRequest request, string asset) =>
        Serve(asset, request);

    private static ApiResult Serve(string name, HttpRequest request)
    {
        if (!Assets.TryGetValue(name, out var asset))
        {
            return ApiResult.Problem(Problem.NotFound($"No console asset '{name}'."), request);
        }

        var result = new ApiResult(StatusCodes.Status200OK, asset.ContentType, System.Text.Encoding.UTF8.GetString(asset.Content))
            .WithHeader("Cache-Control", "no-cache")
            .WithHeader("X-Content-Type-Options", "nosniff");
        return name == "index.html"
            ? result.WithHeader("Content-Security-Policy", "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
            : result;
    }

    private static FrozenDictionary<string, (byte[], string)> LoadAssets()
    {
        var assembly = typeof(ConsoleFunction).Assembly;
        const string prefix = "EcomFunctions.App.Console.wwwroot.";
        var assets = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var name = resource[prefix.Length..];
            assets[name] = (buffer.ToArray(), ContentTypeOf(name));
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}
