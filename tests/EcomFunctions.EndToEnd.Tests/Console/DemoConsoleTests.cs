using EcomFunctions.Testing;
using EcomFunctions.Testing.Campaigns;
using Microsoft.Playwright;

namespace EcomFunctions.EndToEnd.Tests.Console;

/// <summary>
/// The operator console in a real browser on the LocalHost with the demo data of ./scripts/start: operators approve
/// and pause campaigns, moderate a review, read reactivation and coupon figures, and do it by keyboard alone. Every
/// page action is checked against the API afterwards.
/// </summary>
public sealed class DemoConsoleTests(DemoHostFixture host, BrowserFixture browser) : IClassFixture<DemoHostFixture>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task An_approver_approves_the_waiting_campaign_but_its_planner_cannot()
    {
        var page = await OpenAsync("#/campaigns");
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Demo: spring preview" })).ToContainTextAsync("PendingApproval");
        await BrowserFixture.ScreenshotAsync(page, "console-campaigns");

        // The planner who submitted it, even holding the approver role: the page says why, and the API refuses (four eyes).
        await SignInAsync(page, "pat", "CampaignManager,CampaignApprover");
        await page.GetByRole(AriaRole.Link, new() { Name = "Demo: spring preview (awaiting approval)" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Four eyes: pat planned or submitted this campaign")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await page.Locator("#confirm-ok").ClickAsync();
        await Assertions.Expect(page.Locator("#alerts .problem")).ToContainTextAsync("403");
        Assert.Equal("pendingApproval", (await host.GetJsonAsync("api/campaigns/demo-awaiting", DemoHostFixture.Planner)).GetProperty("state").GetString());

        await SwitchOperatorAsync(page, "amy — campaign approver");
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await page.Locator("#confirm-reason").FillAsync("budget within the quarter's plan");
        await page.Locator("#confirm-ok").ClickAsync();

        await Assertions.Expect(page.Locator("#alerts .notice")).ToContainTextAsync("Approved campaign demo-awaiting");
        await Assertions.Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "approve by amy" })).ToContainTextAsync("budget within the quarter's plan");
        var campaign = await host.CampaignInStateAsync("demo-awaiting", "approved", "scheduled");
        Assert.Equal("amy", campaign.GetProperty("campaign").GetProperty("approval").GetProperty("by").GetString());
        await BrowserFixture.ScreenshotAsync(page, "console-campaign-approved");
    }

    [Fact]
    public async Task An_approver_pauses_the_live_campaign_with_a_reason_after_confirming()
    {
        await host.CampaignInStateAsync("demo-live", "live");
        var page = await OpenAsync("#/campaigns/demo-live");
        await SwitchOperatorAsync(page, "amy — campaign approver");
        await Assertions.Expect(page.Locator("main .badge").First).ToHaveTextAsync("Live");
        await Assertions.Expect(page.Locator("svg.chart")).ToHaveCountAsync(2);

        // Cancelling the confirmation changes nothing.
        await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await page.Locator("#confirm-cancel").ClickAsync();
        Assert.Equal("live", (await host.GetJsonAsync("api/campaigns/demo-live", DemoHostFixture.Approver)).GetProperty("state").GetString());

        await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await page.Locator("#confirm-reason").FillAsync("payment provider degraded");
        await page.Locator("#confirm-ok").ClickAsync();

        await Assertions.Expect(page.Locator("#alerts .notice")).ToContainTextAsync("Paused campaign demo-live");
        await Assertions.Expect(page.Locator("main .badge").First).ToHaveTextAsync("Paused");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Resume" })).ToBeVisibleAsync();
        var campaign = await host.GetJsonAsync("api/campaigns/demo-live", DemoHostFixture.Approver);
        Assert.Equal("paused", campaign.GetProperty("state").GetString());
        Assert.Equal("payment provider degraded", campaign.GetProperty("campaign").GetProperty("currentPause").GetProperty("comment").GetString());
        await BrowserFixture.ScreenshotAsync(page, "console-campaign-paused");
    }

    [Fact]
    public async Task A_moderator_approves_a_seeded_review_from_the_queue()
    {
        var queued = await Eventually.HoldsAsync(() => host.GetJsonAsync("api/moderation/queue?pageSize=100", DemoHostFixture.Moderator),
            q => q.GetProperty("items").EnumerateArray().Any(r => r.GetProperty("text").GetString()!.Contains("video.example", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the seeded review with a link waits for a moderator");
        var id = queued.GetProperty("items").EnumerateArray().First(r => r.GetProperty("text").GetString()!.Contains("video.example", StringComparison.Ordinal)).GetProperty("id").GetString()!;
        var page = await OpenAsync("#/moderation");
        await SwitchOperatorAsync(page, "olga — moderator");

        var card = page.Locator($"article[data-review='{id}']");
        await Assertions.Expect(card.Locator("mark")).ToContainTextAsync("video.example/demo-kettle");
        await BrowserFixture.ScreenshotAsync(page, "console-demo-moderation-queue");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await page.Locator("#confirm-reason").FillAsync("the seller's own unboxing video");
        await page.Locator("#confirm-ok").ClickAsync();

        await Assertions.Expect(page.Locator("#alerts .notice")).ToContainTextAsync($"Approved review {id}");
        await Assertions.Expect(card).ToHaveCountAsync(0);
        var detail = await host.GetJsonAsync($"api/moderation/reviews/{id}", DemoHostFixture.Moderator);
        Assert.Equal("Approved", detail.GetProperty("review").GetProperty("status").GetString());
        Assert.Equal("the seller's own unboxing video", detail.GetProperty("review").GetProperty("decision").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_planner_submits_a_draft_with_the_keyboard_only()
    {
        var id = CampaignDriver.NewId("kb");
        var start = DateTimeOffset.UtcNow.AddDays(20);
        var plan = CampaignDriver.Plan(id, null, start, start.AddDays(3));
        var driver = new CampaignDriver(host.Client);
        await driver.CreateAsync(plan);
        await driver.ConfirmReadinessAsync(id);
        var page = await OpenAsync($"#/campaigns/{id}");
        await SwitchOperatorAsync(page, "pat — campaign planner");
        await page.GetByRole(AriaRole.Heading, new() { Name = $"Test campaign {id}" }).WaitForAsync();

        // From the page's start, Tab until the action has focus, Enter opens the confirmation, Enter confirms.
        await page.Locator("main").FocusAsync();
        for (var i = 0; i < 20 && await page.EvaluateAsync<string>("() => document.activeElement?.textContent ?? ''") != "Submit for approval"; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Equal("Submit for approval", await page.EvaluateAsync<string>("() => document.activeElement.textContent"));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#confirm")).ToBeVisibleAsync();
        Assert.Equal("confirm-ok", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.Locator("#alerts .notice")).ToContainTextAsync($"Submitted campaign {id}");
        await Assertions.Expect(page.Locator("main .badge").First).ToHaveTextAsync("PendingApproval");
        var campaign = await host.GetJsonAsync($"api/campaigns/{id}", DemoHostFixture.Planner);
        Assert.Equal("pendingApproval", campaign.GetProperty("state").GetString());
        Assert.Equal("pat", campaign.GetProperty("campaign").GetProperty("submission").GetProperty("by").GetString());
        await BrowserFixture.ScreenshotAsync(page, "console-campaign-submitted-by-keyboard");
    }

    [Fact]
    public async Task The_reactivation_and_coupon_pages_show_the_figures_of_the_api()
    {
        var runs = await host.GetJsonAsync("api/reactivation/runs", DemoHostFixture.Planner);
        var run = runs.EnumerateArray().First();
        var date = run.GetProperty("runDate").GetString()!;
        var page = await OpenAsync("#/reactivation");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = date });
        await Assertions.Expect(row.GetByRole(AriaRole.Cell).Nth(3)).ToHaveTextAsync(run.GetProperty("targeted").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(row.GetByRole(AriaRole.Cell).Nth(4)).ToHaveTextAsync(run.GetProperty("holdout").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(row).ToContainTextAsync("push:");
        await BrowserFixture.ScreenshotAsync(page, "console-reactivation");

        var definitions = await host.GetJsonAsync("api/coupons/definitions?pageSize=100", DemoHostFixture.Planner);
        var percent = definitions.GetProperty("items").EnumerateArray().First(d => d.GetProperty("terms").GetProperty("name").GetString() == "Demo: 10 % off (max 50)").GetProperty("id").GetString()!;
        await Eventually.HoldsAsync(() => host.GetJsonAsync($"api/coupons/{percent}/batches", DemoHostFixture.Planner),
            b => b.GetArrayLength() == 1 && b[0].GetProperty("state").GetString() == "completed", TimeSpan.FromSeconds(60), "the demo batch is generated");
        var issued = (await host.GetJsonAsync($"api/coupons/definitions/{percent}", DemoHostFixture.Planner)).GetProperty("inventory").GetProperty("issued").GetInt32();
        var redeemed = await Eventually.HoldsAsync(() => host.GetJsonAsync($"api/coupons/definitions/{percent}/redemptions", DemoHostFixture.Planner),
            r => r.GetProperty("redeemed").GetInt32() > 0, TimeSpan.FromSeconds(30), "the seeded redemption is tallied");
        await page.GotoAsync("api/console#/coupons");
        var definitionRow = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Demo: 10 % off (max 50)" });
        var en = System.Globalization.CultureInfo.GetCultureInfo("en-US");
        await Assertions.Expect(definitionRow.GetByRole(AriaRole.Cell).Nth(4)).ToHaveTextAsync(issued.ToString("N0", en));
        await Assertions.Expect(definitionRow.GetByRole(AriaRole.Cell).Nth(6)).ToHaveTextAsync(redeemed.GetProperty("redeemed").GetInt32().ToString("N0", en));

        await definitionRow.GetByRole(AriaRole.Link).ClickAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download codes of batch" }).ClickAsync());
        var path = Path.Combine(BrowserFixture.ScreenshotFolder, "demo-batch.csv");
        await download.SaveAsAsync(path);
        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal("position,code,display_code,coupon_id,face_value,valid_from,valid_until", lines[0]);
        Assert.Equal(201, lines.Length);
        Assert.All(lines.Skip(1), l => Assert.StartsWith("WNTR", l.Split(',')[1], StringComparison.Ordinal));
        await BrowserFixture.ScreenshotAsync(page, "console-coupon-definition");
    }

    [Fact]
    public async Task The_demo_win_back_run_grants_one_coupon_per_treated_member_from_the_offer_tables_definitions()
    {
        var run = await Eventually.HoldsAsync(async () => (await host.GetJsonAsync("api/reactivation/runs", DemoHostFixture.Planner)).EnumerateArray().First(),
            r => r.GetProperty("targeted").GetInt32() > 0, TimeSpan.FromSeconds(60), "the demo run has targeted members");
        var targeted = run.GetProperty("targeted").GetInt32();
        string[] ids = ["winback-dormant-regular-high", "winback-dormant-regular-medium", "winback-dormant-regular-low", "winback-churned-regular-high", "winback-churned-regular-medium", "winback-churned-regular-low"];
        async Task<int> IssuedAsync()
        {
            var total = 0;
            foreach (var id in ids)
            {
                total += (await host.GetJsonAsync($"api/coupons/definitions/{id}", DemoHostFixture.Planner)).GetProperty("inventory").GetProperty("issued").GetInt32();
            }

            return total;
        }

        Assert.Equal(targeted, await Eventually.HoldsAsync(IssuedAsync, issued => issued >= targeted, TimeSpan.FromSeconds(60), "every treated member's win-back coupon issued"));
    }

    private async Task<IPage> OpenAsync(string hash)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = host.Host.BaseAddress.ToString(), Locale = "en-US", AcceptDownloads = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync("api/console" + hash);
        await page.Locator("main h2").First.WaitForAsync();
        return page;
    }

    private static async Task SignInAsync(IPage page, string id, string roles)
    {
        await page.Locator("#operator-id").FillAsync(id);
        await page.Locator("#operator-roles").FillAsync(roles);
        await page.Locator("#operator-roles").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#whoami")).ToHaveTextAsync($"signed in as {id}");
    }

    /// <summary>Picks an operator from the console's switcher (the page reloads as that operator).</summary>
    private static async Task SwitchOperatorAsync(IPage page, string preset)
    {
        await page.Locator("#operator-preset").SelectOptionAsync(new SelectOptionValue { Label = preset });
        await Assertions.Expect(page.Locator("#whoami")).ToHaveTextAsync($"signed in as {preset.Split(' ')[0]}");
        await page.Locator("main h2").First.WaitForAsync();
    }
}
