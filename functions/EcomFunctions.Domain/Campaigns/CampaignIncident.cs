using System.Globalization;
using System.Text.RegularExpressions;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Campaigns;

public enum IncidentType
{
    Technical,
    StockAnomaly,
    LogisticsDelay,
    ComplaintSurge,
    Payment,
}

public enum IncidentSeverity
{
    Low,
    Medium,
    High,
    Critical,
}

public enum IncidentActionKind
{
    PauseCampaign,
    PauseMechanic,
    NotifyOwners,
}

/// <summary>What to do about an incident right away; <see cref="MechanicId"/> only for <see cref="IncidentActionKind.PauseMechanic"/>.</summary>
public sealed record IncidentAction(IncidentActionKind Kind, string? MechanicId = null);

public enum IncidentStatus
{
    Open,
    Resolved,
}

public sealed record IncidentTimelineEntry(DateTimeOffset At, string Actor, string Entry);

/// <summary>An operator's report of an incident (危机): the input of <see cref="CampaignIncident.Open"/>.</summary>
public sealed record IncidentReport
{
    /// <summary>Optional caller-chosen id: reporting the same id twice records one incident (idempotent retries).</summary>
    public string? Id { get; init; }

    public IncidentType Type { get; init; }

    public IncidentSeverity Severity { get; init; }

    public string Title { get; init; } = "";

    public string? Description { get; init; }

    /// <summary>Who handles it; defaults to the first contingency owner, else the first owner.</summary>
    public string? Owner { get; init; }

    public IReadOnlyList<IncidentAction> Actions { get; init; } = [];
}

/// <summary>An incident during a campaign, its actions and its timeline from opening to resolution.</summary>
public sealed partial record CampaignIncident
{
    public const int MaxTitleLength = 200;
    public const int MaxTextLength = 4000;

    public string Id { get; init; } = "";

    public string CampaignId { get; init; } = "";

    public IncidentType Type { get; init; }

    public IncidentSeverity Severity { get; init; }

    public string Title { get; init; } = "";

    public string? Description { get; init; }

    public string Owner { get; init; } = "";

    public IReadOnlyList<IncidentAction> Actions { get; init; } = [];

    /// <summary>Whom <see cref="IncidentActionKind.NotifyOwners"/> notifies: the campaign's owners, contingency owners and the incident owner.</summary>
    public IReadOnlyList<string> NotifiedPeople { get; init; } = [];

    public DateTimeOffset OpenedAt { get; init; }

    public string OpenedBy { get; init; } = "";

    public DateTimeOffset? ResolvedAt { get; init; }

    public string? ResolvedBy { get; init; }

    public string? Resolution { get; init; }

    public IReadOnlyList<IncidentTimelineEntry> Timeline { get; init; } = [];

    public long Version { get; init; }

    public IncidentStatus Status => ResolvedAt is null ? IncidentStatus.Open : IncidentStatus.Resolved;

    public TimeSpan? TimeToResolve => ResolvedAt - OpenedAt;

    /// <summary>
    /// Validates the report against the campaign and opens the incident. Pausing the campaign or a mechanic is applied
    /// to the campaign separately (<see cref="CampaignIncidents"/> does both), so it is only checked to be possible here.
    /// </summary>
    public static Result<CampaignIncident> Open(Campaign campaign, IncidentReport report, string incidentId, CampaignActor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(actor);
        if (CampaignLifecycle.CheckRole(actor, CampaignAction.HandleIncident) is { } denied)
        {
            return denied;
        }

        var errors = new FieldErrors()
            .AddIf(!IdPattern().IsMatch(incidentId ?? ""), "id", "Letters, digits, '-' or '_' (at most 64).")
            .AddIf(!Enum.IsDefined(report.Type), "type", "Unknown incident type.")
            .AddIf(!Enum.IsDefined(report.Severity), "severity", "Unknown severity.")
            .AddIf(string.IsNullOrWhiteSpace(report.Title), "title", "Required.")
            .AddIf(report.Title is { Length: > MaxTitleLength }, "title", $"At most {MaxTitleLength} characters.")
            .AddIf(report.Description is { Length: > MaxTextLength }, "description", $"At most {MaxTextLength} characters.")
            .AddIf(report.Owner is { Length: > CampaignPlanRules.MaxPersonIdLength }, "owner", $"At most {CampaignPlanRules.MaxPersonIdLength} characters.");
        var actions = report.Actions ?? [];
        for (var i = 0; i < actions.Count; i++)
        {
            var action = actions[i];
            var path = $"actions[{i}]";
            if (!Enum.IsDefined(action.Kind))
            {
                errors.Add($"{path}.kind", "Unknown action.");
                continue;
            }

            if (action.Kind == IncidentActionKind.PauseMechanic)
            {
                errors.AddIf(action.MechanicId is null || campaign.Plan.FindMechanic(action.MechanicId) is null, $"{path}.mechanicId", $"Unknown mechanic '{action.MechanicId}'.");
                errors.AddIf(!CampaignLifecycle.IsAllowed(campaign.State, CampaignAction.PauseMechanic), $"{path}.kind", $"A mechanic of a {campaign.State} campaign cannot be paused.");
            }
            else
            {
                errors.AddIf(action.MechanicId is not null, $"{path}.mechanicId", "Only a PauseMechanic action names a mechanic.");
            }

            errors.AddIf(action.Kind == IncidentActionKind.PauseCampaign && campaign.State is not (CampaignState.Live or CampaignState.Paused),
                $"{path}.kind", $"A {campaign.State} campaign cannot be paused.");
        }

        if (errors.ToProblem() is { } invalid)
        {
            return invalid;
        }

        var owner = string.IsNullOrWhiteSpace(report.Owner)
            ? FirstOrNull(campaign.Plan.Owners.ContingencyOwners) ?? FirstOrNull(campaign.Plan.Owners.Owners) ?? actor.Id
            : report.Owner;
        var notified = actions.Any(a => a.Kind == IncidentActionKind.NotifyOwners)
            ? campaign.Plan.Owners.Everyone.Append(owner).Distinct(StringComparer.Ordinal).ToList()
            : [];
        var actionText = actions.Count == 0 ? "no action" : string.Join(", ", actions.Select(Describe));
        return new CampaignIncident
        {
            Id = incidentId!,
            CampaignId = campaign.Id,
            Type = report.Type,
            Severity = report.Severity,
            Title = report.Title,
            Description = report.Description,
            Owner = owner,
            Actions = [.. actions],
            NotifiedPeople = notified,
            OpenedAt = now,
            OpenedBy = actor.Id,
            Timeline = [new(now, actor.Id, $"opened ({report.Severity} {report.Type}); owner {owner}; {actionText}")],
            Version = 1,
        };
    }

    public Result<CampaignIncident> AddNote(string note, CampaignActor actor, DateTimeOffset now)
    {
        if (CampaignLifecycle.CheckRole(actor, CampaignAction.HandleIncident) is { } denied)
        {
            return denied;
        }

        if (string.IsNullOrWhiteSpace(note) || note.Length > MaxTextLength)
        {
            return Problem.Validation("note", $"Required, at most {MaxTextLength} characters.");
        }

        return this with { Timeline = [.. Timeline, new(now, actor.Id, note)], Version = Version + 1 };
    }

    public Result<CampaignIncident> Resolve(string resolution, CampaignActor actor, DateTimeOffset now)
    {
        if (CampaignLifecycle.CheckRole(actor, CampaignAction.HandleIncident) is { } denied)
        {
            return denied;
        }

        if (Status == IncidentStatus.Resolved)
        {
            return this;
        }

        if (string.IsNullOrWhiteSpace(resolution) || resolution.Length > MaxTextLength)
        {
            return Problem.Validation("resolution", $"Required, at most {MaxTextLength} characters.");
        }

        return this with
        {
            ResolvedAt = now,
            ResolvedBy = actor.Id,
            Resolution = resolution,
            Timeline = [.. Timeline, new(now, actor.Id, $"resolved: {resolution}")],
            Version = Version + 1,
        };
    }

    public DomainEvent ToEvent(string type, DateTimeOffset time) =>
        CampaignEventData.Create(type, $"{CampaignEventTypes.SubjectOf(CampaignId)}/incidents/{Id}", Version.ToString(CultureInfo.InvariantCulture), time, new
        {
            campaignId = CampaignId,
            incidentId = Id,
            type = Type,
            severity = Severity,
            title = Title,
            owner = Owner,
            status = Status,
            actions = Actions.Select(Describe).ToList(),
            notify = NotifiedPeople,
            openedAt = OpenedAt,
            resolvedAt = ResolvedAt,
        });

    public static string Describe(IncidentAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return action.MechanicId is null ? action.Kind.ToString() : $"{action.Kind}({action.MechanicId})";
    }

    private static string? FirstOrNull(IReadOnlyList<string> people) => people.Count > 0 ? people[0] : null;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
