using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.RegularExpressions;
using EcomFunctions.Domain.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace EcomFunctions.App.Platform.OpenApi;

/// <summary>
/// Generates the OpenAPI 3.1 description of the App's HTTP API from the code itself: every method with
/// <see cref="FunctionAttribute"/> and an <see cref="HttpTriggerAttribute"/> becomes an operation (route, methods,
/// authorization level), and its request/response schemas come from <see cref="RequestBodyAttribute"/> and
/// <see cref="ProducesResponseTypeAttribute"/>, rendered with the same JSON options the API uses. Nothing is written
/// by hand, so the document cannot drift from the functions.
/// </summary>
public static partial class OpenApiDocumentBuilder
{
    public const string RoutePrefix = "/api";

    private static readonly JsonSchemaExporterOptions SchemaOptions = new() { TreatNullObliviousAsNonNullable = true };

    public static JsonObject Build(Assembly assembly, string version)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var schemas = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        var paths = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var (function, method, trigger) in HttpFunctions(assembly))
        {
            var path = RoutePrefix + "/" + RouteParameter().Replace((trigger.Route ?? function.Name).Trim('/'), m => "{" + m.Groups["name"].Value + "}");
            if (!paths.TryGetValue(path, out var item))
            {
                item = [];
                paths[path] = item;
            }

            foreach (var verb in trigger.Methods is { Length: > 0 } methods ? methods : ["get", "post"])
            {
                item[verb.ToLowerInvariant()] = Operation(function, method, trigger, path, schemas);
            }
        }

        schemas["ProblemDetails"] = ProblemSchema();
        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "EcomFunctions API",
                ["version"] = version,
                ["description"] = "Storefront endpoints authenticate with a function key (x-functions-key header or code query parameter). " +
                                  "Operator endpoints take the signed-in principal from App Service authentication (Entra ID app roles). " +
                                  "Every failure is RFC 7807 problem details (application/problem+json).",
            },
            ["paths"] = new JsonObject(paths.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["components"] = new JsonObject
            {
                ["schemas"] = new JsonObject(schemas.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value))),
                ["securitySchemes"] = new JsonObject
                {
                    ["functionKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "x-functions-key" },
                    ["operatorPrincipal"] = new JsonObject
                    {
                        ["type"] = "apiKey",
                        ["in"] = "header",
                        ["name"] = OperatorAuthentication.ClientPrincipalHeader,
                        ["description"] = "Set by App Service authentication (Entra ID); locally X-Dev-Principal: id; roles=A,B.",
                    },
                },
            },
        };
    }

    /// <summary>Every HTTP-triggered function of the assembly.</summary>
    public static IEnumerable<(FunctionAttribute Function, MethodInfo Method, HttpTriggerAttribute Trigger)> HttpFunctions(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return from type in assembly.GetTypes()
               from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
               let function = method.GetCustomAttribute<FunctionAttribute>()
               where function is not null
               let trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)
               where trigger is not null
               orderby function.Name
               select (function, method, trigger);
    }

    private static JsonObject Operation(FunctionAttribute function, MethodInfo method, HttpTriggerAttribute trigger, string path, IDictionary<string, JsonNode> schemas)
    {
        var operation = new JsonObject
        {
            ["operationId"] = function.Name,
            ["tags"] = new JsonArray(method.DeclaringType!.Namespace!.Split('.').Last()),
        };
        if (method.GetCustomAttribute<ApiSummaryAttribute>() is { } summary)
        {
            operation["summary"] = summary.Summary;
        }

        var operatorEndpoint = method.GetCustomAttribute<OperatorEndpointAttribute>();
        if (trigger.AuthLevel != AuthorizationLevel.Anonymous)
        {
            operation["security"] = new JsonArray(new JsonObject { ["functionKey"] = new JsonArray() });
        }
        else if (operatorEndpoint is not null)
        {
            operation["security"] = new JsonArray(new JsonObject { ["operatorPrincipal"] = new JsonArray() });
            operation["description"] = "Operator roles: " + string.Join(", ", operatorEndpoint.Roles) + ".";
            // Machine-readable for clients and for the tests that check every operator endpoint refuses other roles.
            operation["x-operator-roles"] = new JsonArray([.. operatorEndpoint.Roles.Select(r => (JsonNode?)JsonValue.Create(r))]);
        }

        var parameters = new JsonArray();
        foreach (Match match in PathParameter().Matches(path))
        {
            var name = match.Groups[1].Value;
            var type = method.GetParameters().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))?.ParameterType ?? typeof(string);
            parameters.Add(new JsonObject { ["name"] = name, ["in"] = "path", ["required"] = true, ["schema"] = Schema(type) });
        }

        foreach (var query in method.GetCustomAttributes<QueryParameterAttribute>())
        {
            parameters.Add(new JsonObject
            {
                ["name"] = query.Name, ["in"] = "query", ["required"] = query.Required, ["description"] = query.Description, ["schema"] = Schema(query.Type),
            });
        }

        if (parameters.Count > 0)
        {
            operation["parameters"] = parameters;
        }

        if (method.GetCustomAttribute<RequestBodyAttribute>() is { } body)
        {
            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Reference(body.Type, schemas) } },
            };
        }

        var responses = new JsonObject();
        foreach (var produces in method.GetCustomAttributes<ProducesResponseTypeAttribute>().OrderBy(p => p.StatusCode))
        {
            var response = new JsonObject { ["description"] = Describe(produces.StatusCode) };
            if (produces.Type is { } type && type != typeof(void))
            {
                var contentType = produces.StatusCode >= 400 ? "application/problem+json" : "application/json";
                response["content"] = new JsonObject { [contentType] = new JsonObject { ["schema"] = Reference(type, schemas) } };
            }

            responses[produces.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)] = response;
        }

        if (responses.Count == 0)
        {
            responses["200"] = new JsonObject { ["description"] = "OK" };
        }

        responses["default"] = new JsonObject
        {
            ["description"] = "Problem details for any failure (400 with field errors, 401, 403, 404, 409, 410, 412, 413, 415, 422, 423, 429, 503).",
            ["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/ProblemDetails" } } },
        };
        operation["responses"] = responses;
        return operation;
    }

    private static JsonNode Reference(Type type, IDictionary<string, JsonNode> schemas)
    {
        var element = type.IsArray ? type.GetElementType()! : type.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[0] : null;
        if (element is not null && !IsSimple(element))
        {
            return new JsonObject { ["type"] = "array", ["items"] = Reference(element, schemas) };
        }

        if (IsSimple(type))
        {
            return Schema(type);
        }

        var name = SchemaName(type);
        if (!schemas.ContainsKey(name))
        {
            schemas[name] = Schema(type);
        }

        return new JsonObject { ["$ref"] = "#/components/schemas/" + name };
    }

    private static JsonNode Schema(Type type) => EcomJson.Options.GetJsonSchemaAsNode(type, SchemaOptions);

    private static string SchemaName(Type type) => type.IsGenericType
        ? type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] + "Of" + string.Join("And", type.GetGenericArguments().Select(SchemaName))
        : type.Name;

    private static bool IsSimple(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(Guid) ||
               type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(DateOnly) || type == typeof(object) || type == typeof(JsonElement);
    }

    private static string Describe(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No content",
        _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
    };

    private static JsonObject ProblemSchema() => new()
    {
        ["type"] = "object",
        ["description"] = "RFC 7807 problem details.",
        ["properties"] = new JsonObject
        {
            ["type"] = new JsonObject { ["type"] = "string" },
            ["title"] = new JsonObject { ["type"] = "string" },
            ["status"] = new JsonObject { ["type"] = "integer" },
            ["detail"] = new JsonObject { ["type"] = new JsonArray("string", "null") },
            ["instance"] = new JsonObject { ["type"] = new JsonArray("string", "null") },
            ["code"] = new JsonObject { ["type"] = new JsonArray("string", "null"), ["description"] = "Machine-readable reason, e.g. sold-out, member-limit." },
            ["errors"] = new JsonObject
            {
                ["type"] = "object",
                ["description"] = "Field errors: JSON path → messages.",
                ["additionalProperties"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
            },
            ["traceId"] = new JsonObject { ["type"] = "string" },
        },
        ["required"] = new JsonArray("type", "title", "status"),
    };

    [GeneratedRegex(@"\{(?<star>\*?)(?<name>[A-Za-z0-9_]+)(?::[^}?]*)?\??\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)\}")]
    private static partial Regex PathParameter();
}
