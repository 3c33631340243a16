using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Campaigns;

public enum CampaignState
{
    Draft,
    PendingApproval,
    Rejected,
    Approved,
    Scheduled,
    Live,
    Paused,
    Ended,
    Evaluated,
    Cancelled,
    Killed,
}

/// <summary>Everything that can be done to a campaign; each is validated against the state and audited.</summary>
public enum CampaignAction
{
    Create,
    Update,
    Submit,
    Approve,
    Reject,
    Reopen,
    ExpireApproval,
    Schedule,
    GoLive,
    Pause,
    Resume,
    Kill,
    Cancel,
    Extend,
    End,
    Evaluate,
    ConfirmReadiness,
    OverrideReadiness,
    AssignContingencyOwners,
    ReallocateBudget,
    PauseMechanic,
    ResumeMechanic,
    CheckBudget,
    RecordLessons,

    /// <summary>The orchestrator opens a stage of a multi-stage campaign.</summary>
    EnterStage,

    /// <summary>The orchestrator closes the open stage.</summary>
    CompleteStage,

    /// <summary>The orchestrator alerts operators that the readiness gate holds the start.</summary>
    AlertReadiness,

    /// <summary>Open, annotate or resolve an incident (in any state: stock and logistics trouble starts before and outlives the campaign).</summary>
    HandleIncident,
}

public static class CampaignRoles
{
    public const string Manager = "CampaignManager";
    public const string Approver = "CampaignApprover";

    /// <summary>The orchestrator and timers. The App must never grant this role to a caller from outside.</summary>
    public const string System = "System";
}

/// <summary>Who does something to a campaign, with the roles the App established for them.</summary>
public sealed record CampaignActor(string Id, IReadOnlyCollection<string> Roles)
{
    public static CampaignActor System { get; } = new("system", [CampaignRoles.System]);

    public bool HasRole(string role) => Roles.Contains(role, StringComparer.Ordinal);

    public static CampaignActor Manager(string id) => new(id, [CampaignRoles.Manager]);

    public static CampaignActor Approver(string id) => new(id, [CampaignRoles.Approver]);
}

/// <summary>The state machine of DESIGN §5 "Lifecycle" and who may drive it.</summary>
public static class CampaignLifecycle
{
    private static readonly CampaignState[] BeforeEnded =
    [
        CampaignState.Draft, CampaignState.PendingApproval, CampaignState.Rejected, CampaignState.Approved,
        CampaignState.Scheduled, CampaignState.Live, CampaignState.Paused,
    ];

    private static readonly Dictionary<(CampaignState From, CampaignAction Action), CampaignState> Transitions = Build();

    private static readonly Dictionary<CampaignAction, string[]> Roles = new()
    {
        [CampaignAction.Create] = [CampaignRoles.Manager],
        [CampaignAction.Update] = [CampaignRoles.Manager],
        [CampaignAction.Submit] = [CampaignRoles.Manager],
        [CampaignAction.Approve] = [CampaignRoles.Approver],
        [CampaignAction.Reject] = [CampaignRoles.Approver],
        [CampaignAction.Reopen] = [CampaignRoles.Manager],
        [CampaignAction.ExpireApproval] = [CampaignRoles.System],
        [CampaignAction.Schedule] = [CampaignRoles.System],
        [CampaignAction.GoLive] = [CampaignRoles.System],
        [CampaignAction.Pause] = [CampaignRoles.Manager, CampaignRoles.Approver, CampaignRoles.System],
        [CampaignAction.Resume] = [CampaignRoles.Manager, CampaignRoles.Approver],
        [CampaignAction.Kill] = [CampaignRoles.Manager, CampaignRoles.Approver],
        [CampaignAction.Cancel] = [CampaignRoles.Manager, CampaignRoles.Approver, CampaignRoles.System],
        [CampaignAction.Extend] = [CampaignRoles.Manager],
        [CampaignAction.End] = [CampaignRoles.System],
        [CampaignAction.Evaluate] = [CampaignRoles.System],
        [CampaignAction.ConfirmReadiness] = [CampaignRoles.Manager],
        [CampaignAction.OverrideReadiness] = [CampaignRoles.Manager, CampaignRoles.Approver],
        [CampaignAction.AssignContingencyOwners] = [CampaignRoles.Manager],
        [CampaignAction.ReallocateBudget] = [CampaignRoles.Manager],
        [CampaignAction.PauseMechanic] = [CampaignRoles.Manager, CampaignRoles.Approver, CampaignRoles.System],
        [CampaignAction.ResumeMechanic] = [CampaignRoles.Manager, CampaignRoles.Approver, CampaignRoles.System],
        [CampaignAction.CheckBudget] = [CampaignRoles.System],
        [CampaignAction.RecordLessons] = [CampaignRoles.Manager],
        [CampaignAction.HandleIncident] = [CampaignRoles.Manager, CampaignRoles.Approver, CampaignRoles.System],
        [CampaignAction.EnterStage] = [CampaignRoles.System],
        [CampaignAction.CompleteStage] = [CampaignRoles.System],
        [CampaignAction.AlertReadiness] = [CampaignRoles.System],
    };

    /// <summary>The state <paramref name="action"/> leads to from <paramref name="from"/>, or null when it is not allowed there.</summary>
    public static CampaignState? Target(CampaignState from, CampaignAction action) =>
        Transitions.TryGetValue((from, action), out var to) ? to : null;

    public static bool IsAllowed(CampaignState from, CampaignAction action) => Transitions.ContainsKey((from, action));

    public static IReadOnlyList<string> RolesFor(CampaignAction action) => Roles.TryGetValue(action, out var roles) ? roles : [];

    /// <summary>States in which no further business happens (apart from lessons learned).</summary>
    public static bool IsFinal(CampaignState state) => state is CampaignState.Evaluated or CampaignState.Cancelled;

    /// <summary>Whether the campaign's offers may be shown and claimed (the kill switch reads this).</summary>
    public static bool IsOpenForShoppers(CampaignState state) => state == CampaignState.Live;

    /// <summary>Forbidden (code <c>missing-role</c>) unless the actor holds one of the action's roles.</summary>
    public static Problem? CheckRole(CampaignActor actor, CampaignAction action)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var roles = RolesFor(action);
        return roles.Any(actor.HasRole)
            ? null
            : new Problem(ProblemKind.Forbidden, "Forbidden.", $"{action} needs one of the roles {string.Join(", ", roles)}.", Code: "missing-role");
    }

    internal static Problem Illegal(CampaignState from, CampaignAction action) =>
        Problem.Conflict("invalid-transition", $"A campaign in state {from} cannot {action}.");

    private static Dictionary<(CampaignState, CampaignAction), CampaignState> Build()
    {
        var t = new Dictionary<(CampaignState, CampaignAction), CampaignState>
        {
            [(CampaignState.Draft, CampaignAction.Update)] = CampaignState.Draft,
            [(CampaignState.Rejected, CampaignAction.Update)] = CampaignState.Draft,
            [(CampaignState.Draft, CampaignAction.Submit)] = CampaignState.PendingApproval,
            [(CampaignState.PendingApproval, CampaignAction.Approve)] = CampaignState.Approved,
            [(CampaignState.PendingApproval, CampaignAction.Reject)] = CampaignState.Rejected,
            [(CampaignState.Rejected, CampaignAction.Reopen)] = CampaignState.Draft,
            [(CampaignState.PendingApproval, CampaignAction.ExpireApproval)] = CampaignState.Draft,
            [(CampaignState.Approved, CampaignAction.Schedule)] = CampaignState.Scheduled,
            [(CampaignState.Scheduled, CampaignAction.GoLive)] = CampaignState.Live,
            [(CampaignState.Live, CampaignAction.Pause)] = CampaignState.Paused,
            [(CampaignState.Paused, CampaignAction.Resume)] = CampaignState.Live,
            [(CampaignState.Live, CampaignAction.Kill)] = CampaignState.Killed,
            [(CampaignState.Paused, CampaignAction.Kill)] = CampaignState.Killed,
            [(CampaignState.Live, CampaignAction.End)] = CampaignState.Ended,
            [(CampaignState.Paused, CampaignAction.End)] = CampaignState.Ended,

            // A killed campaign is evaluated too: its report is what explains the emergency.
            [(CampaignState.Ended, CampaignAction.Evaluate)] = CampaignState.Evaluated,
            [(CampaignState.Killed, CampaignAction.Evaluate)] = CampaignState.Evaluated,
        };

        foreach (var state in BeforeEnded)
        {
            t[(state, CampaignAction.Cancel)] = CampaignState.Cancelled;
            t[(state, CampaignAction.AssignContingencyOwners)] = state;
        }

        foreach (var state in new[] { CampaignState.Approved, CampaignState.Scheduled, CampaignState.Live, CampaignState.Paused })
        {
            t[(state, CampaignAction.Extend)] = state;
            t[(state, CampaignAction.ReallocateBudget)] = state;
        }

        foreach (var state in new[] { CampaignState.Draft, CampaignState.PendingApproval, CampaignState.Approved, CampaignState.Scheduled })
        {
            t[(state, CampaignAction.ConfirmReadiness)] = state;
            t[(state, CampaignAction.OverrideReadiness)] = state;
        }

        foreach (var state in new[] { CampaignState.Scheduled, CampaignState.Live, CampaignState.Paused })
        {
            t[(state, CampaignAction.PauseMechanic)] = state;
            t[(state, CampaignAction.ResumeMechanic)] = state;
            t[(state, CampaignAction.EnterStage)] = state;
        }

        // A stage still open when the campaign stops is closed afterwards.
        foreach (var state in new[] { CampaignState.Scheduled, CampaignState.Live, CampaignState.Paused, CampaignState.Ended, CampaignState.Killed, CampaignState.Cancelled })
        {
            t[(state, CampaignAction.CompleteStage)] = state;
        }

        t[(CampaignState.Scheduled, CampaignAction.AlertReadiness)] = CampaignState.Scheduled;

        // Spend keeps arriving after the end (late redemptions), so the budget is still watched then.
        foreach (var state in new[] { CampaignState.Approved, CampaignState.Scheduled, CampaignState.Live, CampaignState.Paused, CampaignState.Ended })
        {
            t[(state, CampaignAction.CheckBudget)] = state;
        }

        foreach (var state in new[] { CampaignState.Ended, CampaignState.Killed, CampaignState.Evaluated, CampaignState.Cancelled })
        {
            t[(state, CampaignAction.RecordLessons)] = state;
        }

        return t;
    }
}
