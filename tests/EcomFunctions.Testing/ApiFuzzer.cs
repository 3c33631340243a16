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

/// <summary>A rejected (4xx) fuzz request that nevertheless changed stored state.</summary>
public sealed record PartialWrite(string Operation, string Case, int Status, IReadOnlyList<string> Changes)
{
    public override string ToString() => $"{Operation} [{Case}] → {Status} yet wrote: {string.Join(", ", Changes.Take(5))}";
}

/// <summary>
/// Table-driven fuzzer over every operation of the App's OpenAPI document: wrong types, missing and null fields,
/// negative and overflowing numbers, invalid Unicode (lone surrogates, invalid UTF-8 bytes), huge bodies, wrong content
/// types, hostile path ids. The contract under test: every such request gets a 4xx with problem details, never a 5xx —
/// and, when <see cref="Snapshot"/> is set, a rejected request writes nothing (<see cref="PartialWrites"/>).
/// </summary>
public sealed class ApiFuzzer(HttpClient client, JsonObject openApi)
{
    private const string RawToken = "__raw_json_";

    private static readonly string[] RawTexts = ["1e400", "-99999999999999999999999999999", "\"\\udc00x\"", "\"\\ud800\""];

    // No "%00": Kestrel refuses a NUL in the path at the connection level (a bare 400 before any middleware), as the
    // Functions front end does in Azure; the app never sees it. NUL still goes to the app in query strings and bodies.
    private static readonly string[] HostileIds =
    [
        "a%2Fb", "a%23b", "x%3Fy", new string('z', 600), "%E2%80%8B", "..", "%F0%9F%98%80", "-1",
        "a%2F..%2Fb", "a%20b", "%C3%28", "%ED%A0%80", "a%252Fb", "%27%3B--", "PartitionKey%20eq%20%27x%27",
    ];

    private static readonly JsonNode?[] HostileValues =
    [
        null, JsonValue.Create(-1), JsonValue.Create(0), JsonValue.Create(1e308), JsonValue.Create(-2147483649L),
        JsonValue.Create(long.MaxValue), JsonValue.Create("not a number"), JsonValue.Create(""), JsonValue.Create(new string('x', 100_000)),
        JsonValue.Create("\u200b\u202e"), JsonValue.Create(true), new JsonArray(1, 2), new JsonObject { ["nested"] = 1 },
        JsonValue.Create("2026-02-30T25:61:00Z"), JsonValue.Create(RawToken + "3"), JsonValue.Create("a\u0000b"), JsonValue.Create("x/y#z?w"),
        JsonValue.Create(-0.000001), JsonValue.Create(decimal.MaxValue), JsonValue.Create(RawToken + "0"),
        JsonValue.Create(RawToken + "1"), JsonValue.Create(RawToken + "2"),
    ];

    /// <summary>A shorter list for properties one level down (nested objects and the first array element).</summary>
    private static readonly JsonNode?[] NestedHostileValues =
    [
        null, JsonValue.Create(-1), JsonValue.Create("not a number"), JsonValue.Create(RawToken + "0"), JsonValue.Create(RawToken + "3"),
        new JsonObject { ["nested"] = 1 }, JsonValue.Create(new string('x', 5_000)), JsonValue.Create("   "),
    ];

    /// <summary>Existing ids by path parameter name (e.g. campaignId): body and query cases then reach past the 404.</summary>
    public IDictionary<string, string> KnownIds { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Takes the stored state (e.g. <see cref="TableSnapshot.TakeAsync"/> over a private Azurite). When set, each
    /// operation's rejected requests are checked for writes; offenders land in <see cref="PartialWrites"/>.
    /// </summary>
    public Func<CancellationToken, Task<TableSnapshot>>? Snapshot { get; set; }

    /// <summary>
    /// Creates fresh resources for the given path parameter names (e.g. a new draft campaign for campaignId), called
    /// before each operation: an earlier operation (cancel, kill, erase) cannot leave the next one nothing to act on, and
    /// a step that would change state is not a no-op because the sample already did it.
    /// </summary>
    public Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyDictionary<string, string>>>? FreshIds { get; set; }

    /// <summary>How long stored state must stay unchanged to count as settled (longer than the host's queue polling interval).</summary>
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Rejected requests that changed stored state (filled when <see cref="Snapshot"/> is set).</summary>
    public List<PartialWrite> PartialWrites { get; } = [];

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
                var cases = await CasesAsync(path, method, operation, schemas, cancellationToken);
                var before = Snapshot is null ? null : await SettledSnapshotAsync(cancellationToken);
                var sent = new List<FuzzResult>();
                foreach (var (name, request) in cases)
                {
                    sent.Add(await SendAsync(id, name, request, cancellationToken));
                }

                results.AddRange(sent);
                if (before is not null && (await Snapshot!(cancellationToken)).ChangesSince(before).Count > 0)
                {
                    await FindPartialWritesAsync(id, path, method, operation, schemas, cases, sent, cancellationToken);
                }
            }
        }

        return results;
    }

    /// <summary>The operation's cases against <see cref="KnownIds"/>, refreshed by <see cref="FreshIds"/> when set.</summary>
    private async Task<List<(string Name, Func<HttpRequestMessage> Request)>> CasesAsync(string path, string method, JsonObject operation, JsonObject schemas, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<string, string>(KnownIds, StringComparer.OrdinalIgnoreCase);
        var pathParameters = (operation["parameters"]?.AsArray() ?? []).Where(p => p?["in"]?.GetValue<string>() == "path").Select(p => p!["name"]!.GetValue<string>()).ToList();
        if (FreshIds is not null && pathParameters.Count > 0)
        {
            foreach (var (name, value) in await FreshIds(pathParameters, cancellationToken))
            {
                ids[name] = value;
            }
        }

        return Cases(path, method, operation, schemas, ids).ToList();
    }

    /// <summary>
    /// Something changed while the operation was fuzzed: accepted requests may write, background work may finish. Re-run
    /// the rejected cases as one batch on a settled state (on fresh resources when <see cref="FreshIds"/> is set); if that
    /// still writes, run them one by one (each on fresh resources) to name the culprits.
    /// </summary>
    private async Task FindPartialWritesAsync(
        string operation, string path, string method, JsonObject operationNode, JsonObject schemas,
        List<(string Name, Func<HttpRequestMessage> Request)> cases, List<FuzzResult> sent, CancellationToken cancellationToken)
    {
        var rejected = cases.Where((_, i) => sent[i].Status is >= 400 and < 500).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        if (rejected.Count == 0)
        {
            return;
        }

        var batch = (await CasesAsync(path, method, operationNode, schemas, cancellationToken)).Where(c => rejected.Contains(c.Name)).ToList();
        var before = await SettledSnapshotAsync(cancellationToken);
        foreach (var (name, request) in batch)
        {
            await SendAsync(operation, name, request, cancellationToken);
        }

        if ((await Snapshot!(cancellationToken)).ChangesSince(before).Count == 0)
        {
            return;
        }

        // Bounded: a handful of offenders is enough to name the defect.
        foreach (var name in batch.Select(c => c.Name).TakeWhile(_ => PartialWrites.Count(p => p.Operation == operation) < 5))
        {
            var single = (await CasesAsync(path, method, operationNode, schemas, cancellationToken)).First(c => c.Name == name);
            before = await SettledSnapshotAsync(cancellationToken);
            var result = await SendAsync(operation, name, single.Request, cancellationToken);
            var changes = (await Snapshot!(cancellationToken)).ChangesSince(before);
            if (result.Status is >= 400 and < 500 && changes.Count > 0)
            {
                PartialWrites.Add(new PartialWrite(operation, name, result.Status, changes));
            }
        }
    }

    /// <summary>
    /// A snapshot once nothing changed for <see cref="QuietPeriod"/>: the outbox dispatch and queue work that follow an
    /// accepted request (or the seeding of fresh resources) must not be taken for the next request's writes.
    /// </summary>
    private async Task<TableSnapshot> SettledSnapshotAsync(CancellationToken cancellationToken)
    {
        var previous = await Snapshot!(cancellationToken);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            await Task.Delay(QuietPeriod, cancellationToken);
            var current = await Snapshot!(cancellationToken);
            if (current.ChangesSince(previous).Count == 0)
            {
                return current;
            }

            previous = current;
        }

        return previous;
    }

    /// <summary>
    /// The malformed cases, nested fields before top-level ones, then the well-formed sample last (every operation gets at
    /// least the sample and a stray query, so none escapes the fuzz): a case that is accepted and writes would otherwise
    /// turn the steps of the cases after it into no-ops and hide their partial writes.
    /// </summary>
    private static IEnumerable<(string Name, Func<HttpRequestMessage> Request)> Cases(string path, string method, JsonObject operation, JsonObject schemas, Dictionary<string, string> knownIds)
    {
        var verb = new HttpMethod(method.ToUpperInvariant());
        var pathParameters = (operation["parameters"]?.AsArray() ?? []).Where(p => p?["in"]?.GetValue<string>() == "path").Select(p => p!["name"]!.GetValue<string>()).ToList();
        var plainPath = pathParameters.Aggregate(path, (current, name) =>
            current.Replace("{" + name + "}", knownIds.TryGetValue(name, out var known) ? Uri.EscapeDataString(known) : "fuzz-unknown", StringComparison.Ordinal));
        var bodySchema = operation["requestBody"]?["content"]?["application/json"]?["schema"];
        var valid = bodySchema is null ? null : Sample(Resolve(bodySchema, schemas), schemas, 0);
        return MalformedCases(path, method, operation, schemas, knownIds).Concat(
        [
            ("stray query", () => Json(verb, plainPath + "?%ED%A0%80=%00&x=%C3%28&x=1", valid)),
            ("sample", () => Json(verb, plainPath, valid)),
        ]);
    }

    private static IEnumerable<(string Name, Func<HttpRequestMessage> Request)> MalformedCases(string path, string method, JsonObject operation, JsonObject schemas, Dictionary<string, string> knownIds)
    {
        var verb = new HttpMethod(method.ToUpperInvariant());
        var parameters = operation["parameters"]?.AsArray().Select(p => p!.AsObject()).ToList() ?? [];
        var pathParameters = parameters.Where(p => p["in"]?.GetValue<string>() == "path").Select(p => p["name"]!.GetValue<string>()).ToList();
        var queryParameters = parameters.Where(p => p["in"]?.GetValue<string>() == "query").ToList();
        string Fill(string value) => pathParameters.Aggregate(path, (current, name) => current.Replace("{" + name + "}", value, StringComparison.Ordinal));

        var unknownId = "fuzz-" + Guid.NewGuid().ToString("N")[..8];
        var plainPath = pathParameters.Aggregate(path, (current, name) =>
            current.Replace("{" + name + "}", knownIds.TryGetValue(name, out var known) ? Uri.EscapeDataString(known) : unknownId, StringComparison.Ordinal));
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
            foreach (var value in new[] { "abc", "-5", "99999999999999999999", "%00", new string('q', 3000), "%ED%A0%80", "-2147483649", "1.5", "a%26b%3Dc" })
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
        yield return ("no content type", () => Bytes(verb, plainPath, Encoding.UTF8.GetBytes(valid?.ToJsonString() ?? "{}"), contentType: null));
        yield return ("form urlencoded", () => Raw(verb, plainPath, "a=1&b=2", "application/x-www-form-urlencoded"));
        yield return ("multipart", () => Raw(verb, plainPath, "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--", "multipart/form-data; boundary=x"));
        yield return ("utf-16 json", () => Bytes(verb, plainPath, Encoding.Unicode.GetBytes(valid?.ToJsonString() ?? "{}"), "application/json; charset=utf-16"));
        yield return ("json with bom", () => Bytes(verb, plainPath, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("{\"a\":")]));
        yield return ("lone surrogate", () => Raw(verb, plainPath, "{\"a\":\"\\ud800\"}", "application/json"));
        yield return ("deep nesting", () => Raw(verb, plainPath, new string('[', 5000) + new string(']', 5000), "application/json"));
        yield return ("huge body", () => Raw(verb, plainPath, "{\"a\":\"" + new string('x', 3 * 1024 * 1024) + "\"}", "application/json"));

        if (valid is JsonObject sample)
        {
            foreach (var (property, bytes) in sample.Select(p => p.Key).ToList().SelectMany(p => new[]
                     {
                         (p, new byte[] { 0xED, 0xA0, 0x80 }), // a UTF-16 surrogate encoded as UTF-8: invalid
                         (p, new byte[] { 0xC0, 0xAF }), // overlong '/'
                         (p, new byte[] { 0xFF }),
                     }))
            {
                yield return ($"{property} bytes {Convert.ToHexString(bytes)}", () =>
                {
                    var copy = sample.DeepClone().AsObject();
                    copy[property] = "__BYTES__";
                    var text = copy.ToJsonString();
                    var at = text.IndexOf("__BYTES__", StringComparison.Ordinal);
                    return Bytes(verb, plainPath, [.. Encoding.UTF8.GetBytes(text[..at]), .. bytes, .. Encoding.UTF8.GetBytes(text[(at + 9)..])]);
                });
            }

            foreach (var (label, set) in Nested(sample))
            {
                foreach (var (hostile, index) in NestedHostileValues.Select((v, i) => (v, i)))
                {
                    yield return ($"{label} #{index}", () =>
                    {
                        var copy = sample.DeepClone().AsObject();
                        set(copy, hostile?.DeepClone());
                        return Json(verb, plainPath, copy);
                    });
                }
            }

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

    /// <summary>Places one level down: properties of nested objects and of an array's first object element, an array's first value.</summary>
    private static IEnumerable<(string Label, Action<JsonObject, JsonNode?> Set)> Nested(JsonObject sample)
    {
        foreach (var (property, value) in sample)
        {
            if (value is JsonObject nested)
            {
                foreach (var inner in nested.Select(p => p.Key))
                {
                    yield return ($"{property}.{inner}", (copy, node) => copy[property]![inner] = node);
                }
            }
            else if (value is JsonArray { Count: > 0 } array && array[0] is JsonObject element)
            {
                foreach (var inner in element.Select(p => p.Key))
                {
                    yield return ($"{property}[0].{inner}", (copy, node) => copy[property]![0]![inner] = node);
                }
            }
            else if (value is JsonArray { Count: > 0 } values && values[0] is JsonValue)
            {
                yield return ($"{property}[0]", (copy, node) => copy[property]![0] = node);
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
        body is null ? new HttpRequestMessage(method, path) : Raw(method, path, WithRawTokens(body.ToJsonString()), "application/json");

    /// <summary>Puts the raw JSON texts JsonNode cannot hold (overflowing numbers, invalid escapes) in place of their placeholders.</summary>
    private static string WithRawTokens(string json)
    {
        for (var i = 0; i < RawTexts.Length; i++)
        {
            json = json.Replace($"\"{RawToken}{i}\"", RawTexts[i], StringComparison.Ordinal);
        }

        return json;
    }

    private static HttpRequestMessage Raw(HttpMethod method, string path, string body, string contentType)
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return request;
    }

    private static HttpRequestMessage Bytes(HttpMethod method, string path, byte[] body, string? contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

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
