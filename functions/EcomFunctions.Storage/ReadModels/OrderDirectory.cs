using Azure.Data.Tables;
using EcomFunctions.Domain.Reviews;

namespace EcomFunctions.Storage;

/// <summary>An order as a storefront reported it: enough to verify a purchase (member, order, products).</summary>
public sealed record OrderRecord(string MemberId, string OrderId, IReadOnlyList<string> ProductIds, decimal Amount, DateTimeOffset PlacedAt, string? Channel);

/// <summary>
/// Orders reported by storefronts (table <see cref="TableNames.Orders"/>; PK = member id, RK = order id, so "did this
/// member buy this" is one point read). Written by the Campaigns capability's storefront event intake; read by Reviews
/// for the verified-purchase check. A repeated report of the same order overwrites it (idempotent).
/// </summary>
public sealed class OrderDirectory(StorageClients storage) : IOrderVerifier
{
    public async Task RecordAsync(OrderRecord order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        var table = await storage.TableAsync(TableNames.Orders, cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(order.MemberId, order.OrderId)
        {
            // Products as a delimited list: an order row stays one small entity ('\n' cannot occur in a product id).
            ["ProductIds"] = string.Join('\n', order.ProductIds),
            ["Amount"] = (double)order.Amount,
            ["PlacedAt"] = order.PlacedAt,
            ["Channel"] = order.Channel,
        }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<OrderRecord?> FindAsync(string memberId, string orderId, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(memberId) || !TableKeys.IsValid(orderId))
        {
            // Ids that cannot be table keys were never recorded.
            return null;
        }

        var table = await storage.TableAsync(TableNames.Orders, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(memberId, orderId, cancellationToken: cancellationToken);
        if (!row.HasValue || row.Value is not { } entity)
        {
            return null;
        }

        var products = (entity.GetString("ProductIds") ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return new OrderRecord(memberId, orderId, products, (decimal)(entity.GetDouble("Amount") ?? 0),
            entity.GetDateTimeOffset("PlacedAt") ?? DateTimeOffset.MinValue, entity.GetString("Channel"));
    }

    /// <summary>True when the member's order contains the product (a verified purchase).</summary>
    public async Task<bool> IsVerifiedPurchaseAsync(string memberId, string orderId, string productId, CancellationToken cancellationToken) =>
        (await FindAsync(memberId, orderId, cancellationToken))?.ProductIds.Contains(productId, StringComparer.Ordinal) == true;
}
