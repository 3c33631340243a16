using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// When an issued coupon may be redeemed: a fixed window shared by all coupons of a definition, or a number of
/// store-local days counted from the day each coupon is issued.
/// </summary>
/// <remarks>
/// Every window is half-open, [ValidFrom, ValidUntil): ValidUntil is the first instant at which the coupon is no
/// longer valid. Storing the exclusive bound avoids "23:59:59.999" arithmetic; storefronts display the last valid
/// second (ValidUntil minus one second, in the store zone).
/// </remarks>
public abstract record CouponValidity
{
    /// <summary>Upper bound for <see cref="ValidDaysAfterIssue.Days"/>, about ten years.</summary>
    public const int MaxDays = 3660;

    private protected CouponValidity()
    {
    }

    /// <summary>The redemption window of a coupon issued at <paramref name="issuedAt"/>.</summary>
    public abstract CouponWindow WindowFor(DateTimeOffset issuedAt, TimeZoneInfo zone);

    /// <summary>
    /// A fixed window covering whole store-local days, from the start of <paramref name="firstDay"/> to the end of
    /// <paramref name="lastDay"/> (exclusive bound at the start of the next local day).
    /// </summary>
    public static FixedValidityWindow LocalDays(DateOnly firstDay, DateOnly lastDay, TimeZoneInfo zone) =>
        new(StoreCalendar.StartOfDay(firstDay, zone), StoreCalendar.StartOfDay(lastDay.AddDays(1), zone));

    internal abstract void Validate(FieldErrors errors, string field, DateTimeOffset now);
}

/// <summary>Valid for [ValidFrom, ValidUntil) whenever the coupon was issued.</summary>
public sealed record FixedValidityWindow(DateTimeOffset ValidFrom, DateTimeOffset ValidUntil) : CouponValidity
{
    public override CouponWindow WindowFor(DateTimeOffset issuedAt, TimeZoneInfo zone) => new(ValidFrom, ValidUntil);

    internal override void Validate(FieldErrors errors, string field, DateTimeOffset now)
    {
        errors.AddIf(ValidUntil <= ValidFrom, $"{field}.validUntil", "Must be after validFrom.");
        errors.AddIf(ValidUntil <= now, $"{field}.validUntil", "Must be in the future.");
    }
}

/// <summary>
/// Valid from the moment of issue through the end of the <see cref="Days"/>-th store-local day, the issue day
/// counting as day 1 (自领取之日起N天内有效). Issued 10 March 15:00 with 7 days → valid until 17 March 00:00 local
/// (exclusive), i.e. through 16 March 23:59:59. A coupon issued at 23:50 with 1 day is therefore valid for ten
/// minutes: operators who want "at least N×24 h" configure N+1; the calendar rule is what shoppers are told.
/// </summary>
public sealed record ValidDaysAfterIssue(int Days) : CouponValidity
{
    public override CouponWindow WindowFor(DateTimeOffset issuedAt, TimeZoneInfo zone)
    {
        var issueDay = StoreCalendar.LocalDay(issuedAt, zone);
        return new(issuedAt, StoreCalendar.StartOfDay(issueDay.AddDays(Days), zone));
    }

    internal override void Validate(FieldErrors errors, string field, DateTimeOffset now) =>
        errors.AddIf(Days is < 1 or > MaxDays, $"{field}.days", $"Must be between 1 and {MaxDays}.");
}

/// <summary>A half-open redemption window [ValidFrom, ValidUntil).</summary>
public readonly record struct CouponWindow(DateTimeOffset ValidFrom, DateTimeOffset ValidUntil)
{
    public bool Contains(DateTimeOffset instant) => instant >= ValidFrom && instant < ValidUntil;
}
