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
/// <item>Plan rows, RK = <c>plan!{runDate}!{first member id}</c>: the contacts a run recorded for one page, packed (one
/// line per contact, spread over properties of ≤ 30 000 characters), with <c>SendAt</c> = the latest send time in the
/// row. A run writes one or two rows per page instead of one per member — per-entity writes are what a run would
/// otherwise spend most of its time on. Recording the same page again rewrites the same row; a re-run that pages
/// differently may write a second row holding some of the same contacts, which readers merge by contact id.</item>
/// <item>Delivery rows, RK = <c>{memberId}!{contactId}</c>: the sender's claim and final status of one message, with the
/// planned fields copied from the message (so a message delivered before its page was recorded still counts for the
/// caps). Outbox rows (<c>~outbox~…</c>) of delivery events share the partition and the completion's transaction.</item>
/// <item>Reading a page's recent contacts is one query: the partition's rows with <c>SendAt gt since</c> (plan and
/// delivery rows alike), merged by contact id, the delivery row's status winning.</item>
/// </list>
/// </summary>
public sealed class TableContactHistory : IContactHistory
{
    private const char Separator = '!';
    private const string PlanPrefix = "plan!";
    private const int ContactsPerPlanRow = 1_000;
    private const int ChunkChars = 30_000;

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
        var result = new Dictionary<string, IReadOnlyList<ContactRecord>>(StringComparer.Ordinal);
        foreach (var partition in wanted.Select(id => MemberPartitions.Of(id, partitionCount)).Distinct(StringComparer.Ordinal))
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and SendAt gt {since}");
            var records = new List<ContactRecord>();
            await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                records.AddRange(ReadRow(entity, wanted).Where(r => r.SendAt > since));
            }

            foreach (var member in Merge(records).GroupBy(r => r.MemberId, StringComparer.Ordinal))
            {
                result[member.Key] = member.ToList();
            }
        }

        return result;
    }

    public async Task RecordAsync(IReadOnlyList<ContactRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var table = await storage.TableAsync(tableName, cancellationToken);
        var rows = records
            .GroupBy(r => (Partition: MemberPartitions.Of(r.MemberId, partitionCount), r.RunDate))
            .SelectMany(group => group.OrderBy(r => r.MemberId, StringComparer.Ordinal).Chunk(ContactsPerPlanRow).Select(chunk => PlanRow(group.Key.Partition, group.Key.RunDate, chunk)));
        // Plan rows never conflict with each other (distinct keys; a rewrite writes the same content), so they go out together.
        await Task.WhenAll(rows.Select(row => table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken)));
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

    /// <summary>Every contact record of one partition, plan and delivery rows merged (tests, benchmark cap audit).</summary>
    public async Task<IReadOnlyList<ContactRecord>> ListPartitionAsync(string partition, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tableName, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey lt {Outbox.RowKeyPrefix}");
        var records = new List<ContactRecord>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            records.AddRange(ReadRow(entity, null));
        }

        return Merge(records);
    }

    /// <summary>One contact per id: the delivery row (it carries the status) over plan lines repeated by re-runs.</summary>
    private static List<ContactRecord> Merge(List<ContactRecord> records) =>
        records.GroupBy(r => r.Id, StringComparer.Ordinal)
            .Select(g => g.FirstOrDefault(r => r.Status is not (ContactStatus.Planned or ContactStatus.HeldOut)) ?? g.First())
            .ToList();

    private static IEnumerable<ContactRecord> ReadRow(TableEntity entity, HashSet<string>? wanted)
    {
        if (entity.RowKey.StartsWith(PlanPrefix, StringComparison.Ordinal))
        {
            return ReadPlan(entity, wanted);
        }

        return Read(entity) is { } record && (wanted is null || wanted.Contains(record.MemberId)) ? [record] : [];
    }

    /// <summary>A packed plan row: one line per contact, "memberId|sendAt ticks|offset minutes|channel|lifecycle|coupon|amount|deferred|holdout".</summary>
    private static TableEntity PlanRow(string partition, DateOnly runDate, ContactRecord[] records)
    {
        var day = runDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var text = new System.Text.StringBuilder(records.Length * 96);
        foreach (var r in records)
        {
            text.Append(r.MemberId).Append('|')
                .Append(r.SendAt.UtcTicks.ToString(CultureInfo.InvariantCulture)).Append('|')
                .Append(((int)r.Channel).ToString(CultureInfo.InvariantCulture)).Append('|')
                .Append(((int)r.Lifecycle).ToString(CultureInfo.InvariantCulture)).Append('|')
                .Append(r.CouponDefinitionId).Append('|')
                .Append(r.CouponAmount.ToString(CultureInfo.InvariantCulture)).Append('|')
                .Append(r.Deferred ? '1' : '0').Append('|')
                .Append(r.IsHoldout ? '1' : '0').Append('\n');
        }

        var all = text.ToString();
        var entity = new TableEntity(partition, $"{PlanPrefix}{day}!{records[0].MemberId}")
        {
            ["RunDate"] = day,
            ["SendAt"] = records.Max(r => r.SendAt),
            ["Contacts"] = records.Length,
            ["Chunks"] = (all.Length + ChunkChars - 1) / ChunkChars,
        };
        for (var i = 0; i * ChunkChars < all.Length; i++)
        {
            entity["C" + i.ToString(CultureInfo.InvariantCulture)] = all.Substring(i * ChunkChars, Math.Min(ChunkChars, all.Length - (i * ChunkChars)));
        }

        return entity;
    }

    private static IEnumerable<ContactRecord> ReadPlan(TableEntity entity, HashSet<string>? wanted)
    {
        var runDate = DateOnly.ParseExact(entity.GetString("RunDate")!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var day = runDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var chunks = entity.GetInt32("Chunks") ?? 0;
        var text = string.Concat(Enumerable.Range(0, chunks).Select(i => entity.GetString("C" + i.ToString(CultureInfo.InvariantCulture))));
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('|');
            if (wanted is not null && !wanted.Contains(f[0]))
            {
                continue;
            }

            var holdout = f[7] == "1";
            yield return new ContactRecord($"winback:{day}:{f[0]}", f[0], runDate,
                new DateTimeOffset(long.Parse(f[1], CultureInfo.InvariantCulture), TimeSpan.Zero),
                (ContactChannel)int.Parse(f[2], CultureInfo.InvariantCulture), (LifecycleState)int.Parse(f[3], CultureInfo.InvariantCulture),
                f[4], decimal.Parse(f[5], CultureInfo.InvariantCulture), f[6] == "1", holdout ? ContactStatus.HeldOut : ContactStatus.Planned);
        }
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
