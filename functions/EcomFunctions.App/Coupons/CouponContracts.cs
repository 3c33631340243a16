using System.ComponentModel.DataAnnotations;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using EcomFunctions.Storage.Coupons;

namespace EcomFunctions.App.Coupons;

/// <summary>A definition as the operator API shows it; <see cref="Version"/> is also the ETag.</summary>
public sealed record DefinitionResponse(
    string Id,
    CouponDefinitionState State,
    TermsRecord Terms,
    string MinimumTier,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ActivatedAt,
    DateTimeOffset? RetiredAt,
    DateTimeOffset? ClosedAt,
    string? ClosedReason,
    string? Version,
    InventoryResponse? Inventory)
{
    public static DefinitionResponse From(Versioned<CouponDefinition> stored, InventorySummary? inventory = null)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return From(stored.Value, EntityVersion.ToETag(stored.Version), inventory);
    }

    /// <param name="version">The entity tag (listings leave it out: read the definition to edit it).</param>
    public static DefinitionResponse From(CouponDefinition d, string? version, InventorySummary? inventory = null)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new(d.Id, d.State, TermsRecord.From(d.Terms), d.MinimumTier.ToString(), d.CreatedAt, d.UpdatedAt, d.ActivatedAt, d.RetiredAt, d.ClosedAt,
            d.ClosedReason, version, inventory is null ? null : InventoryResponse.From(inventory));
    }
}

/// <summary>A definition's inventory summed over its shards.</summary>
public sealed record InventoryResponse(int Shards, int Allocated, int Issued, int Remaining, int Released, decimal MoneyIssued)
{
    public static InventoryResponse From(InventorySummary s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Shards, s.Allocated, s.Issued, s.Remaining, s.Released, s.MoneyIssued);
    }
}

/// <summary>One page of definitions.</summary>
public sealed record DefinitionPageResponse(IReadOnlyList<DefinitionResponse> Items, string? ContinuationToken);

/// <summary>POST /api/coupons/{definitionId}/claim: the storefront vouches for the member (function key).</summary>
public sealed record ClaimRequest([property: Required] string MemberId);

/// <summary>A coupon as the storefront sees it (claim answer). The code is the member's own: shown to them only.</summary>
public sealed record CouponResponse(
    string CouponId,
    string Code,
    string DisplayCode,
    string DefinitionId,
    string? MemberId,
    CouponKind Kind,
    BenefitRecord Benefit,
    decimal FaceValue,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    DateTimeOffset IssuedAt,
    IssueSource Source,
    string? CampaignId)
{
    public static CouponResponse From(Coupon c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Id, c.Code, Display(c.Code), c.DefinitionId, c.MemberId, c.Benefit.Kind, BenefitRecord.From(c.Benefit), c.FaceValue, c.ValidFrom, c.ValidUntil,
            c.IssuedAt, c.Source, c.CampaignId);
    }

    internal static string Display(string code) => CouponCode.Parse(code).Value?.ToDisplayString() ?? code;
}

/// <summary>One line of the member wallet.</summary>
public sealed record WalletLineResponse(
    string CouponId,
    string Code,
    string DisplayCode,
    string DefinitionId,
    string Name,
    CouponKind Kind,
    BenefitRecord Benefit,
    decimal FaceValue,
    decimal MinimumSpend,
    string StackingGroup,
    WalletCouponState State,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    DateTimeOffset IssuedAt)
{
    public static WalletLineResponse From(WalletEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.CouponId, e.Code, CouponResponse.Display(e.Code), e.DefinitionId, e.Name, e.Kind, BenefitRecord.From(e.Benefit), e.FaceValue, e.MinimumSpend,
            e.StackingGroup, e.State, e.ValidFrom, e.ValidUntil, e.IssuedAt);
    }
}

public sealed record WalletResponse(string MemberId, IReadOnlyList<WalletLineResponse> Coupons);

/// <summary>POST /api/coupons/{definitionId}/batches.</summary>
public sealed record BatchRequest(int Count, string? Prefix = null);

/// <summary>A bulk batch's progress (never its code secret).</summary>
public sealed record BatchResponse(
    string BatchId,
    string DefinitionId,
    string? CampaignId,
    CouponBatchState State,
    int Count,
    int Generated,
    int Chunks,
    int ChunksGenerated,
    string Prefix,
    decimal FaceValue,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    DateTimeOffset RequestedAt,
    DateTimeOffset? CompletedAt,
    string? CodesUrl)
{
    public static BatchResponse From(CouponBatch b)
    {
        ArgumentNullException.ThrowIfNull(b);
        return new(b.Id, b.DefinitionId, b.CampaignId, b.State, b.Count, b.Generated, b.ChunkCount, b.CompletedChunks.Count, b.Prefix, b.FaceValue, b.ValidFrom,
            b.ValidUntil, b.RequestedAt, b.CompletedAt, b.State == CouponBatchState.Completed ? $"/api/coupons/{b.DefinitionId}/batches/{b.Id}/codes.csv" : null);
    }
}

/// <summary>One chunk of a bulk batch to generate (queue <see cref="QueueNames.CouponBatchChunks"/>; up to 1 000 codes per message).</summary>
public sealed record CouponBatchChunkMessage(
    [property: Required] string BatchId,
    [property: Range(0, 100_000)] int Index,
    [property: Range(0, int.MaxValue)] int FirstPosition,
    [property: Range(1, 1000)] int Count,
    int Version = 1) : IVersionedMessage
{
    public static CouponBatchChunkMessage From(CouponBatchChunk c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.BatchId, c.Index, c.FirstPosition, c.Count);
    }

    public CouponBatchChunk ToChunk() => new(BatchId, Index, FirstPosition, Count);
}

/// <summary>A cart line as the storefront sends it.</summary>
public sealed record CartItemRequest(string Sku, string? Category, decimal UnitPrice, int Quantity);

/// <summary>The cart: goods total and/or items, and the shipping fee.</summary>
public sealed record CartRequest(decimal? Total = null, IReadOnlyList<CartItemRequest>? Items = null, decimal ShippingFee = 0m)
{
    public Result<Cart> ToCart() =>
        Cart.Create(Total, Items?.Select(i => i is null ? null! : new CartItem(i.Sku, i.Category, i.UnitPrice, i.Quantity)).ToList(), ShippingFee);
}

/// <summary>A redemption request that carries a cart.</summary>
public interface ICartRequest
{
    CartRequest Cart { get; }
}

/// <summary>POST /api/coupons/redemptions/validate.</summary>
public sealed record ValidateRequest([property: Required] string MemberId, [property: Required] IReadOnlyList<string> Codes, [property: Required] CartRequest Cart) : ICartRequest;

/// <summary>POST /api/coupons/redemptions: reserve for an order (idempotent per order id).</summary>
public sealed record ReserveRequest(
    [property: Required] string MemberId,
    [property: Required] string OrderId,
    [property: Required] IReadOnlyList<string> Codes,
    [property: Required] CartRequest Cart) : ICartRequest;

public sealed record CouponApplicationResponse(string Code, string? CouponId, bool Applies, decimal Discount, bool OnShipping, RedemptionRefusal? Refusal, string? Detail);

public sealed record EvaluationResponse(IReadOnlyList<CouponApplicationResponse> Coupons, decimal GoodsDiscount, decimal ShippingDiscount, decimal TotalDiscount, bool AllApply)
{
    public static EvaluationResponse From(CartEvaluation e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(
            [.. e.Coupons.Select(c => new CouponApplicationResponse(c.Code, c.CouponId, c.Applies, c.Discount, c.OnShipping, c.Refusal, c.Detail))],
            e.GoodsDiscount, e.ShippingDiscount, e.TotalDiscount, e.AllApply);
    }
}

public sealed record ReservationResponse(string OrderId, IReadOnlyList<ReservedCoupon> Coupons, decimal TotalDiscount, DateTimeOffset ExpiresAt)
{
    public static ReservationResponse From(OrderReservation r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.OrderId, r.Coupons, r.TotalDiscount, r.ExpiresAt);
    }
}

public sealed record RedemptionResponse(string OrderId, IReadOnlyList<RedeemedCoupon> Coupons, decimal TotalDiscount)
{
    public static RedemptionResponse From(OrderRedemption r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.OrderId, r.Coupons, r.TotalDiscount);
    }
}
