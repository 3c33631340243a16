using System.Globalization;

namespace EcomFunctions.Domain.Members;

/// <summary>A calendar month (the bucket of the growth and purchase ledgers). Stored as "yyyy-MM".</summary>
public readonly struct YearMonth : IEquatable<YearMonth>, IComparable<YearMonth>
{
    // Months since year 0: makes month arithmetic and comparison plain integer operations.
    private readonly int index;

    private YearMonth(int index) => this.index = index;

    public int Year => index / 12;

    public int Month => (index % 12) + 1;

    public static YearMonth Of(int year, int month)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, 9999);
        ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
        return new YearMonth((year * 12) + month - 1);
    }

    public static YearMonth Of(DateOnly date) => Of(date.Year, date.Month);

    public static YearMonth Of(DateTime date) => Of(date.Year, date.Month);

    public YearMonth AddMonths(int months) => new(index + months);

    /// <summary>Whole months from <paramref name="other"/> to this month (positive when this is later).</summary>
    public int MonthsSince(YearMonth other) => index - other.index;

    public DateOnly FirstDay => new(Year, Month, 1);

    public static YearMonth Parse(string text)
    {
        if (!TryParse(text, out var value))
        {
            throw new FormatException($"'{text}' is not a yyyy-MM month.");
        }

        return value;
    }

    public static bool TryParse(string? text, out YearMonth value)
    {
        value = default;
        if (text is not { Length: 7 } || text[4] != '-'
            || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            || year < 1 || month is < 1 or > 12)
        {
            return false;
        }

        value = Of(year, month);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}");

    public bool Equals(YearMonth other) => index == other.index;

    public override bool Equals(object? obj) => obj is YearMonth other && Equals(other);

    public override int GetHashCode() => index;

    public int CompareTo(YearMonth other) => index.CompareTo(other.index);

    public static bool operator ==(YearMonth left, YearMonth right) => left.Equals(right);

    public static bool operator !=(YearMonth left, YearMonth right) => !left.Equals(right);

    public static bool operator <(YearMonth left, YearMonth right) => left.index < right.index;

    public static bool operator <=(YearMonth left, YearMonth right) => left.index <= right.index;

    public static bool operator >(YearMonth left, YearMonth right) => left.index > right.index;

    public static bool operator >=(YearMonth left, YearMonth right) => left.index >= right.index;
}
