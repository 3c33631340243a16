namespace EcomFunctions.Domain.Campaigns;

/// <summary>An offer a shopper can use now, with its end and the countdown the storefront shows.</summary>
public sealed record LiveOffer(
    string CampaignId,
    string CampaignName,
    long CampaignVersion,
    string MechanicId,
    MechanicKind Kind,
    string? MechanicName,
    Mechanic Mechanic,
    string? Variant,
    DateTimeOffset EndsAt,
    long SecondsRemaining);

/// <summary>
/// Which offers a member sees now: campaigns that are Live (Paused and Killed campaigns show nothing) — or Scheduled
/// and in preheat, for mechanics whose own window opens during preheat (coupons claimed ahead of the start) — members in the
/// campaign's audience (tier with inheritance, segments, new-user policy), mechanics whose window contains now, that
/// are not paused, that the member's A/B variant sees, and — for member-exclusive mechanics — whose minimum tier the
/// member holds. Ordered by end time (most urgent first).
/// </summary>
public static class StorefrontOffers
{
    public static IReadOnlyList<LiveOffer> ListFor(IEnumerable<Campaign> campaigns, ShopperProfile shopper, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(campaigns);
        ArgumentNullException.ThrowIfNull(shopper);
        var offers = new List<LiveOffer>();
        foreach (var campaign in campaigns)
        {
            var plan = campaign.Plan;
            var inPreheat = campaign.State == CampaignState.Scheduled && now < plan.Schedule.Start;
            if (!(CampaignLifecycle.IsOpenForShoppers(campaign.State) || inPreheat) || !plan.Schedule.Overall.Contains(now) || !plan.Audience.Includes(shopper))
            {
                continue;
            }

            var variant = VariantAssignment.Assign(campaign.Id, shopper.MemberId, plan.Variants);
            foreach (var mechanic in plan.Mechanics)
            {
                var window = mechanic.EffectiveWindow(plan.Schedule);
                if (!window.Contains(now) || (inPreheat && !IsPreheatMechanic(mechanic, plan.Schedule)) || campaign.IsMechanicPaused(mechanic.Id) || !mechanic.IsVisibleToVariant(variant) ||
                    (mechanic is MemberExclusiveMechanic exclusive && shopper.Tier < exclusive.MinimumTier))
                {
                    continue;
                }

                var endsAt = window.End < plan.Schedule.End ? window.End : plan.Schedule.End;
                offers.Add(new LiveOffer(campaign.Id, plan.Name, campaign.Version, mechanic.Id, mechanic.Kind, mechanic.Name, mechanic,
                    variant, endsAt, SecondsUntil(endsAt, now)));
            }
        }

        return offers
            .OrderBy(o => o.EndsAt)
            .ThenBy(o => o.CampaignId, StringComparer.Ordinal)
            .ThenBy(o => o.MechanicId, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>A mechanic usable before the start: its own window opens during preheat.</summary>
    public static bool IsPreheatMechanic(Mechanic mechanic, CampaignSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(mechanic);
        ArgumentNullException.ThrowIfNull(schedule);
        return mechanic.Window is { } window && window.Start < schedule.Start;
    }

    /// <summary>Whole seconds left (rounded down, never negative): a countdown must not promise a second that is not there.</summary>
    public static long SecondsUntil(DateTimeOffset endsAt, DateTimeOffset now) =>
        endsAt <= now ? 0 : (endsAt - now).Ticks / TimeSpan.TicksPerSecond;
}

public enum CampaignAvailabilityStatus
{
    /// <summary>Live: claims and redemptions proceed (unless the mechanic itself is paused).</summary>
    Open,

    /// <summary>Not live yet (draft, pending, approved).</summary>
    NotStarted,

    /// <summary>Scheduled: only preheat mechanics (window opening before the start) may be used.</summary>
    Preheat,

    Paused,

    Killed,

    /// <summary>Ended, evaluated or cancelled.</summary>
    Closed,
}

/// <summary>
/// What the coupon claim and redemption paths need to know about a campaign: may its offers be used right now, and
/// which mechanics are paused. Paused and Killed map to 423 on those paths.
/// </summary>
public sealed record CampaignAvailability(
    string CampaignId,
    long Version,
    CampaignAvailabilityStatus Status,
    IReadOnlyList<string> PausedMechanics,
    IReadOnlyList<string> PreheatMechanics)
{
    public static CampaignAvailability Of(Campaign campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var status = campaign.State switch
        {
            CampaignState.Live => CampaignAvailabilityStatus.Open,
            CampaignState.Paused => CampaignAvailabilityStatus.Paused,
            CampaignState.Killed => CampaignAvailabilityStatus.Killed,
            CampaignState.Scheduled => CampaignAvailabilityStatus.Preheat,
            CampaignState.Ended or CampaignState.Evaluated or CampaignState.Cancelled => CampaignAvailabilityStatus.Closed,
            _ => CampaignAvailabilityStatus.NotStarted,
        };
        return new CampaignAvailability(campaign.Id, campaign.Version, status,
            [.. campaign.PausedMechanics.Select(p => p.MechanicId)],
            [.. campaign.Plan.Mechanics.Where(m => StorefrontOffers.IsPreheatMechanic(m, campaign.Plan.Schedule)).Select(m => m.Id)]);
    }

    /// <summary>
    /// Whether the campaign's state lets a mechanic be claimed or redeemed now. The mechanic's (and the coupon
    /// definition's) own time window is checked by the caller, which knows the time.
    /// </summary>
    public bool AllowsMechanic(string mechanicId)
    {
        if (PausedMechanics.Contains(mechanicId, StringComparer.Ordinal))
        {
            return false;
        }

        return Status == CampaignAvailabilityStatus.Open ||
               (Status == CampaignAvailabilityStatus.Preheat && PreheatMechanics.Contains(mechanicId, StringComparer.Ordinal));
    }
}
