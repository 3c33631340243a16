using System.Net;
using System.Text.Json.Nodes;
using EcomFunctions.Testing;
using EcomFunctions.Testing.Campaigns;

namespace EcomFunctions.EndToEnd.Tests.Reliability;

/// <summary>Regression tests for requests that were refused yet had already written part of what they asked for.</summary>
public sealed class PartialWriteTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private readonly CampaignDriver campaigns = new(host.Client);

    [Theory]
    // The owners are invalid: the confirmation before them used to be saved anyway (400 after a write).
    [InlineData("""{"confirm":["stockConfirmed"],"contingencyOwners":["   "]}""", HttpStatusCode.BadRequest)]
    // Confirming everything makes the override pointless (409 already-ready): the confirmations used to stay saved.
    [InlineData("""{"confirm":["stockConfirmed","logisticsConfirmed","loadTestDone"],"overrideReason":"ship it"}""", HttpStatusCode.Conflict)]
    public async Task A_refused_readiness_update_changes_nothing(string body, HttpStatusCode refusal)
    {
        var id = CampaignDriver.NewId();
        var now = DateTimeOffset.UtcNow;
        var created = await campaigns.CreateAsync(CampaignDriver.Plan(id, null, now.AddDays(2), now.AddDays(5)));
        var version = created.GetProperty("version").GetInt64();

        using var response = await campaigns.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/readiness", JsonNode.Parse(body));

        Assert.Equal(refusal, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var campaign = await campaigns.GetAsync(id);
        Assert.Equal(version, campaign.GetProperty("version").GetInt64());
        var readiness = await campaigns.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/campaigns/{id}/readiness");
        Assert.Empty(readiness.GetProperty("confirmations").EnumerateArray());
    }
}
