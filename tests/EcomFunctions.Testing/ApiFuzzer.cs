using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EcomFunctions.Testing;

/// <summary>One fuzz request and what came back.</summary>
public sealed record FuzzResult(string Operation, string Case, string Method, string Path, int Status, string? ContentType, string BodyStart)
{
    public bool IsServerError => Status >= 500;

    /// <summary>A 4xx must be problem details; 2xx/3xx are allowed (the input happened to be acceptable).</summary>
    public bool IsWellFormedRefusal => Status < 400 || Status >= 500 ||
        (ContentType?.StartsWith("application/problem+json", StringComparison.Ordinal) == true && BodyStart.Contains("\"status\"", StringComparison.Ordinal)) ||
        Status == 405;

    public override string ToString() => $"{Method} {Path} [{Case}] → {Status} {ContentType} {BodyStart}";
}

/// <summary>
/// Table-driven fuzzer over every operation of the App's OpenAPI document: wrong types, missing and null fields,
/// negative and overflowing numbers, invalid Unicode, huge bodies, wrong content types, hostile path ids. The
/// contract under test: every such request gets a 4xx with problem details, never a 5xx.
/// </summary>
public sealed class ApiFuzzer(HttpClient client, JsonObject openApi)
{
    private static readonly string[] HostileIds = ["a%2Fb", "a%23b", "x%3Fy", new string('z', 600), "%E2%80%8B", "..", "%F0%9F%98%80", "-1"];

    private static readonly JsonNode?[] HostileValues =
    [
        null, JsonValue.Create(-1), JsonValue.Create(0), JsonValue.Create(1e308), JsonValue.Create(-2147483649L),
        JsonValue.Create(long.MaxValue), JsonValue.Create("not a number"), JsonValue.Create(""), JsonValue.Create(new string('x', 100_000)),
        JsonValue.Create("\u200b\u202e"), JsonValue.Create(true), new JsonArray(1, 2), new JsonObject { ["nested"] = 1 },
        JsonValue.Create("2026-02-30T25:61:00Z"),
    ];

    /// <summary>Paths to leave out (e.g. the console's static assets), by prefix.</summary>
    public List<string> SkipPrefixes { get; } = ["/api/console"];

    public async Task<IReadOnlyList<FuzzResult>> RunAsync(CancellationToken cancellationToken)
    {
        var results = new List<FuzzResult>();
        var schemas = openApi["components"]?["schemas"]?.AsObject() ?? [];
        foreach (var (path, item) in openApi["paths"]!.AsObject())
        {
            if (SkipPrefixes.Any(p => path.StartsWith(p, StringComparison.Ordinal)))
            {
                continue;
            }

            foreach (var (method, operationNode) in item!.AsObject())
            {
                var operation = operationNode!.AsObject();
                var id = operation["operationId"]?.GetValue<string>() ?? $"{method} {path}";
                foreach (var (name, request) in Cases(path, method, operation, schemas))
                {
                    results.Add(await SendAsync(id, name, request, cancellationToken));
                }
            }
        }

        return results;
    }

    private static IEnumerable<(string Name, Func<HttpRequestMessage> Request)> Cases(string path, string method, JsonObject operation, JsonObject schemas)
    {
        var verb = new HttpMethod(method.ToUpperInvariant());
        var parameters = operation["parameters"]?.AsArray().Select(p => p!.AsObject()).ToList() ?? [];
        var pathParameters = parameters.Where(p => p["in"]?.GetValue<string>() == "path").Select(p => p["name"]!.GetValue<string>()).ToList();
        var queryParameters = parameters.Where(p => p["in"]?.GetValue<string>() == "query").ToList();
        string Fill(string value) => pathParameters.Aggregate(path, (current, name) => current.Replace("{" + name + "}", value, StringComparison.Ordinal));

        var plainPath = Fill("fuzz-" + Guid.NewGuid().ToString("N")[..8]);
        var bodySchema = operation["requestBody"]?["content"]?["application/json"]?["schema"];
        var valid = bodySchema is null ? null : Sample(Resolve(bodySchema, schemas), schemas, 0);

        if (pathParameters.Count > 0)
        {
            foreach (var hostile in HostileIds)
            {
                yield return ($"path id {hostile[..Math.Min(hostile.Length, 12)]}", () => Json(verb, Fill(hostile), valid));
            }
        }

        foreach (var query in queryParameters)
        {
            var name = query["name"]!.GetValue<string>();
            foreach (var value in new[] { "abc", "-5", "99999999999999999999", "%00", new string('q', 3000) })
            {
                yield return ($"query {name}={value[..Math.Min(value.Length, 10)]}", () => new HttpRequestMessage(verb, $"{plainPath}?{name}={value}"));
            }
        }

        if (bodySchema is null)
        {
            if (verb != HttpMethod.Get)
            {
                yield return ("unexpected body", () => Raw(verb, plainPath, "{\"unexpected\":", "application/json"));
            }

            yield break;
        }

        yield return ("empty body", () => Raw(verb, plainPath, string.Empty, "application/json"));
        yield return ("truncated json", () => Raw(verb, plainPath, "{\"a\":", "application/json"));
        yield return ("json array", () => Raw(verb, plainPath, "[1,2,3]", "application/json"));
        yield return ("json number", () => Raw(verb, plainPath, "42", "application/json"));
        yield return ("json null", () => Raw(verb, plainPath, "null", "application/json"));
        yield return ("empty object", () => Raw(verb, plainPath, "{}", "application/json"));
        yield return ("text/plain", () => Raw(verb, plainPath, valid?.ToJsonString() ?? "{}", "text/plain"));
        yield return ("xml", () => Raw(verb, plainPath, "<a>1</a>", "application/xml"));
        yield return ("invalid utf-8", () => Bytes(verb, plainPath, [(byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}']));
        yield return ("lone surrogate", () => Raw(verb, plainPath, "{\"a\":\"\\ud800\"}", "application/json"));
        yield return ("deep nesting", () => Raw(verb, plainPath, new string('[', 5000) + new string(']', 5000), "application/json"));
        yield return ("huge body", () => Raw(verb, plainPath, "{\"a\":\"" + new string('x', 3 * 1024 * 1024) + "\"}", "application/json"));

        if (valid is JsonObject sample)
        {
            foreach (var property in sample.Select(p => p.Key).ToList())
            {
                yield return ($"missing {property}", () =>
                {
                    var copy = sample.DeepClone().AsObject();
                    copy.Remove(property);
                    return Json(verb, plainPath, copy);
                });
                foreach (var (hostile, index) in HostileValues.Select((v, i) => (v, i)))
                {
                    yield return ($"{property} #{index}", () =>
                    {
                        var copy = sample.DeepClone().AsObject();
                        copy[property] = hostile?.DeepClone();
                        return Json(verb, plainPath, copy);
                    });
                }
            }
        }
    }

    private async Task<FuzzResult> SendAsync(string operation, string name, Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        using var request = create();
        request.Headers.TryAddWithoutValidation("Idempotency-Key", "fuzz-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return new FuzzResult(operation, name, request.Method.Method, request.RequestUri!.ToString(), (int)response.StatusCode,
                response.Content.Headers.ContentType?.MediaType, body[..Math.Min(body.Length, 300)]);
        }
        catch (HttpRequestException ex)
        {
            // The server dropped the connection: as bad as a 5xx.
            return new FuzzResult(operation, name, request.Method.Method, request.RequestUri!.ToString(), 599, null, ex.Message);
        }
    }

    private static HttpRequestMessage Json(HttpMethod method, string path, JsonNode? body) =>
        body is null ? new HttpRequestMessage(method, path) : Raw(method, path, body.ToJsonString(), "application/json");

    private static HttpRequestMessage Raw(HttpMethod method, string path, string body, string contentType)
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return request;
    }

    private static HttpRequestMessage Bytes(HttpMethod method, string path, byte[] body)
    {
        var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return request;
    }

    private static JsonNode Resolve(JsonNode schema, JsonObject schemas) =>
        schema["$ref"]?.GetValue<string>() is { } reference ? schemas[reference.Split('/').Last()] ?? new JsonObject() : schema;

    /// <summary>A plausible instance of a schema (required properties, type defaults) to mutate one field at a time.</summary>
    private static JsonNode? Sample(JsonNode schema, JsonObject schemas, int depth)
    {
        schema = Resolve(schema, schemas);
        if (depth > 6)
        {
            return null;
        }

        if (schema["enum"] is JsonArray values && values.Count > 0)
        {
            return values[0]?.DeepClone();
        }

        var type = schema["type"] switch
        {
            JsonArray types => types.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null") ?? "null",
            JsonValue single => single.GetValue<string>(),
            _ => "object",
        };
        return type switch
        {
            "object" => new JsonObject((schema["properties"]?.AsObject() ?? []).Select(p => KeyValuePair.Create(p.Key, Sample(p.Value!, schemas, depth + 1)))),
            "array" => new JsonArray(schema["items"] is { } items ? Sample(items, schemas, depth + 1) : null),
            "integer" => JsonValue.Create(1),
            "number" => JsonValue.Create(1.5),
            "boolean" => JsonValue.Create(false),
            "string" => schema["format"]?.GetValue<string>() == "date-time" ? JsonValue.Create(DateTimeOffset.UtcNow.ToString("O")) : JsonValue.Create("fuzz"),
            _ => null,
        };
    }

    public static async Task<JsonObject> LoadDocumentAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var document = await JsonDocument.ParseAsync(await client.GetStreamAsync("api/openapi.json", cancellationToken), cancellationToken: cancellationToken);
        return JsonNode.Parse(document.RootElement.GetRawText())!.AsObject();
    }
}
