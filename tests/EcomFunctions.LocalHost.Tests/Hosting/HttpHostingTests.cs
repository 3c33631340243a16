using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

using EcomFunctions.Testing;

namespace EcomFunctions.LocalHost.Tests.Hosting;

/// <summary>The LocalHost serving the App's HTTP functions: routes, methods, authorization levels, problem details.</summary>
public sealed class HttpHostingTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task Health_is_anonymous_and_reports_storage_and_version()
    {
        using var anonymous = fixture.CreateClient(key: null);
        var response = await anonymous.GetAsync("api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.True(body.RootElement.GetProperty("storage").GetProperty("tables").GetBoolean());
        Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("version").GetString()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task Function_level_endpoints_need_a_valid_key(string? key)
    {
        using var client = fixture.CreateClient(key);
        var response = await client.PostAsJsonAsync("api/diagnostics/echo-orchestration", new { message = "hi" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_key_may_be_given_as_the_code_query_parameter()
    {
        using var client = fixture.CreateClient(key: null);
        var response = await client.GetAsync($"api/diagnostics/echo-orchestration/nothing-here?code={LocalHostFixture.FunctionKey}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_master_key_opens_every_level()
    {
        using var client = fixture.CreateClient(LocalHostFixture.MasterKey);
        var response = await client.GetAsync("api/diagnostics/echo-orchestration/none");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"message\":", "message")]
    [InlineData("{\"delaySeconds\":1}", "$")]
    [InlineData("{\"message\":5}", "message")]
    [InlineData("{\"message\":\"hi\",\"delaySeconds\":-3}", "delaySeconds")]
    public async Task Malformed_json_and_missing_or_invalid_fields_are_400_problem_details(string body, string field)
    {
        var response = await fixture.Client.PostAsync("api/diagnostics/echo-orchestration", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_method_the_function_does_not_declare_is_not_served()
    {
        // As under the Functions host, a route served for other methods only is simply not found (with problem details here).
        var response = await fixture.Client.DeleteAsync("api/health");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Operator_endpoints_reject_missing_and_wrong_roles()
    {
        using var client = fixture.CreateClient(key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("api/operations/dead-letters")).StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, "api/operations/dead-letters");
        request.Headers.Add("X-Dev-Principal", "eve; roles=Shopper");
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task The_admin_listing_names_every_function_and_needs_the_master_key()
    {
        using var client = fixture.CreateClient(LocalHostFixture.MasterKey);
        var names = await client.GetFromJsonAsync<JsonElement[]>("admin/functions");
        Assert.Contains(names!, f => f.GetProperty("name").GetString() == "Health");
        Assert.Contains(names!, f => f.GetProperty("name").GetString() == "EchoOrchestrator" && f.GetProperty("trigger").GetString() == "Orchestration");

        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Client.GetAsync("admin/functions")).StatusCode);
    }
}
