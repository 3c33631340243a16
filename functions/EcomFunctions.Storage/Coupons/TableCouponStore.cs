using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Storage.Coupons;

/// <summary>
/// Issued coupons for redemption and the wallet. A member's coupon is the row "c|{code}" in the member's partition of
/// table <see cref="TableNames.Coupons"/> (written by <see cref="TableCouponInventory"/>); a bearer coupon is its code
/// row in table <see cref="TableNames.CouponCodes"/> (written by <see cref="TableCouponBatchStore"/>). Every state
/// change is one entity-group transaction in the coupon's own partition: the conditional replace (ETag) plus the
/// event's outbox row — so of twenty parallel reserves for different orders exactly one write succeeds.
/// </summary>
/// <remarks>
/// <para><b>couponorders.</b> PK = order id, RK = coupon id: every coupon ever reserved for the order (member id and
/// code to find it). Written before the reserving update, never removed: a superset, as the port allows; confirm and
/// release read one partition.</para>
/// <para><b>couponexpiries.</b> PK = the UTC minute the reservation lapses ("yyyyMMddHHmm"), RK = coupon id: the sweep
/// reads the partitions up to now (a range over a handful of minute partitions, not a table scan of coupons), and
/// deletes entries whose coupon is no longer held by that reservation.</para>
/// </remarks>
public sealed class TableCouponStore(StorageClients storage, Outbox outbox, TableCouponBatchStore batches, CouponTableSet? tables = null) : ICouponStore
{
    private const string MinuteFormat = "yyyyMMddHHmm";
    private readonly CouponTableSet names = tables ?? CouponTableSet.Default;

    public async Task<Versioned<Coupon>?> ReloadAsync(Coupon coupon, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(coupon);
        return await LocateAsync(coupon.MemberId, coupon.Code, cancellationToken);
    }

    public async Task<Versioned<Coupon>?> FindByCodeAsync(string memberId, string code, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(code))
        {
            return null;
        }

        return (TableKeys.IsValid(memberId) ? await LocateAsync(memberId, code, cancellationToken) : null)
            ?? await LocateAsync(null, code, cancellationToken);
    }

    public async Task<IReadOnlyList<Coupon>> ListByMemberAsync(string memberId, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(memberId))
        {
            return [];
        }

        var table = await storage.TableAsync(names.Coupons, cancellationToken);
        var found = new List<Coupon>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {memberId} and RowKey ge {CouponRows.CouponKeyFirst} and RowKey lt {CouponRows.CouponKeyEnd}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            found.Add(CouponRows.ReadMemberCoupon(row).Value);
        }

        return found;
    }

    public async Task<IReadOnlyList<Versioned<Coupon>>> ListByOrderAsync(string orderId, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(orderId))
        {
            return [];
        }

        var table = await storage.TableAsync(names.Orders, cancellationToken);
        var found = new List<Versioned<Coupon>>();
        await foreach (var pointer in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {orderId}"), cancellationToken: cancellationToken))
        {
            if (await LocateAsync(pointer.GetString("MemberId"), pointer.GetString("Code") ?? string.Empty, cancellationToken) is { } coupon)
            {
                found.Add(coupon);
            }
        }

        return found;
    }

    public async Task<bool> TryUpdateAsync(Coupon coupon, string expectedVersion, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(coupon);
        ArgumentNullException.ThrowIfNull(events);
        if (coupon.Reservation is { } reservation)
        {
            // Indexes first: a reservation must be findable by its order and by the sweep before it exists.
            await IndexReservationAsync(coupon, reservation, cancellationToken);
        }

        var (table, entity) = coupon.MemberId is null
            ? (await storage.TableAsync(names.Codes, cancellationToken), TableCouponBatchStore.BearerRow(coupon, coupon.BatchPosition ?? 0))
            : (await storage.TableAsync(names.Coupons, cancellationToken), CouponRows.MemberCoupon(coupon));
        try
        {
            await table.SubmitTransactionAsync(
                [new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, new ETag(expectedVersion)), .. events.Select(e => Outbox.RowFor(entity.PartitionKey, e))],
                cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            return false;
        }

        await outbox.SignalAsync(table.Name, entity.PartitionKey, [.. events.Select(e => e.Id)], cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<Versioned<Coupon>>> ListLapsedReservationsAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(names.Expiries, cancellationToken);
        var lapsed = new List<Versioned<Coupon>>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey le {Minute(now)}");
        await foreach (var entry in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (lapsed.Count >= max)
            {
                break;
            }

            var coupon = await LocateAsync(entry.GetString("MemberId"), entry.GetString("Code") ?? string.Empty, cancellationToken);
            var expiresAt = entry.GetDateTimeOffset("ExpiresAt");
            if (coupon is { Value: { State: CouponState.Reserved, Reservation: { } r } } && r.ExpiresAt == expiresAt)
            {
                if (r.HasLapsed(now))
                {
                    lapsed.Add(coupon);
                }

                continue;
            }

            // Confirmed, released or re-reserved since: this entry has nothing left to sweep.
            await table.DeleteEntityAsync(entry.PartitionKey, entry.RowKey, ETag.All, cancellationToken);
        }

        return lapsed;
    }

    private async Task IndexReservationAsync(Coupon coupon, CouponReservation reservation, CancellationToken cancellationToken)
    {
        var orders = await storage.TableAsync(names.Orders, cancellationToken);
        var expiries = await storage.TableAsync(names.Expiries, cancellationToken);
        var pointer = new Dictionary<string, object?> { ["MemberId"] = coupon.MemberId, ["Code"] = coupon.Code };
        await Task.WhenAll(
            orders.UpsertEntityAsync(new TableEntity(pointer) { PartitionKey = reservation.OrderId, RowKey = coupon.Id }, TableUpdateMode.Replace, cancellationToken),
            expiries.UpsertEntityAsync(
                new TableEntity(pointer) { PartitionKey = Minute(reservation.ExpiresAt), RowKey = coupon.Id, ["ExpiresAt"] = reservation.ExpiresAt, ["OrderId"] = reservation.OrderId },
                TableUpdateMode.Replace,
                cancellationToken));
    }

    /// <summary>A member's coupon (member id given) or a bearer coupon (null), by code.</summary>
    private async Task<Versioned<Coupon>?> LocateAsync(string? memberId, string code, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(code))
        {
            return null;
        }

        if (memberId is not null)
        {
            var coupons = await storage.TableAsync(names.Coupons, cancellationToken);
            var row = await coupons.GetEntityIfExistsAsync<TableEntity>(memberId, CouponRows.CouponKey(code), cancellationToken: cancellationToken);
            return row.HasValue && row.Value is { } entity ? CouponRows.ReadMemberCoupon(entity) : null;
        }

        var codes = await storage.TableAsync(names.Codes, cancellationToken);
        var bearer = await codes.GetEntityIfExistsAsync<TableEntity>(CouponRows.CodeBucket(code), code, cancellationToken: cancellationToken);
        if (!bearer.HasValue || bearer.Value is not { } stored || stored.GetString("BatchId") is not { } batchId)
        {
            return null;
        }

        var batch = await batches.GetIssuedBatchAsync(batchId, cancellationToken);
        var position = stored.GetInt32("Position") ?? -1;
        if (batch is null || position < 0 || position >= batch.Count || CouponCode.Parse(code).Value is not { } parsed)
        {
            return null;
        }

        var issued = batch.CouponAt(batch.ChunkOf(position), position, parsed);
        return new Versioned<Coupon>(CouponColumns.FromJson<CouponStateRecord>(stored.GetString("Status")).ApplyTo(issued), stored.ETag.ToString());
    }

    private static string Minute(DateTimeOffset instant) => instant.UtcDateTime.ToString(MinuteFormat, CultureInfo.InvariantCulture);
}
