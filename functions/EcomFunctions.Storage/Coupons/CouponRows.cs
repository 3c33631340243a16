using System.Globalization;
using Azure.Data.Tables;
using EcomFunctions.Domain.Coupons;

namespace EcomFunctions.Storage.Coupons;

/// <summary>
/// Row layouts shared by the adapters that write the member partitions of table <see cref="TableNames.Coupons"/>
/// (the inventory creates coupons there, the coupon store changes them) and the code index.
/// </summary>
public static class CouponRows
{
    /// <summary>Partitions of the global code index. Fixed forever: a code's partition is computed from it on every lookup.</summary>
    public const int CodeBuckets = 16;

    /// <summary>A member's coupon, keyed by its code (redemption looks it up by member and code).</summary>
    public static string CouponKey(string code) => "c|" + code;

    public const string CouponKeyFirst = "c|";

    /// <summary>'}' sorts right after '|', so [c|, c}) covers exactly the coupon rows of a partition.</summary>
    public const string CouponKeyEnd = "c}";

    /// <summary>Slot k of a definition for a member: the insert that enforces the per-member limit.</summary>
    public static string SlotKey(string definitionId, int slot) => string.Create(CultureInfo.InvariantCulture, $"s|{definitionId}|{slot:D3}");

    /// <summary>The issue key's row (by coupon id = hash of the key): the insert that makes one key issue one coupon.</summary>
    public static string IssueKeyRow(string couponId) => "i|" + couponId;

    /// <summary>The code-index partition of a code: a stable FNV-1a hash (string.GetHashCode differs per process).</summary>
    public static string CodeBucket(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var hash = 2166136261u;
        foreach (var c in code)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return string.Create(CultureInfo.InvariantCulture, $"k{hash % CodeBuckets:D2}");
    }

    internal static TableEntity MemberCoupon(Coupon coupon) => new(coupon.MemberId, CouponKey(coupon.Code))
    {
        ["CouponId"] = coupon.Id,
        ["DefinitionId"] = coupon.DefinitionId,
        ["State"] = coupon.State.ToString(),
        ["Data"] = CouponColumns.Json(CouponRecord.From(coupon)),
    };

    internal static Versioned<Coupon> ReadMemberCoupon(TableEntity entity) =>
        new(CouponColumns.FromJson<CouponRecord>(entity.GetString("Data")).ToCoupon(), entity.ETag.ToString());
}
