using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Tests.Coupons.Support;
using static EcomFunctions.Domain.Tests.Coupons.Support.CouponTestData;

namespace EcomFunctions.Domain.Tests.Coupons;

public class CouponDefinitionsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Create_fills_the_time_zone_and_stacking_group_from_options()
    {
        var harness = new CouponHarness(new CouponOptions { StoreTimeZoneId = "Asia/Tokyo", DefaultStackingGroup = "store" });
        var created = (await harness.Definitions.CreateAsync(Terms() with { TimeZoneId = null, StackingGroup = null }, null, None)).GetValueOrThrow();
        Assert.Equal("Asia/Tokyo", created.Value.Terms.TimeZoneId);
        Assert.Equal("store", created.Value.StackingGroup);
        Assert.StartsWith("cd", created.Value.Id, StringComparison.Ordinal);
        Assert.Equal(CouponDefinitionState.Draft, created.Value.State);
    }

    [Fact]
    public async Task Create_with_the_same_id_and_terms_is_idempotent_and_different_terms_conflict()
    {
        var harness = new CouponHarness();
        var first = (await harness.Definitions.CreateAsync(Terms(), "cd-1", None)).GetValueOrThrow();
        var retry = (await harness.Definitions.CreateAsync(Terms(), "cd-1", None)).GetValueOrThrow();
        Assert.Equal(first.Version, retry.Version);
        AssertProblem(await harness.Definitions.CreateAsync(Terms() with { Name = "Other" }, "cd-1", None), ProblemKind.Conflict, "definition-exists");
    }

    [Fact]
    public async Task Invalid_terms_are_rejected()
    {
        var harness = new CouponHarness();
        Assert.Equal(ProblemKind.Validation, (await harness.Definitions.CreateAsync(Terms(quantity: 0), "cd-1", None)).Problem?.Kind);
    }

    [Fact]
    public async Task Activation_allocates_the_sharded_inventory()
    {
        var harness = new CouponHarness();
        await harness.ActiveDefinitionAsync(Terms(quantity: 200) with { DailyIssueLimit = 100 });
        var shards = harness.Storage.ShardsOf("cd-spring");
        Assert.Equal(16, shards.Count);
        Assert.Equal(200, shards.Sum(s => s.AllocatedQuantity));
        Assert.Equal(100, shards.Sum(s => s.DailyAllowance));
        var again = (await harness.Definitions.ActivateAsync("cd-spring", None)).GetValueOrThrow();
        Assert.Equal(CouponDefinitionState.Active, again.Value.State);
        Assert.Equal(200, harness.Storage.ShardsOf("cd-spring").Sum(s => s.AllocatedQuantity));
    }

    [Fact]
    public async Task Raising_an_active_definitions_quantity_tops_up_the_inventory()
    {
        var harness = new CouponHarness().Members(5);
        var active = await harness.ActiveDefinitionAsync(Terms(quantity: 2));
        await harness.ClaimAsync("m-0");
        await harness.ClaimAsync("m-1");
        AssertProblem(await harness.Claims.ClaimAsync("cd-spring", "m-2", "k", None), ProblemKind.Gone, "sold-out");

        var revised = (await harness.Definitions.ReviseAsync("cd-spring", active.Terms with { TotalQuantity = 4 }, null, None)).GetValueOrThrow();

        Assert.Equal(4, revised.Value.Terms.TotalQuantity);
        Assert.Equal(4, harness.Storage.ShardsOf("cd-spring").Sum(s => s.AllocatedQuantity));
        await harness.ClaimAsync("m-2");
        await harness.ClaimAsync("m-3");
        AssertProblem(await harness.Claims.ClaimAsync("cd-spring", "m-4", "k", None), ProblemKind.Gone, "sold-out");
    }

    [Fact]
    public async Task Repeating_a_revision_repairs_a_top_up_that_did_not_happen()
    {
        var harness = new CouponHarness();
        var active = await harness.ActiveDefinitionAsync(Terms(quantity: 2));
        // Simulate a crash after saving the terms but before the top-up: save directly through the store.
        var stored = (await harness.Definitions.GetAsync("cd-spring", None)).GetValueOrThrow();
        await harness.Storage.TryReplaceAsync(active.Revise(active.Terms with { TotalQuantity = 10 }, Now).GetValueOrThrow(), stored.Version, [], None);
        Assert.Equal(2, harness.Storage.ShardsOf("cd-spring").Sum(s => s.AllocatedQuantity));

        await harness.Definitions.ReviseAsync("cd-spring", active.Terms with { TotalQuantity = 10 }, null, None);

        Assert.Equal(10, harness.Storage.ShardsOf("cd-spring").Sum(s => s.AllocatedQuantity));
    }

    [Fact]
    public async Task A_revision_against_a_stale_version_fails_the_precondition()
    {
        var harness = new CouponHarness();
        var created = (await harness.Definitions.CreateAsync(Terms(), "cd-1", None)).GetValueOrThrow();
        (await harness.Definitions.ReviseAsync("cd-1", Terms() with { Name = "A" }, created.Version, None)).GetValueOrThrow();
        AssertProblem(await harness.Definitions.ReviseAsync("cd-1", Terms() with { Name = "B" }, created.Version, None), ProblemKind.PreconditionFailed, "precondition-failed");
    }

    [Fact]
    public async Task Forbidden_changes_to_an_active_definition_are_refused()
    {
        var harness = new CouponHarness();
        var active = await harness.ActiveDefinitionAsync();
        var refused = await harness.Definitions.ReviseAsync("cd-spring", active.Terms with { PerMemberLimit = 3 }, null, None);
        AssertProblem(refused, ProblemKind.Conflict, "definition-active");
        Assert.Equal(["perMemberLimit"], refused.Problem!.Errors!.Keys);
    }

    [Fact]
    public async Task Unknown_definitions_are_not_found()
    {
        var harness = new CouponHarness();
        AssertProblem(await harness.Definitions.GetAsync("cd-none", None), ProblemKind.NotFound, "definition-not-found");
        AssertProblem(await harness.Definitions.ActivateAsync("cd-none", None), ProblemKind.NotFound, "definition-not-found");
        AssertProblem(await harness.Definitions.RetireAsync("cd-none", None), ProblemKind.NotFound, "definition-not-found");
    }

    [Fact]
    public async Task Definitions_are_listed_by_state_in_pages()
    {
        var harness = new CouponHarness();
        await harness.ActiveDefinitionAsync(id: "cd-a");
        await harness.ActiveDefinitionAsync(id: "cd-b");
        await harness.Definitions.CreateAsync(Terms(), "cd-c", None);
        var first = (await harness.Definitions.ListAsync(CouponDefinitionState.Active, 1, null, None)).GetValueOrThrow();
        Assert.Equal(["cd-a"], first.Items.Select(d => d.Id));
        var second = (await harness.Definitions.ListAsync(CouponDefinitionState.Active, 1, first.ContinuationToken, None)).GetValueOrThrow();
        Assert.Equal(["cd-b"], second.Items.Select(d => d.Id));
        Assert.Null(second.ContinuationToken);
        Assert.Equal(3, (await harness.Definitions.ListAsync(null, 10, null, None)).GetValueOrThrow().Items.Count);
        Assert.Equal(["pageSize"], (await harness.Definitions.ListAsync(null, 0, null, None)).Problem!.Errors!.Keys);
    }
}
