using System.Text.Json;
using System.Text.Json.Serialization;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Coupons;

/// <summary>CloudEvent types of the coupon capability.</summary>
public static class CouponEventTypes
{
    public const string CouponIssued = "Ecom.Coupons.CouponIssued";
    public const string CouponReserved = "Ecom.Coupons.CouponReserved";
    public const string CouponRedeemed = "Ecom.Coupons.CouponRedeemed";
    public const string CouponReleased = "Ecom.Coupons.CouponReleased";
    public const string CouponBatchCompleted = "Ecom.Coupons.CouponBatchCompleted";
    public const string CouponDefinitionClosed = "Ecom.Coupons.CouponDefinitionClosed";

    /// <summary>Subject of events about one coupon.</summary>
    public static string CouponSubject(string couponId) => $"coupons/{couponId}";

    /// <summary>Subject of events about one definition.</summary>
    public static string DefinitionSubject(string definitionId) => $"coupon-definitions/{definitionId}";

    /// <summary>Subject of events about one bulk batch.</summary>
    public static string BatchSubject(string batchId) => $"coupon-batches/{batchId}";

    /// <summary>
    /// System.Text.Json web defaults (camelCase) with enums as strings, so consumers read "Claim" rather than 0
    /// and adding an enum member never renumbers old events.
    /// </summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    internal static DomainEvent Create<T>(string type, string subject, string discriminator, DateTimeOffset time, T data) =>
        new(DomainEvent.StableId(type, subject, discriminator), type, subject, time, JsonSerializer.Serialize(data, JsonOptions));
}

/// <summary>
/// A coupon was issued to a member (claim or grant). Bulk codes are reported once per batch by
/// <see cref="CouponBatchCompleted"/>, not per code. Codes are never in events: a bearer code is a secret.
/// </summary>
public sealed record CouponIssued(
    string CouponId,
    string DefinitionId,
    string? MemberId,
    string? CampaignId,
    IssueSource Source,
    GrantReason? GrantReason,
    CouponKind Kind,
    decimal FaceValue,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    DateTimeOffset IssuedAt)
{
    /// <summary>The event for a newly issued coupon; one per coupon, so the id is stable per coupon id.</summary>
    public static DomainEvent Create(Coupon coupon)
    {
        ArgumentNullException.ThrowIfNull(coupon);
        var data = new CouponIssued(
            coupon.Id, coupon.DefinitionId, coupon.MemberId, coupon.CampaignId, coupon.Source, coupon.GrantReason,
            coupon.Benefit.Kind, coupon.FaceValue, coupon.ValidFrom, coupon.ValidUntil, coupon.IssuedAt);
        return CouponEventTypes.Create(CouponEventTypes.CouponIssued, CouponEventTypes.CouponSubject(coupon.Id), "issued", coupon.IssuedAt, data);
    }
}

/// <summary>A coupon was reserved for an unpaid order.</summary>
public sealed record CouponReserved(
    string CouponId,
    string DefinitionId,
    string MemberId,
    string? CampaignId,
    string OrderId,
    decimal Discount,
    DateTimeOffset ReservedAt,
    DateTimeOffset ExpiresAt)
{
    /// <summary>From the coupon after the Reserve transition; the id is stable per (order, revision).</summary>
    public static DomainEvent Create(Coupon reserved)
    {
        ArgumentNullException.ThrowIfNull(reserved);
        var r = reserved.Reservation ?? throw new ArgumentException("Coupon is not reserved.", nameof(reserved));
        var data = new CouponReserved(reserved.Id, reserved.DefinitionId, r.MemberId, reserved.CampaignId, r.OrderId, r.Discount, r.ReservedAt, r.ExpiresAt);
        return CouponEventTypes.Create(
            CouponEventTypes.CouponReserved, CouponEventTypes.CouponSubject(reserved.Id), $"{r.OrderId}:{reserved.Revision}", r.ReservedAt, data);
    }
}

/// <summary>A coupon was redeemed by a paid order: campaign spend counts <see cref="Discount"/> (and face value).</summary>
public sealed record CouponRedeemed(
    string CouponId,
    string DefinitionId,
    string? MemberId,
    string? CampaignId,
    string OrderId,
    decimal Discount,
    decimal FaceValue,
    DateTimeOffset RedeemedAt)
{
    /// <summary>From the coupon after Confirm; a coupon is redeemed once, so the id is stable per coupon and order.</summary>
    public static DomainEvent Create(Coupon redeemed)
    {
        ArgumentNullException.ThrowIfNull(redeemed);
        if (redeemed.State != CouponState.Redeemed || redeemed.RedeemedOrderId is null || redeemed.RedeemedAt is null)
        {
            throw new ArgumentException("Coupon is not redeemed.", nameof(redeemed));
        }

        var data = new CouponRedeemed(
            redeemed.Id, redeemed.DefinitionId, redeemed.RedeemedBy, redeemed.CampaignId, redeemed.RedeemedOrderId,
            redeemed.RedeemedDiscount ?? 0m, redeemed.FaceValue, redeemed.RedeemedAt.Value);
        return CouponEventTypes.Create(
            CouponEventTypes.CouponRedeemed, CouponEventTypes.CouponSubject(redeemed.Id), redeemed.RedeemedOrderId, redeemed.RedeemedAt.Value, data);
    }
}

/// <summary>Why a reservation ended without redemption.</summary>
public enum ReleaseReason
{
    /// <summary>The order was cancelled (or re-reserved with a different set of coupons).</summary>
    Cancelled,

    /// <summary>The reservation lapsed and the expiry sweep released it.</summary>
    ReservationExpired,
}

/// <summary>A reservation ended without redemption; <see cref="ReturnedToWallet"/> is false when the coupon itself expired meanwhile.</summary>
public sealed record CouponReleased(
    string CouponId,
    string DefinitionId,
    string? MemberId,
    string? CampaignId,
    string OrderId,
    ReleaseReason Reason,
    bool ReturnedToWallet,
    DateTimeOffset ReleasedAt)
{
    /// <summary>From the coupon before and after the release; the id is stable per (order, revision).</summary>
    public static DomainEvent Create(Coupon before, Coupon after, ReleaseReason reason, DateTimeOffset releasedAt)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var r = before.Reservation ?? throw new ArgumentException("Coupon was not reserved.", nameof(before));
        var data = new CouponReleased(
            after.Id, after.DefinitionId, r.MemberId, after.CampaignId, r.OrderId, reason, after.State == CouponState.Issued, releasedAt);
        return CouponEventTypes.Create(
            CouponEventTypes.CouponReleased, CouponEventTypes.CouponSubject(after.Id), $"{r.OrderId}:{after.Revision}", releasedAt, data);
    }
}

/// <summary>All codes of a bulk batch exist and can be downloaded.</summary>
public sealed record CouponBatchCompleted(
    string BatchId,
    string DefinitionId,
    string? CampaignId,
    int Count,
    decimal FaceValue,
    DateTimeOffset CompletedAt)
{
    public static DomainEvent Create(CouponBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var completedAt = batch.CompletedAt ?? throw new ArgumentException("Batch is not completed.", nameof(batch));
        var data = new CouponBatchCompleted(batch.Id, batch.DefinitionId, batch.CampaignId, batch.Count, batch.FaceValue, completedAt);
        return CouponEventTypes.Create(
            CouponEventTypes.CouponBatchCompleted, CouponEventTypes.BatchSubject(batch.Id), batch.Id, completedAt, data);
    }
}

/// <summary>
/// Claims of a definition were closed because its campaign ended or was killed, and its unused inventory released:
/// <see cref="Released"/> units will never be issued; <see cref="Issued"/> coupons exist and stay redeemable.
/// </summary>
public sealed record CouponDefinitionClosed(
    string DefinitionId,
    string? CampaignId,
    string Reason,
    int Issued,
    int Released,
    decimal MoneyIssued,
    DateTimeOffset ClosedAt)
{
    /// <summary>One per definition (a definition closes once), so the id is stable per definition.</summary>
    public static DomainEvent Create(CouponDefinition closed, InventorySummary inventory)
    {
        ArgumentNullException.ThrowIfNull(closed);
        ArgumentNullException.ThrowIfNull(inventory);
        var closedAt = closed.ClosedAt ?? throw new ArgumentException("Definition is not closed.", nameof(closed));
        var data = new CouponDefinitionClosed(closed.Id, closed.CampaignId, closed.ClosedReason ?? string.Empty, inventory.Issued, inventory.Released, inventory.MoneyIssued, closedAt);
        return CouponEventTypes.Create(
            CouponEventTypes.CouponDefinitionClosed, CouponEventTypes.DefinitionSubject(closed.Id), "closed", closedAt, data);
    }
}
