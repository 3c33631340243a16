using System.Text.Json;
using EcomFunctions.App.Coupons;
using EcomFunctions.App.Platform;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace EcomFunctions.App.Tests.Coupons;

/// <summary>Operator endpoints: who may call them, what they validate before storage, how versions travel.</summary>
public sealed class CouponOperatorFunctionsTests
{
    private const string Manager = "alice; roles=CampaignManager";
    private readonly CouponFunctionsTestKit kit = new();
    private readonly Mock<IIdempotencyStore> idempotencyStore = new(MockBehavior.Strict);

    private CouponDefinitionFunctions Definitions() =>
        new(kit.Definitions, CouponFunctionsTestKit.Operators(), new IdempotentRequests(idempotencyStore.Object, Options.Create(new IdempotencyOptions()), kit.Time));

    private static HttpRequest Request(string method, string path, string? body = null, string? principal = Manager, Dictionary<string, string>? headers = null)
    {
        headers ??= [];
        if (principal is not null)
        {
            headers["X-Dev-Principal"] = principal;
        }

        return TestHttp.Request(method, path, body, headers: headers);
    }

    [Theory]
    [InlineData(null, 401)]
    [InlineData("bob; roles=Moderator", 403)]
    public async Task Definitions_need_a_campaign_manager(string? principal, int expected)
    {
        var request = Request("POST", "/api/coupons/definitions", "{}", principal);
        Assert.Equal(expected, (await TestHttp.ExecuteAsync(await Definitions().Create(request, CancellationToken.None), request)).Status);
        kit.DefinitionStore.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("{\"name\":\"x\"}", "$")]
    [InlineData("{\"name\":\"x\",\"kind\":\"fixedAmount\",\"tierBenefits\":{\"regular\":{\"kind\":\"fixedAmount\"}},\"validity\":{\"days\":7},\"totalQuantity\":10}", "tierBenefits.Regular")]
    [InlineData("{\"name\":\"x\",\"kind\":\"fixedAmount\",\"tierBenefits\":{\"regular\":{\"kind\":\"fixedAmount\",\"amount\":5}},\"validity\":{},\"totalQuantity\":10}", "validity")]
    [InlineData("{\"name\":\"x\",\"kind\":\"fixedAmount\",\"tierBenefits\":{\"regular\":{\"kind\":\"fixedAmount\",\"amount\":-5}},\"validity\":{\"days\":7},\"totalQuantity\":99999999999}", "totalQuantity")]
    [InlineData("{\"name\":\"x\",\"kind\":\"fixedAmount\",\"tierBenefits\":{\"regular\":{\"kind\":\"fixedAmount\",\"amount\":-5}},\"validity\":{\"days\":7},\"totalQuantity\":10}", "tierBenefits.Regular.amount")]
    public async Task Invalid_terms_are_400_with_the_field(string body, string field)
    {
        idempotencyStore.Setup(s => s.BeginAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new IdempotencyClaim(IdempotencyState.Started, "h", null));
        idempotencyStore.Setup(s => s.CompleteAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<StoredResponse>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        var request = Request("POST", "/api/coupons/definitions", body);

        var (status, problem, _) = await TestHttp.ExecuteAsync(await Definitions().Create(request, CancellationToken.None), request);

        Assert.Equal(400, status);
        Assert.Contains(field, JsonDocument.Parse(problem).RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Get_returns_the_version_as_etag_and_update_passes_if_match_back_as_the_expected_version()
    {
        var definition = CouponDefinition.Create("cd-1", CouponFunctionsTestKit.Terms(), CouponFunctionsTestKit.Now).GetValueOrThrow();
        const string version = "W/\"datetime'2026-06-18T02%3A00%3A00Z'\"";
        kit.DefinitionStore.Setup(s => s.GetAsync("cd-1", It.IsAny<CancellationToken>())).ReturnsAsync(new Versioned<CouponDefinition>(definition, version));
        kit.Inventory.Setup(i => i.GetSummaryAsync("cd-1", It.IsAny<CancellationToken>())).ReturnsAsync(InventorySummary.None);
        var get = Request("GET", "/api/coupons/definitions/cd-1");
        var (status, _, headers) = await TestHttp.ExecuteAsync(await Definitions().Get(get, "cd-1", CancellationToken.None), get);
        Assert.Equal(200, status);
        var etag = headers.ETag.ToString();
        Assert.Equal(EntityVersion.Header(version), etag);

        kit.DefinitionStore.Setup(s => s.TryReplaceAsync(It.IsAny<CouponDefinition>(), version, It.IsAny<IReadOnlyList<DomainEvent>>(), It.IsAny<CancellationToken>())).ReturnsAsync("v2");
        var terms = JsonSerializer.Serialize(Storage.Coupons.TermsRecord.From(CouponFunctionsTestKit.Terms() with { Name = "Renamed" }), EcomJson.Options);
        var put = Request("PUT", "/api/coupons/definitions/cd-1", terms, headers: new Dictionary<string, string> { ["If-Match"] = etag });
        var updated = await TestHttp.ExecuteAsync(await Definitions().Update(put, "cd-1", CancellationToken.None), put);

        Assert.Equal(200, updated.Status);
        Assert.Equal(EntityVersion.Header("v2"), updated.Headers.ETag.ToString());
        var stale = Request("PUT", "/api/coupons/definitions/cd-1", terms, headers: new Dictionary<string, string> { ["If-Match"] = EntityVersion.Header("old") });
        Assert.Equal(412, (await TestHttp.ExecuteAsync(await Definitions().Update(stale, "cd-1", CancellationToken.None), stale)).Status);
        var garbage = Request("PUT", "/api/coupons/definitions/cd-1", terms, headers: new Dictionary<string, string> { ["If-Match"] = "\"%%%\"" });
        Assert.Equal(412, (await TestHttp.ExecuteAsync(await Definitions().Update(garbage, "cd-1", CancellationToken.None), garbage)).Status);
    }

    [Theory]
    [InlineData("state=bogus", "state")]
    [InlineData("state=1", "state")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=99999999999", "pageSize")]
    public async Task Bad_list_parameters_are_400(string query, string field)
    {
        var request = Request("GET", "/api/coupons/definitions");
        request.QueryString = new QueryString("?" + query);

        var (status, problem, _) = await TestHttp.ExecuteAsync(await Definitions().List(request, CancellationToken.None), request);

        Assert.Equal(400, status);
        Assert.Contains(field, problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_request_needs_a_key_and_a_manager_and_valid_counts()
    {
        var function = new CouponBatchFunctions(kit.Batches, CouponFunctionsTestKit.Operators(), kit.Queue.Object, kit.DeadLetters, NullLogger<CouponBatchFunctions>.Instance);
        var noKey = Request("POST", "/api/coupons/cd-1/batches", "{\"count\":10}");
        Assert.Equal(400, (await TestHttp.ExecuteAsync(await function.Request(noKey, "cd-1", CancellationToken.None), noKey)).Status);
        var storefront = Request("POST", "/api/coupons/cd-1/batches", "{\"count\":10}", principal: null, headers: new Dictionary<string, string> { ["Idempotency-Key"] = "b" });
        Assert.Equal(401, (await TestHttp.ExecuteAsync(await function.Request(storefront, "cd-1", CancellationToken.None), storefront)).Status);

        kit.BatchStore.Setup(b => b.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync((Versioned<CouponBatch>?)null);
        kit.GivenActiveDefinition();
        var tooMany = Request("POST", "/api/coupons/cd-1/batches", "{\"count\":100001,\"prefix\":\"IOU\"}", headers: new Dictionary<string, string> { ["Idempotency-Key"] = "b" });
        var (status, problem, _) = await TestHttp.ExecuteAsync(await function.Request(tooMany, "cd-1", CancellationToken.None), tooMany);
        Assert.Equal(400, status);
        Assert.Equal(["count", "prefix"], JsonDocument.Parse(problem).RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        kit.Queue.Verify(q => q.SendAsync(QueueNames.CouponBatchChunks, It.IsAny<It.IsAnyType>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()), Times.Never);
    }
}
