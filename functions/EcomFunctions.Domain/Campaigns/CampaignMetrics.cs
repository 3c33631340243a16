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
    public const int MaxLines = 100;
    public const int MaxUnits = 100_000;

    public string CampaignId { get; init; } = "";

    public StorefrontActivityKind Kind { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    public CampaignChannel Channel { get; init; }

    public string? Variant { get; init; }

    /// <summary>Visitor or member id (dedupe only; never stored in aggregates).</summary>
    public string? VisitorId { get; init; }

    public decimal OrderValue { get; init; }

    public bool FirstForVisitor { get; init; } = true;

    /// <summary>What an order bought (SKU and units), for the sell-through of the campaign's stock-limited offers.</summary>
    public IReadOnlyList<OrderLine> Lines { get; init; } = [];

    /// <summary>Whether an activity is about the attributed campaign (otherwise it only counts in the store-wide totals).</summary>
    public bool IsAttributed => !string.IsNullOrEmpty(CampaignId);

    /// <summary>Kinds counted once per person and campaign: unique visitors, new members, participating members.</summary>
    public static bool IsDistinct(StorefrontActivityKind kind) =>
        kind is StorefrontActivityKind.Visit or StorefrontActivityKind.SignUp or StorefrontActivityKind.Participation;

    /// <summary>Storefront input is checked before it is queued; events from the future beyond clock skew are refused.</summary>
    public FieldErrors Validate(DateTimeOffset now, TimeSpan allowedClockSkew)
    {
        var errors = new FieldErrors()
            .AddIf(CampaignId is null || (CampaignId.Length > 0 && !CampaignPlanRules.IsValidCampaignId(CampaignId)), "campaignId", "A campaign id (or none for store-wide traffic).")
            .AddIf(string.IsNullOrEmpty(CampaignId) && Kind == StorefrontActivityKind.Participation, "campaignId", "Participation is always in a campaign.")
            .AddIf(!Enum.IsDefined(Kind), "kind", "Unknown activity kind.")
            .AddIf(!Enum.IsDefined(Channel), "channel", "Unknown channel.")
            .AddIf(OccurredAt == default, "occurredAt", "Required.")
            .AddIf(OccurredAt != default && OccurredAt < CampaignPlanRules.EarliestInstant, "occurredAt", "Too far in the past.")
            .AddIf(OccurredAt > now + allowedClockSkew, "occurredAt", "In the future.")
            .AddIf(Variant is { Length: > CampaignPlanRules.MaxShortTextLength }, "variant", $"At most {CampaignPlanRules.MaxShortTextLength} characters.")
            .AddIf(VisitorId is { Length: > MaxIdLength }, "visitorId", $"At most {MaxIdLength} characters.")
            .AddIf(IsDistinct(Kind) && string.IsNullOrWhiteSpace(VisitorId), "visitorId", "Required for visits, sign-ups and participation (distinct counting).");
        var lines = Lines ?? [];
        errors.AddIf(lines.Count > 0 && Kind != StorefrontActivityKind.Order, "lines", "Only orders carry lines.");
        errors.AddIf(lines.Count > MaxLines, "lines", $"At most {MaxLines} lines.");
        for (var i = 0; i < lines.Count && i < MaxLines; i++)
        {
            errors.AddIf(lines[i] is null || string.IsNullOrWhiteSpace(lines[i].Sku) || lines[i].Sku.Length > MaxIdLength, $"lines[{i}].sku", $"Required, at most {MaxIdLength} characters.");
            errors.AddIf(lines[i] is { Quantity: < 1 or > MaxUnits }, $"lines[{i}].quantity", $"From 1 to {MaxUnits}.");
        }

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

/// <summary>One line of an order: a SKU and how many units of it.</summary>
public sealed record OrderLine(string Sku, int Quantity);

/// <summary>Units of one SKU sold in orders attributed to a campaign (summed per batch).</summary>
public sealed record UnitsSold(string CampaignId, string Sku, long Units);

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
            StorefrontActivityKind.SignUp => new() { NewMembers = activity.FirstForVisitor ? 1 : 0 },
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

/// <summary>A campaign's counters of one UTC hour, all channels and variants together (the console's hourly chart).</summary>
public sealed record HourlyTotal(DateTimeOffset HourUtc, MetricsCounts Counts);

public static class HourlyMetrics
{
    /// <summary>
    /// The "campaign id" of store-wide buckets: every storefront activity, attributed to a campaign or not, also counts
    /// here, which is what the baseline window is read from. No campaign id can take this value ('~' is not allowed).
    /// </summary>
    public const string StoreScope = "~store";

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

    /// <summary>
    /// Store-wide increments of a batch: every activity but participation (which only exists within a campaign), per
    /// hour and channel, without variants and without de-duplication (the baseline compares orders and sales).
    /// </summary>
    public static IReadOnlyList<MetricsBucket> AggregateStore(IEnumerable<StorefrontActivity> activities)
    {
        ArgumentNullException.ThrowIfNull(activities);
        return Aggregate(activities
            .Where(a => a.Kind != StorefrontActivityKind.Participation)
            .Select(a => a with { CampaignId = StoreScope, Variant = null, FirstForVisitor = true }));
    }

    /// <summary>Units per campaign and SKU in the attributed orders of a batch.</summary>
    public static IReadOnlyList<UnitsSold> UnitsOf(IEnumerable<StorefrontActivity> activities)
    {
        ArgumentNullException.ThrowIfNull(activities);
        return activities
            .Where(a => a.IsAttributed && a.Kind == StorefrontActivityKind.Order)
            .SelectMany(a => (a.Lines ?? []).Select(l => (a.CampaignId, l.Sku, Units: (long)l.Quantity)))
            .GroupBy(x => (x.CampaignId, x.Sku))
            .Select(g => new UnitsSold(g.Key.CampaignId, g.Key.Sku, g.Sum(x => x.Units)))
            .OrderBy(u => u.CampaignId, StringComparer.Ordinal)
            .ThenBy(u => u.Sku, StringComparer.Ordinal)
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

    /// <summary>
    /// One total per UTC hour (channels and variants added up), oldest first, with the hours between the first and the
    /// last bucket present as zero rows: a chart of the series shows quiet hours as dips rather than skipping them.
    /// </summary>
    public static IReadOnlyList<HourlyTotal> ByHour(IEnumerable<MetricsBucket> buckets)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        var totals = buckets.GroupBy(b => b.Key.HourUtc).ToDictionary(g => g.Key, g => Total(g));
        if (totals.Count == 0)
        {
            return [];
        }

        var series = new List<HourlyTotal>();
        for (var hour = totals.Keys.Min(); hour <= totals.Keys.Max(); hour = hour.AddHours(1))
        {
            series.Add(new HourlyTotal(hour, totals.GetValueOrDefault(hour, MetricsCounts.Zero)));
        }

        return series;
    }

    public static IReadOnlyDictionary<string, MetricsCounts> ByVariant(IEnumerable<MetricsBucket> buckets)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        return buckets.GroupBy(b => b.Key.Variant, StringComparer.Ordinal).ToDictionary(g => g.Key, g => Total(g), StringComparer.Ordinal);
    }
}
