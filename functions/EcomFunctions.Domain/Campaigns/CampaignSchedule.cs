namespace EcomFunctions.Domain.Campaigns;

/// <summary>
/// When a campaign runs. Preheat (warm-up: announcements, coupon claiming, wish lists) runs from
/// <see cref="PreheatStart"/> to <see cref="Start"/>; the campaign proper from <see cref="Start"/> to <see cref="End"/>.
/// Instants are absolute; <see cref="TimeZoneId"/> (IANA) is the campaign's local time for peak dates and display.
/// </summary>
public sealed record CampaignSchedule
{
    public DateTimeOffset? PreheatStart { get; init; }

    public DateTimeOffset Start { get; init; }

    public DateTimeOffset End { get; init; }

    /// <summary>IANA time zone id; null or empty takes <see cref="CampaignOptions.DefaultTimeZone"/> when the campaign is saved.</summary>
    public string? TimeZoneId { get; init; }

    /// <summary>Optional stages (preheat, main, encore …) each with its own window inside the campaign.</summary>
    public IReadOnlyList<CampaignStage> Stages { get; init; } = [];

    /// <summary>The campaign proper, preheat excluded.</summary>
    public TimeWindow Main => new(Start, End);

    /// <summary>Everything from preheat (or start when there is no preheat) to the end.</summary>
    public TimeWindow Overall => new(PreheatOrStart, End);

    public DateTimeOffset PreheatOrStart => PreheatStart ?? Start;

}

public enum StageKind
{
    Preheat,
    Main,
    Encore,
}

/// <summary>
/// A stage of a multi-stage campaign (run by the orchestrator as a sub-orchestration). A Preheat stage lies inside
/// [preheat start, start]; Main and Encore stages inside [start, end]; stages never overlap.
/// </summary>
public sealed record CampaignStage(string Name, StageKind Kind, DateTimeOffset Start, DateTimeOffset End)
{
    public TimeWindow Window => new(Start, End);
}
