using System.Collections.Concurrent;
using System.Net;
using Azure;
using Azure.Data.Tables;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Storage.Coupons;

/// <summary>
/// Coupon issuance on Azure Tables: inventory shards in table <see cref="TableNames.CouponInventory"/>, the issued
/// coupons in the members' partitions of table <see cref="TableNames.Coupons"/>. The protocol is the one documented on
/// <see cref="ICouponInventory"/>.
/// </summary>
/// <remarks>
/// <para><b>couponinventory.</b> PK = "{definitionId}|{shard:D3}", one partition per shard so that shards never share a
/// partition's throughput limit: RK "shard" is the <see cref="InventoryShard"/> row; RK "r|{couponId}" are the claim
/// receipts written in the same transaction as the shard update (insert-only: a second take for the same coupon on the
/// same shard fails, which is how a resumed issue recognises its own unit); RK "b|{batchId}" are bulk-batch receipts
/// (how many units that batch took here). PK = definition id, RK "inventory" records the shard count, written after the
/// shards, so a reader that finds it finds every shard.</para>
/// <para><b>coupons.</b> PK = member id: RK "c|{code}" the coupon, RK "s|{definitionId}|{k:D3}" the member's slots of a
/// definition, RK "i|{couponId}" the issue key's row, and outbox rows (CouponIssued, state changes); all of a member's
/// issue happens in one entity-group transaction there. PK = "grant|{grant key}", RK "grant" records which member and
/// definition a grant id was used for.</para>
/// <para><b>Per-process state.</b> One <see cref="ShardWriter"/> per shard combines concurrent takes into one
/// conditional write and keeps the shard's last known state, so the sold-out path needs no storage at all for
/// <see cref="CouponOptions.ShardViewFreshness"/>; a member's slots are remembered for
/// <see cref="CouponOptions.MemberStateCacheDuration"/> (refusals and replays only; the slot insert is the
/// enforcement).</para>
/// </remarks>
public sealed class TableCouponInventory : ICouponInventory, IDisposable
{
    private const string MetaRowKey = "inventory";
    private const string GrantRowKey = "grant";
    private const string BulkReceiptPrefix = "b|";
    private const int MaxConflictRetries = 20;

    private readonly StorageClients storage;
    private readonly Outbox outbox;
    private readonly TimeProvider time;
    private readonly CouponOptions options;
    private readonly CouponTableSet tables;
    private readonly ConcurrentDictionary<string, ShardWriter> writers = new(StringComparer.Ordinal);
    private readonly RecentValues<int> shardCounts;
    private readonly RecentValues<MemberSlots> memberSlots;

    public TableCouponInventory(StorageClients storage, Outbox outbox, CouponOptions options, TimeProvider time, CouponTableSet? tables = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.storage = storage;
        this.outbox = outbox;
        this.options = options;
        this.time = time;
        this.tables = tables ?? CouponTableSet.Default;
        // The shard count never changes once written; a definition without inventory is looked at again soon.
        shardCounts = new RecentValues<int>(TimeSpan.FromHours(1), time);
        memberSlots = new RecentValues<MemberSlots>(options.MemberStateCacheDuration, time);
    }

    public void Dispose()
    {
        foreach (var writer in writers.Values)
        {
            writer.Dispose();
        }
    }

    public async Task EnsureAllocatedAsync(string definitionId, InventoryPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var table = await storage.TableAsync(tables.Inventory, cancellationToken);
        var count = await ReadShardCountAsync(table, definitionId, cancellationToken);
        if (count == 0)
        {
            await Task.WhenAll(plan.Allocations().Select(a => CreateOrRaiseAsync(table, definitionId, a, cancellationToken)));
            try
            {
                await table.AddEntityAsync(new TableEntity(definitionId, MetaRowKey) { ["ShardCount"] = plan.ShardCount }, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
            {
                // A concurrent (or earlier, interrupted) allocation wrote it.
            }
        }
        else
        {
            await Task.WhenAll(plan.AllocationsFor(count).Select(a => CreateOrRaiseAsync(table, definitionId, a, cancellationToken)));
        }

        shardCounts.Forget(definitionId);
        InvalidateViews(definitionId, Math.Max(count, plan.ShardCount));
    }

    public async Task<ClaimState> GetClaimStateAsync(string definitionId, string memberId, string issueKey, DateOnly localDay, int perMemberLimit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issueKey);
        var coupons = await storage.TableAsync(tables.Coupons, cancellationToken);
        var slotsKey = SlotsKey(definitionId, memberId);
        var slots = await memberSlots.GetAsync(slotsKey, () => ReadSlotsAsync(coupons, definitionId, memberId, perMemberLimit));
        Coupon? issued = null;
        if (slots.Find(issueKey) is { } mine)
        {
            issued = mine.Coupon;
            if (issued is null && await ReadCouponAsync(coupons, memberId, mine.Code, cancellationToken) is { } stored)
            {
                issued = stored.Value;
                memberSlots.Set(slotsKey, slots.WithCoupon(issued));
            }
        }

        var shardCount = await ShardCountAsync(definitionId, cancellationToken);
        var views = Enumerable.Range(0, shardCount).Select(i => WriterFor(definitionId, i, null)?.Current).ToList();
        var known = views.OfType<ShardWriter.View>().ToList();
        var now = time.GetUtcNow();
        var exhausted = shardCount > 0 && known.Count == shardCount
            && known.All(v => v.Shard.Remaining < 1 && now - v.SeenAt <= options.ShardViewFreshness);
        var counters = new ClaimCounters(
            known.Sum(v => v.Shard.Issued),
            slots.Count,
            known.Sum(v => v.Shard.IssuedOn(localDay)),
            known.Sum(v => v.Shard.MoneyIssued),
            exhausted);
        return new ClaimState(issued, counters);
    }

    public async Task<IssueOutcome> TryIssueAsync(IssueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var coupon = request.Coupon;
        var memberId = coupon.MemberId ?? throw new ArgumentException("Only member coupons are issued one by one.", nameof(request));
        var coupons = await storage.TableAsync(tables.Coupons, cancellationToken);
        if (coupon.Source == IssueSource.Grant && !await ClaimGrantKeyAsync(coupons, request, cancellationToken))
        {
            return IssueOutcome.KeyReused(null);
        }

        var taken = await TakeAsync(coupon, request.LocalDay, request.ShardSeed, cancellationToken);
        if (taken.Refusal is { } refusal)
        {
            return IssueOutcome.Refused(refusal);
        }

        var shard = taken.Shard;
        if (request.MemberCheck is { } check && await check(cancellationToken) is { } notMember)
        {
            await GiveBackAsync(coupon, request.LocalDay, shard);
            return IssueOutcome.Refused(notMember);
        }

        var slot = Math.Max(0, request.SlotHint);
        for (var attempt = 0; attempt < MaxConflictRetries; attempt++)
        {
            if (slot >= request.PerMemberLimit)
            {
                await GiveBackAsync(coupon, request.LocalDay, shard);
                memberSlots.Forget(SlotsKey(coupon.DefinitionId, memberId));
                return IssueOutcome.Refused(ClaimRefusal.MemberLimitReached);
            }

            var issuedRow = new TableEntity(memberId, CouponRows.IssueKeyRow(coupon.Id))
            {
                ["IssueKey"] = request.IssueKey,
                ["DefinitionId"] = coupon.DefinitionId,
                ["Code"] = coupon.Code,
                ["Shard"] = shard,
            };
            var slotRow = new TableEntity(memberId, CouponRows.SlotKey(coupon.DefinitionId, slot))
            {
                ["IssueKey"] = request.IssueKey,
                ["CouponId"] = coupon.Id,
                ["Code"] = coupon.Code,
                ["Shard"] = shard,
            };
            TableTransactionAction[] actions =
            [
                new(TableTransactionActionType.Add, slotRow),
                new(TableTransactionActionType.Add, issuedRow),
                new(TableTransactionActionType.Add, CouponRows.MemberCoupon(coupon)),
                Outbox.RowFor(memberId, request.IssuedEvent),
            ];
            try
            {
                // Any failure other than the conflicts below leaves the unit taken on purpose: the write may have happened
                // (a timeout is ambiguous), and giving the unit back could then over-issue. Storage outages are waited out
                // here first (a repeat of a write that did happen conflicts on the slot and settles as a duplicate); after
                // that, a retry with the same key finds its receipt and resumes.
                await SubmitHoldingUnitAsync(coupons, actions);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict && ex.FailedTransactionActionIndex == 0)
            {
                // Slot taken: by this key (a concurrent duplicate won) or by another coupon (try the next slot).
                var holder = await coupons.GetEntityIfExistsAsync<TableEntity>(memberId, CouponRows.SlotKey(coupon.DefinitionId, slot), cancellationToken: CancellationToken.None);
                if (holder.HasValue && holder.Value is { } row && row.GetString("IssueKey") == request.IssueKey)
                {
                    return await SettleDuplicateAsync(coupons, request, shard, row, cancellationToken);
                }

                slot++;
                continue;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict && ex.FailedTransactionActionIndex == 1)
            {
                var existing = await coupons.GetEntityIfExistsAsync<TableEntity>(memberId, CouponRows.IssueKeyRow(coupon.Id), cancellationToken: CancellationToken.None);
                if (!existing.HasValue || existing.Value is null)
                {
                    continue;
                }

                return await SettleDuplicateAsync(coupons, request, shard, existing.Value, cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict && ex.FailedTransactionActionIndex == 2)
            {
                await GiveBackAsync(coupon, request.LocalDay, shard);
                return IssueOutcome.CodeTaken;
            }

            await outbox.SignalAsync(tables.Coupons, memberId, [request.IssuedEvent.Id], CancellationToken.None);
            var slotsKey = SlotsKey(coupon.DefinitionId, memberId);
            if (memberSlots.TryGet(slotsKey, out var known))
            {
                memberSlots.Set(slotsKey, known.With(new SlotInfo(request.IssueKey, coupon.Code, coupon)));
            }
            else
            {
                memberSlots.Set(slotsKey, new MemberSlots([.. Enumerable.Range(0, slot).Select(_ => SlotInfo.Unknown), new SlotInfo(request.IssueKey, coupon.Code, coupon)]));
            }

            return IssueOutcome.Issued(coupon);
        }

        await GiveBackAsync(coupon, request.LocalDay, shard);
        throw new InvalidOperationException($"Member {memberId}'s slots of {coupon.DefinitionId} kept changing.");
    }

    private async Task SubmitHoldingUnitAsync(TableClient coupons, IReadOnlyList<TableTransactionAction> actions)
    {
        var giveUpAt = time.GetUtcNow() + options.HeldUnitRetryWindow;
        while (true)
        {
            try
            {
                await coupons.SubmitTransactionAsync(actions, CancellationToken.None);
                return;
            }
            catch (Exception ex) when (StorageFaults.IsTransient(ex) && time.GetUtcNow() + options.HeldUnitRetryDelay < giveUpAt)
            {
                await Task.Delay(options.HeldUnitRetryDelay, time);
            }
        }
    }

    public async Task<BulkReservationOutcome> TryReserveBulkAsync(string definitionId, string batchId, int count, decimal faceValue, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tables.Inventory, cancellationToken);
        var shardCount = await ShardCountAsync(definitionId, cancellationToken);
        if (shardCount == 0)
        {
            return BulkReservationOutcome.Refused(ClaimRefusal.SoldOut);
        }

        try
        {
            for (var attempt = 0; attempt < MaxConflictRetries; attempt++)
            {
                var shards = await ReadShardsWithReceiptsAsync(table, definitionId, shardCount, BulkReceiptPrefix + batchId, cancellationToken);
                var already = shards.Sum(s => s.Receipt);
                if (already >= count)
                {
                    return BulkReservationOutcome.Success;
                }

                // Shards that served this batch before keep their receipt; the rest of the batch comes from the others.
                var candidates = shards.Where(s => s.Receipt == 0).Select(s => s.Shard).ToList();
                var plan = InventoryPlan.PlanBulkTake(candidates, count - already, faceValue);
                if (plan is null)
                {
                    await GiveBackBulkAsync(table, definitionId, batchId, faceValue, shards.Where(s => s.Receipt > 0), cancellationToken);
                    return BulkReservationOutcome.Refused(InventoryPlan.BulkRefusalFor([.. shards.Select(s => s.Shard)], count));
                }

                var conflict = false;
                foreach (var updated in plan)
                {
                    var before = shards.Single(s => s.Shard.Index == updated.Index);
                    var partition = ShardColumns.Partition(definitionId, updated.Index);
                    try
                    {
                        await table.SubmitTransactionAsync(
                        [
                            new TableTransactionAction(TableTransactionActionType.UpdateReplace, ShardColumns.Write(partition, updated), before.ETag),
                            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, BulkReceiptPrefix + batchId)
                            {
                                ["Count"] = updated.Issued - before.Shard.Issued,
                                ["Face"] = CouponColumns.Money(faceValue),
                            }),
                        ], cancellationToken);
                    }
                    catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict)
                    {
                        conflict = true;
                        break;
                    }
                }

                if (!conflict)
                {
                    return BulkReservationOutcome.Success;
                }
            }

            throw new InvalidOperationException($"The inventory of {definitionId} kept changing during bulk reservation {batchId}.");
        }
        finally
        {
            InvalidateViews(definitionId, shardCount);
        }
    }

    public async Task<InventoryRelease> ReleaseUnusedAsync(string definitionId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tables.Inventory, cancellationToken);
        var shardCount = await ShardCountAsync(definitionId, cancellationToken);
        var results = await Task.WhenAll(Enumerable.Range(0, shardCount).Select(i => ReleaseShardAsync(table, definitionId, i, cancellationToken)));
        InvalidateViews(definitionId, shardCount);
        return new InventoryRelease(results.Sum(r => r.ReleasedNow), InventorySummary.Of([.. results.Select(r => r.Shard)]));
    }

    public async Task<InventorySummary> GetSummaryAsync(string definitionId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tables.Inventory, cancellationToken);
        var shardCount = await ShardCountAsync(definitionId, cancellationToken);
        var shards = await Task.WhenAll(Enumerable.Range(0, shardCount).Select(async i =>
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(ShardColumns.Partition(definitionId, i), ShardWriter.RowKey, cancellationToken: cancellationToken);
            return row.HasValue && row.Value is { } entity ? ShardColumns.Read(entity, i) : null;
        }));
        return InventorySummary.Of([.. shards.OfType<InventoryShard>()]);
    }

    /// <summary>The coupon the issue key's row (or slot) points at; a duplicate answers with it, or with KeyReused.</summary>
    private async Task<IssueOutcome> SettleDuplicateAsync(TableClient coupons, IssueRequest request, int myShard, TableEntity keyRow, CancellationToken cancellationToken)
    {
        var coupon = request.Coupon;
        var memberId = coupon.MemberId!;
        var sameDefinition = keyRow.GetString("DefinitionId") is not { } definitionId || definitionId == coupon.DefinitionId;
        var theirShard = keyRow.GetInt32("Shard");
        // The unit this attempt holds is the winner's own when both found the same receipt; otherwise it is surplus.
        if (!sameDefinition || theirShard != myShard)
        {
            await GiveBackAsync(coupon, request.LocalDay, myShard);
        }

        var existing = keyRow.GetString("Code") is { } code ? await ReadCouponAsync(coupons, memberId, code, cancellationToken) : null;
        if (!sameDefinition || existing is null)
        {
            return IssueOutcome.KeyReused(existing?.Value);
        }

        return IssueOutcome.AlreadyIssued(existing.Value);
    }

    /// <summary>Records that a grant id is used for this member and definition; false when it was used for another.</summary>
    private static async Task<bool> ClaimGrantKeyAsync(TableClient coupons, IssueRequest request, CancellationToken cancellationToken)
    {
        // The grant key ("grant|{grantId}") is its own partition: no member id contains '|'.
        var partition = request.IssueKey;
        if (!TableKeys.IsValid(partition))
        {
            return false;
        }

        try
        {
            await coupons.AddEntityAsync(new TableEntity(partition, GrantRowKey)
            {
                ["MemberId"] = request.Coupon.MemberId,
                ["DefinitionId"] = request.Coupon.DefinitionId,
                ["CouponId"] = request.Coupon.Id,
            }, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            var row = await coupons.GetEntityAsync<TableEntity>(partition, GrantRowKey, cancellationToken: cancellationToken);
            return row.Value.GetString("MemberId") == request.Coupon.MemberId && row.Value.GetString("DefinitionId") == request.Coupon.DefinitionId;
        }
    }

    /// <summary>Takes one unit from the first shard in the probe order that can serve the coupon.</summary>
    private async Task<(int Shard, ClaimRefusal? Refusal)> TakeAsync(Coupon coupon, DateOnly day, int seed, CancellationToken cancellationToken)
    {
        var shardCount = await ShardCountAsync(coupon.DefinitionId, cancellationToken);
        if (shardCount == 0)
        {
            return (-1, ClaimRefusal.SoldOut);
        }

        var table = await storage.TableAsync(tables.Inventory, cancellationToken);
        var refusals = new List<ShardTakeOutcome>(shardCount);
        foreach (var index in InventoryPlan.ProbeOrder(seed, shardCount))
        {
            var writer = WriterFor(coupon.DefinitionId, index, table)!;
            if (writer.TryRefuseFromView(coupon.FaceValue, day, out var known))
            {
                refusals.Add(known);
                continue;
            }

            var (result, outcome) = await writer.SubmitAsync(new ShardOp(coupon.Id, coupon.FaceValue, day, isReturn: false));
            if (result != ShardTakeResult.Refused)
            {
                return (index, null);
            }

            refusals.Add(outcome);
        }

        return (-1, InventoryPlan.RefusalFor(refusals));
    }

    private async Task GiveBackAsync(Coupon coupon, DateOnly day, int shard)
    {
        var table = await storage.TableAsync(tables.Inventory, CancellationToken.None);
        await WriterFor(coupon.DefinitionId, shard, table)!.SubmitAsync(new ShardOp(coupon.Id, coupon.FaceValue, day, isReturn: true));
    }

    private ShardWriter? WriterFor(string definitionId, int index, TableClient? table)
    {
        var key = ShardColumns.Partition(definitionId, index);
        if (writers.TryGetValue(key, out var writer))
        {
            return writer;
        }

        return table is null ? null : writers.GetOrAdd(key, _ => new ShardWriter(table, key, index, time, options.ShardViewFreshness));
    }

    private void InvalidateViews(string definitionId, int shardCount)
    {
        for (var i = 0; i < shardCount; i++)
        {
            WriterFor(definitionId, i, null)?.Invalidate();
        }
    }

    private async Task<int> ShardCountAsync(string definitionId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tables.Inventory, cancellationToken);
        var count = await shardCounts.GetAsync(definitionId, () => ReadShardCountAsync(table, definitionId, CancellationToken.None));
        if (count == 0)
        {
            shardCounts.Forget(definitionId);
        }

        return count;
    }

    private static async Task<int> ReadShardCountAsync(TableClient table, string definitionId, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(definitionId))
        {
            return 0;
        }

        var meta = await table.GetEntityIfExistsAsync<TableEntity>(definitionId, MetaRowKey, cancellationToken: cancellationToken);
        return meta.HasValue && meta.Value is { } row ? row.GetInt32("ShardCount") ?? 0 : 0;
    }

    private static async Task CreateOrRaiseAsync(TableClient table, string definitionId, ShardAllocation target, CancellationToken cancellationToken)
    {
        var partition = ShardColumns.Partition(definitionId, target.Index);
        for (var attempt = 0; attempt < MaxConflictRetries; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(partition, ShardWriter.RowKey, cancellationToken: cancellationToken);
            try
            {
                if (!row.HasValue || row.Value is null)
                {
                    await table.AddEntityAsync(ShardColumns.Write(partition, InventoryShard.Open(target)), cancellationToken);
                    return;
                }

                var current = ShardColumns.Read(row.Value, target.Index);
                var raised = current.RaiseTo(target);
                if (raised != current)
                {
                    await table.UpdateEntityAsync(ShardColumns.Write(partition, raised), row.Value.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
            {
                // Created or changed meanwhile: read again.
            }
        }

        throw new InvalidOperationException($"Shard {partition} kept changing while being allocated.");
    }

    private static async Task<(InventoryShard Shard, int ReleasedNow)> ReleaseShardAsync(TableClient table, string definitionId, int index, CancellationToken cancellationToken)
    {
        var partition = ShardColumns.Partition(definitionId, index);
        for (var attempt = 0; attempt < MaxConflictRetries; attempt++)
        {
            var row = await table.GetEntityAsync<TableEntity>(partition, ShardWriter.RowKey, cancellationToken: cancellationToken);
            var (released, now) = ShardColumns.Read(row.Value, index).ReleaseUnused();
            if (now == 0)
            {
                return (released, 0);
            }

            try
            {
                await table.UpdateEntityAsync(ShardColumns.Write(partition, released), row.Value.ETag, TableUpdateMode.Replace, cancellationToken);
                return (released, now);
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed)
            {
                // A claim took a unit meanwhile: release what is left after it.
            }
        }

        throw new InvalidOperationException($"Shard {partition} kept changing while being released.");
    }

    private static async Task<List<(InventoryShard Shard, ETag ETag, int Receipt)>> ReadShardsWithReceiptsAsync(
        TableClient table, string definitionId, int shardCount, string receiptKey, CancellationToken cancellationToken)
    {
        var reads = Enumerable.Range(0, shardCount).Select(async i =>
        {
            var partition = ShardColumns.Partition(definitionId, i);
            var shard = await table.GetEntityAsync<TableEntity>(partition, ShardWriter.RowKey, cancellationToken: cancellationToken);
            var receipt = await table.GetEntityIfExistsAsync<TableEntity>(partition, receiptKey, cancellationToken: cancellationToken);
            return (ShardColumns.Read(shard.Value, i), shard.Value.ETag, receipt.HasValue && receipt.Value is { } r ? r.GetInt32("Count") ?? 0 : 0);
        });
        return [.. await Task.WhenAll(reads)];
    }

    private static async Task GiveBackBulkAsync(
        TableClient table, string definitionId, string batchId, decimal faceValue, IEnumerable<(InventoryShard Shard, ETag ETag, int Receipt)> held, CancellationToken cancellationToken)
    {
        foreach (var (shard, _, count) in held)
        {
            var partition = ShardColumns.Partition(definitionId, shard.Index);
            for (var attempt = 0; attempt < MaxConflictRetries; attempt++)
            {
                var row = await table.GetEntityAsync<TableEntity>(partition, ShardWriter.RowKey, cancellationToken: cancellationToken);
                var current = ShardColumns.Read(row.Value, shard.Index);
                var returned = current with { Issued = Math.Max(0, current.Issued - count), MoneyIssued = Math.Max(0m, current.MoneyIssued - (count * faceValue)) };
                try
                {
                    await table.SubmitTransactionAsync(
                    [
                        new TableTransactionAction(TableTransactionActionType.UpdateReplace, ShardColumns.Write(partition, returned), row.Value.ETag),
                        new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, BulkReceiptPrefix + batchId), ETag.All),
                    ], cancellationToken);
                    break;
                }
                catch (TableTransactionFailedException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed)
                {
                    // Changed meanwhile: read again.
                }
                catch (TableTransactionFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
                {
                    // The receipt is gone: this give-back already happened.
                    break;
                }
            }
        }
    }

    private static async Task<MemberSlots> ReadSlotsAsync(TableClient coupons, string definitionId, string memberId, int perMemberLimit)
    {
        var slots = new List<SlotInfo>();
        if (!TableKeys.IsValid(memberId) || !TableKeys.IsValid(definitionId))
        {
            return new MemberSlots(slots);
        }

        // Slots fill from 0 without gaps (an issue takes the first free one), so the first missing slot ends the list.
        for (var k = 0; k < perMemberLimit; k++)
        {
            var row = await coupons.GetEntityIfExistsAsync<TableEntity>(memberId, CouponRows.SlotKey(definitionId, k), cancellationToken: CancellationToken.None);
            if (!row.HasValue || row.Value is not { } slot)
            {
                break;
            }

            slots.Add(new SlotInfo(slot.GetString("IssueKey") ?? string.Empty, slot.GetString("Code") ?? string.Empty, null));
        }

        return new MemberSlots(slots);
    }

    private static async Task<Versioned<Coupon>?> ReadCouponAsync(TableClient coupons, string memberId, string code, CancellationToken cancellationToken)
    {
        var row = await coupons.GetEntityIfExistsAsync<TableEntity>(memberId, CouponRows.CouponKey(code), cancellationToken: cancellationToken);
        return row.HasValue && row.Value is { } entity ? CouponRows.ReadMemberCoupon(entity) : null;
    }

    private static string SlotsKey(string definitionId, string memberId) => $"{definitionId}\n{memberId}";

    /// <summary>One of a member's slots: the issue key that took it, the coupon's code, and the coupon once read.</summary>
    private sealed record SlotInfo(string IssueKey, string Code, Coupon? Coupon)
    {
        public static SlotInfo Unknown { get; } = new(string.Empty, string.Empty, null);
    }

    /// <summary>A member's slots of one definition as last read (or written) by this process.</summary>
    private sealed record MemberSlots(IReadOnlyList<SlotInfo> Slots)
    {
        public int Count => Slots.Count;

        public SlotInfo? Find(string issueKey) => Slots.FirstOrDefault(s => s.IssueKey.Length > 0 && s.IssueKey == issueKey);

        public MemberSlots With(SlotInfo slot) => new([.. Slots.Where(s => s.IssueKey != slot.IssueKey), slot]);

        public MemberSlots WithCoupon(Coupon coupon) =>
            new([.. Slots.Select(s => s.IssueKey == coupon.IssueKey ? s with { Coupon = coupon } : s)]);
    }
}
