using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Storage;

/// <summary>
/// Win-back contact history on Table Storage. Partition design (table <see cref="TableNames.MemberContacts"/>):
/// <list type="bullet">
/// <item>PK = the member's partition (<see cref="MemberPartitions.Of"/>, as in the members table): a run's page of
/// members and their contacts live in one partition, so the cap check of a whole page is one range query.</item>
/// <item>RK = <c>{memberId}!{contactId}</c>. '!' sorts below every character a member id may contain, so the contacts
/// of a page (member ids first..last, contiguous in id order) are exactly the range [first!, last") — one query per
/// page, with <c>SendAt gt since</c> evaluated by the service.</item>
/// <item>A row holds the planned contact (written by the run, upsert-merge: re-recording writes the same values) and
/// the delivery state (claim time, final status; written only by the sender), so recording never undoes a delivery
/// and a claim never erases the plan. Outbox rows (<c>~outbox~…</c>) of delivery events share the partition and the
/// completion's transaction.</item>
/// </list>
/// </summary>
public sealed class TableContactHistory : IContactHistory
{
    private const char Separator = '!';
    private const char SeparatorEnd = '"';
    private const int MaxTransactionActions = 100;

    private readonly StorageClients storage;
    private readonly Outbox outbox;
    private readonly int partitionCount;
    private readonly string tableName;

    public TableContactHistory(StorageClients storage, Outbox outbox, MemberOptions options, string tableName = TableNames.MemberContacts)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.storage = storage ?? throw new ArgumentNullException(nameof(storage));
        this.outbox = outbox ?? throw new ArgumentNullException(nameof(outbox));
        partitionCount = options.PartitionCount;
        this.tableName = tableName;
    }

    public string TableName => tableName;

    public static string RowKeyOf(string memberId, string contactId) => memberId + Separator + contactId;

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<ContactRecord>>> GetRecentAsync(
        IReadOnlyCollection<string> memberIds, DateTimeOffset since, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(memberIds);
        var table = await storage.TableAsync(tableName, cancellationToken);
        var wanted = memberIds.ToHashSet(StringComparer.Ordinal);
        var result = new Dictionary<string, List<ContactRecord>>(StringComparer.Ordinal);
        foreach (var group in memberIds.Distinct(StringComparer.Ordinal).GroupBy(id => MemberPartitions.Of(id, partitionCount), StringComparer.Ordinal))
        {
            var first = group.Min(StringComparer.Ordinal)!;
            var last = group.Max(StringComparer.Ordinal)!;
            var filter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {group.Key} and RowKey ge {first + Separator} and RowKey lt {last + SeparatorEnd} and SendAt gt {since}");
            await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                var record = Read(entity);
                if (record is not null && wanted.Contains(record.MemberId))
                {
                    if (!result.TryGetValue(record.MemberId, out var list))
                    {
                        list = [];
                        result[record.MemberId] = list;
                    }

                    list.Add(record);
                }
            }
        }

        return result.ToDictionary(r => r.Key, r => (IReadOnlyList<ContactRecord>)r.Value, StringComparer.Ordinal);
    }

    public async Task RecordAsync(IReadOnlyList<ContactRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var table = await storage.TableAsync(tableName, cancellationToken);
        // Upsert-merge batches never conflict with each other, so they go out together.
        await Task.WhenAll(records
            .GroupBy(r => MemberPartitions.Of(r.MemberId, partitionCount), StringComparer.Ordinal)
            .SelectMany(group => group.Chunk(MaxTransactionActions).Select(chunk =>
                table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertMerge, Planned(group.Key, r))).ToList(), cancellationToken))));
    }

    public async Task<DeliveryClaim> TryClaimDeliveryAsync(OutboundMessage message, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var table = await storage.TableAsync(tableName, cancellationToken);
        var partition = MemberPartitions.Of(message.MemberId, partitionCount);
        var rowKey = RowKeyOf(message.MemberId, message.MessageId);
        while (true)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: cancellationToken);
            if (!row.HasValue || row.Value is null)
            {
                // The sender got here before the run recorded the contact: create it from the message, claimed.
                var planned = Planned(partition, new ContactRecord(message.MessageId, message.MemberId, message.RunDate, message.SendAt,
                    message.Channel, message.Lifecycle, message.CouponDefinitionId, message.CouponAmount, false, ContactStatus.Planned));
                planned["ClaimedAt"] = now;
                try
                {
                    await table.AddEntityAsync(planned, cancellationToken);
                    return DeliveryClaim.Claimed;
                }
                catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
                {
                    continue; // recorded or claimed meanwhile: decide on the stored row
                }
            }

            var entity = row.Value;
            if (entity.GetBoolean("Finished") == true)
            {
                return DeliveryClaim.Finished;
            }

            if (entity.GetDateTimeOffset("ClaimedAt") is { } claimedAt && now - claimedAt < lease)
            {
                return DeliveryClaim.InProgress;
            }

            try
            {
                await table.UpdateEntityAsync(new TableEntity(partition, rowKey) { ["ClaimedAt"] = now }, entity.ETag, TableUpdateMode.Merge, cancellationToken);
                return DeliveryClaim.Claimed;
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed)
            {
                // Someone else claimed or recorded meanwhile: look again.
            }
        }
    }

    public async Task CompleteDeliveryAsync(string memberId, string contactId, ContactStatus status, DateTimeOffset at, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var table = await storage.TableAsync(tableName, cancellationToken);
        var partition = MemberPartitions.Of(memberId, partitionCount);
        var completion = new TableEntity(partition, RowKeyOf(memberId, contactId))
        {
            ["Finished"] = true,
            ["Status"] = status.ToString(),
            ["CompletedAt"] = at,
        };
        await outbox.CommitAsync(table, partition, [new TableTransactionAction(TableTransactionActionType.UpsertMerge, completion)], events, cancellationToken);
    }

    public async Task ReleaseDeliveryClaimAsync(string memberId, string contactId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tableName, cancellationToken);
        var partition = MemberPartitions.Of(memberId, partitionCount);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(partition, RowKeyOf(memberId, contactId), cancellationToken: cancellationToken);
        if (!row.HasValue || row.Value is not { } entity || entity.GetBoolean("Finished") == true)
        {
            return;
        }

        entity.Remove("ClaimedAt");
        try
        {
            await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed)
        {
            // Claimed again or completed meanwhile: that newer state stands.
        }
    }

    /// <summary>Every contact record of one partition (tests, benchmark cap audit).</summary>
    public async Task<IReadOnlyList<ContactRecord>> ListPartitionAsync(string partition, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tableName, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey lt {Outbox.RowKeyPrefix}");
        var records = new List<ContactRecord>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (Read(entity) is { } record)
            {
                records.Add(record);
            }
        }

        return records;
    }

    private static TableEntity Planned(string partition, ContactRecord record) => new(partition, RowKeyOf(record.MemberId, record.Id))
    {
        ["MemberId"] = record.MemberId,
        ["ContactId"] = record.Id,
        ["RunDate"] = record.RunDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["SendAt"] = record.SendAt,
        ["Channel"] = record.Channel.ToString(),
        ["Lifecycle"] = record.Lifecycle.ToString(),
        ["CouponDefinitionId"] = record.CouponDefinitionId,
        ["CouponAmount"] = record.CouponAmount.ToString(CultureInfo.InvariantCulture),
        ["Deferred"] = record.Deferred,
        ["Holdout"] = record.IsHoldout,
    };

    private static ContactRecord? Read(TableEntity entity)
    {
        if (entity.GetString("ContactId") is not { } id || entity.GetDateTimeOffset("SendAt") is not { } sendAt)
        {
            return null; // an outbox row
        }

        var holdout = entity.GetBoolean("Holdout") == true;
        var status = Enum.TryParse<ContactStatus>(entity.GetString("Status"), out var stored)
            ? stored
            : holdout ? ContactStatus.HeldOut : ContactStatus.Planned;
        return new ContactRecord(
            id,
            entity.GetString("MemberId") ?? string.Empty,
            DateOnly.ParseExact(entity.GetString("RunDate") ?? "0001-01-01", "yyyy-MM-dd", CultureInfo.InvariantCulture),
            sendAt,
            Enum.Parse<ContactChannel>(entity.GetString("Channel") ?? nameof(ContactChannel.Push)),
            Enum.Parse<LifecycleState>(entity.GetString("Lifecycle") ?? nameof(LifecycleState.Dormant)),
            entity.GetString("CouponDefinitionId") ?? string.Empty,
            decimal.Parse(entity.GetString("CouponAmount") ?? "0", CultureInfo.InvariantCulture),
            entity.GetBoolean("Deferred") == true,
            status);
    }
}
