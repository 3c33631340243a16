using System.Globalization;
using System.Text.RegularExpressions;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Campaigns;

/// <summary>A non-blocking remark on a plan, shown to the planner and the approver.</summary>
public sealed record CampaignWarning(string Code, string Message, string? Field = null);

public static class CampaignWarningCodes
{
    public const string SingleChannel = "single-channel";
    public const string TooManyLiveMechanics = "too-many-live-mechanics";
    public const string LongFlashSale = "long-flash-sale";
    public const string LongCampaign = "long-campaign";
    public const string PeakDateOverlap = "peak-date-overlap";
    public const string AudienceOverlap = "audience-overlap";
    public const string TargetMetricUnusualForGoal = "target-metric-unusual-for-goal";
}

/// <summary>What a plan is checked against besides itself: the coupon definitions its Coupon mechanics link, and other campaigns.</summary>
public sealed record CampaignPlanContext(
    IReadOnlyDictionary<string, CouponDefinitionSummary> CouponDefinitions,
    IReadOnlyList<CampaignCalendarEntry> OtherCampaigns)
{
    public static CampaignPlanContext Empty { get; } = new(new Dictionary<string, CouponDefinitionSummary>(), []);
}

/// <summary>Errors block saving; warnings (computed only for a valid plan) never do.</summary>
public sealed record CampaignPlanCheck(FieldErrors Errors, IReadOnlyList<CampaignWarning> Warnings)
{
    public bool IsValid => Errors.IsEmpty;
}

/// <summary>The planning rules of DESIGN §5 "Validation", as a pure function of the plan, its context and the options.</summary>
public static partial class CampaignPlanRules
{
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxStages = 10;
    public const int MaxMechanics = 30;
    public const int MaxVariants = 10;
    public const int MaxSegments = 50;
    public const int MaxPeople = 20;
    public const int MaxShortTextLength = 64;
    public const int MaxPersonIdLength = 128;

    /// <summary>Instants outside these bounds are typos (and would overflow the late-order and baseline arithmetic).</summary>
    public static readonly DateTimeOffset EarliestInstant = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset LatestInstant = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Campaign ids end up in table keys and in the orchestration instance id <c>campaign-{id}</c>.</summary>
    public static bool IsValidCampaignId(string? id) => id is not null && IdPattern().IsMatch(id);

    public static CampaignPlanCheck Check(string campaignId, CampaignPlan plan, CampaignPlanContext context, CampaignOptions options)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);

        var errors = new FieldErrors();
        CheckTexts(plan, errors);
        CheckGoal(plan.Goal, errors);
        var scheduleValid = CheckSchedule(plan.Schedule, options, errors);
        CheckAudience(plan.Audience, errors);
        CheckChannels(plan.Channels, errors);
        CheckVariants(plan.Variants, errors);
        CheckMechanics(campaignId, plan, scheduleValid, context, errors);
        CheckBudget(plan.Budget, options, errors);
        CheckOwners(plan.Owners, errors);

        var warnings = errors.IsEmpty ? Warn(campaignId, plan, context, options) : [];
        return new CampaignPlanCheck(errors, warnings);
    }

    /// <summary>
    /// The plan as it is checked and stored: absent lists (null from JSON input) become empty, and the configured time
    /// zone is filled in when the plan names none. Missing objects (goal, schedule, budget) stay missing for the check to report.
    /// </summary>
    public static CampaignPlan Normalize(CampaignPlan plan, CampaignOptions options)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        return plan with
        {
            Schedule = plan.Schedule is null ? plan.Schedule! : plan.Schedule with
            {
                TimeZoneId = TimeZoneOf(plan, options),
                Stages = plan.Schedule.Stages ?? [],
            },
            Audience = plan.Audience is null ? plan.Audience! : plan.Audience with
            {
                Tiers = plan.Audience.Tiers ?? [],
                Segments = plan.Audience.Segments ?? [],
            },
            Channels = plan.Channels ?? [],
            Mechanics = (plan.Mechanics ?? []).Select(m => m is null ? m! : m with { Variants = m.Variants ?? [] }).ToList(),
            Budget = plan.Budget is null ? plan.Budget! : plan.Budget with { Lines = plan.Budget.Lines ?? [] },
            Variants = plan.Variants ?? [],
            Owners = new CampaignOwners { Owners = plan.Owners?.Owners ?? [], ContingencyOwners = plan.Owners?.ContingencyOwners ?? [] },
        };
    }

    /// <summary>The time zone the plan runs in: its own, or the configured default.</summary>
    public static string TimeZoneOf(CampaignPlan plan, CampaignOptions options)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(plan.Schedule?.TimeZoneId) ? options.DefaultTimeZone : plan.Schedule.TimeZoneId;
    }

    private static void CheckTexts(CampaignPlan plan, FieldErrors errors)
    {
        RequiredText(plan.Name, "name", MaxNameLength, errors);
        RequiredText(plan.Theme, "theme", MaxNameLength, errors);
        errors.AddIf(plan.Description is { Length: > MaxDescriptionLength }, "description", $"At most {MaxDescriptionLength} characters.");
    }

    private static void CheckGoal(CampaignGoal? goal, FieldErrors errors)
    {
        if (goal is null)
        {
            errors.Add("goal", "A goal with a measurable target is required.");
            return;
        }

        errors.AddIf(!Enum.IsDefined(goal.Type), "goal.type", "Unknown goal type.");
        if (goal.Metric is not { } metric)
        {
            errors.Add("goal.metric", "A measurable target needs a metric.");
        }
        else if (!Enum.IsDefined(metric))
        {
            errors.Add("goal.metric", "Unknown metric.");
        }

        if (goal.Target is not { } target || target <= 0)
        {
            errors.Add("goal.target", "A measurable target needs a positive value.");
            return;
        }

        if (goal.Metric is { } m && Enum.IsDefined(m))
        {
            if (CampaignGoal.IsRate(m))
            {
                errors.AddIf(target > 1, "goal.target", "A rate target is a fraction between 0 and 1 (0.05 = 5 %).");
            }
            else if (CampaignGoal.IsMoney(m))
            {
                errors.AddIf(decimal.Round(target, 2) != target, "goal.target", "At most 2 decimal places.");
            }
            else
            {
                errors.AddIf(decimal.Truncate(target) != target, "goal.target", "A count target must be a whole number.");
            }
        }
    }

    private static bool CheckSchedule(CampaignSchedule? schedule, CampaignOptions options, FieldErrors errors)
    {
        if (schedule is null)
        {
            errors.Add("schedule", "A schedule is required.");
            return false;
        }

        var windowErrors = new FieldErrors();
        windowErrors.AddIf(schedule.Start == default, "schedule.start", "Required.");
        windowErrors.AddIf(schedule.End == default, "schedule.end", "Required.");
        if (schedule.Start != default && schedule.End != default)
        {
            windowErrors.AddIf(schedule.End <= schedule.Start, "schedule.end", "The end must be after the start.");
        }

        windowErrors.AddIf(schedule.PreheatStart is { } preheat && preheat > schedule.Start, "schedule.preheatStart", "Preheat must start before the campaign starts.");
        foreach (var (instant, field) in new[] { (schedule.PreheatStart, "schedule.preheatStart"), (schedule.Start, "schedule.start"), (schedule.End, "schedule.end") })
        {
            windowErrors.AddIf(instant is { } at && at != default && (at < EarliestInstant || at > LatestInstant), field,
                $"Between {EarliestInstant.Year} and {LatestInstant.Year}.");
        }

        var zoneId = string.IsNullOrWhiteSpace(schedule.TimeZoneId) ? options.DefaultTimeZone : schedule.TimeZoneId;
        windowErrors.AddIf(!TimeZones.TryFind(zoneId, out _), "schedule.timeZoneId", $"Unknown time zone '{zoneId}'; use an IANA id such as Asia/Shanghai.");

        errors.Merge(windowErrors);
        if (windowErrors.IsEmpty)
        {
            CheckStages(schedule, errors);
        }

        return windowErrors.IsEmpty;
    }

    private static void CheckStages(CampaignSchedule schedule, FieldErrors errors)
    {
        var stages = schedule.Stages ?? [];
        if (stages.Count > MaxStages)
        {
            errors.Add("schedule.stages", $"At most {MaxStages} stages.");
            return;
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var valid = new List<(int Index, CampaignStage Stage)>();
        for (var i = 0; i < stages.Count; i++)
        {
            var stage = stages[i];
            var path = $"schedule.stages[{i}]";
            if (RequiredText(stage.Name, $"{path}.name", MaxShortTextLength, errors) && !names.Add(stage.Name))
            {
                errors.Add($"{path}.name", $"Duplicate stage name '{stage.Name}'.");
            }

            if (!Enum.IsDefined(stage.Kind))
            {
                errors.Add($"{path}.kind", "Unknown stage kind.");
                continue;
            }

            if (stage.End <= stage.Start)
            {
                errors.Add($"{path}.end", "The stage must end after it starts.");
                continue;
            }

            if (stage.Kind == StageKind.Preheat && schedule.PreheatStart is null)
            {
                errors.Add($"{path}.kind", "A preheat stage needs schedule.preheatStart.");
                continue;
            }

            var bounds = stage.Kind == StageKind.Preheat
                ? new TimeWindow(schedule.PreheatOrStart, schedule.Start)
                : schedule.Main;
            if (!bounds.Covers(stage.Window))
            {
                errors.Add(stage.Start < bounds.Start ? $"{path}.start" : $"{path}.end", stage.Kind == StageKind.Preheat
                    ? "A preheat stage must lie between the preheat start and the campaign start."
                    : "The stage must lie inside the campaign window (start to end).");
                continue;
            }

            valid.Add((i, stage));
        }

        var ordered = valid.OrderBy(s => s.Stage.Start).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            if (ordered[i].Stage.Start < ordered[i - 1].Stage.End)
            {
                errors.Add($"schedule.stages[{ordered[i].Index}].start", $"Overlaps stage '{ordered[i - 1].Stage.Name}'.");
            }
        }
    }

    private static void CheckAudience(CampaignAudience? audience, FieldErrors errors)
    {
        if (audience is null)
        {
            errors.Add("audience", "An audience is required (an empty one means everyone).");
            return;
        }

        var tiers = audience.Tiers ?? [];
        for (var i = 0; i < tiers.Count; i++)
        {
            errors.AddIf(!Enum.IsDefined(tiers[i]), $"audience.tiers[{i}]", "Unknown tier.");
        }

        var segments = audience.Segments ?? [];
        if (segments.Count > MaxSegments)
        {
            errors.Add("audience.segments", $"At most {MaxSegments} segments.");
        }
        else
        {
            for (var i = 0; i < segments.Count; i++)
            {
                RequiredText(segments[i], $"audience.segments[{i}]", MaxShortTextLength, errors);
            }
        }

        errors.AddIf(!Enum.IsDefined(audience.NewUsers), "audience.newUsers", "Unknown new-user policy.");
    }

    private static void CheckChannels(IReadOnlyList<CampaignChannel>? channels, FieldErrors errors)
    {
        if (channels is null || channels.Count == 0)
        {
            errors.Add("channels", "At least one channel is required.");
            return;
        }

        var seen = new HashSet<CampaignChannel>();
        for (var i = 0; i < channels.Count; i++)
        {
            if (!Enum.IsDefined(channels[i]))
            {
                errors.Add($"channels[{i}]", "Unknown channel.");
            }
            else if (!seen.Add(channels[i]))
            {
                errors.Add($"channels[{i}]", $"Duplicate channel {channels[i]}.");
            }
        }
    }

    private static void CheckVariants(IReadOnlyList<CampaignVariant>? variants, FieldErrors errors)
    {
        if (variants is null || variants.Count == 0)
        {
            return;
        }

        if (variants.Count > MaxVariants)
        {
            errors.Add("variants", $"At most {MaxVariants} variants.");
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < variants.Count; i++)
        {
            var variant = variants[i];
            if (RequiredText(variant.Name, $"variants[{i}].name", MaxShortTextLength, errors) && !names.Add(variant.Name))
            {
                errors.Add($"variants[{i}].name", $"Duplicate variant name '{variant.Name}'.");
            }

            errors.AddIf(variant.Weight is < 1 or > 100, $"variants[{i}].weight", "A weight is a whole percentage from 1 to 100.");
        }

        var total = variants.Sum(v => (long)v.Weight);
        errors.AddIf(total != 100, "variants", $"Variant weights must add up to 100 (they add up to {total}).");
    }

    private static void CheckMechanics(string campaignId, CampaignPlan plan, bool scheduleValid, CampaignPlanContext context, FieldErrors errors)
    {
        var mechanics = plan.Mechanics ?? [];
        if (mechanics.Count > MaxMechanics)
        {
            errors.Add("mechanics", $"At most {MaxMechanics} mechanics.");
            return;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var variantNames = (plan.Variants ?? []).Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < mechanics.Count; i++)
        {
            var mechanic = mechanics[i];
            var path = $"mechanics[{i}]";
            if (mechanic is null)
            {
                errors.Add(path, "Required.");
                continue;
            }

            if (!IsValidCampaignId(mechanic.Id))
            {
                errors.Add($"{path}.id", "Required: letters, digits, '-' or '_' (at most 64).");
            }
            else if (!ids.Add(mechanic.Id))
            {
                errors.Add($"{path}.id", $"Duplicate mechanic id '{mechanic.Id}'.");
            }

            errors.AddIf(mechanic.Name is { Length: > MaxNameLength }, $"{path}.name", $"At most {MaxNameLength} characters.");
            var variants = mechanic.Variants ?? [];
            for (var v = 0; v < variants.Count; v++)
            {
                errors.AddIf(!variantNames.Contains(variants[v]), $"{path}.variants[{v}]", $"Unknown variant '{variants[v]}'.");
            }

            if (!scheduleValid)
            {
                continue;
            }

            var windowValid = true;
            if (mechanic.Window is { } window)
            {
                if (!window.IsValid)
                {
                    errors.Add($"{path}.window.end", "The window must end after it starts.");
                    windowValid = false;
                }
                else if (!plan.Schedule.Overall.Covers(window))
                {
                    errors.Add(window.Start < plan.Schedule.PreheatOrStart ? $"{path}.window.start" : $"{path}.window.end",
                        "The mechanic's window must lie inside the campaign (preheat start to end).");
                    windowValid = false;
                }
            }

            if (windowValid)
            {
                mechanic.CheckParameters(new MechanicCheck(errors, path, campaignId, mechanic.EffectiveWindow(plan.Schedule), context.CouponDefinitions));
            }
        }
    }

    private static void CheckBudget(CampaignBudget? budget, CampaignOptions options, FieldErrors errors)
    {
        if (budget is null)
        {
            errors.Add("budget", "A budget is required.");
            return;
        }

        errors.AddIf(budget.Currency is null || !CurrencyPattern().IsMatch(budget.Currency), "budget.currency", "An ISO 4217 currency code such as CNY.");
        if (budget.Total <= 0)
        {
            errors.Add("budget.total", "The total budget must be positive.");
        }
        else
        {
            errors.AddIf(decimal.Round(budget.Total, 2) != budget.Total, "budget.total", "At most 2 decimal places.");
        }

        var lines = budget.Lines ?? [];
        var seen = new HashSet<BudgetLineKind>();
        var linesValid = true;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var path = $"budget.lines[{i}]";
            if (!Enum.IsDefined(line.Line))
            {
                errors.Add($"{path}.line", "Unknown budget line.");
                linesValid = false;
            }
            else if (!seen.Add(line.Line))
            {
                errors.Add($"{path}.line", $"Duplicate budget line {line.Line}.");
                linesValid = false;
            }

            if (line.Amount < 0)
            {
                errors.Add($"{path}.amount", "The amount cannot be negative.");
                linesValid = false;
            }
            else if (decimal.Round(line.Amount, 2) != line.Amount)
            {
                errors.Add($"{path}.amount", "At most 2 decimal places.");
                linesValid = false;
            }
        }

        if (!linesValid || budget.Total <= 0)
        {
            return;
        }

        var sum = lines.Sum(l => l.Amount);
        errors.AddIf(sum != budget.Total, "budget.lines",
            string.Create(CultureInfo.InvariantCulture, $"Budget lines add up to {sum:0.00}, not the total {budget.Total:0.00}."));

        var minimum = decimal.Round(budget.Total * options.ContingencyMinimumShare, 2, MidpointRounding.AwayFromZero);
        var contingency = budget.PlannedFor(BudgetLineKind.Contingency);
        if (contingency < minimum)
        {
            var index = lines.ToList().FindIndex(l => l.Line == BudgetLineKind.Contingency);
            errors.Add(index >= 0 ? $"budget.lines[{index}].amount" : "budget.lines",
                string.Create(CultureInfo.InvariantCulture, $"Contingency must be at least {options.ContingencyMinimumShare:P0} of the total ({minimum:0.00}); it is {contingency:0.00}."));
        }
    }

    private static void CheckOwners(CampaignOwners? owners, FieldErrors errors)
    {
        if (owners is null || owners.Owners is null || owners.Owners.Count == 0)
        {
            errors.Add("owners.owners", "At least one owner is required.");
            return;
        }

        CheckPeople(owners.Owners, "owners.owners", errors);
        CheckPeople(owners.ContingencyOwners ?? [], "owners.contingencyOwners", errors);
    }

    internal static void CheckPeople(IReadOnlyList<string> people, string path, FieldErrors errors)
    {
        if (people.Count > MaxPeople)
        {
            errors.Add(path, $"At most {MaxPeople} people.");
            return;
        }

        for (var i = 0; i < people.Count; i++)
        {
            RequiredText(people[i], $"{path}[{i}]", MaxPersonIdLength, errors);
        }
    }

    private static bool RequiredText(string? value, string field, int maxLength, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "Required.");
            return false;
        }

        if (value.Length > maxLength)
        {
            errors.Add(field, $"At most {maxLength} characters.");
            return false;
        }

        return true;
    }

    private static List<CampaignWarning> Warn(string campaignId, CampaignPlan plan, CampaignPlanContext context, CampaignOptions options)
    {
        var warnings = new List<CampaignWarning>();
        var schedule = plan.Schedule;

        if (plan.Channels.Count == 1)
        {
            warnings.Add(new(CampaignWarningCodes.SingleChannel,
                $"Only one channel ({plan.Channels[0]}): a single channel limits reach; consider adding more.", "channels"));
        }

        var (peak, at) = MostMechanicsLiveAtOnce(plan.Mechanics, schedule);
        if (peak > options.MaxLiveMechanics)
        {
            warnings.Add(new(CampaignWarningCodes.TooManyLiveMechanics,
                string.Create(CultureInfo.InvariantCulture,
                    $"{peak} mechanics are live at once (from {at:u}); more than {options.MaxLiveMechanics} scattered offers confuse shoppers."),
                "mechanics"));
        }

        for (var i = 0; i < plan.Mechanics.Count; i++)
        {
            if (plan.Mechanics[i] is FlashSaleMechanic flash && flash.EffectiveWindow(schedule).Duration > options.MaxFlashSaleDuration)
            {
                warnings.Add(new(CampaignWarningCodes.LongFlashSale,
                    string.Create(CultureInfo.InvariantCulture,
                        $"Flash sale '{flash.Id}' runs {Hours(flash.EffectiveWindow(schedule).Duration)} h; a flash sale longer than {Hours(options.MaxFlashSaleDuration)} h loses its urgency."),
                    $"mechanics[{i}].window"));
            }
        }

        if (schedule.Main.Duration > options.MaxCampaignDuration)
        {
            warnings.Add(new(CampaignWarningCodes.LongCampaign,
                string.Create(CultureInfo.InvariantCulture,
                    $"The campaign runs {schedule.Main.Duration.TotalDays:0.#} days; longer than {options.MaxCampaignDuration.TotalDays:0.#} days it loses urgency and is hard to staff."),
                "schedule.end"));
        }

        TimeZones.TryFind(TimeZoneOf(plan, options), out var zone);
        var contingencyNamed = plan.Owners.ContingencyOwners.Count > 0;
        foreach (var peakDate in options.EffectivePeakDates)
        {
            if (peakDate.LastDay < peakDate.FirstDay || !schedule.Overall.Overlaps(peakDate.ToWindow(zone)))
            {
                continue;
            }

            warnings.Add(new(CampaignWarningCodes.PeakDateOverlap,
                string.Create(CultureInfo.InvariantCulture,
                    $"Overlaps the peak '{peakDate.Name}' ({peakDate.FirstDay:yyyy-MM-dd} to {peakDate.LastDay:yyyy-MM-dd}): demand is higher but so are traffic and competition; run a load test and {(contingencyNamed ? "confirm" : "name")} contingency owners."),
                "schedule"));
        }

        foreach (var other in context.OtherCampaigns)
        {
            if (string.Equals(other.CampaignId, campaignId, StringComparison.Ordinal) ||
                !other.Window.Overlaps(schedule.Overall) || !other.Audience.Overlaps(plan.Audience))
            {
                continue;
            }

            warnings.Add(new(CampaignWarningCodes.AudienceOverlap,
                string.Create(CultureInfo.InvariantCulture,
                    $"Overlaps campaign '{other.Name}' ({other.CampaignId}, {other.Window.Start:u} to {other.Window.End:u}) on the same audience: the campaigns compete for the same shoppers."),
                "audience"));
        }

        if (plan.Goal.Metric is { } metric && !CampaignGoal.MetricsFor(plan.Goal.Type).Contains(metric))
        {
            warnings.Add(new(CampaignWarningCodes.TargetMetricUnusualForGoal,
                $"{metric} is an unusual measure of a {plan.Goal.Type} goal; expected one of {string.Join(", ", CampaignGoal.MetricsFor(plan.Goal.Type).Order())}.",
                "goal.metric"));
        }

        return warnings;
    }

    /// <summary>The largest number of mechanics whose windows overlap at one instant, and the first instant it happens.</summary>
    public static (int Count, DateTimeOffset At) MostMechanicsLiveAtOnce(IReadOnlyList<Mechanic> mechanics, CampaignSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(mechanics);
        ArgumentNullException.ThrowIfNull(schedule);

        // Windows are half-open: at the same instant an ending window is counted out before a starting one is counted in.
        var edges = mechanics
            .Select(m => m.EffectiveWindow(schedule))
            .SelectMany(w => new[] { (At: w.Start, Delta: 1), (At: w.End, Delta: -1) })
            .OrderBy(e => e.At)
            .ThenBy(e => e.Delta);
        int live = 0, most = 0;
        DateTimeOffset mostAt = default;
        foreach (var edge in edges)
        {
            live += edge.Delta;
            if (live > most)
            {
                most = live;
                mostAt = edge.At;
            }
        }

        return (most, mostAt);
    }

    private static string Hours(TimeSpan duration) => duration.TotalHours.ToString("0.#", CultureInfo.InvariantCulture);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Z]{3}$", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyPattern();
}
