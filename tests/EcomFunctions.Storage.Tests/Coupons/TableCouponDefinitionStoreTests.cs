using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using Microsoft.Extensions.Time.Testing;

namespace EcomFunctions.Storage.Tests.Coupons;

public sealed class TableCouponDefinitionStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static CouponTerms RichTerms() => new()
    {
        Name = "Spring tiers",
        Kind = CouponKind.FullReduction,
        TierBenefits = new Dictionary<MemberTier, CouponBenefit>
        {
            [MemberTier.Silver] = new FullReductionBenefit([new ReductionStep(200m, 20m), new ReductionStep(400m, 50m)]),
            [MemberTier.Gold] = new FullReductionBenefit([new ReductionStep(200m, 30m), new ReductionStep(400m, 70m)]),
        },
        MinimumSpend = 10m,
        Validity = new FixedValidityWindow(DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow.AddDays(8)),
        TotalQuantity = 500,
        PerMemberLimit = 2,
        DailyIssueLimit = 100,
        BudgetCap = 10_000m,
        StackingGroup = "spring",
        CampaignId = "c-618",
        TimeZoneId = "Asia/Shanghai",
        Scope = new CouponScope(["shoes"], ["sku-1"]),
    };

    [Fact]
    public async Task A_definition_round_trips_with_every_term_and_replaces_only_at_its_version()
    {
        using var coupons = new TableCoupons();
        var created = (await coupons.Definitions.CreateAsync(RichTerms(), null, None)).GetValueOrThrow();

        var read = (await coupons.DefinitionStore.GetAsync(created.Value.Id, None))!;
        Assert.Equal(created.Value.Terms, read.Value.Terms);
        Assert.Equal(created.Version, read.Version);

        var renamed = read.Value.Revise(read.Value.Terms with { Name = "Renamed" }, DateTimeOffset.UtcNow).GetValueOrThrow();
        var version = await coupons.DefinitionStore.TryReplaceAsync(renamed, read.Version, [], None);
        Assert.NotNull(version);
        Assert.Null(await coupons.DefinitionStore.TryReplaceAsync(renamed, read.Version, [], None));
        Assert.Equal("Renamed", (await coupons.DefinitionStore.GetAsync(created.Value.Id, None))!.Value.Terms.Name);
    }

    [Fact]
    public async Task Listings_page_by_state_and_find_a_campaigns_definitions()
    {
        using var coupons = new TableCoupons();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await coupons.Definitions.CreateAsync(TableCoupons.Terms() with { CampaignId = i < 2 ? "c-1" : null }, null, None)).GetValueOrThrow().Value.Id);
        }

        await coupons.Definitions.ActivateAsync(ids[0], None);
        var first = await coupons.DefinitionStore.ListAsync(CouponDefinitionState.Draft, 3, null, None);
        var rest = await coupons.DefinitionStore.ListAsync(CouponDefinitionState.Draft, 3, first.ContinuationToken, None);

        Assert.Equal(3, first.Items.Count);
        Assert.Equal(ids.Skip(1).Order(StringComparer.Ordinal), first.Items.Concat(rest.Items).Select(d => d.Id));
        Assert.Null(rest.ContinuationToken);
        Assert.Equal(ids.Take(2).Order(StringComparer.Ordinal), (await coupons.DefinitionStore.ListByCampaignAsync("c-1", None)).Select(d => d.Id));
    }

    [Fact]
    public async Task The_cached_read_serves_claims_for_at_most_its_duration_and_a_conflict_drops_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var writer = new TableCoupons(time);
        using var reader = writer.AnotherProcess();
        var created = (await writer.Definitions.CreateAsync(TableCoupons.Terms(), null, None)).GetValueOrThrow();
        Assert.Equal(CouponDefinitionState.Draft, (await reader.DefinitionStore.GetCachedAsync(created.Value.Id, None))!.Value.State);

        await writer.Definitions.ActivateAsync(created.Value.Id, None);
        Assert.Equal(CouponDefinitionState.Draft, (await reader.DefinitionStore.GetCachedAsync(created.Value.Id, None))!.Value.State);
        time.Advance(writer.Options.DefinitionCacheDuration + TimeSpan.FromMilliseconds(1));
        Assert.Equal(CouponDefinitionState.Active, (await reader.DefinitionStore.GetCachedAsync(created.Value.Id, None))!.Value.State);

        // The reader's operator API works from a fresh read even while its cache is stale.
        await writer.Definitions.RetireAsync(created.Value.Id, None);
        Assert.Equal(CouponDefinitionState.Retired, (await reader.Definitions.GetAsync(created.Value.Id, None)).GetValueOrThrow().Value.State);
    }

    [Fact]
    public async Task Closing_a_campaigns_definitions_releases_inventory_once_and_publishes_one_event_each()
    {
        using var coupons = new TableCoupons().Members(3);
        coupons.Lookups.Campaigns["c-9"] = CampaignLiveness.Live;
        var linked = await coupons.ActiveDefinitionAsync(TableCoupons.Terms(quantity: 40) with { CampaignId = "c-9" });
        var other = await coupons.ActiveDefinitionAsync(TableCoupons.Terms(quantity: 40));
        for (var i = 0; i < 3; i++)
        {
            (await coupons.Claims.ClaimAsync(linked.Id, $"m-{i}", "k", None)).GetValueOrThrow();
        }

        var closed = (await coupons.Definitions.CloseForCampaignAsync("c-9", "Campaign c-9 ended", None)).GetValueOrThrow();
        var duplicate = (await coupons.Definitions.CloseForCampaignAsync("c-9", "Campaign c-9 ended", None)).GetValueOrThrow();

        var closure = Assert.Single(closed);
        Assert.Equal(CouponDefinitionState.Closed, closure.State);
        Assert.Equal(37, closure.ReleasedNow);
        Assert.Equal(0, Assert.Single(duplicate).ReleasedNow);
        var @event = Assert.Single(await coupons.OutboxEventsAsync(CouponEventTypes.CouponDefinitionClosed));
        Assert.Contains("\"released\":37", @event.DataJson, StringComparison.Ordinal);
        Assert.Equal("claims-closed", (await coupons.Definitions.ActivateAsync(linked.Id, None)).Problem?.Code);
        Assert.Equal(CouponDefinitionState.Active, (await coupons.DefinitionStore.GetAsync(other.Id, None))!.Value.State);
        Assert.Equal(0, (await coupons.Inventory.GetSummaryAsync(other.Id, None)).Released);
    }
}
