using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Campaigns;

public enum StorefrontActivityKind
{
    /// <summary>A visitor arrived; counts towards UV when it is the visitor's first visit of the campaign.</summary>
    Visit,

    PageView,

    /// <summary>A paid order attributed to the campaign, with its value.</summary>
    Order,

    /// <summary>A new member signed up through the campaign.</summary>
    SignUp,

    /// <summary>A member took part (claimed, joined a group, ordered); counts once per member and campaign.</summary>
    Participation,
}

/// <summary>
/// One storefront event about a campaign. Distinct counts (UV, participating members) cannot be summed across hours
/// unless each person is counted once: the ingestion sets <see cref="FirstForVisitor"/> to false when it has seen the
/// visitor (for visits) or member (for participation) in this campaign before — storage records a marker row with
/// <c>AddEntity</c>, and a 409 means "seen". Other kinds ignore the flag.
/// </summary>
public sealed record StorefrontActivity
{
    public const int MaxIdLength = 128;

    public string CampaignId { get; init; } = "";

    public StorefrontActivityKind Kind { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    public CampaignChannel Channel { get; init; }

    public string? Variant { get; init; }

    /// <summary>Visitor or member id (dedupe only; never stored in aggregates).</summary>
    public string? VisitorId { get; init; }

    public decimal OrderValue { get; init; }

    public bool FirstForVisitor { get; init; } = true;

    /// <summary>Storefront input is checked before it is queued; events from the future beyond clock skew are refused.</summary>
    public FieldErrors Validate(DateTimeOffset now, TimeSpan allowedClockSkew)
    {
        var errors = new FieldErrors()
            .AddIf(!CampaignPlanRules.IsValidCampaignId(CampaignId), "campaignId", "A campaign id.")
            .AddIf(!Enum.IsDefined(Kind), "kind", "Unknown activity kind.")
            .AddIf(!Enum.IsDefined(Channel), "channel", "Unknown channel.")
            .AddIf(OccurredAt == default, "occurredAt", "Required.")
            .AddIf(OccurredAt > now + allowedClockSkew, "occurredAt", "In the future.")
            .AddIf(Variant is { Length: > CampaignPlanRules.MaxShortTextLength }, "variant", $"At most {CampaignPlanRules.MaxShortTextLength} characters.")
            .AddIf(VisitorId is { Length: > MaxIdLength }, "visitorId", $"At most {MaxIdLength} characters.")
            .AddIf(Kind is StorefrontActivityKind.Visit or StorefrontActivityKind.Participation && string.IsNullOrWhiteSpace(VisitorId), "visitorId", "Required for visits and participation (distinct counting).");
        if (Kind == StorefrontActivityKind.Order)
        {
            errors.AddIf(OrderValue < 0, "orderValue", "Cannot be negative.");
            errors.AddIf(decimal.Round(OrderValue, 2) != OrderValue, "orderValue", "At most 2 decimal places.");
        }
        else
        {
            errors.AddIf(OrderValue != 0, "orderValue", "Only orders carry a value.");
        }

        return errors;
    }
}

/// <summary>Additive campaign counters: any two (shards of one bucket, or different buckets) can be summed.</summary>
public sealed record MetricsCounts
{
    public long Visits { get; init; }

    public long PageViews { get; init; }

    public long Orders { get; init; }

    public decimal OrderValue { get; init; }

    public long NewMembers { get; init; }

    public long ParticipatingMembers { get; init; }

    public static MetricsCounts Zero { get; } = new();

    public MetricsCounts Add(MetricsCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new()
        {
            Visits = Visits + other.Visits,
            PageViews = PageViews + other.PageViews,
            Orders = Orders + other.Orders,
            OrderValue = OrderValue + other.OrderValue,
            NewMembers = NewMembers + other.NewMembers,
            ParticipatingMembers = ParticipatingMembers + other.ParticipatingMembers,
        };
    }

    /// <summary>Shard values of one counter row added up (storage spreads hot buckets over shards to avoid a hot row).</summary>
    public static MetricsCounts Sum(IEnumerable<MetricsCounts> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return parts.Aggregate(Zero, (total, part) => total.Add(part));
    }

    public static MetricsCounts Of(StorefrontActivity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        return activity.Kind switch
        {
            StorefrontActivityKind.Visit => new() { Visits = activity.FirstForVisitor ? 1 : 0 },
            StorefrontActivityKind.PageView => new() { PageViews = 1 },
            StorefrontActivityKind.Order => new() { Orders = 1, OrderValue = activity.OrderValue },
            StorefrontActivityKind.SignUp => new() { NewMembers = 1 },
            StorefrontActivityKind.Participation => new() { ParticipatingMembers = activity.FirstForVisitor ? 1 : 0 },
            _ => Zero,
        };
    }
}

/// <summary>An hourly bucket: campaign × UTC hour × channel × variant (<see cref="NoVariant"/> when the campaign has none).</summary>
public sealed record MetricsBucketKey(string CampaignId, DateTimeOffset HourUtc, CampaignChannel Channel, string Variant)
{
    public const string NoVariant = "-";
}

public sealed record MetricsBucket(MetricsBucketKey Key, MetricsCounts Counts);

public static class HourlyMetrics
{
    /// <summary>The UTC hour an instant falls in (buckets are UTC hours; reports show them in the campaign's zone).</summary>
    public static DateTimeOffset HourOf(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    public static MetricsBucketKey KeyOf(StorefrontActivity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        return new(activity.CampaignId, HourOf(activity.OccurredAt), activity.Channel,
            string.IsNullOrEmpty(activity.Variant) ? MetricsBucketKey.NoVariant : activity.Variant);
    }

    /// <summary>A batch of activities folded into one increment per bucket, so storage writes each bucket once per batch.</summary>
    public static IReadOnlyList<MetricsBucket> Aggregate(IEnumerable<StorefrontActivity> activities)
    {
        ArgumentNullException.ThrowIfNull(activities);
        return activities
            .GroupBy(KeyOf)
            .Select(g => new MetricsBucket(g.Key, MetricsCounts.Sum(g.Select(MetricsCounts.Of))))
            .Where(b => b.Counts != MetricsCounts.Zero)
            .OrderBy(b => b.Key.CampaignId, StringComparer.Ordinal)
            .ThenBy(b => b.Key.HourUtc)
            .ThenBy(b => b.Key.Channel)
            .ThenBy(b => b.Key.Variant, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Buckets of the same key (e.g. read from several shards) merged into one bucket per key.</summary>
    public static IReadOnlyList<MetricsBucket> Merge(IEnumerable<MetricsBucket> buckets)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        return buckets
            .GroupBy(b => b.Key)
            .Select(g => new MetricsBucket(g.Key, MetricsCounts.Sum(g.Select(b => b.Counts))))
            .OrderBy(b => b.Key.CampaignId, StringComparer.Ordinal)
            .ThenBy(b => b.Key.HourUtc)
            .ThenBy(b => b.Key.Channel)
            .ThenBy(b => b.Key.Variant, StringComparer.Ordinal)
            .ToList();
    }

    public static MetricsCounts Total(IEnumerable<MetricsBucket> buckets)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        return MetricsCounts.Sum(buckets.Select(b => b.Counts));
    }

    public static IReadOnlyDictionary<CampaignChannel, MetricsCounts> ByChannel(IEnumerable<MetricsBucket> buckets)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        return buckets.GroupBy(b => b.Key.Channel).ToDictionary(g => g.Key, g => Total(g));
    }

    public static IReadOnlyDictionary<string, MetricsCounts> ByVariant(IEnumerable<MetricsBucket> buckets)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        return buckets.GroupBy(b => b.Key.Variant, StringComparer.Ordinal).ToDictionary(g => g.Key, g => Total(g), StringComparer.Ordinal);
    }
}
