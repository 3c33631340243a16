using System.Globalization;
using System.Net;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using EcomFunctions.Domain.Campaigns;

namespace EcomFunctions.Storage.Campaigns;

/// <summary>
/// The campaign budget ledger (<see cref="IBudgetLedger"/>): table <see cref="CampaignTables.Budget"/>, <b>partition key =
/// campaign id</b>, so an entry and the running total it changes commit in one transaction.
/// <list type="bullet">
/// <item><c>entry|{hash of entry id}</c> — one row per <see cref="SpendEntry"/>; <c>AddEntity</c> is the idempotency
/// check: a redelivered redemption event (same coupon, same entry id) fails with 409 and changes nothing.</item>
/// <item><c>total|{shard}</c> — running totals per line, channel and variant (<see cref="SpendSummary"/> as JSON, exact
/// decimals) spread over <see cref="CampaignMetricsOptions.Shards"/> rows: each entry adds to one shard chosen at
/// random with its ETag, so concurrent redemptions of a hot coupon do not queue on one row. Summaries merge the shards.</item>
/// </list>
/// </summary>
public sealed class TableBudgetLedger(StorageClients storage, CampaignMetricsOptions options, CampaignTables tables) : IBudgetLedger
{
    private const string EntryPrefix = "entry|";
    private const string TotalPrefix = "total|";
    private const int MaxAttempts = 30;

    public async Task<bool> RecordAsync(SpendEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var table = await storage.TableAsync(tables.Budget, cancellationToken);
        var entryRow = new TableEntity(entry.CampaignId, EntryPrefix + CampaignEntities.HashKey(entry.EntryId))
        {
            ["EntryId"] = entry.EntryId,
            ["Line"] = entry.Line.ToString(),
            ["Amount"] = CampaignEntities.Money(entry.Amount),
            ["At"] = entry.At,
            ["Source"] = entry.Source.ToString(),
            ["MechanicId"] = entry.MechanicId,
            ["Channel"] = entry.Channel?.ToString(),
            ["Variant"] = entry.Variant,
            ["Reference"] = entry.Reference,
        };
        var increment = SpendSummary.FromEntries([entry]);
        for (var attempt = 1; ; attempt++)
        {
            var shardKey = TotalPrefix + Random.Shared.Next(Math.Max(1, options.Shards)).ToString("D2", CultureInfo.InvariantCulture);
            var stored = await table.GetEntityIfExistsAsync<TableEntity>(entry.CampaignId, shardKey, cancellationToken: cancellationToken);
            var existing = stored.HasValue ? stored.Value : null;
            var total = existing is null ? increment : SpendSummary.Merge([Read(existing), increment]);
            var totalRow = new TableEntity(entry.CampaignId, shardKey) { ["Summary"] = Write(total) };
            TableTransactionAction[] actions =
            [
                new(TableTransactionActionType.Add, entryRow),
                existing is null ? new(TableTransactionActionType.Add, totalRow) : new(TableTransactionActionType.UpdateReplace, totalRow, existing.ETag),
            ];
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                return true;
            }
            catch (TableTransactionFailedException ex) when (ex.FailedTransactionActionIndex == 0 && ex.Status == (int)HttpStatusCode.Conflict)
            {
                return false;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed && attempt < MaxAttempts)
            {
                // Another entry changed this shard meanwhile; nothing was stored: retry, probably on another shard.
            }
        }
    }

    public async Task<SpendSummary> SummarizeAsync(string campaignId, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(campaignId))
        {
            return SpendSummary.Empty;
        }

        var table = await storage.TableAsync(tables.Budget, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {campaignId} and RowKey ge {TotalPrefix} and RowKey lt {TotalPrefix + "~"}");
        var shards = new List<SpendSummary>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["Summary"], cancellationToken: cancellationToken))
        {
            shards.Add(Read(row));
        }

        return SpendSummary.Merge(shards);
    }

    /// <summary>The recorded entries, oldest first (operators' spend list; the totals do not depend on it).</summary>
    public async Task<IReadOnlyList<SpendEntry>> ListEntriesAsync(string campaignId, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(campaignId))
        {
            return [];
        }

        var table = await storage.TableAsync(tables.Budget, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {campaignId} and RowKey ge {EntryPrefix} and RowKey lt {EntryPrefix + "~"}");
        var entries = new List<SpendEntry>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            entries.Add(new SpendEntry
            {
                EntryId = row.GetString("EntryId") ?? "",
                CampaignId = campaignId,
                Line = Enum.Parse<BudgetLineKind>(row.GetString("Line") ?? nameof(BudgetLineKind.Marketing)),
                Amount = CampaignEntities.Money(row, "Amount"),
                At = row.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue,
                Source = Enum.Parse<SpendSource>(row.GetString("Source") ?? nameof(SpendSource.Cost)),
                MechanicId = row.GetString("MechanicId"),
                Channel = Enum.TryParse<CampaignChannel>(row.GetString("Channel"), out var channel) ? channel : null,
                Variant = row.GetString("Variant"),
                Reference = row.GetString("Reference"),
            });
        }

        return entries.OrderBy(e => e.At).ThenBy(e => e.EntryId, StringComparer.Ordinal).ToList();
    }

    private static string Write(SpendSummary summary) => JsonSerializer.Serialize(summary, CampaignJson.Options);

    private static SpendSummary Read(TableEntity row) =>
        JsonSerializer.Deserialize<SpendSummary>(row.GetString("Summary") ?? "{}", CampaignJson.Options) ?? SpendSummary.Empty;
}
