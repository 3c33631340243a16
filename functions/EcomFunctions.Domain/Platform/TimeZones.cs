using System.Collections.Concurrent;

namespace EcomFunctions.Domain.Platform;

/// <summary>
/// The one place time zone ids become <see cref="TimeZoneInfo"/>s: campaign schedules, coupon validity and member quiet
/// hours all take ids from operators' or members' input.
/// </summary>
public static class TimeZones
{
    private static readonly ConcurrentDictionary<string, TimeZoneInfo> Cache = new(StringComparer.Ordinal);

    /// <summary>Resolves an IANA (or Windows) time zone id; false (and UTC) when the id is unknown on this machine.</summary>
    public static bool TryFind(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        // Only the shape of an IANA/Windows id reaches the system lookup, which on Linux reads a file named after the
        // id (no paths, no "..", nothing long).
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64 || id.Contains("..", StringComparison.Ordinal) || id.StartsWith('/')
            || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '+' or ' ' or '.'))
        {
            return false;
        }

        if (Cache.TryGetValue(id, out var cached))
        {
            zone = cached;
            return true;
        }

        try
        {
            zone = Cache.GetOrAdd(id, TimeZoneInfo.FindSystemTimeZoneById(id));
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException or IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            zone = TimeZoneInfo.Utc;
            return false;
        }
    }
}
