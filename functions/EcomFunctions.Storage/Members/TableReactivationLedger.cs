using System.Globalization;
using Azure.Data.Tables;
using EcomFunctions.Domain.Members;

namespace EcomFunctions.Storage;

/// <summary>
/// The win-back run ledger on Table Storage (table <see cref="TableNames.ReactivationRuns"/>). Partition design:
/// <list type="bullet">
/// <item>PK "runs", RK = run date (yyyy-MM-dd): one small row per run (status, times, tally JSON); listing runs is one
/// partition query.</item>
/// <item>PK "d-{date}", RK = member id: how each treated member's delivery ended (the sender writes it); a run's report
/// reads its own partition only, and a repeated delivery outcome overwrites the same row.</item>
/// <item>PK "r-{date}", RK = <c>{memberId}!{activityId}</c>: logins and purchases attributed to the run; the activity id
/// makes a redelivered activity overwrite instead of count twice.</item>
/// <item>PK "churn", RK = yyyy-MM: the monthly churn tally taken by the tier evaluation.</item>
/// </list>
/// </summary>
public sealed class TableReactivationLedger(StorageClients storage, string tableName = TableNames.ReactivationRuns) : IReactivationLedger
{
    private const string RunsPartition = "runs";
    private const string ChurnPartition = "churn";

    public async Task SaveRunAsync(ReactivationRunSummary run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var table = await storage.TableAsync(tableName, cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(RunsPartition, Day(run.RunDate))
        {
            ["RunAt"] = run.RunAt,
            ["Status"] = run.Status.ToString(),
            ["StartedAt"] = run.StartedAt,
            ["CompletedAt"] = run.CompletedAt,
            ["Tally"] = MemberJson.Serialize(run.Tally),
        }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<ReactivationRunSummary?> GetRunAsync(DateOnly runDate, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tableName, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(RunsPartition, Day(runDate), cancellationToken: cancellationToken);
        return row.HasValue && row.Value is { } entity ? ReadRun(entity) : null;
    }

    public async Task<IReadOnlyList<ReactivationRunSummary>> ListRunsAsync(int take, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tableName, cancellationToken);
        var runs = new List<ReactivationRunSummary>();
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == RunsPartition, cancellationToken: cancellationToken))
        {
            runs.Add(ReadRun(entity));
        }

        return runs.OrderByDescending(r => r.RunDate).Take(take).ToList();
    }

    public async Task RecordDeliveryAsync(DeliveryRecord delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var table = await storage.TableAsync(tableName, cancellationToken);
        await table.UpsertEntityAsync(new TableEntity("d-" + Day(delivery.RunDate), delivery.MemberId)
        {
            ["MessageId"] = delivery.MessageId,
            ["Channel"] = delivery.Channel.ToString(),
            ["Status"] = delivery.Status.ToString(),
            ["At"] = delivery.At,
        }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<IReadOnlyList<DeliveryRecord>> GetDeliveriesAsync(DateOnly runDate, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tableName, cancellationToken);
        var partition = "d-" + Day(runDate);
        var list = new List<DeliveryRecord>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == partition, cancellationToken: cancellationToken))
        {
            list.Add(new DeliveryRecord(runDate, e.RowKey, e.GetString("MessageId") ?? string.Empty, Enum.Parse<ContactChannel>(e.GetString("Channel")!),
                Enum.Parse<ContactStatus>(e.GetString("Status")!), e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue));
        }

        return list;
    }

    public async Task RecordResponsesAsync(IReadOnlyList<AttributedResponse> responses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(responses);
        var table = await storage.TableAsync(tableName, cancellationToken);
        foreach (var r in responses)
        {
            await table.UpsertEntityAsync(new TableEntity("r-" + Day(r.RunDate), r.MemberId + "!" + r.ActivityId)
            {
                ["MemberId"] = r.MemberId,
                ["ActivityId"] = r.ActivityId,
                ["Kind"] = r.Kind.ToString(),
                ["At"] = r.At,
                ["Amount"] = r.Amount.ToString(CultureInfo.InvariantCulture),
                ["Holdout"] = r.Holdout,
                ["Channel"] = r.Channel.ToString(),
                ["SendAt"] = r.SendAt,
            }, TableUpdateMode.Replace, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<AttributedResponse>> GetResponsesAsync(DateOnly runDate, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tableName, cancellationToken);
        var partition = "r-" + Day(runDate);
        var list = new List<AttributedResponse>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == partition, cancellationToken: cancellationToken))
        {
            list.Add(new AttributedResponse(runDate, e.GetString("MemberId")!, e.GetString("ActivityId")!, Enum.Parse<ResponseKind>(e.GetString("Kind")!),
                e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue, decimal.Parse(e.GetString("Amount") ?? "0", CultureInfo.InvariantCulture),
                e.GetBoolean("Holdout") == true, Enum.Parse<ContactChannel>(e.GetString("Channel")!), e.GetDateTimeOffset("SendAt") ?? DateTimeOffset.MinValue));
        }

        return list;
    }

    public async Task SaveChurnAsync(YearMonth month, MonthlyChurnTally tally, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tally);
        var table = await storage.TableAsync(tableName, cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(ChurnPartition, month.ToString())
        {
            ["NotChurnedAtStart"] = tally.NotChurnedAtStart,
            ["BecameChurned"] = tally.BecameChurned,
        }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<MonthlyChurnTally?> GetChurnAsync(YearMonth month, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tableName, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(ChurnPartition, month.ToString(), cancellationToken: cancellationToken);
        return row.HasValue && row.Value is { } e
            ? new MonthlyChurnTally { NotChurnedAtStart = e.GetInt32("NotChurnedAtStart") ?? 0, BecameChurned = e.GetInt32("BecameChurned") ?? 0 }
            : null;
    }

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static ReactivationRunSummary ReadRun(TableEntity e) => new(
        DateOnly.ParseExact(e.RowKey, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        e.GetDateTimeOffset("RunAt") ?? DateTimeOffset.MinValue,
        Enum.Parse<RunStatus>(e.GetString("Status") ?? nameof(RunStatus.Running)),
        e.GetDateTimeOffset("StartedAt") ?? DateTimeOffset.MinValue,
        e.GetDateTimeOffset("CompletedAt"),
        MemberJson.Deserialize<ReactivationTally>(e.GetString("Tally") ?? "{}"));
}
