using EcomFunctions.Domain.Coupons;
using Microsoft.Extensions.Time.Testing;

using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Tests.Coupons.Support;

/// <summary>The coupon use cases wired to the in-memory storage, fake lookups and a fake clock.</summary>
internal sealed class CouponHarness
{
    public CouponHarness(CouponOptions? options = null, ScriptedRandomSource? random = null, DateTimeOffset? now = null)
    {
        Options = options ?? new CouponOptions();
        Random = random ?? new ScriptedRandomSource();
        Time = new FakeTimeProvider(now ?? CouponTestData.Now);
        Issuer = new CouponIssuer(Storage, Storage, Tiers, Campaigns, Random, Time, Options);
        Claims = new CouponClaims(Issuer);
        Grants = new CouponGrants(Issuer);
        Definitions = new CouponDefinitions(Storage, Storage, Random, Time, Options);
        Redemptions = new CouponRedemptions(Storage, Storage, Tiers, Campaigns, Time, Options);
        Batches = new CouponBatches(Storage, Storage, Storage, Random, Time, Options);
        Wallets = new CouponWallets(Storage, Storage, Time);
    }

    public CouponOptions Options { get; }

    public ScriptedRandomSource Random { get; }

    public FakeTimeProvider Time { get; }

    public InMemoryCouponStorage Storage { get; } = new();

    public FakeMemberTiers Tiers { get; } = new();

    public FakeCampaigns Campaigns { get; } = new();

    public CouponIssuer Issuer { get; }

    public CouponClaims Claims { get; }

    public CouponGrants Grants { get; }

    public CouponDefinitions Definitions { get; }

    public CouponRedemptions Redemptions { get; }

    public CouponBatches Batches { get; }

    public CouponWallets Wallets { get; }

    /// <summary>Creates and activates a definition through the use cases.</summary>
    public async Task<CouponDefinition> ActiveDefinitionAsync(CouponTerms? terms = null, string id = "cd-spring")
    {
        (await Definitions.CreateAsync(terms ?? CouponTestData.Terms(), id, CancellationToken.None)).GetValueOrThrow();
        return (await Definitions.ActivateAsync(id, CancellationToken.None)).GetValueOrThrow().Value;
    }

    /// <summary>Registers members m-0 … m-(n-1) with a tier.</summary>
    public CouponHarness Members(int count, MemberTier tier = MemberTier.Regular)
    {
        for (var i = 0; i < count; i++)
        {
            Tiers.Set($"m-{i}", tier);
        }

        return this;
    }

    public async Task<Coupon> ClaimAsync(string memberId, string definitionId = "cd-spring", string? requestId = null) =>
        (await Claims.ClaimAsync(definitionId, memberId, requestId ?? $"req-{memberId}-{definitionId}", CancellationToken.None)).GetValueOrThrow().Coupon;
}
