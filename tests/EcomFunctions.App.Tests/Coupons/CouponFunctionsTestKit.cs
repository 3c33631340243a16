using EcomFunctions.App.Platform;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace EcomFunctions.App.Tests.Coupons;

/// <summary>
/// The coupon use cases over mocked ports: function tests fake only the storage boundary and check what the
/// functions bind, refuse, map and park.
/// </summary>
internal sealed class CouponFunctionsTestKit
{
    public static readonly DateTimeOffset Now = new(2026, 6, 18, 2, 0, 0, TimeSpan.Zero);

    public CouponFunctionsTestKit()
    {
        Time = new FakeTimeProvider(Now);
        Definitions = new CouponDefinitions(DefinitionStore.Object, Inventory.Object, CryptoRandomSource.Instance, Time, Options);
        var issuer = new CouponIssuer(DefinitionStore.Object, Inventory.Object, Tiers.Object, Campaigns.Object, CryptoRandomSource.Instance, Time, Options);
        Claims = new CouponClaims(issuer);
        Grants = new CouponGrants(issuer);
        Batches = new CouponBatches(DefinitionStore.Object, Inventory.Object, BatchStore.Object, CryptoRandomSource.Instance, Time, Options);
        DeadLetters = new DeadLetters(Queue.Object, Time);
        Queue.Setup(q => q.SendAsync(It.IsAny<string>(), It.IsAny<It.IsAnyType>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
    }

    public FakeTimeProvider Time { get; }

    public CouponOptions Options { get; } = new();

    public Mock<ICouponDefinitionStore> DefinitionStore { get; } = new(MockBehavior.Strict);

    public Mock<ICouponInventory> Inventory { get; } = new(MockBehavior.Strict);

    public Mock<ICouponBatchStore> BatchStore { get; } = new(MockBehavior.Strict);

    public Mock<IMemberTierLookup> Tiers { get; } = new();

    public Mock<ICampaignStatusLookup> Campaigns { get; } = new();

    public Mock<IQueueSender> Queue { get; } = new();

    public CouponDefinitions Definitions { get; }

    public CouponClaims Claims { get; }

    public CouponGrants Grants { get; }

    public CouponBatches Batches { get; }

    public DeadLetters DeadLetters { get; }

    public static OperatorAuthentication Operators() => new(Microsoft.Extensions.Options.Options.Create(new AuthOptions { AllowDevelopmentPrincipal = true }));

    public static CouponTerms Terms() => new()
    {
        Name = "Kit 20 off",
        Kind = CouponKind.FixedAmount,
        TierBenefits = CouponTerms.ForAllTiers(new FixedAmountBenefit(20m)),
        Validity = new ValidDaysAfterIssue(7),
        TotalQuantity = 10,
        StackingGroup = "default",
        TimeZoneId = "Asia/Shanghai",
    };

    /// <summary>An Active definition the store returns (cached and fresh reads alike).</summary>
    public CouponDefinition GivenActiveDefinition(string id = "cd-1", CouponTerms? terms = null)
    {
        var definition = CouponDefinition.Create(id, terms ?? Terms(), Now).GetValueOrThrow().Activate(Now).GetValueOrThrow();
        var stored = new Versioned<CouponDefinition>(definition, "v1");
        DefinitionStore.Setup(s => s.GetCachedAsync(id, It.IsAny<CancellationToken>())).ReturnsAsync(stored);
        DefinitionStore.Setup(s => s.GetAsync(id, It.IsAny<CancellationToken>())).ReturnsAsync(stored);
        return definition;
    }

    public void GivenMember(string memberId, MemberTier tier = MemberTier.Regular) =>
        Tiers.Setup(t => t.GetTierAsync(memberId, It.IsAny<CancellationToken>())).ReturnsAsync(tier);

    public void GivenClaimState(ClaimState state) =>
        Inventory.Setup(i => i.GetClaimStateAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<DateOnly>(), It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(state);

    /// <summary>TryIssue answers with what the inventory would say; Issued echoes the coupon the use case built.</summary>
    public void GivenIssue(Func<IssueRequest, IssueOutcome> outcome) =>
        Inventory.Setup(i => i.TryIssueAsync(It.IsAny<IssueRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((IssueRequest r, CancellationToken _) => outcome(r));

    /// <summary>Messages parked on a poison queue.</summary>
    public IReadOnlyList<DeadLetter> Parked(string queue) =>
        [.. Queue.Invocations
            .Where(i => i.Method.Name == nameof(IQueueSender.SendAsync) && (string)i.Arguments[0] == QueueNames.Poison(queue))
            .Select(i => (DeadLetter)i.Arguments[1])];
}
