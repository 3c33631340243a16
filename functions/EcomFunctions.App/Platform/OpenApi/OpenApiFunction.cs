using System.Text.Json;
using EcomFunctions.App.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace EcomFunctions.App.Platform.OpenApi;

/// <summary>Serves the generated OpenAPI document.</summary>
public sealed class OpenApiFunction
{
    private static readonly Lazy<string> Document = new(() =>
        OpenApiDocumentBuilder.Build(typeof(OpenApiFunction).Assembly, HealthFunction.Version).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    [Function("OpenApiDocument")]
    [PublicEndpoint]
    [ApiSummary("This API's OpenAPI 3.1 description, generated from the functions.")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    public static IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) =>
        ApiResult.Text(StatusCodes.Status200OK, Document.Value, "application/json; charset=utf-8");
}
