using EcomFunctions.Testing;
using Microsoft.Playwright;

namespace EcomFunctions.EndToEnd.Tests.Console;

/// <summary>The operator console served by the App, in a real browser, using only the public API.</summary>
public sealed class ConsoleShellTests(LocalHostFixture host, BrowserFixture browser) : IClassFixture<LocalHostFixture>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_operations_page_shows_health_and_parked_messages_and_works_by_keyboard()
    {
        var page = await browser.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = host.Host.BaseAddress.ToString() });
        await page.GotoAsync("api/console#/operations");

        await page.GetByRole(AriaRole.Heading, new() { Name = "Operations" }).WaitForAsync();
        await Assertions.Expect(page.Locator(".kpi b").First).ToHaveTextAsync("Healthy");
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "outbox-dispatch" })).ToBeVisibleAsync();

        // Keyboard only: focus the operator form, switch operator, and the page reloads as that operator.
        await page.Locator("#operator-id").FocusAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("olga");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("Moderator");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#whoami")).ToHaveTextAsync("signed in as olga");
        await BrowserFixture.ScreenshotAsync(page, "console-operations");
    }

    [Fact]
    public async Task An_operator_without_a_role_sees_the_problem_details()
    {
        var page = await browser.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = host.Host.BaseAddress.ToString() });
        await page.GotoAsync("api/console#/operations");
        await page.Locator("#operator-id").FillAsync("eve");
        await page.Locator("#operator-roles").FillAsync("Shopper");
        await page.Locator("#operator-roles").PressAsync("Enter");

        await Assertions.Expect(page.Locator("#alerts .problem")).ToContainTextAsync("403");
        await Assertions.Expect(page.Locator("#alerts .problem")).ToContainTextAsync("requires the role");
    }
}
