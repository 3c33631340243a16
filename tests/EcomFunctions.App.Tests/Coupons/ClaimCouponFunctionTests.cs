using System.Text.Json;
using Azure;
using EcomFunctions.App.Coupons;
using EcomFunctions.App.Platform;
using EcomFunctions.Domain.Coupons;
using Moq;

namespace EcomFunctions.App.Tests.Coupons;

public sealed class ClaimCouponFunctionTests
{
    private readonly CouponFunctionsTestKit kit = new();

    private static Microsoft.AspNetCore.Http.HttpRequest Claim(string body = "{\"memberId\":\"m-1\"}", string? key = "key-1") =>
        TestHttp.Request("POST", "/api/coupons/cd-1/claim", body, headers: key is null ? null : new Dictionary<string, string> { ["Idempotency-Key"] = key });

    private async Task<(int Status, string Body, Microsoft.AspNetCore.Http.IHeaderDictionary Headers)> RunAsync(Microsoft.AspNetCore.Http.HttpRequest request) =>
        await TestHttp.ExecuteAsync(await new ClaimCouponFunction(kit.Claims).Run(request, "cd-1", CancellationToken.None), request);

    [Fact]
    public async Task A_claim_answers_201_with_the_coupon_and_where_the_wallet_is()
    {
        kit.GivenActiveDefinition();
        kit.GivenMember("m-1");
        kit.GivenClaimState(ClaimState.Empty);
        kit.GivenIssue(r => IssueOutcome.Issued(r.Coupon));

        var (status, body, headers) = await RunAsync(Claim());

        Assert.Equal(201, status);
        Assert.Equal("/api/members/m-1/coupons", headers.Location.ToString());
        var coupon = JsonDocument.Parse(body).RootElement;
        Assert.Equal(CouponKeys.CouponIdFor(CouponKeys.ClaimIssueKey("m-1", "key-1")), coupon.GetProperty("couponId").GetString());
        Assert.Equal(20m, coupon.GetProperty("faceValue").GetDecimal());
        Assert.True(CouponCode.Parse(coupon.GetProperty("displayCode").GetString()).IsSuccess);
        Assert.False(headers.ContainsKey(IdempotentRequests.ReplayedHeader));
        kit.Inventory.Verify(i => i.TryIssueAsync(It.Is<IssueRequest>(r => r.ShardSeed == CouponKeys.ShardSeed(r.IssueKey)), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_retry_with_the_same_key_answers_201_again_marked_as_replayed_without_issuing()
    {
        var definition = kit.GivenActiveDefinition();
        kit.GivenMember("m-1");
        var earlier = CouponFunctionsTestKitCoupons.Issued(definition, "m-1", "key-1");
        kit.GivenClaimState(new ClaimState(earlier, new ClaimCounters(1, 1, 1, 20m)));

        var (status, body, headers) = await RunAsync(Claim());

        Assert.Equal(201, status);
        Assert.Equal("true", headers[IdempotentRequests.ReplayedHeader].ToString());
        Assert.Equal(earlier.Code, JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
        kit.Inventory.Verify(i => i.TryIssueAsync(It.IsAny<IssueRequest>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData(ClaimRefusal.SoldOut, 410, "sold-out")]
    [InlineData(ClaimRefusal.BudgetExhausted, 410, "budget-exhausted")]
    [InlineData(ClaimRefusal.MemberLimitReached, 409, "member-limit")]
    [InlineData(ClaimRefusal.DailyLimitReached, 409, "daily-limit")]
    public async Task Inventory_refusals_map_to_their_statuses(ClaimRefusal refusal, int expected, string code)
    {
        kit.GivenActiveDefinition();
        kit.GivenMember("m-1");
        kit.GivenClaimState(ClaimState.Empty);
        kit.GivenIssue(_ => IssueOutcome.Refused(refusal));

        var (status, body, headers) = await RunAsync(Claim());

        Assert.Equal(expected, status);
        Assert.Equal(code, JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
        Assert.Equal("application/problem+json; charset=utf-8", headers.ContentType.ToString());
    }

    [Fact]
    public async Task A_sold_out_inventory_is_answered_without_looking_the_member_up()
    {
        kit.GivenActiveDefinition();
        kit.GivenClaimState(new ClaimState(null, new ClaimCounters(10, 0, 10, 200m, Exhausted: true)));

        var (status, _, _) = await RunAsync(Claim());

        Assert.Equal(410, status);
        kit.Tiers.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_tier_below_the_minimum_gets_403_and_an_unknown_member_404()
    {
        kit.GivenActiveDefinition(terms: CouponFunctionsTestKit.Terms() with
        {
            Kind = CouponKind.FixedAmount,
            TierBenefits = new Dictionary<Domain.Members.MemberTier, CouponBenefit> { [Domain.Members.MemberTier.Gold] = new FixedAmountBenefit(50m) },
        });
        kit.GivenMember("m-1", Domain.Members.MemberTier.Silver);
        kit.GivenClaimState(ClaimState.Empty);

        Assert.Equal(403, (await RunAsync(Claim())).Status);
        Assert.Equal(404, (await RunAsync(Claim("{\"memberId\":\"m-ghost\"}"))).Status);
    }

    [Fact]
    public async Task A_paused_campaign_gets_423()
    {
        kit.GivenActiveDefinition(terms: CouponFunctionsTestKit.Terms() with { CampaignId = "c-1" });
        kit.Campaigns.Setup(c => c.GetLivenessAsync("c-1", It.IsAny<CancellationToken>())).ReturnsAsync(CampaignLiveness.Paused);
        kit.GivenMember("m-1");
        kit.GivenClaimState(ClaimState.Empty);

        var (status, body, _) = await RunAsync(Claim());

        Assert.Equal(423, status);
        Assert.Contains("campaign-not-live", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"memberId\":\"m-1\"}", null, "Idempotency-Key")]
    [InlineData("{\"memberId\":\"m/1\"}", "key-1", "memberId")]
    [InlineData("{\"memberId\":\"m-1\"}", "a|b", "idempotencyKey")]
    [InlineData("{\"member\":\"m-1\"}", "key-1", "$")]
    [InlineData("not json", "key-1", "$")]
    public async Task Bad_input_is_400_with_the_field_and_touches_no_storage(string body, string? key, string field)
    {
        var (status, problem, _) = await RunAsync(Claim(body, key));

        Assert.Equal(400, status);
        Assert.Contains(field, JsonDocument.Parse(problem).RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        kit.Inventory.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_storage_outage_is_503_with_retry_after()
    {
        kit.GivenActiveDefinition();
        kit.Inventory.Setup(i => i.GetClaimStateAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<DateOnly>(), It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(503, "Server busy"));

        var (status, _, headers) = await RunAsync(Claim());

        Assert.Equal(503, status);
        Assert.Equal("1", headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task Storage_unreachable_after_the_sdk_retries_is_503_not_a_server_error()
    {
        // Regression (fault scenario 1): the SDK reports exhausted retries as an AggregateException, which escaped as a 500.
        kit.GivenActiveDefinition();
        kit.Inventory.Setup(i => i.GetClaimStateAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<DateOnly>(), It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AggregateException("Retry failed after 6 tries.", new RequestFailedException(0, "Connection refused"), new RequestFailedException(0, "Connection refused")));

        var (status, body, headers) = await RunAsync(Claim());

        Assert.Equal(503, status);
        Assert.Contains("\"status\":503", body, StringComparison.Ordinal);
        Assert.Equal("1", headers.RetryAfter.ToString());
    }
}

internal static class CouponFunctionsTestKitCoupons
{
    public static Coupon Issued(CouponDefinition definition, string memberId, string requestId)
    {
        var now = CouponFunctionsTestKit.Now;
        var plan = new CouponIssuePlan(definition.MinimumTier, definition.BenefitFor(definition.MinimumTier)!, definition.WindowForIssue(now), definition.LocalDay(now));
        var key = CouponKeys.ClaimIssueKey(memberId, requestId);
        return Coupon.Issue(CouponKeys.CouponIdFor(key), CouponCode.FromBody("KTX0000000001"), definition, memberId, plan, now, IssueSource.Claim, issueKey: key);
    }
}
