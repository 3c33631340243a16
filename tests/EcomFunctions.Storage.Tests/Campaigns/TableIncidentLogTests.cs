using Azure.Data.Tables;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Storage.Campaigns;

namespace EcomFunctions.Storage.Tests.Campaigns;

public sealed class TableIncidentLogTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly CampaignStorageHarness h = new();

    [Fact]
    public async Task An_incident_is_added_once_saved_only_from_its_current_version_and_listed_in_opening_order()
    {
        var id = CampaignStorageHarness.NewId();
        var campaign = await h.LiveAsync(id);
        var now = DateTimeOffset.UtcNow;
        var report = new IncidentReport { Type = IncidentType.Payment, Severity = IncidentSeverity.High, Title = "Gateway errors", Actions = [new IncidentAction(IncidentActionKind.NotifyOwners)] };
        var opened = CampaignIncident.Open(campaign, report, "inc-1", CampaignStorageHarness.Planner, now).GetValueOrThrow();
        var later = CampaignIncident.Open(campaign, report with { Title = "Stock mismatch", Type = IncidentType.StockAnomaly }, "inc-0", CampaignStorageHarness.Planner, now.AddMinutes(1)).GetValueOrThrow();

        Assert.True((await h.Incidents.AddAsync(opened, [opened.ToEvent(CampaignEventTypes.IncidentOpened, now)], Ct)).IsSuccess);
        Assert.Equal("incident-exists", (await h.Incidents.AddAsync(opened, [], Ct)).Problem!.Code);
        await h.Incidents.AddAsync(later, [], Ct);

        var noted = opened.AddNote("courier called", CampaignStorageHarness.Planner, now.AddMinutes(2)).GetValueOrThrow();
        Assert.True((await h.Incidents.SaveAsync(noted, 1, [noted.ToEvent(CampaignEventTypes.IncidentUpdated, now)], Ct)).IsSuccess);
        var staleResolve = opened.Resolve("done", CampaignStorageHarness.Planner, now.AddMinutes(3)).GetValueOrThrow();
        Assert.Equal("precondition-failed", (await h.Incidents.SaveAsync(staleResolve, 1, [], Ct)).Problem!.Code);

        var listed = await h.Incidents.ListAsync(id, Ct);
        Assert.Equal(["inc-1", "inc-0"], listed.Select(i => i.Id));
        Assert.Equal(2, listed[0].Timeline.Count);
        Assert.Equal(IncidentStatus.Open, (await h.Incidents.GetAsync(id, "inc-1", Ct))!.Status);
        Assert.Null(await h.Incidents.GetAsync(id, "bad/id", Ct));

        var table = await h.Storage.TableAsync(h.Tables.Incidents, Ct);
        var outboxRows = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == id))
        {
            outboxRows += row.RowKey.StartsWith(Outbox.RowKeyPrefix, StringComparison.Ordinal) ? 1 : 0;
        }

        Assert.Equal(2, outboxRows);
    }

    [Fact]
    public async Task Snapshots_read_back_newest_first()
    {
        var id = CampaignStorageHarness.NewId();
        var start = DateTimeOffset.UtcNow;
        for (var i = 0; i < 5; i++)
        {
            await h.Snapshots.RecordAsync(new CampaignSnapshot(id, start.AddMinutes(i), CampaignState.Live, i + 1, null, new MetricsCounts { Orders = i },
                900m, i * 10m, i * 10m / 900m, false, [], [], 0, []), Ct);
        }

        var latest = await h.Snapshots.ListAsync(id, 2, Ct);

        Assert.Equal([4L, 3L], latest.Select(s => s.Totals.Orders));
    }
}
