using System.Buffers.Text;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Data.Tables;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Storage;

/// <summary>
/// Members on Table Storage. Partition design (table <see cref="TableNames.Members"/>):
/// <list type="bullet">
/// <item>PK = <see cref="MemberPartitions.Of"/>(member id) — "p000".."p031" by default: a stable hash bucket, so the daily,
/// monthly and birthday runs fan out over a fixed set of partitions and scan each one page by page, and every write of
/// one member stays inside one partition.</item>
/// <item>RK = <c>m:{memberId}</c> for the member row (the whole <see cref="MemberState"/> as JSON, split over several
/// properties if it grows past one property's 64 KiB, plus Tier/IsErased/LastActivityAt columns for ad-hoc queries and
/// <c>WinBack</c>, the member's planning view for the daily win-back run (<see cref="Member.ToWinBackState"/>, a few hundred
/// bytes): the run reads only RowKey/LastActivityAt/IsErased/WinBack of every row of a page in one query, counts the active
/// members and plans the others from their view;
/// <c>o:{memberId}!{operationKey}</c> for idempotency markers (activity and redemption ids); <c>~outbox~{eventId}</c>
/// for outbox rows. Member row, marker and outbox rows of one write are one entity-group transaction, so an activity is
/// applied, marked and its events published together or not at all.</item>
/// <item>The version handed out is the row's ETag (base64url-encoded so it is a plain token in HTTP ETag headers).</item>
/// </list>
/// Lookup index (table <see cref="TableNames.MemberLookups"/>): PK = keyed hash of the e-mail or phone, RK = member id.
/// It is written after the member commit (it may lag; readers verify the hash on the member) and entries the member no
/// longer has — a changed address, an erasure — are deleted, so no hash of an erased member's contact stays behind.
/// </summary>
public sealed class TableMemberRepository : IMemberRepository
{
    private const string MemberPrefix = "m:";
    private const string MemberEnd = "m;"; // ';' follows ':' — the range [m:, m;) holds exactly the member rows
    private const string MarkerPrefix = "o:";
    private const int ChunkChars = 30_000;
    private const int MaxTransactionActions = 100;
    private const string WinBackProperty = "WinBack";
    private static readonly string[] WinBackColumns = ["RowKey", "LastActivityAt", "IsErased", WinBackProperty];

    private readonly StorageClients storage;
    private readonly Outbox outbox;
    private readonly int partitionCount;
    private readonly string tableName;
    private readonly string lookupTableName;
    private readonly bool maintainLookupIndex;

    // What the lookup hashes were when a member object was read, so a save knows which index rows became stale.
    private readonly ConditionalWeakTable<Member, LoadedLookups> loaded = [];

    public TableMemberRepository(StorageClients storage, Outbox outbox, MemberOptions options, string tableName = TableNames.Members, string lookupTableName = TableNames.MemberLookups)
        : this(storage, outbox, options, maintainLookupIndex: true, tableName, lookupTableName)
    {
    }

    /// <param name="maintainLookupIndex">False only for bulk loads that do not need lookups (benchmark seeding): index rows cannot be batched.</param>
    public TableMemberRepository(StorageClients storage, Outbox outbox, MemberOptions options, bool maintainLookupIndex, string tableName = TableNames.Members, string lookupTableName = TableNames.MemberLookups)
    {
        this.maintainLookupIndex = maintainLookupIndex;
        ArgumentNullException.ThrowIfNull(options);
        this.storage = storage ?? throw new ArgumentNullException(nameof(storage));
        this.outbox = outbox ?? throw new ArgumentNullException(nameof(outbox));
        partitionCount = options.PartitionCount;
        this.tableName = tableName;
        this.lookupTableName = lookupTableName;
    }

    public string TableName => tableName;

    public string PartitionOf(string memberId) => MemberPartitions.Of(memberId, partitionCount);

    public static string RowKeyOf(string memberId) => MemberPrefix + memberId;

    public async Task<VersionedMember?> GetAsync(string memberId, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(memberId))
        {
            return null;
        }

        var table = await storage.TableAsync(tableName, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(PartitionOf(memberId), RowKeyOf(memberId), cancellationToken: cancellationToken);
        return row.HasValue && row.Value is { } entity ? Read(entity) : null;
    }

    public async Task<Result<string>> SaveAsync(MemberWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var table = await storage.TableAsync(tableName, cancellationToken);
        var partition = PartitionOf(write.Member.Id);
        var actions = ActionsOf(write, partition);
        if (actions.Count > MaxTransactionActions)
        {
            return Problem.Validation("events", "Too many events for one member write.");
        }

        try
        {
            var response = await table.SubmitTransactionAsync(actions, cancellationToken);
            var version = ToVersion(response.Value[0].Headers.ETag ?? default);
            await AfterCommitAsync([write], partition, cancellationToken);
            return version;
        }
        catch (TableTransactionFailedException ex)
        {
            return ProblemOf(ex, write);
        }
        catch (RequestFailedException ex) when (ex.Status is 0 or >= 500)
        {
            return Problem.Unavailable($"Member storage failed: {ex.Status}.");
        }
    }

    /// <summary>
    /// Writes of one partition go in batch transactions of up to 100 entities (a member row with its marker and outbox
    /// rows always in the same transaction); a transaction that fails as a whole is retried write by write, so each write
    /// gets its own outcome (version mismatch, applied operation).
    /// </summary>
    public async Task<IReadOnlyList<Result<string>>> SaveManyAsync(IReadOnlyList<MemberWrite> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var results = new Result<string>[writes.Count];
        var table = await storage.TableAsync(tableName, cancellationToken);
        foreach (var group in writes.Select((write, index) => (write, index)).GroupBy(w => PartitionOf(w.write.Member.Id), StringComparer.Ordinal))
        {
            var chunk = new List<(MemberWrite Write, int Index, List<TableTransactionAction> Actions)>();
            var size = 0;
            foreach (var (write, index) in group)
            {
                var actions = ActionsOf(write, group.Key);
                if (size + actions.Count > MaxTransactionActions)
                {
                    await SubmitChunkAsync(table, group.Key, chunk, results, cancellationToken);
                    chunk.Clear();
                    size = 0;
                }

                chunk.Add((write, index, actions));
                size += actions.Count;
            }

            await SubmitChunkAsync(table, group.Key, chunk, results, cancellationToken);
        }

        return results;
    }

    public Task<MemberPage> ScanPartitionAsync(string partition, string? continuationToken, int pageSize, CancellationToken cancellationToken) =>
        ScanAsync(partition, continuationToken, pageSize, cancellationToken);

    public async Task<WinBackPage> ScanWinBackAsync(string partition, DateTimeOffset inactiveSince, string? continuationToken, int pageSize, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tableName, cancellationToken);
        // Candidates in row order; null where the row has no planning view (written before it existed, or too large).
        var rows = new List<(string Id, Member? View)>();
        var active = 0;
        var scanned = 0;
        string? last = null;
        await foreach (var page in table.QueryAsync<TableEntity>(RangeOf(partition, continuationToken), maxPerPage: Math.Min(pageSize, 1000), select: WinBackColumns,
                           cancellationToken: cancellationToken).AsPages())
        {
            foreach (var entity in page.Values)
            {
                scanned++;
                last = entity.RowKey[MemberPrefix.Length..];
                if (entity.GetBoolean("IsErased") != true && entity.GetDateTimeOffset("LastActivityAt") is { } lastActivity && lastActivity > inactiveSince)
                {
                    active++;
                }
                else
                {
                    rows.Add((last, entity.GetString(WinBackProperty) is { } view ? Member.FromState(MemberJson.Deserialize<MemberState>(view)) : null));
                }

                if (scanned == pageSize)
                {
                    // Possibly more: the next call starts after the last member (an empty last page is fine).
                    return new WinBackPage(await CompleteAsync(rows, cancellationToken), active, last);
                }
            }

            if (page.ContinuationToken is null)
            {
                break;
            }
        }

        return new WinBackPage(await CompleteAsync(rows, cancellationToken), active, null);
    }

    public async Task<bool> IsOperationAppliedAsync(string memberId, string operationKey, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tableName, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(PartitionOf(memberId), MarkerKey(memberId, operationKey), ["PartitionKey"], cancellationToken);
        return row.HasValue;
    }

    public async Task<IReadOnlyList<string>> FindByLookupAsync(string lookupHash, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(lookupHash))
        {
            return [];
        }

        var table = await storage.TableAsync(lookupTableName, cancellationToken);
        var ids = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == lookupHash, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            ids.Add(row.RowKey);
        }

        return ids;
    }

    public static string ToVersion(ETag etag) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(etag.ToString()));

    /// <summary>The ETag of a version; a malformed version becomes an ETag no row has (so the write fails with 412).</summary>
    public static ETag FromVersion(string version)
    {
        try
        {
            return new ETag(Encoding.UTF8.GetString(Base64Url.DecodeFromChars(version)));
        }
        catch (FormatException)
        {
            return new ETag("W/\"invalid\"");
        }
    }

    private async Task<MemberPage> ScanAsync(string partition, string? continuationToken, int pageSize, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tableName, cancellationToken);
        var filter = RangeOf(partition, continuationToken);
        var members = new List<VersionedMember>(pageSize);
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(pageSize, 1000), cancellationToken: cancellationToken).AsPages())
        {
            foreach (var entity in page.Values)
            {
                members.Add(Read(entity));
                if (members.Count == pageSize)
                {
                    // Possibly more: the next call starts after the last member (an empty last page is fine).
                    return new MemberPage(members, members[^1].Member.Id);
                }
            }

            if (page.ContinuationToken is null)
            {
                break;
            }
        }

        return new MemberPage(members, null);
    }

    /// <summary>The member rows of a partition, after the member id a previous page ended with.</summary>
    private static string RangeOf(string partition, string? continuationToken) => continuationToken is null
        ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {MemberPrefix} and RowKey lt {MemberEnd}")
        : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {RowKeyOf(continuationToken)} and RowKey lt {MemberEnd}");

    /// <summary>Rows without a planning view are read whole (rare: rows written before views existed, or oversized views).</summary>
    private async Task<IReadOnlyList<Member>> CompleteAsync(List<(string Id, Member? View)> rows, CancellationToken cancellationToken)
    {
        var members = rows.Select(r => r.View).ToArray();
        var missing = Enumerable.Range(0, rows.Count).Where(i => members[i] is null).ToList();
        if (missing.Count > 0)
        {
            await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                async (i, ct) => members[i] = (await GetAsync(rows[i].Id, ct))?.Member);
        }

        return members.OfType<Member>().ToList();
    }

    private static string MarkerKey(string memberId, string operationKey) => MarkerPrefix + memberId + "!" + operationKey;

    private static List<TableTransactionAction> ActionsOf(MemberWrite write, string partition)
    {
        var member = write.Member;
        var entity = new TableEntity(partition, RowKeyOf(member.Id))
        {
            ["Tier"] = member.Tier.ToString(),
            ["IsErased"] = member.IsErased,
            ["LastActivityAt"] = member.LastActivityAt,
        };
        var json = MemberJson.Serialize(member.ToState());
        var chunks = (json.Length + ChunkChars - 1) / ChunkChars;
        entity["StateChunks"] = chunks;
        for (var i = 0; i < chunks; i++)
        {
            entity[StateProperty(i)] = json.Substring(i * ChunkChars, Math.Min(ChunkChars, json.Length - (i * ChunkChars)));
        }

        // The win-back run's planning view; a view too large for one property is left out (the run then reads the row whole).
        var view = MemberJson.Serialize(member.ToWinBackState());
        if (view.Length <= ChunkChars)
        {
            entity[WinBackProperty] = view;
        }

        var actions = new List<TableTransactionAction>
        {
            write.ExpectedVersion is null
                ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, FromVersion(write.ExpectedVersion)),
        };
        if (write.OperationKey is not null)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, MarkerKey(member.Id, write.OperationKey))));
        }

        actions.AddRange(write.Events.Select(e => Outbox.RowFor(partition, e)));
        return actions;
    }

    private static string StateProperty(int index) => index == 0 ? "State" : "State" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private VersionedMember Read(TableEntity entity)
    {
        var chunks = entity.GetInt32("StateChunks") ?? 1;
        var json = new StringBuilder();
        for (var i = 0; i < chunks; i++)
        {
            json.Append(entity.GetString(StateProperty(i)));
        }

        var member = Member.FromState(MemberJson.Deserialize<MemberState>(json.ToString()));
        loaded.AddOrUpdate(member, new LoadedLookups(member.Personal.EmailLookup, member.Personal.PhoneLookup));
        return new VersionedMember(member, ToVersion(entity.ETag));
    }

    private static Problem ProblemOf(TableTransactionFailedException ex, MemberWrite write) => ex.Status switch
    {
        (int)HttpStatusCode.Conflict when ex.FailedTransactionActionIndex is 0 or null && write.ExpectedVersion is null =>
            Problem.Conflict(MemberWriteProblems.MemberExists, $"Member {write.Member.Id} exists."),
        (int)HttpStatusCode.Conflict => Problem.Conflict(MemberWriteProblems.OperationApplied, $"{write.OperationKey} was applied before."),
        (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound =>
            Problem.PreconditionFailed($"Member {write.Member.Id} is not at version {write.ExpectedVersion}."),
        0 or >= 500 => Problem.Unavailable($"Member storage failed: {ex.Status}."),
        _ => throw ex,
    };

    private async Task SubmitChunkAsync(
        TableClient table,
        string partition,
        List<(MemberWrite Write, int Index, List<TableTransactionAction> Actions)> chunk,
        Result<string>[] results,
        CancellationToken cancellationToken)
    {
        if (chunk.Count == 0)
        {
            return;
        }

        if (chunk.Count > 1)
        {
            try
            {
                var response = await table.SubmitTransactionAsync(chunk.SelectMany(c => c.Actions), cancellationToken);
                var offset = 0;
                foreach (var (write, index, actions) in chunk)
                {
                    results[index] = ToVersion(response.Value[offset].Headers.ETag ?? default);
                    offset += actions.Count;
                }

                await AfterCommitAsync(chunk.Select(c => c.Write).ToList(), partition, cancellationToken);
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
            {
                // Nothing of the transaction was written; one write is in conflict. Find out which, one by one.
            }
        }

        foreach (var (write, index, _) in chunk)
        {
            results[index] = await SaveAsync(write, cancellationToken);
        }
    }

    private async Task AfterCommitAsync(IReadOnlyList<MemberWrite> writes, string partition, CancellationToken cancellationToken)
    {
        var eventIds = writes.SelectMany(w => w.Events).Select(e => e.Id).ToList();
        await outbox.SignalAsync(tableName, partition, eventIds, cancellationToken);
        if (!maintainLookupIndex)
        {
            return;
        }

        await Parallel.ForEachAsync(writes, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (write, ct) => await UpdateLookupsAsync(write.Member, ct));
    }

    private async Task UpdateLookupsAsync(Member member, CancellationToken cancellationToken)
    {
        var before = loaded.TryGetValue(member, out var known) ? known : new LoadedLookups(null, null);
        var now = new LoadedLookups(member.Personal.EmailLookup, member.Personal.PhoneLookup);
        if (before == now)
        {
            return;
        }

        var table = await storage.TableAsync(lookupTableName, cancellationToken);
        string?[] old = [before.Email, before.Phone];
        string?[] current = [now.Email, now.Phone];
        foreach (var hash in current.Where(h => h is not null && !old.Contains(h)))
        {
            await table.UpsertEntityAsync(new TableEntity(hash, member.Id), TableUpdateMode.Replace, cancellationToken);
        }

        foreach (var hash in old.Where(h => h is not null && !current.Contains(h)))
        {
            try
            {
                await table.DeleteEntityAsync(hash, member.Id, ETag.All, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
            {
                // Never written (the process died before indexing) or removed already.
            }
        }

        loaded.AddOrUpdate(member, now);
    }

    private sealed record LoadedLookups(string? Email, string? Phone);
}
