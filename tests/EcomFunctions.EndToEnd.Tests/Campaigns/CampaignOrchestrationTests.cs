using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using EcomFunctions.Testing.Campaigns;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

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
        Assert.Equal(("paused", "paused"), (paused.GetProperty("state").GetString(), paused.GetProperty("liveness").GetString()));
        var pausedStatus = await Eventually.HoldsAsync(() => Api.StatusAsync(id),
            s => Run(s) is { } run && run.GetProperty("decision") is { ValueKind: JsonValueKind.Object } last && last.GetProperty("action").GetString() == "Pause");
        var signal = Run(pausedStatus)!.Value.GetProperty("decision");
        Assert.Equal(("Pause", "pat", "price error"), (signal.GetProperty("action").GetString(), signal.GetProperty("by").GetString(), signal.GetProperty("reason").GetString()));
        await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/campaigns/{id}/resume", new { comment = "fixed" });

        var done = await Api.WaitForOrchestrationAsync(id);
        Assert.Equal("Completed", done.GetProperty("orchestration").GetProperty("runtimeStatus").GetString());
        Assert.Equal("evaluated", done.GetProperty("state").GetString());
        Assert.Equal("ended", done.GetProperty("liveness").GetString());
        Assert.Equal("Evaluated", done.GetProperty("orchestration").GetProperty("outcome").GetProperty("state").GetString());

        var audit = await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/campaigns/{id}/audit");
        var actions = audit.EnumerateArray().Select(a => a.GetProperty("action").GetString()).Where(a => a is not "checkBudget").ToList();

        // The operator's pause and resume fall somewhere while live; the orchestration's own steps have a fixed order.
        Assert.Equal(
            ["create", "confirmReadiness", "submit", "approve", "schedule", "goLive", "enterStage", "completeStage", "enterStage", "end", "completeStage", "evaluate"],
            actions.Where(a => a is not ("pause" or "resume")).ToList());
        Assert.Equal(["pause", "resume"], actions.Where(a => a is "pause" or "resume").ToList());
        Assert.InRange(actions.IndexOf("pause"), actions.IndexOf("goLive") + 1, actions.IndexOf("end") - 1);
        var snapshots = await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/campaigns/{id}/snapshots");
        Assert.True(snapshots.GetArrayLength() >= 3, $"monitoring snapshots: {snapshots.GetArrayLength()}");
        var evaluated = await Eventually.HoldsAsync(() => CampaignEvents.OfAsync("Ecom.Campaigns.CampaignEvaluated", id), e => e.Count > 0);
        Assert.Equal(0m, Assert.Single(evaluated).GetProperty("sales").GetDecimal());
    }

    [Fact]
    public async Task A_submission_nobody_decides_returns_to_draft_after_the_approval_timeout()
    {
        var id = CampaignDriver.NewId();
        var now = DateTimeOffset.UtcNow;
        await Api.CreateAsync(CampaignDriver.Plan(id, null, now.AddMinutes(5), now.AddMinutes(10)));
        await Api.SubmitAsync(id);

        var draft = await Api.WaitForStateAsync(id, "draft", TimeSpan.FromSeconds(40));
        await Api.WaitForOrchestrationAsync(id);

        var audit = await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/campaigns/{id}/audit");
        var expiry = audit.EnumerateArray().Single(a => a.GetProperty("action").GetString() == "expireApproval");
        Assert.Equal("system", expiry.GetProperty("actor").GetString());
        Assert.StartsWith("No approval within", expiry.GetProperty("comment").GetString(), StringComparison.Ordinal);
        Assert.Equal("Draft", (await Api.StatusAsync(id)).GetProperty("orchestration").GetProperty("outcome").GetProperty("state").GetString());
        Assert.Equal("draft", draft.GetProperty("state").GetString());
        await Api.ExpectAsync(HttpStatusCode.Conflict, HttpMethod.Post, $"api/campaigns/{id}/approval", new { approved = true }, CampaignDriver.Approver);
    }

    [Fact]
    public async Task Only_another_operator_with_the_approver_role_decides_and_a_rejection_ends_the_orchestration()
    {
        var id = CampaignDriver.NewId();
        var now = DateTimeOffset.UtcNow;
        await Api.CreateAsync(CampaignDriver.Plan(id, null, now.AddMinutes(5), now.AddMinutes(10)));
        await Api.SubmitAsync(id);

        // The creator holding the approver role too is still the creator (four-eyes); a manager is not an approver.
        var own = await Api.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/approval", new { approved = true }, "pat; roles=CampaignManager,CampaignApprover");
        Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        Assert.Contains("four-eyes", await own.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await Api.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/approval", new { approved = true }, CampaignDriver.OtherManager)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Api.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/approval", new { approved = false }, CampaignDriver.Approver)).StatusCode);

        var rejected = await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/campaigns/{id}/approval", new { approved = false, comment = "target too low" }, CampaignDriver.Approver);
        Assert.Equal("rejected", rejected.GetProperty("state").GetString());
        var done = await Api.WaitForOrchestrationAsync(id);
        Assert.Equal("Completed", done.GetProperty("orchestration").GetProperty("runtimeStatus").GetString());
        Assert.Equal("Rejected", done.GetProperty("orchestration").GetProperty("outcome").GetProperty("state").GetString());

        var audit = await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/campaigns/{id}/audit");
        var decision = audit.EnumerateArray().Single(a => a.GetProperty("action").GetString() == "reject");
        Assert.Equal(("amy", "target too low"), (decision.GetProperty("actor").GetString(), decision.GetProperty("comment").GetString()));
    }

    [Fact]
    public async Task A_kill_reaches_the_coupon_claim_path_within_a_second_and_the_killed_campaign_is_still_evaluated()
    {
        var id = CampaignDriver.NewId();
        var now = DateTimeOffset.UtcNow;
        await Api.LaunchAsync(CampaignDriver.Plan(id, null, now.AddSeconds(2), now.AddMinutes(5)));
        await Api.WaitForStateAsync(id, "live");

        // The Coupons capability's view: its own process, its own ≤ 0.5 s cache, primed with "live" just before the kill.
        var coupons = new CampaignStatusDirectory(new StorageClients(new StorageConnection(Azurite.ConnectionString)), TimeProvider.System);
        Assert.Equal(CampaignLiveness.Live, await coupons.GetLivenessAsync(id, default));
        var clock = Stopwatch.StartNew();
        var killed = await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/campaigns/{id}/kill", new { reason = "payment outage" });
        var answered = clock.Elapsed;
        while (await coupons.GetLivenessAsync(id, default) != CampaignLiveness.Killed && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20);
        }

        var seen = clock.Elapsed;
        Assert.Equal("killed", killed.GetProperty("state").GetString());
        Assert.True(seen - answered < TimeSpan.FromSeconds(1), $"kill answered after {answered.TotalMilliseconds:F0} ms, seen by the claim path after {seen.TotalMilliseconds:F0} ms");
        var local = fixture.Host.Services.GetRequiredService<ICampaignStatusLookup>();
        Assert.Equal(CampaignLiveness.Killed, await local.GetLivenessAsync(id, default));

        var done = await Api.WaitForOrchestrationAsync(id);
        Assert.Equal("evaluated", done.GetProperty("state").GetString());
        var report = await Api.ReportAsync(id);
        Assert.Equal(("pat", "payment outage"), (report.GetProperty("termination").GetProperty("by").GetString(), report.GetProperty("termination").GetProperty("comment").GetString()));
        var killedEvent = Assert.Single(await Eventually.HoldsAsync(() => CampaignEvents.OfAsync("Ecom.Campaigns.CampaignKilled", id), e => e.Count > 0));
        Assert.Equal("payment outage", killedEvent.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Array, killedEvent.GetProperty("couponDefinitionIds").ValueKind);
    }

    [Fact]
    public async Task Coupon_redemptions_alert_at_80_percent_pause_spending_mechanics_at_100_and_a_reallocation_resumes_them()
    {
        var id = CampaignDriver.NewId();
        var now = DateTimeOffset.UtcNow;
        var plan = CampaignDriver.Plan(id, null, now.AddSeconds(2), now.AddMinutes(5));
        ((JsonArray)plan["mechanics"]!).Add(new JsonObject { ["kind"] = "coupon", ["id"] = "coupon-20", ["couponDefinitionId"] = "def-" + id });
        plan["budget"]!["lines"] = new JsonArray(
            new JsonObject { ["line"] = "marketing", ["amount"] = 100 },
            new JsonObject { ["line"] = "platformPromotion", ["amount"] = 800 },
            new JsonObject { ["line"] = "contingency", ["amount"] = 100 });
        await Api.LaunchAsync(plan);
        await Api.WaitForStateAsync(id, "live");

        // Four coupons of 20 redeemed: 80 % of the Marketing line. Delivered twice, as at-least-once delivery may.
        var first = Enumerable.Range(1, 4).Select(i => CampaignEvents.Redeemed(id, $"{id}-cp{i}", 20m)).ToList();
        await CampaignEvents.DeliverAsync(first);
        await CampaignEvents.DeliverAsync(first);
        // The guard runs right after the entries are booked: wait for its verdict, not just the spend.
        var alerted = await Eventually.HoldsAsync(() => BudgetAsync(id),
            b => b.GetProperty("raisedAlerts").EnumerateArray().Any(a => a.GetString() == "Marketing@80"));
        Assert.Equal(80m, Spent(alerted, "marketing"));
        Assert.Equal("live", (await Api.GetAsync(id)).GetProperty("liveness").GetString());

        // The fifth exhausts the line: every spending mechanic pauses, which the coupon claim path sees as paused.
        await CampaignEvents.DeliverAsync([CampaignEvents.Redeemed(id, $"{id}-cp5", 20m), .. first]);
        var exhausted = await Eventually.HoldsAsync(() => Api.GetAsync(id), c => c.GetProperty("liveness").GetString() == "paused");
        Assert.Equal("live", exhausted.GetProperty("state").GetString());
        Assert.Equal(["ten-off", "coupon-20"], exhausted.GetProperty("campaign").GetProperty("pausedMechanics").EnumerateArray().Select(p => p.GetProperty("mechanicId").GetString()));
        Assert.All(exhausted.GetProperty("campaign").GetProperty("pausedMechanics").EnumerateArray(), p => Assert.Equal("budget", p.GetProperty("source").GetString()));
        Assert.Equal(100m, Spent(await BudgetAsync(id), "marketing"));
        var alerts = await Eventually.HoldsAsync(() => CampaignEvents.OfAsync("Ecom.Campaigns.BudgetAlert", id), a => a.Count >= 2);
        Assert.Equal([0.8m, 1m], alerts.Where(e => e.GetProperty("scope").GetString() == "Marketing").Select(e => e.GetProperty("threshold").GetDecimal()).Order());
        var offers = await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/storefront/offers?memberId=m-budget", principal: null);
        Assert.DoesNotContain(offers.GetProperty("offers").EnumerateArray(), o => o.GetProperty("campaignId").GetString() == id);

        // Contingency moved to Marketing (audited) brings the burn under 100 %: the guard resumes what it paused.
        var reallocated = await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/campaigns/{id}/budget/reallocations",
            new { from = "contingency", to = "marketing", amount = 100, reason = "coupons convert well" });
        Assert.Equal("live", reallocated.GetProperty("campaign").GetProperty("liveness").GetString());
        Assert.Empty(reallocated.GetProperty("pausedMechanics").EnumerateArray());
        Assert.Equal(200m, (await BudgetAsync(id)).GetProperty("budget").GetProperty("lines").EnumerateArray()
            .Single(l => l.GetProperty("line").GetString() == "marketing").GetProperty("allocated").GetDecimal());
        var audit = await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/campaigns/{id}/audit");
        Assert.Contains(audit.EnumerateArray(), a => a.GetProperty("action").GetString() == "reallocateBudget" && a.GetProperty("actor").GetString() == "pat");

        await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/campaigns/{id}/kill", new { reason = "test over" });
    }

    [Fact]
    public async Task A_campaign_not_ready_at_its_start_waits_with_an_alert_until_an_audited_override()
    {
        var id = CampaignDriver.NewId();
        var now = DateTimeOffset.UtcNow;
        await Api.CreateAsync(CampaignDriver.Plan(id, null, now.AddSeconds(2), now.AddMinutes(5)));
        await Api.SubmitAsync(id);
        await Api.ApproveAsync(id);

        var held = await Eventually.HoldsAsync(() => Api.StatusAsync(id),
            s => s.GetProperty("nextStep").GetProperty("kind").GetString() == "awaitReadiness" && s.GetProperty("state").GetString() == "scheduled", TimeSpan.FromSeconds(30));
        Assert.Equal(["stockConfirmed", "logisticsConfirmed", "loadTestDone"], held.GetProperty("readiness").GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("notLive", held.GetProperty("liveness").GetString());
        var alert = Assert.Single(await Eventually.HoldsAsync(() => CampaignEvents.OfAsync("Ecom.Campaigns.ReadinessAlert", id), a => a.Count > 0));
        Assert.Equal(3, alert.GetProperty("missing").GetArrayLength());

        // Still held a few re-checks later: the start waits, the alert is not repeated for the same gaps.
        await Task.Delay(2500);
        Assert.Equal("scheduled", (await Api.StatusAsync(id)).GetProperty("state").GetString());
        Assert.Single(await CampaignEvents.OfAsync("Ecom.Campaigns.ReadinessAlert", id));

        await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/campaigns/{id}/readiness", new { overrideReason = "load test signed off by phone" }, CampaignDriver.Approver);
        await Api.WaitForStateAsync(id, "live", TimeSpan.FromSeconds(20));
        var audit = await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/campaigns/{id}/audit");
        var overridden = audit.EnumerateArray().Single(a => a.GetProperty("action").GetString() == "overrideReadiness");
        Assert.Equal("amy", overridden.GetProperty("actor").GetString());
        Assert.Contains("load test signed off by phone", overridden.GetProperty("comment").GetString(), StringComparison.Ordinal);
        Assert.Contains(audit.EnumerateArray(), a => a.GetProperty("action").GetString() == "goLive" && a.GetProperty("comment").GetString()!.StartsWith("readiness overridden", StringComparison.Ordinal));

        await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/campaigns/{id}/kill", new { reason = "test over" });
    }

    [Fact]
    public async Task Submitting_twice_or_retrying_concurrently_starts_one_orchestration()
    {
        var id = CampaignDriver.NewId();
        var now = DateTimeOffset.UtcNow;
        await Api.CreateAsync(CampaignDriver.Plan(id, null, now.AddMinutes(5), now.AddMinutes(10)));

        var submits = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Api.SubmitAsync(id)));
        var again = await Api.SubmitAsync(id);

        Assert.Equal(1, submits.Count(s => s.GetProperty("started").GetBoolean()));
        Assert.False(again.GetProperty("started").GetBoolean());
        Assert.All(submits.Append(again), s => Assert.Equal($"campaign-{id}", s.GetProperty("instanceId").GetString()));
        var audit = await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/campaigns/{id}/audit");
        Assert.Single(audit.EnumerateArray(), a => a.GetProperty("action").GetString() == "submit");
        var client = fixture.Host.Services.GetRequiredService<DurableTaskClient>();
        var instances = new List<OrchestrationMetadata>();
        await foreach (var instance in client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = $"campaign-{id}" }))
        {
            instances.Add(instance);
        }

        Assert.Single(instances);
        await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/campaigns/{id}/cancel", new { reason = "test over" });
    }

    [Fact]
    public async Task A_failing_stage_is_recorded_as_an_incident_and_the_campaign_carries_on_to_its_evaluation()
    {
        var id = CampaignDriver.NewId();
        var now = DateTimeOffset.UtcNow;
        var start = now.AddSeconds(2);
        var end = start.AddSeconds(6);
        var plan = CampaignDriver.Plan(id, null, start, end);
        var stages = CampaignDriver.Stages(start, start.AddSeconds(3), end);
        stages[1]!["name"] = CampaignHostFixture.DoomedStage;
        plan["schedule"]!["stages"] = stages;
        await Api.LaunchAsync(plan);

        var done = await Api.WaitForOrchestrationAsync(id);
        Assert.Equal(("Completed", "evaluated"), (done.GetProperty("orchestration").GetProperty("runtimeStatus").GetString(), done.GetProperty("state").GetString()));
        var incidents = await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/campaigns/{id}/incidents");
        var incident = Assert.Single(incidents.EnumerateArray());
        Assert.Equal(("technical", "high", "Stage 'doomed' failed"), (incident.GetProperty("type").GetString(), incident.GetProperty("severity").GetString(), incident.GetProperty("title").GetString()));
        Assert.Contains("doomed stage", incident.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(["olivia", "carl"], incident.GetProperty("notifiedPeople").EnumerateArray().Select(p => p.GetString()));
        var report = await Api.ReportAsync(id);
        Assert.Equal(1, report.GetProperty("openIncidents").GetInt32());
        Assert.Contains(CampaignHostFixture.DoomedStage, done.GetProperty("orchestration").GetProperty("run").GetProperty("failedStages").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task The_scheduler_restarts_a_lost_orchestration_of_an_approved_campaign_once()
    {
        var id = CampaignDriver.NewId();
        var now = DateTimeOffset.UtcNow;
        await Api.LaunchAsync(CampaignDriver.Plan(id, null, now.AddMinutes(5), now.AddMinutes(10)));
        var client = fixture.Host.Services.GetRequiredService<DurableTaskClient>();
        await Eventually.HoldsAsync(() => Api.StatusAsync(id), s => Run(s)?.GetProperty("step").GetString() == "WaitForPreheat");
        await client.TerminateInstanceAsync($"campaign-{id}", "simulated loss");
        await Eventually.HoldsAsync(() => Api.StatusAsync(id), s => s.GetProperty("orchestration").GetProperty("runtimeStatus").GetString() == "Terminated");

        await RunSchedulerAsync();

        // A restart begins again at episode 0; a few episodes later, a second repair run must leave the instance alone.
        var restarted = await Eventually.HoldsAsync(() => Api.StatusAsync(id),
            s => s.GetProperty("orchestration").GetProperty("runtimeStatus").GetString() == "Running" && Run(s)?.GetProperty("episode").GetInt32() is >= 2 and < 20);
        var episode = Run(restarted)!.Value.GetProperty("episode").GetInt32();
        await RunSchedulerAsync();
        await Task.Delay(1500);

        // Between two episodes (continue-as-new) the custom status is briefly empty: read it once an episode has set it.
        var after = await Eventually.HoldsAsync(() => Api.StatusAsync(id), s => Run(s) is not null);
        Assert.Equal("Running", after.GetProperty("orchestration").GetProperty("runtimeStatus").GetString());
        Assert.True(Run(after)!.Value.GetProperty("episode").GetInt32() >= episode, $"episode went from {episode} to {Run(after)}");
        Assert.Equal("approved", after.GetProperty("state").GetString());
        await Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/campaigns/{id}/cancel", new { reason = "test over" });
    }

    /// <summary>The orchestration's custom status (null until the first episode has set it).</summary>
    private static JsonElement? Run(JsonElement status) =>
        status.GetProperty("orchestration") is { ValueKind: JsonValueKind.Object } o && o.GetProperty("run") is { ValueKind: JsonValueKind.Object } run ? run : null;

    private async Task RunSchedulerAsync()
    {
        using var response = await fixture.MasterClient.PostAsync("admin/functions/CampaignScheduler", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, $"scheduler: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private Task<JsonElement> BudgetAsync(string id) => Api.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/campaigns/{id}/budget");

    private static decimal Spent(JsonElement budget, string line) =>
        budget.GetProperty("budget").GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("line").GetString() == line).GetProperty("spent").GetDecimal();
}
