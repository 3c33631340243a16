namespace EcomFunctions.Domain.Coupons;

/// <summary>What a coupon takes off an order (DESIGN §6).</summary>
public enum CouponKind
{
    /// <summary>A fixed amount off the eligible goods.</summary>
    FixedAmount,

    /// <summary>A percentage off the eligible goods, capped at a maximum discount.</summary>
    Percent,

    /// <summary>Spend X get Y off, in tiered steps (满减).</summary>
    FullReduction,

    /// <summary>Covers the shipping fee up to a configured value.</summary>
    FreeShipping,
}
