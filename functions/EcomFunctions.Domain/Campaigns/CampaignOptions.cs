namespace EcomFunctions.Domain.Campaigns;

/// <summary>
/// Every campaign threshold and default that DESIGN.md §5 marks as ours rather than the handbooks'. Bound from
/// configuration by the App (section <c>Campaigns</c>); the defaults here are what runs when nothing is configured.
/// </summary>
public sealed class CampaignOptions
{
    public const string SectionName = "Campaigns";

    /// <summary>The time zone a campaign gets when its plan names none (IANA id).</summary>
    public string DefaultTimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>How long a submitted campaign waits for an approver before it goes back to Draft.</summary>
    public TimeSpan ApprovalTimeout { get; set; } = TimeSpan.FromHours(72);

    /// <summary>How often the live campaign's monitoring loop takes a snapshot (metrics, budget, incidents).</summary>
    public TimeSpan MonitoringInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often a campaign that is not ready at its start time re-checks its readiness gate.</summary>
    public TimeSpan ReadinessRecheckInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long after the end the report waits for late orders and delayed events before evaluating.</summary>
    public TimeSpan LateOrderWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>More mechanics than this live at the same moment scatter the shopper's attention (warning).</summary>
    public int MaxLiveMechanics { get; set; } = 3;

    /// <summary>A flash sale longer than this stops being a flash sale (warning).</summary>
    public TimeSpan MaxFlashSaleDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A campaign (start to end, preheat excluded) longer than this loses urgency (warning).</summary>
    public TimeSpan MaxCampaignDuration { get; set; } = TimeSpan.FromDays(35);

    /// <summary>The contingency line must be at least this share of the total budget when planning (error).</summary>
    public decimal ContingencyMinimumShare { get; set; } = 0.05m;

    /// <summary>Burn share of a spending line (or of all spending lines) that raises a budget alert.</summary>
    public decimal BudgetAlertThreshold { get; set; } = 0.80m;

    /// <summary>
    /// The line coupon redemptions and other mechanic give-aways are charged to; when it is exhausted the
    /// spending mechanics are paused (unless contingency is reallocated to it first).
    /// </summary>
    public BudgetLineKind MechanicSpendLine { get; set; } = BudgetLineKind.Marketing;

    /// <summary>
    /// Peak shopping windows (local dates in each campaign's own time zone). Null means
    /// <see cref="DefaultPeakDates"/>; a configured list replaces the defaults rather than adding to them
    /// (the configuration binder only creates a new list when the property is null).
    /// </summary>
    public IList<PeakDateWindow>? PeakDates { get; set; }

    public IReadOnlyList<PeakDateWindow> EffectivePeakDates => PeakDates is { Count: > 0 } configured ? [.. configured] : DefaultPeakDates;

    /// <summary>
    /// Double 11, Double 12 and 6-18 are the days themselves. Spring Festival moves with the lunar calendar: its
    /// window is the statutory holiday (2025 and 2026 as announced; 2027 and 2028 estimated as New Year's Eve plus
    /// six days) widened back two weeks to cover the New-Year goods festival, when demand peaks and couriers thin out.
    /// Update the 2027/2028 entries when the State Council publishes those holidays.
    /// </summary>
    public static IReadOnlyList<PeakDateWindow> DefaultPeakDates { get; } =
    [
        new("Spring Festival 2025", new DateOnly(2025, 1, 14), new DateOnly(2025, 2, 4)),
        new("6-18 2025", new DateOnly(2025, 6, 18), new DateOnly(2025, 6, 18)),
        new("Double 11 2025", new DateOnly(2025, 11, 11), new DateOnly(2025, 11, 11)),
        new("Double 12 2025", new DateOnly(2025, 12, 12), new DateOnly(2025, 12, 12)),
        new("Spring Festival 2026", new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 23)),
        new("6-18 2026", new DateOnly(2026, 6, 18), new DateOnly(2026, 6, 18)),
        new("Double 11 2026", new DateOnly(2026, 11, 11), new DateOnly(2026, 11, 11)),
        new("Double 12 2026", new DateOnly(2026, 12, 12), new DateOnly(2026, 12, 12)),
        new("Spring Festival 2027", new DateOnly(2027, 1, 22), new DateOnly(2027, 2, 11)),
        new("6-18 2027", new DateOnly(2027, 6, 18), new DateOnly(2027, 6, 18)),
        new("Double 11 2027", new DateOnly(2027, 11, 11), new DateOnly(2027, 11, 11)),
        new("Double 12 2027", new DateOnly(2027, 12, 12), new DateOnly(2027, 12, 12)),
        new("Spring Festival 2028", new DateOnly(2028, 1, 11), new DateOnly(2028, 1, 31)),
        new("6-18 2028", new DateOnly(2028, 6, 18), new DateOnly(2028, 6, 18)),
        new("Double 11 2028", new DateOnly(2028, 11, 11), new DateOnly(2028, 11, 11)),
        new("Double 12 2028", new DateOnly(2028, 12, 12), new DateOnly(2028, 12, 12)),
    ];
}

/// <summary>
/// A peak shopping window: whole local days <see cref="FirstDay"/>..<see cref="LastDay"/> (inclusive), interpreted
/// in the time zone of the campaign being checked. A class with setters so configuration can bind it.
/// </summary>
public sealed class PeakDateWindow
{
    public PeakDateWindow()
    {
    }

    public PeakDateWindow(string name, DateOnly firstDay, DateOnly lastDay)
    {
        Name = name;
        FirstDay = firstDay;
        LastDay = lastDay;
    }

    public string Name { get; set; } = "";

    public DateOnly FirstDay { get; set; }

    public DateOnly LastDay { get; set; }

    /// <summary>The window as instants: from local midnight of the first day to local midnight after the last day.</summary>
    public TimeWindow ToWindow(TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return new TimeWindow(LocalMidnight(FirstDay, zone), LocalMidnight(LastDay.AddDays(1), zone));
    }

    private static DateTimeOffset LocalMidnight(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // A midnight skipped by a daylight-saving jump does not exist; the first valid instant after it is meant.
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
