using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Campaigns;

/// <summary>
/// Planning use cases for operators: create, update (If-Match version), get, list, dry-run check, submit for approval,
/// reopen after rejection, cancel, name contingency owners, record lessons learned, read the audit trail.
/// </summary>
public sealed class CampaignPlanning(
    ICampaignRepository campaigns,
    ICampaignAuditTrail auditTrail,
    CampaignPlanChecker checker,
    TimeProvider time)
{
    /// <summary>
    /// A new Draft. <paramref name="campaignId"/> may be chosen by the caller (then a retried create finds the campaign
    /// and returns Conflict <c>campaign-exists</c> rather than creating a second one); otherwise a time-ordered id is made.
    /// Validation errors → Validation problem with field errors; warnings come back on the campaign.
    /// </summary>
    public async Task<Result<Campaign>> CreateAsync(CampaignPlan plan, CampaignActor actor, string? campaignId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(actor);
        var now = time.GetUtcNow();
        var id = campaignId ?? Guid.CreateVersion7(now).ToString("N");
        if (!CampaignPlanRules.IsValidCampaignId(id))
        {
            return Problem.Validation("id", "Letters, digits, '-' or '_' (at most 64), starting with a letter or digit.");
        }

        if (CampaignLifecycle.CheckRole(actor, CampaignAction.Create) is { } denied)
        {
            return denied;
        }

        var normalized = checker.Normalize(plan);
        var check = await checker.CheckAsync(id, normalized, cancellationToken);
        if (check.Errors.ToProblem() is { } invalid)
        {
            return invalid;
        }

        var created = Campaign.Create(id, normalized, check.Warnings, actor, now);
        return created.IsSuccess ? await campaigns.SaveAsync(created.Value!, cancellationToken) : created.Problem!;
    }

    /// <summary>Replaces the plan of a Draft (or a Rejected campaign, which becomes a Draft again).</summary>
    public async Task<Result<Campaign>> UpdateAsync(string campaignId, CampaignPlan plan, long? expectedVersion, CampaignActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(actor);
        var loaded = await CampaignStore.LoadAsync(campaigns, campaignId, cancellationToken);
        if (!loaded.IsSuccess)
        {
            return loaded;
        }

        if (CampaignLifecycle.CheckRole(actor, CampaignAction.Update) is { } denied)
        {
            return denied;
        }

        if (!CampaignLifecycle.IsAllowed(loaded.Value!.State, CampaignAction.Update))
        {
            return Problem.Conflict("invalid-transition", $"A campaign in state {loaded.Value.State} cannot be edited; only Draft (or Rejected) plans can.");
        }

        var normalized = checker.Normalize(plan);
        var check = await checker.CheckAsync(campaignId, normalized, cancellationToken);
        if (check.Errors.ToProblem() is { } invalid)
        {
            return invalid;
        }

        // Without an If-Match the plan still only replaces the version it was checked against: a concurrent edit
        // makes this update fail (PreconditionFailed) instead of being silently overwritten.
        return await CampaignStore.ApplyAsync(campaigns, campaignId, expectedVersion ?? loaded.Value.Version,
            c => c.Update(normalized, check.Warnings, actor, time.GetUtcNow()), cancellationToken);
    }

    /// <summary>The plan's errors and warnings without saving anything (for a "check" button).</summary>
    public Task<CampaignPlanCheck> CheckAsync(string campaignId, CampaignPlan plan, CancellationToken cancellationToken) =>
        checker.CheckAsync(campaignId, checker.Normalize(plan), cancellationToken);

    public Task<Result<Campaign>> GetAsync(string campaignId, CancellationToken cancellationToken) =>
        CampaignStore.LoadAsync(campaigns, campaignId, cancellationToken);

    public Task<CampaignPage> ListAsync(CampaignQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var pageSize = Math.Clamp(query.PageSize, 1, CampaignQuery.MaxPageSize);
        return campaigns.ListAsync(query with { PageSize = pageSize }, cancellationToken);
    }

    /// <summary>
    /// Submits a Draft for approval. Submitting again while it waits is a successful no-op, so a retried request
    /// returns the same campaign (and the App's fixed instance id keeps a second orchestration from starting).
    /// </summary>
    public Task<Result<Campaign>> SubmitAsync(string campaignId, long? expectedVersion, CampaignActor actor, CancellationToken cancellationToken) =>
        CampaignStore.ApplyAsync(campaigns, campaignId, expectedVersion, c => c.Submit(actor, time.GetUtcNow()), cancellationToken);

    public Task<Result<Campaign>> ReopenAsync(string campaignId, long? expectedVersion, CampaignActor actor, CancellationToken cancellationToken) =>
        CampaignStore.ApplyAsync(campaigns, campaignId, expectedVersion, c => c.Reopen(actor, time.GetUtcNow()), cancellationToken);

    public Task<Result<Campaign>> CancelAsync(string campaignId, string reason, long? expectedVersion, CampaignActor actor, CancellationToken cancellationToken) =>
        CampaignStore.ApplyAsync(campaigns, campaignId, expectedVersion, c => c.Cancel(actor, time.GetUtcNow(), reason), cancellationToken);

    public Task<Result<Campaign>> AssignContingencyOwnersAsync(string campaignId, IReadOnlyList<string> owners, long? expectedVersion, CampaignActor actor, CancellationToken cancellationToken) =>
        CampaignStore.ApplyAsync(campaigns, campaignId, expectedVersion, c => c.AssignContingencyOwners(owners, actor, time.GetUtcNow()), cancellationToken);

    public Task<Result<Campaign>> RecordLessonsAsync(string campaignId, string lessonsLearned, long? expectedVersion, CampaignActor actor, CancellationToken cancellationToken) =>
        CampaignStore.ApplyAsync(campaigns, campaignId, expectedVersion, c => c.RecordLessons(lessonsLearned, actor, time.GetUtcNow()), cancellationToken);

    public async Task<Result<IReadOnlyList<CampaignAuditEntry>>> AuditTrailAsync(string campaignId, CancellationToken cancellationToken)
    {
        var loaded = await CampaignStore.LoadAsync(campaigns, campaignId, cancellationToken);
        if (!loaded.IsSuccess)
        {
            return loaded.Problem!;
        }

        return Result<IReadOnlyList<CampaignAuditEntry>>.Success(await auditTrail.ListAsync(campaignId, cancellationToken));
    }
}

/// <summary>The approver's use cases (four-eyes enforced by the aggregate) and the approval timeout.</summary>
public sealed class CampaignApprovals(ICampaignRepository campaigns, CampaignOptions options, TimeProvider time)
{
    public Task<Result<Campaign>> ApproveAsync(string campaignId, string? comment, long? expectedVersion, CampaignActor approver, CancellationToken cancellationToken) =>
        CampaignStore.ApplyAsync(campaigns, campaignId, expectedVersion, c => c.Approve(approver, time.GetUtcNow(), comment), cancellationToken);

    public Task<Result<Campaign>> RejectAsync(string campaignId, string reason, long? expectedVersion, CampaignActor approver, CancellationToken cancellationToken) =>
        CampaignStore.ApplyAsync(campaigns, campaignId, expectedVersion, c => c.Reject(approver, time.GetUtcNow(), reason), cancellationToken);

    /// <summary>Activity for the orchestrator's approval timer: back to Draft with the reason (Conflict if the deadline is ahead).</summary>
    public Task<Result<Campaign>> ExpireAsync(string campaignId, CancellationToken cancellationToken) =>
        CampaignStore.ApplyAsync(campaigns, campaignId, null, c => c.ExpireApproval(time.GetUtcNow(), options), cancellationToken);
}
