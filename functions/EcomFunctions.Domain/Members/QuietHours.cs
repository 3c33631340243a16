namespace EcomFunctions.Domain.Members;

/// <summary>
/// Quiet hours in the member's local time (21:00–09:00 by default). A message due inside them is deferred to the
/// moment they end (never dropped); windows may cross midnight. Local wall times are turned into instants by
/// <see cref="ZonedTime.ToInstant"/>, so a window end skipped by DST moves forward with the clock.
/// </summary>
public static class QuietHours
{
    public static bool Contains(TimeOnly localTime, TimeOnly start, TimeOnly end)
    {
        if (start == end)
        {
            return false;
        }

        return start < end
            ? localTime >= start && localTime < end
            : localTime >= start || localTime < end;
    }

    /// <summary>The send instant for a message due at <paramref name="due"/>: itself, or the end of the quiet hours it falls in.</summary>
    public static DateTimeOffset NextSendTime(DateTimeOffset due, TimeZoneInfo zone, TimeOnly start, TimeOnly end)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = ZonedTime.LocalDateTime(due, zone);
        var time = TimeOnly.FromDateTime(local);
        if (!Contains(time, start, end))
        {
            return due;
        }

        var openingDay = DateOnly.FromDateTime(local);
        if (start > end && time >= start)
        {
            openingDay = openingDay.AddDays(1);
        }

        var opening = ZonedTime.ToInstant(openingDay.ToDateTime(end), zone);
        // On a fall-back night the first occurrence of the end time can precede a due time in the repeated hour.
        return opening > due ? opening : due;
    }

    public static DateTimeOffset NextSendTime(DateTimeOffset due, TimeZoneInfo zone, ReactivationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return NextSendTime(due, zone, options.QuietHoursStart, options.QuietHoursEnd);
    }
}
