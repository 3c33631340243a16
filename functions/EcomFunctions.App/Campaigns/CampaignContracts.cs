using System.ComponentModel.DataAnnotations;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.App.Campaigns;

/// <summary>Approve (<c>approved: true</c>, optional comment) or reject (<c>approved: false</c> with the reason as comment).</summary>
public sealed record ApprovalRequest(bool Approved, string? Comment = null) : ISelfValidating
{
    public void Validate(FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors.AddIf(!Approved && string.IsNullOrWhiteSpace(Comment), "comment", "A rejection needs a reason.");
        errors.AddIf(Comment is { Length: > Campaign.MaxReasonLength }, "comment", $"At most {Campaign.MaxReasonLength} characters.");
    }
}

/// <summary>
/// The readiness gate: confirm items (stock, logistics, load test), name contingency owners, or override the gate
/// with a reason (audited). Any combination; at least one.
/// </summary>
public sealed record ReadinessRequest(
    IReadOnlyList<ReadinessItem>? Confirm = null,
    string? Note = null,
    IReadOnlyList<string>? ContingencyOwners = null,
    string? OverrideReason = null) : ISelfValidating
{
    public void Validate(FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors.AddIf((Confirm is null || Confirm.Count == 0) && (ContingencyOwners is null || ContingencyOwners.Count == 0) && string.IsNullOrWhiteSpace(OverrideReason),
            "$", "Confirm items, name contingency owners or give an override reason.");
        errors.AddIf(Confirm is { Count: > 10 }, "confirm", "At most 10 items.");
        errors.AddIf(ContingencyOwners is { Count: > CampaignPlanRules.MaxPeople }, "contingencyOwners", $"At most {CampaignPlanRules.MaxPeople} people.");
    }
}

public sealed record ReasonRequest([property: Required, StringLength(Campaign.MaxReasonLength, MinimumLength = 1)] string Reason);

public sealed record CommentRequest([property: StringLength(Campaign.MaxReasonLength)] string? Comment = null);

public sealed record ExtendRequest(DateTimeOffset End, [property: Required, StringLength(Campaign.MaxReasonLength, MinimumLength = 1)] string Reason);

public sealed record LessonsRequest([property: Required, StringLength(Campaign.MaxLessonsLength)] string LessonsLearned);

public sealed record IncidentNoteRequest([property: Required, StringLength(CampaignIncident.MaxTextLength, MinimumLength = 1)] string Note);

public sealed record IncidentResolutionRequest([property: Required, StringLength(CampaignIncident.MaxTextLength, MinimumLength = 1)] string Resolution);

/// <summary>Where an operator-booked spend entry comes from; coupon redemptions arrive from the Coupons capability's events only.</summary>
public enum OperatorSpendSource
{
    PaidPromotion,
    Cost,
}

/// <summary>
/// A paid-promotion entry (ads, placements, influencer fees; PlatformPromotion line unless another is named) or another
/// cost on a named line. <see cref="EntryId"/> is the operator's reference and the idempotency key: booking it again
/// records nothing new.
/// </summary>
public sealed record SpendRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string EntryId,
    decimal Amount,
    OperatorSpendSource Source = OperatorSpendSource.PaidPromotion,
    BudgetLineKind? Line = null,
    CampaignChannel? Channel = null,
    [property: StringLength(CampaignPlanRules.MaxShortTextLength)] string? Variant = null,
    [property: StringLength(64)] string? MechanicId = null,
    [property: StringLength(SpendEntry.MaxIdLength)] string? Reference = null,
    DateTimeOffset? At = null) : ISelfValidating
{
    public void Validate(FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors.AddIf(Source == OperatorSpendSource.Cost && Line is null, "line", "A cost names the budget line it is booked on.");
    }
}

public sealed record ReallocationRequest(
    BudgetLineKind From,
    BudgetLineKind To,
    decimal Amount,
    [property: Required, StringLength(Campaign.MaxReasonLength, MinimumLength = 1)] string Reason) : ISelfValidating
{
    public void Validate(FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors.AddIf(Amount <= 0, "amount", "The amount must be positive.");
    }
}

/// <summary>What a submit did: the campaign, and whether this request started its orchestration (false for a repeat).</summary>
public sealed record SubmitResponse(string InstanceId, bool Started, CampaignView Campaign);

/// <summary>The status page of a campaign: its state, current stage, the orchestration's runtime status and the latest snapshot.</summary>
public sealed record CampaignStatusResponse(
    string CampaignId,
    CampaignState State,
    long Version,
    string? CurrentStage,
    Domain.Coupons.CampaignLiveness Liveness,
    CampaignStep NextStep,
    IReadOnlyList<CampaignMilestone> Milestones,
    ReadinessReport Readiness,
    bool Ready,
    OrchestrationView? Orchestration,
    Storage.Campaigns.CampaignSnapshot? LatestSnapshot);

public sealed record OrchestrationView(
    string InstanceId,
    string RuntimeStatus,
    CampaignRunStatus? Run,
    CampaignRunOutcome? Outcome,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt,
    string? Failure);

public sealed record CampaignBudgetView(BudgetStatus Budget, SpendSummary Spend, IReadOnlyList<BudgetReallocation> Reallocations, IReadOnlyList<string> RaisedAlerts);

public sealed record CampaignListView(IReadOnlyList<CampaignView> Items, string? ContinuationToken);

public sealed record CampaignPlanCheckView(bool Valid, IReadOnlyDictionary<string, string[]> Errors, IReadOnlyList<CampaignWarning> Warnings);

public sealed record CampaignReadinessView(bool Ready, bool Overridden, IReadOnlyList<ReadinessItem> Missing, IReadOnlyList<ReadinessConfirmation> Confirmations, ReadinessOverride? Override);

public sealed record CampaignIncidentOpenedView(CampaignIncident Incident, IReadOnlyList<string> Notified, CampaignView Campaign);

public sealed record CampaignSpendBookedView(int Recorded, int Duplicates, BudgetStatus Budget, IReadOnlyList<string> Alerts, IReadOnlyList<MechanicPause> PausedMechanics);

public sealed record CampaignReallocatedView(BudgetStatus Budget, IReadOnlyList<MechanicPause> PausedMechanics, CampaignView Campaign);
