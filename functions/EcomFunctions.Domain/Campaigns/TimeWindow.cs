namespace EcomFunctions.Domain.Campaigns;

/// <summary>A half-open interval of instants [<see cref="Start"/>, <see cref="End"/>).</summary>
public readonly record struct TimeWindow(DateTimeOffset Start, DateTimeOffset End)
{
    public TimeSpan Duration => End - Start;

    public bool IsValid => Start < End;

    public bool Contains(DateTimeOffset instant) => instant >= Start && instant < End;

    public bool Overlaps(TimeWindow other) => Start < other.End && other.Start < End;

    public bool Covers(TimeWindow inner) => inner.Start >= Start && inner.End <= End;
}
