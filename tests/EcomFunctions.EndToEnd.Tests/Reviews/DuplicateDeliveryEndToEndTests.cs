using System.Net;
using System.Text.Json;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Reviews;
using EcomFunctions.Storage;
using EcomFunctions.Testing;

namespace EcomFunctions.EndToEnd.Tests.Reviews;

/// <summary>
/// Every queue message delivered twice by the LocalHost (outbox signals, screening, review events): each review is
/// still screened once, each event published once, and every reward carries the review's one activity id.
/// </summary>
public sealed class DuplicateDeliveryEndToEndTests(ReviewsHostFixture.DeliveringTwice host) : IClassFixture<ReviewsHostFixture.DeliveringTwice>
{
    private readonly string product = Azurite.UniqueName("p");

    [Fact]
    public async Task Reviews_delivered_twice_are_screened_published_and_rewarded_once()
    {
        await host.BuyAsync("m-twice-1", "o-1", product);
        await host.BuyAsync("m-twice-2", "o-2", product);
        var positive = await SubmitAsync("m-twice-1", "o-1", 5, "Brilliant, exactly the colour in the photos.", ["https://img.example/1.jpg"]);
        var negative = await SubmitAsync("m-twice-2", "o-2", 1, "The lid cracked in the first week.");
        await host.ScreenedAsync(positive);
        await host.ScreenedAsync(negative);
        await host.ListedAsync("api/reviews/negative?pageSize=100", ReviewsHostFixture.Merchant, negative);

        // Let the duplicates (and the duplicates' outbox signals and event deliveries) drain.
        foreach (var id in new[] { positive, negative })
        {
            await Eventually.HoldsAsync(() => RewardsAsync(id), rewards => rewards.Count >= 2, TimeSpan.FromSeconds(30), $"the duplicate reward delivery for {id}");
        }

        foreach (var id in new[] { positive, negative })
        {
            var audit = (await host.GetJsonAsync($"api/moderation/reviews/{id}", ReviewsHostFixture.Moderator)).GetProperty("auditTrail").EnumerateArray().ToList();
            Assert.Equal(["Submitted", "Screened"], audit.Select(a => a.GetProperty("action").GetString()));
            Assert.Equal(1, await PublishedCountAsync(ReviewEventTypes.ReviewApproved, id));
            Assert.Equal(1, await PublishedCountAsync(ReviewEventTypes.ReviewSubmitted, id));
            Assert.All(await RewardsAsync(id), r => Assert.Equal("review-" + id, r.ActivityId));
        }

        Assert.Equal(1, await PublishedCountAsync(ReviewEventTypes.NegativeReviewReceived, negative));
        var listing = await host.GetJsonAsync($"api/products/{product}/reviews");
        Assert.Equal(2, listing.GetProperty("ratings").GetProperty("total").GetInt32());
        Assert.Equal(2, listing.GetProperty("items").GetArrayLength());
        var queued = (await host.GetJsonAsync("api/reviews/negative?pageSize=100", ReviewsHostFixture.Merchant)).GetProperty("items").EnumerateArray();
        Assert.Single(queued, i => i.GetProperty("id").GetString() == negative);
    }

    private Task<List<MemberActivityReport>> RewardsAsync(string reviewId) => Task.FromResult(
        host.MemberActivity.Select(EcomJson.Deserialize<MemberActivityBatch>).SelectMany(b => b!.Activities).Where(a => a.ActivityId.EndsWith(reviewId, StringComparison.Ordinal)).ToList());

    private async Task<int> PublishedCountAsync(string type, string reviewId) =>
        (await host.GetJsonAsync($"api/operations/events?type={type}&take=1000", ReviewsHostFixture.Moderator))
            .EnumerateArray().Count(e => e.GetProperty("subject").GetString()!.EndsWith(reviewId, StringComparison.Ordinal));

    private async Task<string> SubmitAsync(string member, string order, int rating, string text, IReadOnlyList<string>? images = null)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "api/reviews",
            new { memberId = member, orderId = order, productId = product, rating, text, imageUrls = images ?? [] });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }
}
