using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EcomFunctions.Testing.Campaigns;

/// <summary>
/// Drives the campaign API over HTTP as operators and storefronts do (tests and the campaign benchmark): builds plans,
/// creates, submits, approves, confirms readiness, reads status and reports. Operators are development principals.
/// </summary>
public sealed class CampaignDriver(HttpClient client)
{
    public const string Manager = "pat; roles=CampaignManager";
    public const string OtherManager = "mia; roles=CampaignManager";
    public const string Approver = "amy; roles=CampaignApprover";

    public HttpClient Client { get; } = client;

    public static string NewId(string prefix = "c") => prefix + Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// A valid plan: two channels, one 10 % mechanic for everyone, a budget of 1 000 (Marketing 800, PlatformPromotion
    /// 100, Contingency 100), A/B variants 50/50, owners and a contingency owner (so readiness only needs confirmations).
    /// </summary>
    public static JsonObject Plan(string id, DateTimeOffset? preheat, DateTimeOffset start, DateTimeOffset end)
    {
        var plan = new JsonObject
        {
            ["id"] = id,
            ["name"] = "Test campaign " + id,
            ["theme"] = "Autumn member days",
            ["goal"] = new JsonObject { ["type"] = "salesGrowth", ["metric"] = "sales", ["target"] = 1000 },
            ["schedule"] = new JsonObject
            {
                ["preheatStart"] = preheat is { } p ? Time(p) : null,
                ["start"] = Time(start),
                ["end"] = Time(end),
                ["timeZoneId"] = "Asia/Shanghai",
            },
            ["audience"] = new JsonObject { ["tiers"] = new JsonArray(), ["segments"] = new JsonArray(), ["newUsers"] = "include" },
            ["channels"] = new JsonArray("app", "web"),
            ["mechanics"] = new JsonArray(new JsonObject { ["kind"] = "percentOff", ["id"] = "ten-off", ["percentOff"] = 10 }),
            ["budget"] = new JsonObject
            {
                ["currency"] = "CNY",
                ["total"] = 1000,
                ["lines"] = new JsonArray(
                    new JsonObject { ["line"] = "marketing", ["amount"] = 800 },
                    new JsonObject { ["line"] = "platformPromotion", ["amount"] = 100 },
                    new JsonObject { ["line"] = "contingency", ["amount"] = 100 }),
            },
            ["variants"] = new JsonArray(new JsonObject { ["name"] = "A", ["weight"] = 50 }, new JsonObject { ["name"] = "B", ["weight"] = 50 }),
            ["owners"] = new JsonObject { ["owners"] = new JsonArray("olivia"), ["contingencyOwners"] = new JsonArray("carl") },
        };
        return plan;
    }

    /// <summary>Two stages covering the campaign: main for the first part, encore for the rest.</summary>
    public static JsonArray Stages(DateTimeOffset start, DateTimeOffset split, DateTimeOffset end) =>
        new(
            new JsonObject { ["name"] = "main", ["kind"] = "main", ["start"] = Time(start), ["end"] = Time(split) },
            new JsonObject { ["name"] = "encore", ["kind"] = "encore", ["start"] = Time(split), ["end"] = Time(end) });

    public static string Time(DateTimeOffset instant) => instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? principal = Manager, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            var json = body is JsonNode node ? node.ToJsonString() : JsonSerializer.Serialize(body, Web);
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (principal is not null)
        {
            request.Headers.Add("X-Dev-Principal", principal);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await Client.SendAsync(request);
    }

    public async Task<JsonElement> ExpectAsync(HttpStatusCode status, HttpMethod method, string path, object? body = null, string? principal = Manager, IDictionary<string, string>? headers = null)
    {
        using var response = await SendAsync(method, path, body, principal, headers);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != status)
        {
            throw new InvalidOperationException($"{method} {path}: expected {(int)status}, got {(int)response.StatusCode}: {text}");
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public Task<JsonElement> CreateAsync(JsonObject plan) => ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/campaigns", plan);

    public Task<JsonElement> SubmitAsync(string id, string principal = Manager) => ExpectAsync(HttpStatusCode.Accepted, HttpMethod.Post, $"api/campaigns/{id}/submit", principal: principal);

    public Task<JsonElement> ApproveAsync(string id, string principal = Approver) =>
        ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/campaigns/{id}/approval", new { approved = true, comment = "looks good" }, principal);

    public Task<JsonElement> ConfirmReadinessAsync(string id) =>
        ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/campaigns/{id}/readiness", new { confirm = new[] { "stockConfirmed", "logisticsConfirmed", "loadTestDone" }, note = "checked" });

    /// <summary>Create, confirm readiness, submit and approve: the campaign is then in the orchestration's hands.</summary>
    public async Task<JsonElement> LaunchAsync(JsonObject plan)
    {
        var id = plan["id"]!.GetValue<string>();
        await CreateAsync(plan);
        await ConfirmReadinessAsync(id);
        await SubmitAsync(id);
        return await ApproveAsync(id);
    }

    public Task<JsonElement> StatusAsync(string id) => ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/campaigns/{id}/status");

    public Task<JsonElement> GetAsync(string id) => ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/campaigns/{id}");

    public Task<JsonElement> ReportAsync(string id) => ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/campaigns/{id}/report");

    /// <summary>Polls the status until the campaign reaches <paramref name="state"/> (camelCase, e.g. "live").</summary>
    public Task<JsonElement> WaitForStateAsync(string id, string state, TimeSpan? timeout = null) =>
        Eventually.HoldsAsync(() => StatusAsync(id), s => s.GetProperty("state").GetString() == state, timeout ?? TimeSpan.FromSeconds(60), $"campaign {id} to be {state}");

    /// <summary>Polls until the orchestration finished (Completed or Failed).</summary>
    public Task<JsonElement> WaitForOrchestrationAsync(string id, TimeSpan? timeout = null) =>
        Eventually.HoldsAsync(() => StatusAsync(id),
            s => s.GetProperty("orchestration").ValueKind == JsonValueKind.Object &&
                 s.GetProperty("orchestration").GetProperty("runtimeStatus").GetString() is "Completed" or "Failed" or "Terminated",
            timeout ?? TimeSpan.FromSeconds(60), $"orchestration of {id} to finish");

    public Task<JsonElement> PostEventsAsync(object body) => ExpectAsync(HttpStatusCode.Accepted, HttpMethod.Post, "api/storefront/events", body, principal: null);

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
}
