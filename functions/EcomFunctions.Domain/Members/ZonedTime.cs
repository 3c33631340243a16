using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Members;

/// <summary>
/// Conversions between instants and a member's (or the store's) local calendar. Every rule that speaks of
/// "the member's day" goes through here so that DST gaps and overlaps are handled once.
/// </summary>
public static class ZonedTime
{
    /// <summary>Resolves an IANA (or Windows) time zone id; null when the id is unknown on this machine.</summary>
    public static TimeZoneInfo? TryResolve(string? timeZoneId) =>
        TimeZones.TryFind(timeZoneId, out var zone) ? zone : null;

    public static TimeZoneInfo Resolve(string timeZoneId) =>
        TryResolve(timeZoneId) ?? throw new ArgumentException($"Unknown time zone '{timeZoneId}'.", nameof(timeZoneId));

    public static DateTime LocalDateTime(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).DateTime;

    public static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(LocalDateTime(instant, zone));

    public static YearMonth LocalMonth(DateTimeOffset instant, TimeZoneInfo zone) =>
        YearMonth.Of(LocalDateTime(instant, zone));

    /// <summary>
    /// The instant at which the wall clock of <paramref name="zone"/> shows <paramref name="local"/>. A wall time
    /// skipped by a DST gap moves forward by the gap (02:30 on a spring-forward night becomes 03:30); a wall time
    /// that occurs twice takes its first occurrence, so a deferred message is never later than necessary.
    /// </summary>
    public static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // The offset in force just before the gap, applied to the skipped wall time, lands after the gap.
            var offsetBefore = zone.GetUtcOffset(local.AddHours(-6));
            return new DateTimeOffset(local.Ticks - offsetBefore.Ticks, TimeSpan.Zero);
        }

        if (zone.IsAmbiguousTime(local))
        {
            var offsets = zone.GetAmbiguousTimeOffsets(local);
            var largest = offsets.Max();
            return new DateTimeOffset(local, largest).ToUniversalTime();
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
