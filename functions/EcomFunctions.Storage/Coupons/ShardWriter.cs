using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using EcomFunctions.Domain.Coupons;

namespace EcomFunctions.Storage.Coupons;

/// <summary>How one take on one shard ended.</summary>
internal enum ShardTakeResult
{
    /// <summary>A unit was taken now, with a receipt for the coupon.</summary>
    Taken,

    /// <summary>The coupon's receipt was already on this shard: an earlier attempt under the same key took the unit.</summary>
    AlreadyHeld,

    /// <summary>The shard cannot serve the coupon (see the outcome).</summary>
    Refused,
}

/// <summary>A unit to take for a coupon, or to give back (<see cref="Return"/>) when its coupon could not be created.</summary>
internal sealed class ShardOp(string couponId, decimal faceValue, DateOnly day, bool isReturn)
{
    public string CouponId { get; } = couponId;

    public decimal FaceValue { get; } = faceValue;

    public DateOnly Day { get; } = day;

    public bool IsReturn { get; } = isReturn;

    public TaskCompletionSource<(ShardTakeResult Result, ShardTakeOutcome Outcome)> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// One inventory shard as seen by this process, and the only writer of that shard in this process.
/// </summary>
/// <remarks>
/// <para>Concurrent claims that picked this shard are combined (group commit): whoever holds the gate takes every
/// waiting request (up to 99), applies them to the shard in order and writes the shard with its ETag together with one
/// receipt row per taken unit, in one entity-group transaction. Under a flash-sale burst one shard therefore sees one
/// conditional write per round trip instead of a storm of read–modify–write retries on a hot row, and no write ever
/// needs a read first: the ETag of this process's last write is reused. Another process writing the same shard makes
/// that write fail with 412; the shard is then re-read and the batch applied again.</para>
/// <para>The view also answers refusals without storage while it is fresher than
/// <see cref="CouponOptions.ShardViewFreshness"/>: the sold-out path of a flash sale costs no I/O at all.</para>
/// </remarks>
internal sealed class ShardWriter(TableClient table, string partitionKey, int index, TimeProvider time, TimeSpan freshness) : IDisposable
{
    public const string RowKey = "shard";
    public const string ReceiptPrefix = "r|";
    private const int MaxOpsPerTransaction = 99;
    private const int MaxConflictRetries = 50;

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly ConcurrentQueue<ShardOp> pending = new();
    private View? view;

    public int Index => index;

    /// <summary>The last known state of the shard and when it was seen, or null when never read (or invalidated).</summary>
    public View? Current => view;

    public static string ReceiptKey(string couponId) => ReceiptPrefix + couponId;

    /// <summary>Whether the view is fresh enough to refuse from, and what it says for one claim now.</summary>
    public bool TryRefuseFromView(decimal faceValue, DateOnly day, out ShardTakeOutcome outcome)
    {
        outcome = ShardTakeOutcome.Taken;
        var seen = view;
        if (seen is null || time.GetUtcNow() - seen.SeenAt > freshness)
        {
            return false;
        }

        outcome = seen.Shard.TryTake(faceValue, day).Outcome;
        return outcome != ShardTakeOutcome.Taken;
    }

    public void Dispose() => gate.Dispose();

    /// <summary>Forgets the view (after a write that bypassed this writer: bulk takes, releases, top-ups).</summary>
    public void Invalidate() => view = null;

    public async Task<(ShardTakeResult Result, ShardTakeOutcome Outcome)> SubmitAsync(ShardOp op)
    {
        pending.Enqueue(op);
        while (!op.Done.Task.IsCompleted)
        {
            // Not cancellable: a take that reached storage must be answered, or its unit would be lost.
            await gate.WaitAsync(CancellationToken.None);
            try
            {
                if (!op.Done.Task.IsCompleted)
                {
                    await DrainAsync();
                }
            }
            finally
            {
                gate.Release();
            }
        }

        return await op.Done.Task;
    }

    /// <summary>Reads the shard now (refreshing the view).</summary>
    public async Task<View?> ReadAsync(CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, RowKey, cancellationToken: cancellationToken);
        var read = row.HasValue && row.Value is { } entity ? new View(ShardColumns.Read(entity, index), entity.ETag, time.GetUtcNow()) : null;
        view = read;
        return read;
    }

    private async Task DrainAsync()
    {
        var ops = new List<ShardOp>();
        while (ops.Count < MaxOpsPerTransaction && pending.TryDequeue(out var next))
        {
            ops.Add(next);
        }

        try
        {
            await ApplyAsync(ops);
        }
        catch (Exception ex)
        {
            foreach (var op in ops)
            {
                op.Done.TrySetException(ex);
            }
        }
    }

    private async Task ApplyAsync(List<ShardOp> ops)
    {
        var refreshed = false;
        for (var attempt = 0; ops.Count > 0; attempt++)
        {
            if (attempt > MaxConflictRetries)
            {
                throw new InvalidOperationException($"Shard {partitionKey} kept changing under {MaxConflictRetries} conditional writes.");
            }

            var seen = view;
            if (seen is null)
            {
                seen = await ReadAsync(CancellationToken.None);
                refreshed = true;
                if (seen is null)
                {
                    // No such shard (inventory not allocated yet): nothing to take, nothing to give back.
                    Complete(ops, op => (ShardTakeResult.Refused, ShardTakeOutcome.Empty));
                    return;
                }
            }

            var state = seen.Shard;
            var receipts = new List<TableTransactionAction>();
            var writing = new List<ShardOp>();
            var refused = new List<(ShardOp Op, ShardTakeOutcome Outcome)>();
            foreach (var op in ops)
            {
                if (op.IsReturn)
                {
                    state = state.Return(op.FaceValue, op.Day);
                    receipts.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partitionKey, ReceiptKey(op.CouponId)), ETag.All));
                    writing.Add(op);
                    continue;
                }

                var take = state.TryTake(op.FaceValue, op.Day);
                if (!take.Taken)
                {
                    refused.Add((op, take.Outcome));
                    continue;
                }

                state = take.Shard;
                receipts.Add(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partitionKey, ReceiptKey(op.CouponId))
                {
                    ["Face"] = CouponColumns.Money(op.FaceValue),
                    ["Day"] = CouponColumns.Day(op.Day),
                }));
                writing.Add(op);
            }

            // A refusal from a view that other processes may have changed since is checked against storage once.
            if (refused.Count > 0 && !refreshed && time.GetUtcNow() - seen.SeenAt > freshness)
            {
                view = null;
                continue;
            }

            foreach (var (op, outcome) in refused)
            {
                op.Done.TrySetResult((ShardTakeResult.Refused, outcome));
            }

            ops = writing;
            if (writing.Count == 0)
            {
                return;
            }

            List<TableTransactionAction> actions = [new(TableTransactionActionType.UpdateReplace, ShardColumns.Write(partitionKey, state), seen.ETag), .. receipts];
            try
            {
                var response = await table.SubmitTransactionAsync(actions, CancellationToken.None);
                var etag = response.Value[0].Headers.ETag ?? throw new InvalidOperationException("Table storage returned no ETag for the shard.");
                view = new View(state, etag, time.GetUtcNow());
                Complete(writing, _ => (ShardTakeResult.Taken, ShardTakeOutcome.Taken));
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed && (ex.FailedTransactionActionIndex ?? 0) == 0)
            {
                // Another process wrote the shard: re-read, apply again.
                view = null;
                refreshed = false;
            }
            catch (TableTransactionFailedException ex) when (ex.FailedTransactionActionIndex is { } failed && failed > 0)
            {
                // The shard write was fine; one receipt was not. The transaction did nothing, so the view still holds.
                var op = writing[failed - 1];
                ops = [.. writing.Where(o => o != op)];
                if (!op.IsReturn && ex.Status == (int)HttpStatusCode.Conflict)
                {
                    op.Done.TrySetResult((ShardTakeResult.AlreadyHeld, ShardTakeOutcome.Taken));
                }
                else if (op.IsReturn && ex.Status == (int)HttpStatusCode.NotFound)
                {
                    // Already given back (a retried compensation).
                    op.Done.TrySetResult((ShardTakeResult.Taken, ShardTakeOutcome.Taken));
                }
                else
                {
                    op.Done.TrySetException(ex);
                }
            }
        }
    }

    private static void Complete(IEnumerable<ShardOp> ops, Func<ShardOp, (ShardTakeResult, ShardTakeOutcome)> result)
    {
        foreach (var op in ops)
        {
            op.Done.TrySetResult(result(op));
        }
    }

    /// <summary>A shard state with its ETag and the instant it was known to be current.</summary>
    public sealed record View(InventoryShard Shard, ETag ETag, DateTimeOffset SeenAt);
}

/// <summary>How an <see cref="InventoryShard"/> is stored (money as invariant strings, the day as yyyy-MM-dd).</summary>
internal static class ShardColumns
{
    public static TableEntity Write(string partitionKey, InventoryShard shard) => new(partitionKey, ShardWriter.RowKey)
    {
        ["Index"] = shard.Index,
        ["Allocated"] = shard.AllocatedQuantity,
        ["Issued"] = shard.Issued,
        ["Budget"] = CouponColumns.Money(shard.AllocatedBudget),
        ["MoneyIssued"] = CouponColumns.Money(shard.MoneyIssued),
        ["DailyAllowance"] = shard.DailyAllowance,
        ["Day"] = CouponColumns.Day(shard.Day),
        ["IssuedOnDay"] = shard.IssuedOnDay,
        ["Released"] = shard.Released,
    };

    public static InventoryShard Read(TableEntity entity, int index) => new(
        entity.GetInt32("Index") ?? index,
        entity.GetInt32("Allocated") ?? 0,
        entity.GetInt32("Issued") ?? 0,
        CouponColumns.Money(entity.GetString("Budget")),
        CouponColumns.Money(entity.GetString("MoneyIssued")) ?? 0m,
        entity.GetInt32("DailyAllowance"),
        CouponColumns.Day(entity.GetString("Day")),
        entity.GetInt32("IssuedOnDay") ?? 0,
        entity.GetInt32("Released") ?? 0);

    public static string Partition(string definitionId, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{definitionId}|{index:D3}");
}
