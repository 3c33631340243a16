using System.Text.Json;
using EcomFunctions.App.Reviews;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Reviews;
using EcomFunctions.Storage;
using EcomFunctions.Testing;

namespace EcomFunctions.App.Tests.Reviews;

/// <summary>
/// The queue pipeline on Azurite: submission → outbox → review-moderation → screening → outbox → review-events →
/// member-activity, with duplicate deliveries and poison messages.
/// </summary>
public sealed class ReviewPipelineTests : IDisposable
{
    private readonly ReviewPipeline pipeline = new();
    private readonly string product = Azurite.UniqueName("p");

    public void Dispose() => pipeline.Dispose();

    [Fact]
    public async Task A_clean_review_is_accepted_screened_published_and_rewarded_once()
    {
        await pipeline.BuyAsync("m1", "o1", product);

        var id = await SubmitAsync("m1", "o1", 5, "Lovely colour, fits perfectly.", ["https://img.example/a.jpg"]);
        await pipeline.PumpAsync();

        var review = await StatusAsync(id);
        Assert.Equal("Approved", review.GetProperty("status").GetString());
        var listing = await ListAsync();
        Assert.Equal(id, listing.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal(1, listing.GetProperty("ratings").GetProperty("fiveStars").GetInt32());
        var reward = Assert.Single(Rewards());
        Assert.Equal(new MemberActivityReport("m1", "review-" + id, ActivityKind.ReviewApproved, pipeline.Time.GetUtcNow(), WithPhoto: true), reward);
        Assert.Single(await pipeline.PublishedAsync(ReviewEventTypes.ReviewSubmitted), e => e.Subject.EndsWith(id, StringComparison.Ordinal));
        Assert.Single(await pipeline.PublishedAsync(ReviewEventTypes.ReviewApproved), e => e.Subject.EndsWith(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_message_delivered_twice_still_screens_once_and_rewards_one_activity()
    {
        await pipeline.BuyAsync("m1", "o1", product);

        var id = await SubmitAsync("m1", "o1", 1, "Handle snapped on the first day.");
        await pipeline.PumpAsync(deliveries: 2);

        var detail = await DetailAsync(id);
        Assert.Equal(1, detail.GetProperty("auditTrail").EnumerateArray().Count(a => a.GetProperty("action").GetString() == ReviewAuditActions.Screened));
        Assert.Single(await pipeline.PublishedAsync(ReviewEventTypes.ReviewApproved), e => e.Subject.EndsWith(id, StringComparison.Ordinal));
        Assert.Single(await pipeline.PublishedAsync(ReviewEventTypes.NegativeReviewReceived), e => e.Subject.EndsWith(id, StringComparison.Ordinal));
        // A redelivered event may send the reward again, always under the same activity id, which Members applies once.
        var rewards = Rewards().ToList();
        Assert.NotEmpty(rewards);
        Assert.All(rewards, r => Assert.Equal("review-" + id, r.ActivityId));
    }

    [Fact]
    public async Task Reviews_that_cannot_be_screened_are_parked_with_their_reason()
    {
        var unknown = new DomainEvent("e1", ReviewEventTypes.ReviewSubmitted, "products/x/reviews/y", DateTimeOffset.UtcNow,
            EcomJson.Serialize(new ReviewEventData(ReviewIds.For("a", "b", product), product, "a", "b", 5, ReviewStatus.Pending, true, false, "member:a", [], null, false, null, DateTimeOffset.UtcNow)));
        var garbled = new DomainEvent("e2", ReviewEventTypes.ReviewSubmitted, "products/x/reviews/z", DateTimeOffset.UtcNow, "{\"reviewId\": 7}");

        await pipeline.DeliverAsync(QueueNames.ReviewModeration, "{\"events\": [");
        await pipeline.DeliverAsync(QueueNames.ReviewModeration, EcomJson.Serialize(new EventDelivery([unknown, garbled])));
        await pipeline.DeliverAsync(QueueNames.ReviewModeration, EcomJson.Serialize(new EventDelivery([], Version: 9)));
        await pipeline.DeliverAsync(QueueNames.ReviewEvents, "not json at all");

        var parked = pipeline.Queue.Messages<DeadLetter>(QueueNames.Poison(QueueNames.ReviewModeration)).ToList();
        Assert.Equal(4, parked.Count);
        Assert.Contains(parked, p => p.Reason.StartsWith("One or more fields are invalid", StringComparison.Ordinal) && p.Message.StartsWith("{\"events\": [", StringComparison.Ordinal));
        Assert.Contains(parked, p => p.Reason.StartsWith("Not found.", StringComparison.Ordinal) && p.Message.Contains("\"e1\"", StringComparison.Ordinal));
        Assert.Contains(parked, p => p.Reason == "The event data is not a review event." && p.Message.Contains("\"e2\"", StringComparison.Ordinal));
        Assert.Contains(parked, p => p.Reason.Contains("Unknown message version 9", StringComparison.Ordinal));
        Assert.Single(pipeline.Queue.Messages<DeadLetter>(QueueNames.Poison(QueueNames.ReviewEvents)));
    }

    [Fact]
    public async Task Contact_details_hidden_with_spaces_and_full_width_letters_are_rejected_with_the_reason_and_its_place()
    {
        await pipeline.BuyAsync("m2", "o2", product);
        const string text = "加我微 信 ｖｘ１２３４５ 便宜";

        var id = await SubmitAsync("m2", "o2", 5, text);
        await pipeline.PumpAsync();

        var review = (await DetailAsync(id)).GetProperty("review");
        Assert.Equal("Rejected", review.GetProperty("status").GetString());
        Assert.Equal("AutoRejected", review.GetProperty("screening").GetProperty("decision").GetString());
        var reasons = review.GetProperty("screening").GetProperty("reasons").EnumerateArray().ToList();
        var messaging = Assert.Single(reasons, r => r.GetProperty("code").GetString() == ScreeningReasonCodes.MessagingId);
        var span = messaging.GetProperty("spans")[0];
        Assert.Equal(text.Substring(span.GetProperty("start").GetInt32(), span.GetProperty("length").GetInt32()), span.GetProperty("text").GetString());
        Assert.Contains("ｖｘ", span.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Empty((await ListAsync()).GetProperty("items").EnumerateArray());
        Assert.Empty(Rewards());
    }

    [Fact]
    public async Task Operators_approve_from_the_queue_and_rewards_are_not_paid_twice_for_a_restored_review()
    {
        await pipeline.BuyAsync("m3", "o3", product);
        var id = await SubmitAsync("m3", "o3", 2, "Strap feels cheap; photos at https://photos.example/strap");
        await pipeline.PumpAsync();
        var queue = await CallAsync<ModerationFunctions>((f, r) => f.Queue(r, default), "GET", "/api/moderation/queue?pageSize=50", principal: Moderator);
        Assert.Contains(queue.Body.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == id);

        var approved = await DecideAsync(id, "approve", "the link is a photo album", ifMatch: "\"2\"");
        var again = await DecideAsync(id, "approve", "twice");
        var takedown = await DecideAsync(id, "reject", "complaint upheld");
        var restored = await DecideAsync(id, "approve", "complaint withdrawn");
        var stale = await DecideAsync(id, "reject", "stale", ifMatch: "\"2\"");
        await pipeline.PumpAsync();

        Assert.Equal((200, "\"3\""), (approved.Status, approved.Headers.ETag.ToString()));
        Assert.Equal(409, again.Status);
        Assert.Equal((200, 200, 412), (takedown.Status, restored.Status, stale.Status));
        Assert.Equal("Approved", restored.Body.GetProperty("status").GetString());
        Assert.Equal(["review-" + id], Rewards().Select(r => r.ActivityId));
        var audit = (await DetailAsync(id)).GetProperty("auditTrail").EnumerateArray().Select(a => (a.GetProperty("action").GetString(), a.GetProperty("actorId").GetString())).ToList();
        Assert.Equal([("Submitted", "member:m3"), ("Screened", "system:screening"), ("Approved", "olga"), ("Rejected", "olga"), ("Approved", "olga")], audit);
        Assert.Equal(2, (await pipeline.PublishedAsync(ReviewEventTypes.ReviewApproved)).Count(e => e.Subject.EndsWith(id, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Operator_endpoints_require_the_right_role_and_valid_input()
    {
        await pipeline.BuyAsync("m4", "o4", product);
        var id = await SubmitAsync("m4", "o4", 4, "Fine.");

        var anonymous = await DecideAsync(id, "approve", "x", principal: null);
        var merchant = await DecideAsync(id, "approve", "x", principal: "shop; roles=Merchant");
        var noReason = await CallAsync<ModerationFunctions>((f, r) => f.Decide(r, id, default), "POST", $"/api/reviews/{id}/decision", new { decision = "approve", reason = " " }, Moderator);
        var badVerdict = await CallAsync<ModerationFunctions>((f, r) => f.Decide(r, id, default), "POST", $"/api/reviews/{id}/decision", new { decision = "maybe", reason = "x" }, Moderator);
        var malformed = await CallAsync<ModerationFunctions>((f, r) => f.Decide(r, id, default), "POST", $"/api/reviews/{id}/decision", "{\"decision\":", Moderator);
        var badIfMatch = await DecideAsync(id, "approve", "x", ifMatch: "yesterday");
        var unknown = await CallAsync<ModerationFunctions>((f, r) => f.Decide(r, "rv#1", default), "POST", "/api/reviews/rv%231/decision", new { decision = "approve", reason = "x" }, Moderator);

        Assert.Equal((401, 403), (anonymous.Status, merchant.Status));
        Assert.Equal((400, 400, 400, 400, 404), (noReason.Status, badVerdict.Status, malformed.Status, badIfMatch.Status, unknown.Status));
        Assert.True(noReason.Body.GetProperty("errors").TryGetProperty("reason", out _));
    }

    [Fact]
    public async Task A_blocklist_saved_by_an_operator_screens_the_next_review_without_a_restart()
    {
        var current = await CallAsync<ModerationFunctions>((f, r) => f.GetBlocklist(r, default), "GET", "/api/moderation/blocklist", principal: Moderator);
        var entries = current.Body.GetProperty("entries").EnumerateArray()
            .Select(e => new { term = e.GetProperty("term").GetString()!, category = e.GetProperty("category").GetString()!, action = e.GetProperty("action").GetString()! })
            .Append(new { term = "qq群888", category = "ads", action = "Reject" })
            .ToList();

        var saved = await CallAsync<ModerationFunctions>((f, r) => f.PutBlocklist(r, default), "PUT", "/api/moderation/blocklist", new { entries },
            Moderator, new Dictionary<string, string> { ["If-Match"] = current.Headers.ETag.ToString() });
        await pipeline.BuyAsync("m5", "o5", product);
        var id = await SubmitAsync("m5", "o5", 5, "欢迎加入 QQ 群 ８８８ 一起交流");
        await pipeline.PumpAsync();

        Assert.Equal(200, saved.Status);
        Assert.Equal(current.Body.GetProperty("version").GetInt64() + 1, saved.Body.GetProperty("version").GetInt64());
        var review = (await DetailAsync(id)).GetProperty("review");
        Assert.Equal("Rejected", review.GetProperty("status").GetString());
        Assert.Contains(review.GetProperty("screening").GetProperty("reasons").EnumerateArray(), r => r.GetProperty("detail").GetString()!.Contains("qq群888", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Blocklist_validation_errors_name_each_entry()
    {
        var invalid = await CallAsync<ModerationFunctions>((f, r) => f.PutBlocklist(r, default), "PUT", "/api/moderation/blocklist",
            new { entries = new object[] { new { term = "ok", category = "Ads", action = "Review" }, new { term = "", category = "Ads", action = "Review" }, new { term = "x", category = "Ads", action = "Note" } } }, Moderator);
        var unknownCategory = await CallAsync<ModerationFunctions>((f, r) => f.PutBlocklist(r, default), "PUT", "/api/moderation/blocklist",
            new { entries = new object[] { new { term = "ok", category = "Nonsense", action = "Review" } } }, Moderator);
        var stale = await CallAsync<ModerationFunctions>((f, r) => f.PutBlocklist(r, default), "PUT", "/api/moderation/blocklist",
            new { entries = new object[] { new { term = "ok", category = "Ads", action = "Review" } } }, Moderator, new Dictionary<string, string> { ["If-Match"] = "\"999\"" });

        Assert.Equal(400, invalid.Status);
        Assert.Equal(["entries[1].term", "entries[2].action"], invalid.Body.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(400, unknownCategory.Status);
        Assert.True(unknownCategory.Body.GetProperty("errors").TryGetProperty("entries[0].category", out _));
        Assert.Equal(412, stale.Status);
    }

    [Fact]
    public async Task A_negative_review_waits_for_the_merchant_is_flagged_once_when_overdue_and_shows_the_response()
    {
        await pipeline.BuyAsync("m6", "o6", product);
        var id = await SubmitAsync("m6", "o6", 1, "Stopped working after a week.");
        await pipeline.PumpAsync();

        var waiting = await NegativeAsync("");
        Assert.Contains(waiting.Body.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == id && !i.GetProperty("overdue").GetBoolean());

        pipeline.Time.Advance(TimeSpan.FromHours(25));
        await pipeline.Function<MerchantResponseFunctions>().FlagOverdue(ReviewPipeline.Timer(), default);
        await pipeline.Function<MerchantResponseFunctions>().FlagOverdue(ReviewPipeline.Timer(), default);
        await pipeline.PumpAsync();

        var overdue = await NegativeAsync("true");
        var item = Assert.Single(overdue.Body.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == id);
        Assert.Equal(60, item.GetProperty("overdueMinutes").GetInt32());
        Assert.Equal(JsonValueKind.String, item.GetProperty("overdueFlaggedAt").ValueKind);
        Assert.Single(await pipeline.PublishedAsync(ReviewEventTypes.ResponseOverdue), e => e.Subject.EndsWith(id, StringComparison.Ordinal));
        Assert.DoesNotContain((await NegativeAsync("false")).Body.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == id);

        var byModerator = await RespondAsync(id, "Sorry!", "olga; roles=Moderator");
        var answered = await RespondAsync(id, "Sorry — a replacement ships today.", "shop-9; roles=Merchant; name=Kettle Shop");
        var empty = await RespondAsync(id, " ", "shop-9; roles=Merchant");

        Assert.Equal((403, 200, 400), (byModerator.Status, answered.Status, empty.Status));
        Assert.DoesNotContain((await NegativeAsync("")).Body.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == id);
        var shown = (await ListAsync()).GetProperty("items")[0];
        Assert.Equal("Sorry — a replacement ships today.", shown.GetProperty("response").GetProperty("text").GetString());
        Assert.False(shown.GetProperty("response").TryGetProperty("merchantId", out var merchantId) && merchantId.ValueKind != JsonValueKind.Null);
    }

    [Fact]
    public async Task Submissions_with_bad_input_get_problem_details_and_never_a_server_error()
    {
        string[] bodies =
        [
            "{",
            "[]",
            "null",
            "{\"memberId\":\"m\",\"orderId\":\"o\",\"productId\":\"p\",\"rating\":6,\"text\":\"x\"}",
            "{\"memberId\":\"m\",\"orderId\":\"o\",\"productId\":\"p\",\"rating\":99999999999999999999,\"text\":\"x\"}",
            "{\"memberId\":\"m\",\"orderId\":\"o\",\"productId\":\"p\",\"rating\":\"five\",\"text\":\"x\"}",
            "{\"memberId\":\"m\",\"orderId\":\"o\",\"productId\":\"p\",\"rating\":4.5,\"text\":\"x\"}",
            "{\"memberId\":\"m\",\"orderId\":\"o\",\"productId\":\"p\",\"rating\":4}",
            "{\"memberId\":\"m/1\",\"orderId\":\"o\",\"productId\":\"p\",\"rating\":4,\"text\":\"x\"}",
            "{\"memberId\":\"m\",\"orderId\":\"o#2\",\"productId\":\"p?x\",\"rating\":4,\"text\":\"x\"}",
            "{\"memberId\":null,\"orderId\":\"o\",\"productId\":\"p\",\"rating\":4,\"text\":\"x\"}",
            $"{{\"memberId\":\"m\",\"orderId\":\"o\",\"productId\":\"p\",\"rating\":4,\"text\":\"{new string('x', 2001)}\"}}",
            "{\"memberId\":\"m\",\"orderId\":\"o\",\"productId\":\"p\",\"rating\":4,\"text\":\"x\",\"imageUrls\":[" + string.Join(",", Enumerable.Repeat("\"https://i.example/1.jpg\"", 10)) + "]}",
            "{\"memberId\":\"m\",\"orderId\":\"o\",\"productId\":\"p\",\"rating\":4,\"text\":\"x\",\"imageUrls\":[\"javascript:alert(1)\", null]}",
        ];

        foreach (var body in bodies)
        {
            var (status, json, _) = await CallAsync<ReviewSubmissionFunctions>((f, r) => f.Submit(r, default), "POST", "/api/reviews", body);
            Assert.True(status == 400, $"{body[..Math.Min(80, body.Length)]} → {status}");
            Assert.Equal("urn:ecom:problem:validation", json.GetProperty("type").GetString());
        }

        var wrongType = TestHttp.Request("POST", "/api/reviews", "rating=5", contentType: "application/x-www-form-urlencoded");
        Assert.Equal(415, (await TestHttp.ExecuteAsync(await pipeline.Function<ReviewSubmissionFunctions>().Submit(wrongType, default), wrongType)).Status);
    }

    [Fact]
    public async Task A_second_different_review_of_the_same_purchase_conflicts_and_a_retry_is_the_same_review()
    {
        await pipeline.BuyAsync("m7", "o7", product);
        var id = await SubmitAsync("m7", "o7", 4, "Nice.");

        var retry = await CallAsync<ReviewSubmissionFunctions>((f, r) => f.Submit(r, default), "POST", "/api/reviews",
            new { memberId = "m7", orderId = "o7", productId = product, rating = 4, text = "Nice." });
        var different = await CallAsync<ReviewSubmissionFunctions>((f, r) => f.Submit(r, default), "POST", "/api/reviews",
            new { memberId = "m7", orderId = "o7", productId = product, rating = 1, text = "Changed my mind." });

        Assert.Equal((202, id), (retry.Status, retry.Body.GetProperty("id").GetString()));
        Assert.Equal((409, "review-exists"), (different.Status, different.Body.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Keywords_come_from_published_reviews_with_stop_words_removed()
    {
        string[] texts = ["电池续航非常好，物流迅速", "电池很耐用，客服态度好", "物流迅速，包装完好", "电池续航一般，客服回复慢"];
        for (var i = 0; i < texts.Length; i++)
        {
            await pipeline.BuyAsync($"k{i}", $"ko{i}", product);
            await SubmitAsync($"k{i}", $"ko{i}", 4, texts[i]);
        }

        await pipeline.PumpAsync();
        var (status, body, _) = await CallAsync<ProductReviewFunctions>((f, r) => f.Keywords(r, product, default), "GET", $"/api/products/{product}/keywords?top=3");
        var invalid = await CallAsync<ProductReviewFunctions>((f, r) => f.Keywords(r, "p#1", default), "GET", "/api/products/p%231/keywords");

        Assert.Equal(200, status);
        var keywords = body.GetProperty("keywords").EnumerateArray().Select(k => (k.GetProperty("term").GetString(), k.GetProperty("reviews").GetInt32())).ToList();
        Assert.Equal([("电池", 3), ("客服", 2), ("物流", 2)], keywords);
        Assert.Equal(4, body.GetProperty("reviewsRead").GetInt32());
        Assert.Equal(400, invalid.Status);
    }

    private const string Moderator = "olga; roles=Moderator";

    private async Task<string> SubmitAsync(string member, string order, int rating, string text, IReadOnlyList<string>? images = null)
    {
        var (status, body, headers) = await CallAsync<ReviewSubmissionFunctions>((f, r) => f.Submit(r, default), "POST", "/api/reviews",
            new { memberId = member, orderId = order, productId = product, rating, text, imageUrls = images ?? [] });
        Assert.Equal(202, status);
        Assert.Equal("Pending", body.GetProperty("status").GetString());
        Assert.Equal($"/api/reviews/{body.GetProperty("id").GetString()}", headers.Location.ToString());
        return body.GetProperty("id").GetString()!;
    }

    private async Task<JsonElement> StatusAsync(string id) =>
        (await CallAsync<ReviewSubmissionFunctions>((f, r) => f.Status(r, id, default), "GET", $"/api/reviews/{id}")).Body;

    private async Task<JsonElement> DetailAsync(string id) =>
        (await CallAsync<ModerationFunctions>((f, r) => f.Detail(r, id, default), "GET", $"/api/moderation/reviews/{id}", principal: Moderator)).Body;

    private async Task<JsonElement> ListAsync() =>
        (await CallAsync<ProductReviewFunctions>((f, r) => f.List(r, product, default), "GET", $"/api/products/{product}/reviews")).Body;

    private Task<(int Status, JsonElement Body, Microsoft.AspNetCore.Http.IHeaderDictionary Headers)> NegativeAsync(string overdue) =>
        CallAsync<MerchantResponseFunctions>((f, r) => f.List(r, default), "GET", "/api/reviews/negative" + (overdue.Length > 0 ? "?overdue=" + overdue : "?pageSize=100"),
            principal: "shop-9; roles=Merchant");

    private Task<(int Status, JsonElement Body, Microsoft.AspNetCore.Http.IHeaderDictionary Headers)> RespondAsync(string id, string text, string principal) =>
        CallAsync<MerchantResponseFunctions>((f, r) => f.Respond(r, id, default), "POST", $"/api/reviews/{id}/response", new { text }, principal);

    private Task<(int Status, JsonElement Body, Microsoft.AspNetCore.Http.IHeaderDictionary Headers)> DecideAsync(string id, string decision, string reason,
        string? principal = Moderator, string? ifMatch = null) =>
        CallAsync<ModerationFunctions>((f, r) => f.Decide(r, id, default), "POST", $"/api/reviews/{id}/decision", new { decision, reason }, principal,
            ifMatch is null ? null : new Dictionary<string, string> { ["If-Match"] = ifMatch });

    private async Task<(int Status, JsonElement Body, Microsoft.AspNetCore.Http.IHeaderDictionary Headers)> CallAsync<TFunction>(
        Func<TFunction, Microsoft.AspNetCore.Http.HttpRequest, Task<Microsoft.AspNetCore.Mvc.IActionResult>> call,
        string method, string path, object? body = null, string? principal = null, IDictionary<string, string>? headers = null)
        where TFunction : class
    {
        var uri = new Uri("http://localhost" + path);
        var request = ReviewPipeline.Request(method, uri.AbsolutePath, body, principal, headers);
        request.QueryString = new Microsoft.AspNetCore.Http.QueryString(uri.Query);
        return await ReviewPipeline.ReadAsync(await call(pipeline.Function<TFunction>(), request), request);
    }

    private IEnumerable<MemberActivityReport> Rewards() =>
        pipeline.Queue.Messages<MemberActivityBatch>(QueueNames.MemberActivity).SelectMany(b => b.Activities);
}
