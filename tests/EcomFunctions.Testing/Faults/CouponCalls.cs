using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EcomFunctions.Testing.Faults;

/// <summary>The few coupon API calls the fault scenarios make (an active definition, claims, a bulk batch and its CSV).</summary>
public sealed class CouponCalls(HttpClient storefront, HttpClient operatorClient)
{
    public const string Operator = "faults-operator; roles=CampaignManager";

    public static object Terms(int quantity, int perMemberLimit = 1, string? campaignId = null) => new
    {
        name = "Fault scenario 20 off",
        kind = "fixedAmount",
        tierBenefits = new Dictionary<string, object> { ["regular"] = new { kind = "fixedAmount", amount = 20m } },
        validity = new { days = 7 },
        totalQuantity = quantity,
        perMemberLimit,
        campaignId,
    };

    public async Task<string> ActiveDefinitionAsync(int quantity, int perMemberLimit = 1, string? campaignId = null)
    {
        using var created = await operatorClient.PostAsJsonAsync("api/coupons/definitions", Terms(quantity, perMemberLimit, campaignId));
        await ExpectAsync(created, HttpStatusCode.Created);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var activated = await operatorClient.PostAsync($"api/coupons/definitions/{id}/activate", null);
        await ExpectAsync(activated, HttpStatusCode.OK);
        return id;
    }

    public async Task<HttpResponseMessage> ClaimAsync(string definitionId, string memberId, string idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/coupons/{definitionId}/claim") { Content = JsonContent.Create(new { memberId }) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await storefront.SendAsync(request, cancellationToken);
    }

    public async Task<string> RequestBatchAsync(string definitionId, int count, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/coupons/{definitionId}/batches") { Content = JsonContent.Create(new { count }) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await operatorClient.SendAsync(request);
        await ExpectAsync(response, HttpStatusCode.Accepted);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("batchId").GetString()!;
    }

    public async Task<JsonElement?> BatchAsync(string definitionId, string batchId)
    {
        using var response = await operatorClient.GetAsync($"api/coupons/{definitionId}/batches/{batchId}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    /// <summary>The codes of a completed batch, from its CSV download (second column).</summary>
    public async Task<IReadOnlyList<string>> BatchCodesAsync(string definitionId, string batchId)
    {
        var csv = await operatorClient.GetStringAsync($"api/coupons/{definitionId}/batches/{batchId}/codes.csv");
        return csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[1].Trim()).ToList();
    }

    public async Task<JsonElement> DefinitionAsync(string definitionId)
    {
        using var response = await operatorClient.GetAsync($"api/coupons/definitions/{definitionId}");
        await ExpectAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)status}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
