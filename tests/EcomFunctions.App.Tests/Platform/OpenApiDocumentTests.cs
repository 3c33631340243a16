using System.Text.Json.Nodes;
using EcomFunctions.App.Platform.OpenApi;
using Microsoft.Azure.Functions.Worker;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using System.Reflection;

namespace EcomFunctions.App.Tests.Platform;

public sealed class OpenApiDocumentTests
{
    private static readonly Assembly App = typeof(OpenApiFunction).Assembly;
    private static readonly JsonObject Document = OpenApiDocumentBuilder.Build(App, "test");

    [Fact]
    public void Every_http_function_appears_with_each_of_its_methods()
    {
        var paths = Document["paths"]!.AsObject();
        var functions = OpenApiDocumentBuilder.HttpFunctions(App).ToList();
        Assert.NotEmpty(functions);
        foreach (var (function, _, trigger) in functions)
        {
            var operations = paths.SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Method: o.Key, Id: o.Value!["operationId"]!.GetValue<string>())))
                .Where(o => o.Id == function.Name)
                .ToList();
            Assert.True(operations.Count > 0, $"{function.Name} is missing from the OpenAPI document");
            foreach (var method in trigger.Methods ?? [])
            {
                Assert.Contains(operations, o => string.Equals(o.Method, method, StringComparison.OrdinalIgnoreCase));
            }
        }
    }

    [Fact]
    public void Every_anonymous_http_function_declares_whether_it_is_public_or_for_operators()
    {
        var undeclared = OpenApiDocumentBuilder.HttpFunctions(App)
            .Where(f => f.Trigger.AuthLevel == AuthorizationLevel.Anonymous &&
                        f.Method.GetCustomAttribute<PublicEndpointAttribute>() is null &&
                        f.Method.GetCustomAttribute<OperatorEndpointAttribute>() is null)
            .Select(f => f.Function.Name)
            .ToList();
        Assert.True(undeclared.Count == 0, "Anonymous functions without [PublicEndpoint] or [OperatorEndpoint]: " + string.Join(", ", undeclared));
    }

    [Fact]
    public void The_document_is_valid_openapi_with_schemas_for_bodies_and_problems()
    {
        var json = Document.ToJsonString();
        var result = OpenApiDocument.Parse(json, "json", new OpenApiReaderSettings());
        Assert.Empty(result.Diagnostic!.Errors);
        Assert.Equal("3.1.0", Document["openapi"]!.GetValue<string>());

        var start = Document["paths"]!["/api/diagnostics/echo-orchestration"]!["post"]!;
        Assert.Equal("#/components/schemas/EchoRequest", start["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.NotNull(Document["components"]!["schemas"]!["EchoRequest"]!["properties"]!["message"]);
        Assert.Equal("functionKey", start["security"]![0]!.AsObject().Single().Key);

        var status = Document["paths"]!["/api/diagnostics/echo-orchestration/{instanceId}"]!["get"]!;
        Assert.Equal("instanceId", status["parameters"]![0]!["name"]!.GetValue<string>());
        Assert.NotNull(status["responses"]!["default"]!["content"]!["application/problem+json"]);
    }
}
