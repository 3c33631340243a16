using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EcomFunctions.Testing;

namespace EcomFunctions.EndToEnd.Tests.Coupons;

/// <summary>The coupon HTTP API as a storefront and an operator call it (through the LocalHost).</summary>
internal sealed class CouponApi(HttpClient client)
{
    public const string Operator = "alice; roles=CampaignManager";

    public static object Terms(int quantity = 100, decimal amount = 20m, string? campaignId = null, int validDays = 7, int perMemberLimit = 1) => new
    {
        name = "E2E 20 off",
        kind = "fixedAmount",
        tierBenefits = new Dictionary<string, object> { ["regular"] = new { kind = "fixedAmount", amount } },
        validity = new { days = validDays },
        totalQuantity = quantity,
        perMemberLimit,
        campaignId,
    };

    public async Task<(string Id, string ETag)> CreateDefinitionAsync(object terms)
    {
        var created = await SendAsync(HttpMethod.Post, "api/coupons/definitions", terms, Operator);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("id").GetString()!, created.Headers.ETag!.Tag);
    }

    public async Task<string> ActiveDefinitionAsync(object terms)
    {
        var (id, _) = await CreateDefinitionAsync(terms);
        var activated = await SendAsync(HttpMethod.Post, $"api/coupons/definitions/{id}/activate", null, Operator);
        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        return id;
    }

    public Task<HttpResponseMessage> ClaimAsync(string definitionId, string memberId, string key) =>
        SendAsync(HttpMethod.Post, $"api/coupons/{definitionId}/claim", new { memberId }, idempotencyKey: key);

    public async Task<JsonElement> GetJsonAsync(string path, string? principal = null)
    {
        var response = await SendAsync(HttpMethod.Get, path, null, principal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, string? principal = null, string? idempotencyKey = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = body is string raw
                ? new StringContent(raw, Encoding.UTF8, "application/json")
                : JsonContent.Create(body);
        }

        if (principal is not null)
        {
            request.Headers.Add("X-Dev-Principal", principal);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    /// <summary>Runs a timer or queue function by hand through the host's admin endpoint.</summary>
    public static async Task RunFunctionAsync(LocalHostFixture fixture, string name, string? input = null)
    {
        using var admin = fixture.CreateClient(LocalHostFixture.MasterKey);
        var ran = await admin.PostAsJsonAsync($"admin/functions/{name}", new { input });
        Assert.Equal(HttpStatusCode.Accepted, ran.StatusCode);
    }
}
