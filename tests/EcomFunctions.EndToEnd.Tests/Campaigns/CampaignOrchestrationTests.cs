using System.Net;
using System.Text.Json;
using EcomFunctions.Testing;
using EcomFunctions.Testing.Campaigns;

namespace EcomFunctions.EndToEnd.Tests.Campaigns;

/// <summary>The campaign orchestration on the real Durable Task engine (in-memory backend) with durations in seconds.</summary>
public sealed class CampaignOrchestrationTests(CampaignHostFixture fixture) : IClassFixture<CampaignHostFixture>
{
    private CampaignDriver Api => fixture.Driver;

    [Fact]
    public async Task An_approved_campaign_goes_live_pauses_resumes_ends_and_is_evaluated_through_its_stages()
    {
        var id = CampaignDriver.NewId();
        var now = DateTimeOffset.UtcNow;
        var start = now.AddSeconds(4);
        var end = start.AddSeconds(8);
        var plan = CampaignDriver.Plan(id, now.AddSeconds(2), start, end);
        plan["schedule"]!["stages"] = CampaignDriver.Stages(start, start.AddSeconds(4), end);
        await Api.LaunchAsync(plan);

        await Api.WaitForStateAsync(id, "live");
        var paused = await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/campaigns/{id}/pause", new { reason = "price error" });
        Assert.Equal("paused", paused.GetProperty("state").GetString());
        Assert.Equal("paused", paused.GetProperty("liveness").GetString());
        await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/campaigns/{id}/resume", new { comment = "fixed" });

        var done = await Api.WaitForOrchestrationAsync(id);
        Assert.Equal("Completed", done.GetProperty("orchestration").GetProperty("runtimeStatus").GetString());
        Assert.Equal("evaluated", done.GetProperty("state").GetString());

        var audit = await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/campaigns/{id}/audit");
        var actions = audit.EnumerateArray().Select(a => a.GetProperty("action").GetString()).ToList();
        Assert.Equal(
            ["create", "confirmReadiness", "submit", "approve", "schedule", "enterStage", "goLive", "pause", "resume", "completeStage", "enterStage", "completeStage", "end", "evaluate"],
            actions.Where(a => a is not "checkBudget").ToList());
    }
}
