using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Reviews;
using EcomFunctions.Storage;
using EcomFunctions.Testing;

namespace EcomFunctions.EndToEnd.Tests.Reviews;

/// <summary>
/// Review moderation through the LocalHost: HTTP in, the outbox and the queue functions in between, HTTP out — the
/// scenarios of issue 7 as a storefront, a moderator and a merchant live them.
/// </summary>
public sealed class ReviewModerationEndToEndTests(ReviewsHostFixture host) : IClassFixture<ReviewsHostFixture>
{
    private readonly string product = Azurite.UniqueName("p");

    [Fact]
    public async Task A_clean_review_is_auto_approved_shown_publicly_and_rewarded()
    {
        await host.BuyAsync("m-clean", "o-1", product);

        var id = await SubmitAsync("m-clean", "o-1", 5, "质量很好，物流很快，包装也很仔细。", ["https://img.example/kettle.jpg"]);
        var status = await host.ScreenedAsync(id);

        Assert.Equal("Approved", status.GetProperty("status").GetString());
        var listing = await host.GetJsonAsync($"api/products/{product}/reviews");
        var item = Assert.Single(listing.GetProperty("items").EnumerateArray());
        Assert.Equal((id, true), (item.GetProperty("id").GetString(), item.GetProperty("verifiedPurchase").GetBoolean()));
        Assert.Equal((1, 5.0), (listing.GetProperty("ratings").GetProperty("total").GetInt32(), listing.GetProperty("ratings").GetProperty("average").GetDouble()));
        var detail = await host.GetJsonAsync($"api/moderation/reviews/{id}", ReviewsHostFixture.Moderator);
        Assert.Equal("AutoApproved", detail.GetProperty("review").GetProperty("screening").GetProperty("decision").GetString());
        var reward = await Eventually.HoldsAsync(
            () => Task.FromResult(host.MemberActivity.Select(EcomJson.Deserialize<MemberActivityBatch>).SelectMany(b => b!.Activities).FirstOrDefault(a => a.ActivityId == "review-" + id)),
            a => a is not null, TimeSpan.FromSeconds(30), "the approval reward reaches member-activity");
        Assert.True(reward!.WithPhoto);
        Assert.Equal("m-clean", reward.MemberId);
    }

    [Fact]
    public async Task A_contact_lure_hidden_with_spaces_and_full_width_letters_is_rejected_with_its_reason()
    {
        await host.BuyAsync("m-lure", "o-2", product);

        var id = await SubmitAsync("m-lure", "o-2", 5, "加我微 信 ｖｘ１２３４５");
        var status = await host.ScreenedAsync(id);

        Assert.Contains(status.GetProperty("status").GetString(), new[] { "Rejected", "NeedsReview" });
        var screening = (await host.GetJsonAsync($"api/moderation/reviews/{id}", ReviewsHostFixture.Moderator)).GetProperty("review").GetProperty("screening");
        var reasons = screening.GetProperty("reasons").EnumerateArray().ToList();
        Assert.Contains(reasons, r => r.GetProperty("code").GetString() == ScreeningReasonCodes.MessagingId
            && r.GetProperty("spans").EnumerateArray().Any(s => s.GetProperty("text").GetString()!.Contains("ｖｘ１２３４５", StringComparison.Ordinal)));
        Assert.Contains(reasons, r => r.GetProperty("category").GetString() == "ContactLure");
        Assert.Empty((await host.GetJsonAsync($"api/products/{product}/reviews")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_negative_review_enters_the_response_queue_is_flagged_once_when_overdue_and_the_response_is_shown_publicly()
    {
        await host.BuyAsync("m-neg", "o-3", product);
        var id = await SubmitAsync("m-neg", "o-3", 1, "Leaks from the bottom after two days.");
        Assert.Equal("Approved", (await host.ScreenedAsync(id)).GetProperty("status").GetString());

        // The work queues follow the review's own write (a projection in another partition): wait for it.
        var queue = await host.ListedAsync("api/reviews/negative?pageSize=100", ReviewsHostFixture.Merchant, id);
        Assert.False(Assert.Single(queue, i => i.GetProperty("id").GetString() == id).GetProperty("overdue").GetBoolean());

        host.Time.Advance(TimeSpan.FromHours(25));
        await host.RunByHandAsync("FlagOverdueResponses");
        await host.RunByHandAsync("FlagOverdueResponses");

        var overdue = await host.GetJsonAsync("api/reviews/negative?overdue=true&pageSize=100", ReviewsHostFixture.Merchant);
        var flagged = Assert.Single(overdue.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == id);
        Assert.Equal(JsonValueKind.String, flagged.GetProperty("overdueFlaggedAt").ValueKind);
        var reminders = await Eventually.HoldsAsync(
            async () => (await host.GetJsonAsync($"api/operations/events?type={ReviewEventTypes.ResponseOverdue}", ReviewsHostFixture.Merchant))
                .EnumerateArray().Count(e => e.GetProperty("subject").GetString()!.EndsWith(id, StringComparison.Ordinal)),
            n => n > 0, TimeSpan.FromSeconds(30), "the reminder is published");
        Assert.Equal(1, reminders);

        using var answered = await host.SendAsync(HttpMethod.Post, $"api/reviews/{id}/response", new { text = "非常抱歉，已为您安排换货。" }, ReviewsHostFixture.Merchant,
            ifMatch: flagged.GetProperty("version").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);

        var shown = Assert.Single((await host.GetJsonAsync($"api/products/{product}/reviews")).GetProperty("items").EnumerateArray());
        Assert.Equal("非常抱歉，已为您安排换货。", shown.GetProperty("response").GetProperty("text").GetString());
        Assert.DoesNotContain((await host.GetJsonAsync("api/reviews/negative?pageSize=100", ReviewsHostFixture.Merchant)).GetProperty("items").EnumerateArray(),
            i => i.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task A_blocklist_put_takes_effect_on_the_next_screening_without_a_restart()
    {
        using var current = await host.SendAsync(HttpMethod.Get, "api/moderation/blocklist", principal: ReviewsHostFixture.Moderator);
        var list = JsonDocument.Parse(await current.Content.ReadAsStringAsync()).RootElement;
        var term = "zq" + Guid.NewGuid().ToString("N")[..6];
        var entries = list.GetProperty("entries").EnumerateArray()
            .Select(e => new { term = e.GetProperty("term").GetString()!, category = e.GetProperty("category").GetString()!, action = e.GetProperty("action").GetString()! })
            .Append(new { term, category = "Competitor", action = "Reject" })
            .ToList();

        using var saved = await host.SendAsync(HttpMethod.Put, "api/moderation/blocklist", new { entries }, ReviewsHostFixture.Moderator, current.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        await host.BuyAsync("m-block", "o-4", product);
        var id = await SubmitAsync("m-block", "o-4", 4, $"Cheaper on {term.ToUpperInvariant()} to be honest.");

        Assert.Equal("Rejected", (await host.ScreenedAsync(id)).GetProperty("status").GetString());
        var reasons = (await host.GetJsonAsync($"api/moderation/reviews/{id}", ReviewsHostFixture.Moderator)).GetProperty("review").GetProperty("screening");
        Assert.Equal(list.GetProperty("version").GetInt64() + 1, reasons.GetProperty("blocklistVersion").GetInt64());
        Assert.Contains(reasons.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("code").GetString() == ScreeningReasonCodes.Blocklist
            && r.GetProperty("category").GetString() == "Competitor");
    }

    [Fact]
    public async Task A_moderator_works_the_queue_oldest_first_and_the_decision_is_audited()
    {
        await host.BuyAsync("m-q1", "o-5", product);
        await host.BuyAsync("m-q2", "o-6", product);
        var older = await SubmitAsync("m-q1", "o-5", 4, "Works, manual at https://manuals.example/kettle-k1 helped.");
        await host.ScreenedAsync(older);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        var newer = await SubmitAsync("m-q2", "o-6", 3, "Okay, compare https://compare.example/kettles first.");
        await host.ScreenedAsync(newer);

        await host.ListedAsync("api/moderation/queue?pageSize=100", ReviewsHostFixture.Moderator, older);
        var queue = await host.ListedAsync("api/moderation/queue?pageSize=100", ReviewsHostFixture.Moderator, newer);
        var ids = queue.Select(i => i.GetProperty("id").GetString()).ToList();
        Assert.True(ids.IndexOf(older) >= 0 && ids.IndexOf(older) < ids.IndexOf(newer), string.Join(", ", ids));

        using var decided = await host.SendAsync(HttpMethod.Post, $"api/reviews/{older}/decision", new { decision = "approve", reason = "manual link is fine" }, ReviewsHostFixture.Moderator);
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);

        var after = await host.GetJsonAsync("api/moderation/queue?pageSize=100", ReviewsHostFixture.Moderator);
        Assert.DoesNotContain(after.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == older);
        var audit = (await host.GetJsonAsync($"api/moderation/reviews/{older}", ReviewsHostFixture.Moderator)).GetProperty("auditTrail").EnumerateArray().Last();
        Assert.Equal(("Approved", "olga", "manual link is fine"), (audit.GetProperty("action").GetString(), audit.GetProperty("actorId").GetString(), audit.GetProperty("comment").GetString()));
    }

    [Fact]
    public async Task Poison_messages_are_visible_to_operators_unreadable_ones_at_once_and_failing_ones_after_the_retries()
    {
        var sender = new QueueSender(host.Storage);
        var marker = Guid.NewGuid().ToString("N");
        await sender.SendTextAsync(QueueNames.ReviewModeration, "{\"events\": \"" + marker);

        // A review whose stored document is unreadable fails on every attempt (a bug, not bad input): the host retries it
        // maxDequeueCount times and then moves it to the poison queue.
        var reviewId = ReviewIds.For("m-poison", "o-9", product);
        var table = await host.Storage.TableAsync(TableNames.Reviews);
        await table.UpsertEntityAsync(new TableEntity(product, "review|" + reviewId) { ["DocChunks"] = 1, ["Doc0"] = "{not json" });
        var submitted = new DomainEvent("poison-" + marker, ReviewEventTypes.ReviewSubmitted, $"products/{product}/reviews/{reviewId}", host.Time.GetUtcNow(),
            EcomJson.Serialize(new ReviewEventData(reviewId, product, "m-poison", "o-9", 5, ReviewStatus.Pending, true, false, "member:m-poison", [], null, false, null, host.Time.GetUtcNow())));
        await sender.SendAsync(QueueNames.ReviewModeration, new EventDelivery([submitted]));

        var letters = await Eventually.HoldsAsync(
            () => host.GetJsonAsync($"api/operations/dead-letters?queue={QueueNames.ReviewModeration}", ReviewsHostFixture.Moderator),
            v => v[0].GetProperty("messages").EnumerateArray().Count(m => m.GetProperty("message").GetString()!.Contains(marker, StringComparison.Ordinal)) == 2,
            TimeSpan.FromSeconds(60), "both messages are parked");
        var messages = letters[0].GetProperty("messages").EnumerateArray().Where(m => m.GetProperty("message").GetString()!.Contains(marker, StringComparison.Ordinal)).ToList();
        Assert.Contains(messages, m => m.GetProperty("reason").GetString()!.StartsWith("One or more fields are invalid", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.GetProperty("reason").GetString()!.Contains("maxDequeueCount", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bad_input_on_the_review_endpoints_is_a_problem_not_a_server_error()
    {
        using var rating = await host.SendAsync(HttpMethod.Post, "api/reviews", new { memberId = "m", orderId = "o", productId = product, rating = 0, text = "x" });
        using var noKey = await new HttpClient { BaseAddress = host.Host.BaseAddress }.PostAsJsonAsync("api/reviews", new { memberId = "m" });
        using var badToken = await host.SendAsync(HttpMethod.Get, $"api/products/{product}/reviews?continuationToken=%%%");
        using var badPage = await host.SendAsync(HttpMethod.Get, "api/moderation/queue?pageSize=100000", principal: ReviewsHostFixture.Moderator);
        using var badOverdue = await host.SendAsync(HttpMethod.Get, "api/reviews/negative?overdue=maybe", principal: ReviewsHostFixture.Merchant);
        using var unknown = await host.SendAsync(HttpMethod.Get, "api/reviews/rv00000000000000000000000000000000");
        using var badId = await host.SendAsync(HttpMethod.Get, $"api/products/{Uri.EscapeDataString("p#1")}/reviews");

        Assert.Equal(
            [HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.NotFound, HttpStatusCode.BadRequest],
            [rating.StatusCode, noKey.StatusCode, badToken.StatusCode, badPage.StatusCode, badOverdue.StatusCode, unknown.StatusCode, badId.StatusCode]);
        Assert.Equal("application/problem+json", rating.Content.Headers.ContentType!.MediaType);
    }

    private async Task<string> SubmitAsync(string member, string order, int rating, string text, IReadOnlyList<string>? images = null)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "api/reviews",
            new { memberId = member, orderId = order, productId = product, rating, text, imageUrls = images ?? [] });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body.ToString());
        Assert.Equal("Pending", body.GetProperty("status").GetString());
        return body.GetProperty("id").GetString()!;
    }
}
