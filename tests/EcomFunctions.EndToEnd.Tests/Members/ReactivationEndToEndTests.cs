using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Members;
using EcomFunctions.EndToEnd.Tests.Coupons;
using EcomFunctions.Storage;
using EcomFunctions.Testing;

namespace EcomFunctions.EndToEnd.Tests.Members;

/// <summary>
/// The whole win-back story through the LocalHost: dormant members synced by the storefront → the daily run grants a
/// coupon (through the coupon-grants queue into the member's wallet) and sends a message (local channel) to the treated ones, holds the control group
/// out → purchases and logins reported afterwards → the run report shows conversions, re-engagement and the uplift.
/// </summary>
public sealed class ReactivationEndToEndTests
{
    [Fact]
    public async Task Dormant_members_get_a_coupon_and_a_message_and_their_purchases_show_as_conversions_and_uplift()
    {
        // No quiet hours in this test (start = end), so every message is due at the run whatever the wall clock says.
        await using var host = await MembersHost.StartAsync(new Dictionary<string, string?>
        {
            ["Reactivation:QuietHoursStart"] = "00:00",
            ["Reactivation:QuietHoursEnd"] = "00:00",
        });
        // The offer table names coupon definition ids; the operator creates the definition under that id.
        var coupons = new CouponApi(host.Client);
        var offerTerms = CouponApi.Terms(quantity: 100, amount: 10m);
        var created = await coupons.SendAsync(HttpMethod.Post, "api/coupons/definitions?id=winback-dormant-regular-low", offerTerms, CouponApi.Operator);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await coupons.SendAsync(HttpMethod.Post, "api/coupons/definitions/winback-dormant-regular-low/activate", null, CouponApi.Operator)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await coupons.SendAsync(HttpMethod.Post, "api/coupons/definitions?id=winback-dormant-regular-low", CouponApi.Terms(quantity: 5), CouponApi.Operator)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await coupons.SendAsync(HttpMethod.Post, "api/coupons/definitions?id=bad%20id", offerTerms, CouponApi.Operator)).StatusCode);

        var salt = new ReactivationOptions().HoldoutSalt;
        var candidates = Enumerable.Range(0, 400).Select(i => $"e2e-{i}").ToList();
        var treated = candidates.Where(id => !Holdout.IsHeldOut(id, 0.1m, salt)).Take(3).ToList();
        var held = candidates.Where(id => Holdout.IsHeldOut(id, 0.1m, salt)).Take(2).ToList();
        var longAgo = DateTimeOffset.UtcNow.AddDays(-100);
        foreach (var id in treated.Concat(held))
        {
            var put = await host.Client.PutAsJsonAsync($"api/members/{id}", new
            {
                signedUpAt = longAgo,
                email = $"{id}@example.com",
                consents = new[] { new { channel = "push", granted = true, at = longAgo } },
            });
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            Assert.Equal("dormant", (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lifecycle").GetString());
        }

        var today = ZonedTime.LocalDate(DateTimeOffset.UtcNow, ZonedTime.Resolve("Asia/Shanghai")).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.Accepted, (await host.StartRunAsync(today)).StatusCode);
        var run = await host.WaitForRunAsync(today, TimeSpan.FromSeconds(60));
        Assert.Equal((5, 3, 2), (run.GetProperty("eligible").GetInt32(), run.GetProperty("targeted").GetInt32(), run.GetProperty("holdout").GetInt32()));

        // The coupon grants reach the Coupons capability: one coupon in each treated member's wallet, none for the control group.
        foreach (var member in treated)
        {
            var wallet = await Eventually.HoldsAsync(() => coupons.GetJsonAsync($"api/members/{member}/coupons"),
                w => WalletItems(w).Any(), TimeSpan.FromSeconds(30), $"the win-back coupon in {member}'s wallet");
            var coupon = Assert.Single(WalletItems(wallet));
            Assert.Equal(("winback-dormant-regular-low", 10m), (coupon.GetProperty("definitionId").GetString(), coupon.GetProperty("faceValue").GetDecimal()));
        }

        foreach (var member in held)
        {
            Assert.Empty(WalletItems(await coupons.GetJsonAsync($"api/members/{member}/coupons")));
        }

        // The messages, delivered by the sender through the local channel (the console's view).
        var messages = await Eventually.HoldsAsync(() => MembersHost.GetJsonAsync(host.OperatorClient, "api/reactivation/messages"),
            m => m.GetArrayLength() == 3, TimeSpan.FromSeconds(30), "three win-back messages delivered");
        Assert.Equal(treated.Order(), messages.EnumerateArray().Select(m => m.GetProperty("memberId").GetString()!).Order());
        Assert.All(messages.EnumerateArray(), m => Assert.Equal(("Push", 1), (m.GetProperty("channel").GetString(), m.GetProperty("deliveries").GetInt32())));
        Assert.Contains("3", messages[0].GetProperty("body").GetString(), StringComparison.Ordinal);

        // Responses: two treated members buy, one held-out member buys, one treated member only logs in.
        async Task ReportAsync(string member, string activityId, string kind, decimal amount = 0) =>
            Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsJsonAsync($"api/members/{member}/activity",
                new { activityId, kind, occurredAt = DateTimeOffset.UtcNow, amountPaid = amount })).StatusCode);
        await ReportAsync(treated[0], "order-a", "purchase", 120m);
        await ReportAsync(treated[0], "order-a", "purchase", 120m); // retried by the storefront
        await ReportAsync(treated[1], "order-b", "purchase", 80m);
        await ReportAsync(treated[2], "login-c", "login");
        await ReportAsync(held[0], "order-h", "purchase", 60m);

        var report = await MembersHost.GetJsonAsync(host.OperatorClient, $"api/reactivation/runs/{today}");
        var t = report.GetProperty("treated");
        var h = report.GetProperty("holdoutGroup");
        Assert.Equal((3, 2, 1, 200m), (t.GetProperty("members").GetInt32(), t.GetProperty("converted").GetInt32(), t.GetProperty("reengaged").GetInt32(), t.GetProperty("revenue").GetDecimal()));
        Assert.Equal((2, 1, 60m), (h.GetProperty("members").GetInt32(), h.GetProperty("converted").GetInt32(), h.GetProperty("revenue").GetDecimal()));
        Assert.Equal(decimal.Round(2m / 3 - 1m / 2, 6), decimal.Round(report.GetProperty("conversionUplift").GetDecimal(), 6));
        var push = report.GetProperty("channels").EnumerateArray().Single(c => c.GetProperty("channel").GetString() == "push");
        Assert.Equal((3, 3, 0.003m, 2, 200m), (push.GetProperty("planned").GetInt32(), push.GetProperty("sent").GetInt32(), push.GetProperty("cost").GetDecimal(),
            push.GetProperty("converted").GetInt32(), push.GetProperty("return").GetDecimal()));
        Assert.False(report.GetProperty("attributionFinal").GetBoolean());

        var runs = await MembersHost.GetJsonAsync(host.OperatorClient, "api/reactivation/runs");
        Assert.Equal(today, runs[0].GetProperty("runDate").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await ForbiddenAsync(host, $"api/reactivation/runs/{today}")).StatusCode);
    }

    private static JsonElement.ArrayEnumerator WalletItems(JsonElement wallet) =>
        wallet.GetProperty("coupons").EnumerateArray();

    private static async Task<HttpResponseMessage> ForbiddenAsync(MembersHost host, string path)
    {
        using var moderator = new HttpClient { BaseAddress = host.Host.BaseAddress };
        moderator.DefaultRequestHeaders.Add("X-Dev-Principal", "mod-1; roles=Moderator");
        return await moderator.GetAsync(path);
    }
}
