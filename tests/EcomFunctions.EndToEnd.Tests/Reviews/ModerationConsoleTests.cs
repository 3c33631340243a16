using System.Net;
using System.Text.Json;
using EcomFunctions.EndToEnd.Tests.Console;
using EcomFunctions.Testing;
using Microsoft.Playwright;

namespace EcomFunctions.EndToEnd.Tests.Reviews;

/// <summary>The moderation pages of the operator console in a real browser, on the review host's own storage.</summary>
public sealed class ModerationConsoleTests(ReviewsHostFixture host, BrowserFixture browser) : IClassFixture<ReviewsHostFixture>, IClassFixture<BrowserFixture>
{
    private readonly string product = Azurite.UniqueName("p");

    [Fact]
    public async Task A_moderator_sees_the_matched_span_highlighted_and_approves_with_a_reason()
    {
        await host.BuyAsync("m-console", "o-1", product);
        var id = await SubmitAsync("m-console", "o-1", 4, "Sturdy. Assembly video: https://video.example/k1 saved me.");
        await host.ListedAsync("api/moderation/queue?pageSize=100", ReviewsHostFixture.Moderator, id);
        var page = await OpenAsync("#/moderation");

        var card = page.Locator($"article[data-review='{id}']");
        await Assertions.Expect(card.Locator("mark")).ToHaveTextAsync("https://video.example/k1");
        await Assertions.Expect(card).ToContainTextAsync("contact.url");
        await BrowserFixture.ScreenshotAsync(page, "console-moderation-queue");

        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await page.Locator("#confirm-reason").FillAsync("video link is the manufacturer's");
        await page.Locator("#confirm-ok").ClickAsync();

        await Assertions.Expect(page.Locator("#alerts .notice")).ToContainTextAsync($"Approved review {id}");
        await Assertions.Expect(card).ToHaveCountAsync(0);
        var detail = await host.GetJsonAsync($"api/moderation/reviews/{id}", ReviewsHostFixture.Moderator);
        Assert.Equal("video link is the manufacturer's", detail.GetProperty("review").GetProperty("decision").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_merchant_answers_a_negative_review_from_the_responses_page()
    {
        await host.BuyAsync("m-console-neg", "o-2", product);
        var id = await SubmitAsync("m-console-neg", "o-2", 2, "Colour is much darker than in the photos.");
        await host.ListedAsync("api/reviews/negative?pageSize=100", ReviewsHostFixture.Merchant, id);
        var page = await OpenAsync("#/responses");

        var card = page.Locator($"article[data-review='{id}']");
        await card.GetByRole(AriaRole.Textbox).FillAsync("Sorry — we will swap it for the lighter shade.");
        await card.GetByRole(AriaRole.Button, new() { Name = "Publish response" }).ClickAsync();

        await Assertions.Expect(page.Locator("#alerts .notice")).ToContainTextAsync("Response published");
        await Assertions.Expect(card).ToHaveCountAsync(0);
        var listing = await host.GetJsonAsync($"api/products/{product}/reviews");
        Assert.Contains(listing.GetProperty("items").EnumerateArray(),
            r => r.GetProperty("id").GetString() == id && r.GetProperty("response").GetProperty("text").GetString() == "Sorry — we will swap it for the lighter shade.");
    }

    [Fact]
    public async Task A_moderator_adds_a_blocklist_term_and_the_next_review_is_screened_with_it()
    {
        var term = "kq" + Guid.NewGuid().ToString("N")[..6];
        var page = await OpenAsync("#/moderation/blocklist");

        await page.Locator("#blocklist-term").FillAsync(term);
        await page.Locator("#blocklist-category").SelectOptionAsync("Competitor");
        await page.Locator("#blocklist-action").SelectOptionAsync("Reject");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add term" }).ClickAsync();

        await Assertions.Expect(page.Locator("#alerts .notice")).ToContainTextAsync($"Added “{term}”");
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = term, Exact = true })).ToBeVisibleAsync();
        await host.BuyAsync("m-console-block", "o-3", product);
        var id = await SubmitAsync("m-console-block", "o-3", 5, $"Found it cheaper at {term}.");
        Assert.Equal("Rejected", (await host.ScreenedAsync(id)).GetProperty("status").GetString());
    }

    private async Task<IPage> OpenAsync(string hash)
    {
        var page = await browser.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = host.Host.BaseAddress.ToString() });
        await page.GotoAsync("api/console" + hash);
        await page.Locator("main h2").First.WaitForAsync();
        return page;
    }

    private async Task<string> SubmitAsync(string member, string order, int rating, string text)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "api/reviews", new { memberId = member, orderId = order, productId = product, rating, text });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }
}
