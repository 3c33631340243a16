using Azure.Data.Tables;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage.Campaigns;

namespace EcomFunctions.Storage.Tests.Campaigns;

public sealed class TableCampaignRepositoryTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly CampaignStorageHarness h = new();

    [Fact]
    public async Task A_change_its_audit_entries_and_its_events_are_stored_together_and_read_back()
    {
        var id = CampaignStorageHarness.NewId();
        var live = await h.LiveAsync(id);

        var read = await h.Repository.GetAsync(id, Ct);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(live, CampaignJson.Options), System.Text.Json.JsonSerializer.Serialize(read, CampaignJson.Options));
        var audit = await ((ICampaignAuditTrail)h.Repository).ListAsync(id, Ct);
        Assert.Equal([CampaignAction.Create, CampaignAction.ConfirmReadiness, CampaignAction.Submit, CampaignAction.Approve, CampaignAction.Schedule, CampaignAction.GoLive],
            audit.Select(a => a.Action));
        Assert.Equal([1L, 2, 3, 4, 5, 6], audit.Select(a => a.Version));
        Assert.Equal(("approver-amy", "ok"), (audit[3].Actor, audit[3].Comment));

        var table = await h.Storage.TableAsync(h.Tables.Campaigns, Ct);
        var outboxTypes = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == id))
        {
            if (row.RowKey.StartsWith(Outbox.RowKeyPrefix, StringComparison.Ordinal))
            {
                outboxTypes.Add(row.GetString("EventType")!);
            }
        }

        Assert.Equal(6, outboxTypes.Count);
        Assert.Contains(CampaignEventTypes.CampaignLive, outboxTypes);
        Assert.Equal(6, h.Signals.Sent.Count(s => s.Queue == QueueNames.OutboxDispatch));
    }

    [Fact]
    public async Task A_stale_version_or_a_second_create_stores_nothing()
    {
        var id = CampaignStorageHarness.NewId();
        var now = DateTimeOffset.UtcNow;
        var draft = await h.CreateAsync(id, CampaignStorageHarness.Plan(now.AddDays(1)), now);
        var submitted = await h.ApplyAsync(draft, c => c.Submit(CampaignStorageHarness.Planner, now));

        // A change computed from version 1 after version 2 was saved.
        var stale = await h.Repository.SaveAsync(draft.Cancel(CampaignStorageHarness.Planner, now, "changed plans").GetValueOrThrow(), Ct);
        var again = await h.Repository.SaveAsync(Campaign.Create(id, CampaignStorageHarness.Plan(now.AddDays(1)), [], CampaignStorageHarness.Planner, now).GetValueOrThrow(), Ct);

        Assert.Equal(("precondition-failed", "campaign-exists"), (stale.Problem!.Code, again.Problem!.Code));
        Assert.Equal(CampaignState.PendingApproval, (await h.Repository.GetAsync(id, Ct))!.State);
        Assert.Equal([CampaignAction.Create, CampaignAction.Submit], (await ((ICampaignAuditTrail)h.Repository).ListAsync(id, Ct)).Select(a => a.Action));
        Assert.Equal(submitted.Version, (await h.Repository.GetAsync(id, Ct))!.Version);
    }

    [Fact]
    public async Task Of_concurrent_changes_from_the_same_version_exactly_one_is_saved()
    {
        var id = CampaignStorageHarness.NewId();
        var live = await h.LiveAsync(id);
        var now = DateTimeOffset.UtcNow;

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            Task.Run(() => h.Repository.SaveAsync(live.Pause(CampaignActor.Manager($"op-{i}"), now, $"reason {i}").GetValueOrThrow(), Ct))));

        Assert.Single(results, r => r.IsSuccess);
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal(ProblemKind.PreconditionFailed, r.Problem!.Kind));
        Assert.Single(await ((ICampaignAuditTrail)h.Repository).ListAsync(id, Ct), a => a.Action == CampaignAction.Pause);
        Assert.Equal(live.Version + 1, (await h.Repository.GetAsync(id, Ct))!.Version);
    }

    [Fact]
    public async Task Every_lifecycle_change_publishes_its_liveness_for_the_coupon_paths_and_an_old_version_cannot_undo_a_kill()
    {
        var id = CampaignStorageHarness.NewId();
        var coupons = new CampaignStatusDirectory(h.Storage, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow));
        var live = await h.LiveAsync(id);
        Assert.Equal(CampaignLiveness.Live, await coupons.GetLivenessAsync(id, Ct));

        var killed = await h.ApplyAsync(live, c => c.Kill(CampaignStorageHarness.Planner, DateTimeOffset.UtcNow, "fraud"));
        var fresh = new CampaignStatusDirectory(h.Storage, TimeProvider.System);
        Assert.Equal(CampaignLiveness.Killed, await fresh.GetLivenessAsync(id, Ct));

        // A slow writer re-publishing the live version (e.g. an activity retried late) changes nothing.
        await h.Publication.SyncAsync(live, Ct);
        Assert.Equal(CampaignLiveness.Killed, await new CampaignStatusDirectory(h.Storage, TimeProvider.System).GetLivenessAsync(id, Ct));
        var entry = Assert.Single(await h.Directory.ListAsync([CampaignState.Killed], Ct), e => e.CampaignId == id);
        Assert.Equal(killed.Version, entry.Version);

        var availability = await ((ICampaignAvailabilitySource)h.Repository).GetAsync(id, Ct);
        Assert.Equal((CampaignAvailabilityStatus.Killed, killed.Version), (availability!.Status, availability.Version));
    }

    [Fact]
    public async Task Campaigns_list_newest_first_by_state_and_page_without_gaps_or_repeats()
    {
        var now = DateTimeOffset.UtcNow;
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var id = CampaignStorageHarness.NewId();
            ids.Add(id);
            var draft = await h.CreateAsync(id, CampaignStorageHarness.Plan(now.AddDays(1)), now.AddMinutes(i));
            if (i % 2 == 0)
            {
                await h.ApplyAsync(draft, c => c.Submit(CampaignStorageHarness.Planner, now.AddMinutes(i)));
            }
        }

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await h.Repository.ListAsync(new CampaignQuery(null, 3, token), Ct);
            Assert.InRange(page.Items.Count, 1, 3);
            seen.AddRange(page.Items.Select(c => c.Id));
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal(Enumerable.Reverse(ids), seen);
        var pending = await h.Repository.ListAsync(new CampaignQuery(CampaignState.PendingApproval, 50), Ct);
        Assert.Equal([ids[6], ids[4], ids[2], ids[0]], pending.Items.Select(c => c.Id));
        Assert.Null(pending.ContinuationToken);
    }

    [Fact]
    public async Task A_campaign_too_large_for_one_property_is_split_and_read_back_whole()
    {
        var id = CampaignStorageHarness.NewId();
        var now = DateTimeOffset.UtcNow;
        var mechanics = Enumerable.Range(0, 30).Select(i => (Mechanic)new FullReductionMechanic
        {
            Id = $"fr-{i}",
            Name = new string('n', 1000),
            Tiers = [.. Enumerable.Range(1, 10).Select(t => new FullReductionTier(t * 100m, t * 10m))],
        }).ToArray();
        var plan = CampaignStorageHarness.Plan(now.AddDays(1), mechanics) with { Description = new string('d', 4000) };

        await h.CreateAsync(id, plan, now);
        var read = await h.Repository.GetAsync(id, Ct);

        var table = await h.Storage.TableAsync(h.Tables.Campaigns, Ct);
        var row = (await table.GetEntityAsync<TableEntity>(id, TableCampaignRepository.CampaignRow)).Value;
        Assert.True(row.GetInt32("DocChunks") > 1, "the document should need more than one property");
        Assert.Equal(30, read!.Plan.Mechanics.Count);
        Assert.Equal(10, ((FullReductionMechanic)read.Plan.Mechanics[29]).Tiers.Count);
        Assert.Equal(4000, read.Plan.Description!.Length);
    }

    [Fact]
    public async Task The_calendar_lists_competing_campaigns_overlapping_a_window()
    {
        var now = DateTimeOffset.UtcNow;
        var overlapping = CampaignStorageHarness.NewId();
        var later = CampaignStorageHarness.NewId();
        var draft = CampaignStorageHarness.NewId();
        await h.ApplyAsync(await h.CreateAsync(overlapping, CampaignStorageHarness.Plan(now.AddDays(1)), now), c => c.Submit(CampaignStorageHarness.Planner, now));
        await h.ApplyAsync(await h.CreateAsync(later, CampaignStorageHarness.Plan(now.AddDays(30)), now), c => c.Submit(CampaignStorageHarness.Planner, now));
        await h.CreateAsync(draft, CampaignStorageHarness.Plan(now.AddDays(1)), now);

        var competing = await h.Directory.ListOverlappingAsync(new TimeWindow(now.AddDays(2), now.AddDays(3)), Ct);

        Assert.Equal([overlapping], competing.Select(c => c.CampaignId));
        Assert.Equal(CampaignState.PendingApproval, competing[0].State);
    }
}
