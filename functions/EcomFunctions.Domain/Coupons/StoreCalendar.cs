namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// Local-day arithmetic in a store time zone: coupon validity and daily issue limits are counted in the store's
/// days, not UTC days (a Shanghai shopper's "today" starts at 16:00 UTC).
/// </summary>
public static class StoreCalendar
{
    /// <summary>The store-local calendar day an instant falls on.</summary>
    public static DateOnly LocalDay(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
    }

    /// <summary>
    /// The first instant of a local day. Where a daylight-saving jump skips local midnight (e.g. Chile), the day
    /// starts at the jump; where midnight occurs twice, it starts at the first occurrence.
    /// </summary>
    public static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        TimeSpan offset;
        if (zone.IsInvalidTime(midnight))
        {
            // The clock ran on the pre-jump offset until it would have shown 00:00: that instant is the jump.
            // Twelve hours earlier is safely before the transition in every real zone.
            offset = zone.GetUtcOffset(midnight.AddHours(-12));
        }
        else if (zone.IsAmbiguousTime(midnight))
        {
            // The earlier of two instants is the one with the larger offset.
            offset = zone.GetAmbiguousTimeOffsets(midnight).Max();
        }
        else
        {
            offset = zone.GetUtcOffset(midnight);
        }

        return new DateTimeOffset(midnight.Ticks - offset.Ticks, TimeSpan.Zero);
    }

    /// <summary>An instant shown in the store's zone (for messages and wallet display).</summary>
    public static DateTimeOffset ToLocal(DateTimeOffset instant, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(instant, zone);
}
