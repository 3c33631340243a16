using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using EcomFunctions.Domain.Campaigns;

namespace EcomFunctions.Storage.Campaigns;

/// <summary>What the monitoring loop saw at one tick: figures so far, budget burn, incidents, and what it did.</summary>
public sealed record CampaignSnapshot(
    string CampaignId,
    DateTimeOffset At,
    CampaignState State,
    long Version,
    string? Stage,
    MetricsCounts Totals,
    decimal SpendingAllocated,
    decimal SpendingSpent,
    decimal? SpendingBurn,
    bool BudgetExhausted,
    IReadOnlyList<string> BudgetAlerts,
    IReadOnlyList<string> PausedMechanics,
    int OpenIncidents,
    IReadOnlyList<string> OpenCriticalIncidents);

/// <summary>
/// Monitoring snapshots: table <see cref="CampaignTables.Snapshots"/>, <b>partition key = campaign id</b>, row key =
/// inverted ticks of the snapshot time, so the newest snapshots come first in a partition read (status page) and the
/// whole series of a campaign is one range read. A snapshot is upserted by its time: an activity retried at the same
/// instant overwrites rather than duplicates.
/// </summary>
public sealed class CampaignSnapshotLog(StorageClients storage, CampaignTables tables)
{
    public async Task RecordAsync(CampaignSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var table = await storage.TableAsync(tables.Snapshots, cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(snapshot.CampaignId, RowKey(snapshot.At))
        {
            ["At"] = snapshot.At,
            ["Snapshot"] = JsonSerializer.Serialize(snapshot, CampaignJson.Options),
        }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The newest <paramref name="take"/> snapshots, newest first.</summary>
    public async Task<IReadOnlyList<CampaignSnapshot>> ListAsync(string campaignId, int take, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(campaignId))
        {
            return [];
        }

        var table = await storage.TableAsync(tables.Snapshots, cancellationToken);
        var snapshots = new List<CampaignSnapshot>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {campaignId}"), maxPerPage: Math.Min(take, 1000), select: ["Snapshot"], cancellationToken: cancellationToken))
        {
            if (JsonSerializer.Deserialize<CampaignSnapshot>(row.GetString("Snapshot") ?? "null", CampaignJson.Options) is { } snapshot)
            {
                snapshots.Add(snapshot);
            }

            if (snapshots.Count >= take)
            {
                break;
            }
        }

        return snapshots;
    }

    private static string RowKey(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);
}
