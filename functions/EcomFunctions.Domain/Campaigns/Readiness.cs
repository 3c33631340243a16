namespace EcomFunctions.Domain.Campaigns;

/// <summary>What must be true before a campaign goes live (DESIGN §5 "Readiness gate").</summary>
public enum ReadinessItem
{
    StockConfirmed,
    LogisticsConfirmed,
    LoadTestDone,

    /// <summary>Derived from the plan's contingency owners; confirmed by naming them, not by ticking it.</summary>
    ContingencyOwnersNamed,
}

public sealed record ReadinessConfirmation(ReadinessItem Item, string By, DateTimeOffset At, string? Note);

/// <summary>A decision to go live although items are missing: always with a reason and an actor, and audited.</summary>
public sealed record ReadinessOverride(string Reason, string By, DateTimeOffset At, IReadOnlyList<ReadinessItem> MissingAtOverride);

public sealed record ReadinessChecklist
{
    public IReadOnlyList<ReadinessConfirmation> Confirmations { get; init; } = [];

    public ReadinessOverride? Override { get; init; }

    public static ReadinessChecklist Empty { get; } = new();

    public bool IsConfirmed(ReadinessItem item) => Confirmations.Any(c => c.Item == item);
}

/// <summary>The gate's verdict: ready, or the list of what is missing (and whether someone overrode it).</summary>
public sealed record ReadinessReport(IReadOnlyList<ReadinessItem> Missing, ReadinessOverride? Override)
{
    public bool IsReady => Missing.Count == 0 || Override is not null;

    public bool IsOverridden => Missing.Count > 0 && Override is not null;
}

public static class ReadinessGate
{
    public static IReadOnlyList<ReadinessItem> ConfirmableItems { get; } =
        [ReadinessItem.StockConfirmed, ReadinessItem.LogisticsConfirmed, ReadinessItem.LoadTestDone];

    public static ReadinessReport Check(Campaign campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var missing = ConfirmableItems.Where(item => !campaign.Readiness.IsConfirmed(item)).ToList();
        if (campaign.Plan.Owners.ContingencyOwners.Count == 0)
        {
            missing.Add(ReadinessItem.ContingencyOwnersNamed);
        }

        return new ReadinessReport(missing, campaign.Readiness.Override);
    }
}

/// <summary>Why a mechanic is paused: an operator's decision, an incident's action, or the budget guard.</summary>
public enum MechanicPauseSource
{
    Operator,
    Incident,
    Budget,
}

public sealed record MechanicPause(string MechanicId, MechanicPauseSource Source, string Reason, string By, DateTimeOffset At);

/// <summary>A decision with its author, time and comment (submission, approval, rejection, pause …).</summary>
public sealed record CampaignDecision(string By, DateTimeOffset At, string? Comment);
