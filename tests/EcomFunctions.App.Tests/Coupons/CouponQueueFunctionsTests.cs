using EcomFunctions.App.Coupons;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace EcomFunctions.App.Tests.Coupons;

/// <summary>The coupon queue functions: what they park, what they retry, what they do with each entry.</summary>
public sealed class CouponQueueFunctionsTests
{
    private readonly CouponFunctionsTestKit kit = new();

    private GrantCouponsFunction Grants() => new(kit.Grants, kit.Options, kit.DeadLetters, NullLogger<GrantCouponsFunction>.Instance);

    private CampaignEndFunction CampaignEnd() => new(kit.Definitions, kit.DeadLetters, NullLogger<CampaignEndFunction>.Instance);

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"grants\":[],\"version\":2}")]
    [InlineData("{\"grants\":null}")]
    public async Task An_unreadable_grant_message_is_parked_with_its_reason(string message)
    {
        await Grants().Run(message, CancellationToken.None);

        var parked = Assert.Single(kit.Parked(QueueNames.CouponGrants));
        Assert.Equal(message, parked.Message);
        Assert.False(string.IsNullOrWhiteSpace(parked.Reason));
    }

    [Fact]
    public async Task An_invalid_grant_is_parked_alone_and_the_others_are_granted()
    {
        kit.GivenActiveDefinition();
        kit.GivenMember("m-1");
        kit.GivenClaimState(ClaimState.Empty);
        kit.GivenIssue(r => IssueOutcome.Issued(r.Coupon));
        var message = EcomJson.Serialize(new CouponGrantBatch(
        [
            new CouponGrantRequest("g-ok", "cd-1", "m-1", GrantReason.Birthday),
            new CouponGrantRequest("g#bad", "cd-1", "m-1", GrantReason.Birthday),
        ]));

        await Grants().Run(message, CancellationToken.None);

        var parked = Assert.Single(kit.Parked(QueueNames.CouponGrants));
        Assert.Contains("g#bad", parked.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("g-ok", parked.Message, StringComparison.Ordinal);
        Assert.Contains("grantId", parked.Reason, StringComparison.Ordinal);
        kit.Inventory.Verify(i => i.TryIssueAsync(It.Is<IssueRequest>(r => r.IssueKey == CouponKeys.GrantIssueKey("g-ok")), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_refused_grant_is_final_and_a_transient_failure_retries_the_message()
    {
        kit.GivenActiveDefinition();
        kit.GivenMember("m-1");
        kit.GivenClaimState(ClaimState.Empty);
        kit.GivenIssue(r => r.IssueKey.EndsWith("sold", StringComparison.Ordinal) ? IssueOutcome.Refused(ClaimRefusal.SoldOut) : IssueOutcome.CodeTaken);
        var refusedOnly = EcomJson.Serialize(new CouponGrantBatch([new CouponGrantRequest("g-sold", "cd-1", "m-1", GrantReason.Reactivation)]));
        var unlucky = EcomJson.Serialize(new CouponGrantBatch([new CouponGrantRequest("g-codes", "cd-1", "m-1", GrantReason.Reactivation)]));

        await Grants().Run(refusedOnly, CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Grants().Run(unlucky, CancellationToken.None));

        Assert.Empty(kit.Parked(QueueNames.CouponGrants));
    }

    [Fact]
    public async Task A_campaign_end_event_closes_the_linked_definitions_and_other_events_are_ignored()
    {
        var definition = kit.GivenActiveDefinition(terms: CouponFunctionsTestKit.Terms() with { CampaignId = "c-7" });
        kit.DefinitionStore.Setup(s => s.ListByCampaignAsync("c-7", It.IsAny<CancellationToken>())).ReturnsAsync([definition]);
        kit.Inventory.Setup(i => i.ReleaseUnusedAsync("cd-1", It.IsAny<CancellationToken>())).ReturnsAsync(new InventoryRelease(7, new InventorySummary(16, 3, 3, 7, 60m)));
        IReadOnlyList<DomainEvent>? published = null;
        kit.DefinitionStore.Setup(s => s.TryReplaceAsync(It.IsAny<CouponDefinition>(), "v1", It.IsAny<IReadOnlyList<DomainEvent>>(), It.IsAny<CancellationToken>()))
            .Callback((CouponDefinition _, string _, IReadOnlyList<DomainEvent> events, CancellationToken _) => published = events)
            .ReturnsAsync("v2");
        var delivery = new EventDelivery(
        [
            new DomainEvent("e-1", "Ecom.Campaigns.CampaignPaused", "campaigns/c-7", CouponFunctionsTestKit.Now, "{\"campaignId\":\"c-7\"}"),
            new DomainEvent("e-2", "Ecom.Campaigns.CampaignKilled", "campaigns/c-7", CouponFunctionsTestKit.Now, "{\"campaignId\":\"c-7\",\"reason\":\"fraud\"}"),
        ]);

        await CampaignEnd().Run(EcomJson.Serialize(delivery), CancellationToken.None);

        var closed = Assert.Single(published!);
        Assert.Equal(CouponEventTypes.CouponDefinitionClosed, closed.Type);
        Assert.Contains("\"reason\":\"Campaign c-7 was killed\"", closed.DataJson, StringComparison.Ordinal);
        Assert.Contains("\"released\":7", closed.DataJson, StringComparison.Ordinal);
        kit.DefinitionStore.Verify(s => s.ListByCampaignAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"campaignId\":12}")]
    [InlineData("{\"campaignId\":\"a/b\"}")]
    [InlineData("[1,2]")]
    public async Task A_campaign_end_event_without_a_valid_campaign_id_is_parked(string data)
    {
        var delivery = new EventDelivery([new DomainEvent("e-1", "Ecom.Campaigns.CampaignEnded", "campaigns/x", CouponFunctionsTestKit.Now, data)]);

        await CampaignEnd().Run(EcomJson.Serialize(delivery), CancellationToken.None);

        Assert.Contains("campaignId", Assert.Single(kit.Parked(QueueNames.CouponCampaignEvents)).Reason, StringComparison.Ordinal);
        kit.DefinitionStore.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("{\"batchId\":\"cb-1\",\"index\":-1,\"firstPosition\":0,\"count\":10}")]
    [InlineData("{\"batchId\":\"cb-1\",\"index\":0,\"firstPosition\":0,\"count\":5000}")]
    [InlineData("{\"index\":0,\"firstPosition\":0,\"count\":10}")]
    public async Task An_unreadable_chunk_message_is_parked(string message)
    {
        var function = new CouponBatchFunctions(kit.Batches, CouponFunctionsTestKit.Operators(), kit.Queue.Object, kit.DeadLetters, NullLogger<CouponBatchFunctions>.Instance);

        await function.Generate(message, CancellationToken.None);

        Assert.Single(kit.Parked(QueueNames.CouponBatchChunks));
        kit.BatchStore.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_chunk_of_an_unknown_batch_is_parked()
    {
        kit.BatchStore.Setup(b => b.GetAsync("cb-gone", It.IsAny<CancellationToken>())).ReturnsAsync((Versioned<CouponBatch>?)null);
        var function = new CouponBatchFunctions(kit.Batches, CouponFunctionsTestKit.Operators(), kit.Queue.Object, kit.DeadLetters, NullLogger<CouponBatchFunctions>.Instance);

        await function.Generate(EcomJson.Serialize(new CouponBatchChunkMessage("cb-gone", 0, 0, 10)), CancellationToken.None);

        Assert.Contains("Not found", Assert.Single(kit.Parked(QueueNames.CouponBatchChunks)).Reason, StringComparison.Ordinal);
    }
}
