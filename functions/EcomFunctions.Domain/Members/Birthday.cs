using System.Globalization;

namespace EcomFunctions.Domain.Members;

/// <summary>
/// A member's birthday as month and day only (no year: we do not need the age). It is personal data, so
/// <see cref="ToString"/> does not print it; use <see cref="Format"/> where the value is really wanted.
/// </summary>
public readonly record struct Birthday
{
    private Birthday(int month, int day)
    {
        Month = month;
        Day = day;
    }

    public int Month { get; }

    public int Day { get; }

    public static bool TryCreate(int month, int day, out Birthday birthday)
    {
        birthday = default;
        // 2000 is a leap year, so Feb 29 is accepted as a birthday.
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(2000, month))
        {
            return false;
        }

        birthday = new Birthday(month, day);
        return true;
    }

    public static Birthday Create(int month, int day) =>
        TryCreate(month, day, out var birthday) ? birthday : throw new ArgumentOutOfRangeException(nameof(day), "Not a calendar day.");

    /// <summary>
    /// True when <paramref name="localDate"/> is this birthday. A Feb 29 birthday is celebrated on Feb 28 in
    /// years without Feb 29, so those members still get their gift once a year.
    /// </summary>
    public bool FallsOn(DateOnly localDate)
    {
        if (Month == 2 && Day == 29 && !DateTime.IsLeapYear(localDate.Year))
        {
            return localDate.Month == 2 && localDate.Day == 28;
        }

        return localDate.Month == Month && localDate.Day == Day;
    }

    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{Month:D2}-{Day:D2}");

    public override string ToString() => "Birthday(redacted)";
}
