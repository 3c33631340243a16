using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// Money rules for coupons. Amounts are <see cref="decimal"/> yuan with at most two decimals (fen).
/// </summary>
/// <remarks>
/// Rounding choice: a computed discount (only percentages produce fractions of a fen) is truncated toward zero
/// to whole fen. Banker's rounding is fair across many values, but a single advertised "15% off" must never
/// give more than 15%, and truncation keeps the discount within both the percentage and the cap. Every other
/// amount (prices, thresholds, face values) must already be whole fen and is rejected otherwise, so no other
/// rounding happens anywhere.
/// </remarks>
public static class CouponMoney
{
    /// <summary>Decimal places of a yuan amount (fen).</summary>
    public const int Decimals = 2;

    /// <summary>Upper bound for any single amount we accept as input; guards against overflow and typos.</summary>
    public const decimal MaxAmount = 100_000_000m;

    public static bool IsWholeFen(decimal amount) => decimal.Round(amount, Decimals) == amount;

    /// <summary>Truncates a non-negative amount to whole fen (1.239 → 1.23).</summary>
    public static decimal TruncateToFen(decimal amount) => Math.Round(amount, Decimals, MidpointRounding.ToZero);

    /// <summary>An amount converted to whole fen; the caller has validated <see cref="IsWholeFen"/>.</summary>
    public static long ToFen(decimal amount) => (long)(amount * 100m);

    public static decimal FromFen(long fen) => fen / 100m;

    internal static void ValidateAmount(FieldErrors errors, string field, decimal amount, bool allowZero)
    {
        if (allowZero ? amount < 0 : amount <= 0)
        {
            errors.Add(field, allowZero ? "Must not be negative." : "Must be greater than zero.");
        }
        else if (amount > MaxAmount)
        {
            errors.Add(field, $"Must not exceed {MaxAmount.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        }
        else if (!IsWholeFen(amount))
        {
            errors.Add(field, "Must have at most two decimal places (whole fen).");
        }
    }
}
