using System.Net;
using System.Text;
using System.Text.Json;
using EcomFunctions.Testing;
using EcomFunctions.Testing.Campaigns;

namespace EcomFunctions.EndToEnd.Tests.Campaigns;

/// <summary>
/// Bad input on every campaign and storefront endpoint is a 4xx problem document naming the field — never a 5xx:
/// malformed JSON, wrong types, missing fields, ids with '/', '#', '?', huge numbers, negative amounts, wrong roles.
/// </summary>
public sealed class CampaignInputTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private CampaignDriver Api => new(fixture.Client);

    private async Task<JsonElement> ProblemAsync(HttpStatusCode status, HttpMethod method, string path, string? body, string? principal = CampaignDriver.Manager, string contentType = "application/json", IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType);
        }

        if (principal is not null)
        {
            request.Headers.Add("X-Dev-Principal", principal);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await fixture.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{method} {path} {body}: expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static void HasField(string field, JsonElement problem) =>
        Assert.True(Fields(problem).Contains(field), $"no error for '{field}' in {problem}");

    private static List<string> Fields(JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) ? errors.EnumerateObject().Select(e => e.Name).ToList() : [];

    private static string PlanJson(string id, Action<System.Text.Json.Nodes.JsonObject>? change = null)
    {
        var now = DateTimeOffset.UtcNow;
        var plan = CampaignDriver.Plan(id, null, now.AddDays(1), now.AddDays(2));
        change?.Invoke(plan);
        return plan.ToJsonString();
    }

    [Theory]
    [InlineData("{", "$")]
    [InlineData("[]", "$")]
    [InlineData("null", "$")]
    [InlineData("{\"name\": 5}", "name")]
    [InlineData("{\"channels\": \"app\"}", "channels")]
    [InlineData("{\"mechanics\": [{\"kind\": \"teleport\", \"id\": \"x\"}]}", "mechanics[0]")]
    [InlineData("{\"budget\": {\"total\": 1e400}}", "budget.total")]
    [InlineData("{\"goal\": {\"type\": 0, \"metric\": \"sales\", \"target\": 1}}", "goal.type")]
    public async Task Malformed_plans_are_400_with_the_json_path(string body, string field)
    {
        var problem = await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "api/campaigns", body);
        Assert.Contains(field, Fields(problem));
    }

    [Fact]
    public async Task Invalid_plans_are_400_with_every_field_error()
    {
        var body = PlanJson(CampaignDriver.NewId(), p =>
        {
            p["theme"] = "";
            p["channels"] = new System.Text.Json.Nodes.JsonArray("app", "app");
            p["budget"]!["lines"]![0]!["amount"] = -5;
            p["mechanics"]![0]!["percentOff"] = 150;
        });

        var problem = await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "api/campaigns", body);

        HasField("theme", problem);
        HasField("channels[1]", problem);
        HasField("mechanics[0].percentOff", problem);
        Assert.True(Fields(problem).Any(f => f.StartsWith("budget", StringComparison.Ordinal)), problem.ToString());
    }

    [Theory]
    [InlineData("bad/id")]
    [InlineData("bad#id")]
    [InlineData("bad?id")]
    [InlineData("-leading")]
    public async Task A_chosen_id_a_campaign_cannot_have_is_400(string id)
    {
        var problem = await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "api/campaigns", PlanJson(id));
        HasField("id", problem);
    }

    [Theory]
    [InlineData("bad%2Fid")]
    [InlineData("bad%23id")]
    [InlineData("bad%3Fid")]
    [InlineData("nobody-has-this-one")]
    public async Task Ids_that_are_not_campaigns_are_404_on_every_read_and_action(string id)
    {
        await ProblemAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/campaigns/{id}", null);
        await ProblemAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/campaigns/{id}/status", null);
        await ProblemAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/campaigns/{id}/report", null, headers: new Dictionary<string, string> { ["Accept"] = "text/csv" });
        await ProblemAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"api/campaigns/{id}/kill", "{\"reason\":\"x\"}");
        await ProblemAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"api/campaigns/{id}/submit", null);
        await ProblemAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/campaigns/{id}/budget", null);
        await ProblemAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"api/campaigns/{id}/incidents", "{\"type\":\"technical\",\"severity\":\"low\",\"title\":\"x\"}");
    }

    [Fact]
    public async Task Operators_are_authenticated_and_need_a_campaign_role()
    {
        await ProblemAsync(HttpStatusCode.Unauthorized, HttpMethod.Post, "api/campaigns", PlanJson(CampaignDriver.NewId()), principal: null);
        await ProblemAsync(HttpStatusCode.Forbidden, HttpMethod.Post, "api/campaigns", PlanJson(CampaignDriver.NewId()), principal: "mo; roles=Moderator");
        await ProblemAsync(HttpStatusCode.Forbidden, HttpMethod.Post, "api/campaigns", PlanJson(CampaignDriver.NewId()), principal: CampaignDriver.Approver);
        await ProblemAsync(HttpStatusCode.UnsupportedMediaType, HttpMethod.Post, "api/campaigns", PlanJson(CampaignDriver.NewId()), contentType: "text/plain");
        await ProblemAsync(HttpStatusCode.Unauthorized, HttpMethod.Get, "api/campaigns", null, principal: null);
    }

    [Fact]
    public async Task Actions_on_a_campaign_check_their_bodies_versions_and_amounts()
    {
        var id = CampaignDriver.NewId();
        await Api.CreateAsync(System.Text.Json.Nodes.JsonNode.Parse(PlanJson(id))!.AsObject());

        Assert.Contains("'reason'", (await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"api/campaigns/{id}/pause", "{}")).GetProperty("detail").GetString(), StringComparison.Ordinal);
        HasField("reason", await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"api/campaigns/{id}/pause", "{\"reason\":\"\"}"));
        HasField("If-Match", await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Put, $"api/campaigns/{id}", PlanJson(id), headers: new Dictionary<string, string> { ["If-Match"] = "\"abc\"" }));
        await ProblemAsync(HttpStatusCode.PreconditionFailed, HttpMethod.Post, $"api/campaigns/{id}/submit", null, headers: new Dictionary<string, string> { ["If-Match"] = "\"9\"" });
        await ProblemAsync(HttpStatusCode.Conflict, HttpMethod.Post, $"api/campaigns/{id}/kill", "{\"reason\":\"not live\"}");
        HasField("amount", await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"api/campaigns/{id}/budget/spend", "{\"entryId\":\"ad\",\"amount\":-10}"));
        HasField("amount", await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"api/campaigns/{id}/budget/spend", "{\"entryId\":\"ad\",\"amount\":1e40}"));
        HasField("line", await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"api/campaigns/{id}/budget/spend", "{\"entryId\":\"ad\",\"amount\":10,\"source\":\"cost\"}"));
        HasField("amount", await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"api/campaigns/{id}/budget/reallocations", "{\"from\":\"contingency\",\"to\":\"marketing\",\"amount\":-1,\"reason\":\"x\"}"));
        HasField("type", await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"api/campaigns/{id}/incidents", "{\"type\":\"alien\",\"severity\":\"low\",\"title\":\"x\"}"));
        HasField("end", await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"api/campaigns/{id}/extend", "{\"end\":\"yesterday\",\"reason\":\"x\"}"));
        HasField("confirm[0]", await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"api/campaigns/{id}/readiness", "{\"confirm\":[\"vibesChecked\"]}"));
        HasField("state", await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Get, "api/campaigns?state=sideways", null));
        HasField("pageSize", await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Get, "api/campaigns?pageSize=100000", null));
    }

    [Fact]
    public async Task Storefront_input_is_checked_before_anything_is_queued()
    {
        var now = DateTimeOffset.UtcNow;
        string Events(string events) => $"{{\"events\":[{events}]}}";

        HasField("events", await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "api/storefront/events", "{\"events\":", null));
        HasField("events", await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "api/storefront/events", Events(""), null));
        HasField("events[0].visitorId", await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "api/storefront/events",
            Events($"{{\"type\":\"visit\",\"visitorId\":\"a/b\",\"channel\":\"app\",\"occurredAt\":\"{now:O}\"}}"), null));
        HasField("events[0].occurredAt", await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "api/storefront/events",
            Events($"{{\"type\":\"pageView\",\"visitorId\":\"v\",\"channel\":\"app\",\"occurredAt\":\"{now.AddDays(1):O}\"}}"), null));
        HasField("events[0].value", await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "api/storefront/events",
            Events($"{{\"type\":\"order\",\"memberId\":\"m\",\"orderId\":\"o\",\"value\":-3,\"channel\":\"app\",\"occurredAt\":\"{now:O}\"}}"), null));
        HasField("events[0].campaignId", await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "api/storefront/events",
            Events($"{{\"type\":\"visit\",\"visitorId\":\"v\",\"campaignId\":\"never-planned\",\"channel\":\"app\",\"occurredAt\":\"{now:O}\"}}"), null));
        HasField("events[0].channel", await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "api/storefront/events",
            Events($"{{\"type\":\"visit\",\"visitorId\":\"v\",\"channel\":\"fax\",\"occurredAt\":\"{now:O}\"}}"), null));
        var many = string.Join(',', Enumerable.Repeat($"{{\"type\":\"pageView\",\"visitorId\":\"v\",\"channel\":\"app\",\"occurredAt\":\"{now:O}\"}}", 1001));
        await ProblemAsync(HttpStatusCode.RequestEntityTooLarge, HttpMethod.Post, "api/storefront/events", Events(many), null);

        HasField("memberId", await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Get, "api/storefront/offers", null, null));
        HasField("memberId", await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Get, "api/storefront/offers?memberId=a%2Fb", null, null));
        HasField("newUser", await ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Get, "api/storefront/offers?memberId=m1&newUser=maybe", null, null));
    }
}
