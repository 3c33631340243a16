using Azure.Data.Tables;
using EcomFunctions.Domain.Coupons;

namespace EcomFunctions.Storage.Coupons;

/// <summary>What the redemptions of one definition add up to.</summary>
public sealed record RedemptionFigures(string DefinitionId, int Redeemed, decimal DiscountGiven, DateTimeOffset? LastRedeemedAt);

/// <summary>
/// Redeemed coupons per definition, fed by the CouponRedeemed events (delivered at least once), so operators see
/// "redeemed" next to "issued" without scanning members' wallets.
/// </summary>
/// <remarks>
/// Table <see cref="TableNames.CouponRedemptions"/>: <b>PK = definition id</b>, RK = coupon id, one row per redeemed
/// coupon. A coupon is redeemed once, so a redelivered event (or the same redemption under another event id) upserts the
/// same row: the count stays exact without a dedupe table. A definition's figures are one partition read — fine for the
/// tens of thousands of redemptions a definition sees; a sharded counter would be the next step beyond that.
/// </remarks>
public sealed class TableCouponRedemptionTally(StorageClients storage, string? tableName = null)
{
    private const int MaxBatch = 100;
    private readonly string table = tableName ?? TableNames.CouponRedemptions;

    public async Task RecordAsync(IReadOnlyCollection<CouponRedeemed> redemptions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(redemptions);
        var client = await storage.TableAsync(table, cancellationToken);
        foreach (var definition in redemptions.GroupBy(r => r.DefinitionId, StringComparer.Ordinal))
        {
            foreach (var batch in definition.DistinctBy(r => r.CouponId, StringComparer.Ordinal).Chunk(MaxBatch))
            {
                await client.SubmitTransactionAsync(
                    batch.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(r.DefinitionId, r.CouponId)
                    {
                        ["OrderId"] = r.OrderId,
                        ["Discount"] = r.Discount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ["RedeemedAt"] = r.RedeemedAt,
                    })),
                    cancellationToken);
            }
        }
    }

    public async Task<RedemptionFigures> GetAsync(string definitionId, CancellationToken cancellationToken)
    {
        var client = await storage.TableAsync(table, cancellationToken);
        var count = 0;
        var discount = 0m;
        DateTimeOffset? last = null;
        await foreach (var row in client.QueryAsync<TableEntity>(e => e.PartitionKey == definitionId, select: ["Discount", "RedeemedAt"], cancellationToken: cancellationToken))
        {
            count++;
            discount += decimal.Parse(row.GetString("Discount") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            var at = row.GetDateTimeOffset("RedeemedAt");
            last = at > last || last is null ? at : last;
        }

        return new RedemptionFigures(definitionId, count, discount, last);
    }
}
