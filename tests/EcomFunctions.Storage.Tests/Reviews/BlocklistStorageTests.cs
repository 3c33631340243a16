using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Reviews;

namespace EcomFunctions.Storage.Tests.Reviews;

/// <summary>The operator-managed blocklist on Azurite: versions, per-entry validation, and hot reload across instances.</summary>
public sealed class BlocklistStorageTests : IDisposable
{
    private readonly ReviewStorageHarness harness = new();

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task The_first_use_stores_the_default_list_as_version_one()
    {
        var (list, version) = await harness.Blocklist.CurrentAsync(CancellationToken.None);
        var stored = await harness.Blocklist.GetAsync(CancellationToken.None);

        Assert.Equal(1, version);
        Assert.Equal(DefaultBlocklist.Entries.Count, list.Count);
        Assert.Equal((1L, "system:default-blocklist"), (stored.Version, stored.UpdatedBy));
        Assert.Equal(DefaultBlocklist.Entries, stored.Entries);
    }

    [Fact]
    public async Task A_save_swaps_the_list_on_this_instance_at_once_and_on_another_after_its_refresh_interval()
    {
        var other = harness.NewBlocklist();
        Assert.Equal(1, (await other.CurrentAsync(CancellationToken.None)).Version);
        var text = TextNormalizer.Normalize("cheaper from z q x 9 9, ask me");

        var saved = (await harness.Blocklist.ReplaceAsync([.. DefaultBlocklist.Entries, Entry("zqx99")], null, "olga", CancellationToken.None)).GetValueOrThrow();

        Assert.Equal(2, saved.Version);
        var (mine, myVersion) = await harness.Blocklist.CurrentAsync(CancellationToken.None);
        Assert.Equal(2, myVersion);
        Assert.Contains(mine.Match(text), m => m.Entry.Term == "zqx99");
        Assert.DoesNotContain((await other.CurrentAsync(CancellationToken.None)).Blocklist.Match(text), m => m.Entry.Term == "zqx99");

        harness.Time.Advance(harness.Options.BlocklistRefreshInterval);
        var (theirs, theirVersion) = await other.CurrentAsync(CancellationToken.None);

        Assert.Equal(2, theirVersion);
        Assert.Contains(theirs.Match(text), m => m.Entry.Term == "zqx99");
        other.Dispose();
    }

    [Fact]
    public async Task Invalid_entries_are_reported_one_by_one_and_nothing_is_saved()
    {
        await harness.Blocklist.CurrentAsync(CancellationToken.None);

        var result = await harness.Blocklist.ReplaceAsync(
            [Entry("fine"), Entry("  "), new BlocklistEntry("ok", ModerationCategory.Ads, ModerationAction.Note), Entry("F I N E")], null, "olga", CancellationToken.None);

        var errors = result.Problem!.Errors!;
        Assert.Equal(["entries[1].term", "entries[2].action", "entries[3].term"], errors.Keys.Order());
        Assert.Equal(1, await harness.BlocklistStore.GetVersionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_if_match_on_an_old_version_is_a_precondition_failure()
    {
        await harness.Blocklist.CurrentAsync(CancellationToken.None);
        (await harness.Blocklist.ReplaceAsync([Entry("one")], 1, "olga", CancellationToken.None)).GetValueOrThrow();

        var stale = await harness.Blocklist.ReplaceAsync([Entry("two")], 1, "piet", CancellationToken.None);

        Assert.Equal(ProblemKind.PreconditionFailed, stale.Problem!.Kind);
        Assert.Equal(["one"], (await harness.Blocklist.GetAsync(CancellationToken.None)).Entries.Select(e => e.Term));
    }

    [Fact]
    public async Task Of_concurrent_saves_of_the_same_version_exactly_one_wins_and_no_list_is_mixed()
    {
        var lists = Enumerable.Range(0, 6).Select(i => (IReadOnlyList<BlocklistEntry>)Enumerable.Range(0, 50).Select(j => Entry($"w{i}x{j}")).ToList()).ToList();

        var results = await Task.WhenAll(lists.Select(l => Task.Run(() => harness.BlocklistStore.SaveAsync(l, 0, "ops", harness.Time.GetUtcNow(), CancellationToken.None))));

        Assert.Equal(1, results.Count(r => r.IsSuccess));
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal(ProblemKind.PreconditionFailed, r.Problem!.Kind));
        var stored = (await harness.BlocklistStore.GetAsync(CancellationToken.None))!;
        Assert.Contains(lists, l => l.SequenceEqual(stored.Entries));
    }

    [Fact]
    public async Task A_list_of_a_hundred_thousand_terms_spans_several_rows_and_reads_back_whole()
    {
        var entries = Enumerable.Range(0, Blocklist.MaxEntries).Select(i => Entry($"term{i:D6}")).ToList();

        var saved = (await harness.BlocklistStore.SaveAsync(entries, 0, "ops", harness.Time.GetUtcNow(), CancellationToken.None)).GetValueOrThrow();
        Assert.Equal(entries, (await harness.BlocklistStore.GetAsync(CancellationToken.None))!.Entries);
        var replaced = (await harness.BlocklistStore.SaveAsync(entries.Take(10).ToList(), 1, "ops", harness.Time.GetUtcNow(), CancellationToken.None)).GetValueOrThrow();
        var read = (await harness.BlocklistStore.GetAsync(CancellationToken.None))!;

        Assert.Equal(1, saved.Version);
        Assert.Equal(2, replaced.Version);
        Assert.Equal(entries.Take(10), read.Entries);
    }

    private static BlocklistEntry Entry(string term) => new(term, ModerationCategory.Ads, ModerationAction.Reject);
}
