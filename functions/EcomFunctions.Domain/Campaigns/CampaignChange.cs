using System.Text.Json;
using System.Text.Json.Serialization;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Campaigns;

/// <summary>Who did what to a campaign and when; one entry per action, keyed by (campaign, version, sequence).</summary>
public sealed record CampaignAuditEntry(
    string CampaignId,
    long Version,
    int Sequence,
    DateTimeOffset At,
    string Actor,
    CampaignAction Action,
    CampaignState From,
    CampaignState To,
    string? Comment);

/// <summary>
/// The outcome of one operation on a campaign: the new state, the audit entries and the domain events it produced.
/// Storage writes all three atomically (same partition, one batch: the events are the outbox) and only if the stored
/// version still equals <see cref="ExpectedVersion"/> (0 = the campaign must not exist yet).
/// A no-op (the campaign was already where the operation leads, e.g. a retried submit) has nothing to write.
/// </summary>
public sealed record CampaignChange(
    Campaign Campaign,
    long ExpectedVersion,
    IReadOnlyList<CampaignAuditEntry> Audit,
    IReadOnlyList<DomainEvent> Events)
{
    public bool IsNoOp => Audit.Count == 0;

    public static CampaignChange NoChange(Campaign campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return new(campaign, campaign.Version, [], []);
    }

    /// <summary>
    /// This change followed by <paramref name="next"/> on its result, as one change saved in one batch: a request that
    /// asks for several things gets all of them or, when any is refused, none (never a refusal after a partial write).
    /// </summary>
    public Result<CampaignChange> Then(Func<Campaign, Result<CampaignChange>> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var following = next(Campaign);
        if (!following.IsSuccess)
        {
            return following.Problem!;
        }

        var second = following.Value!;
        return second.IsNoOp
            ? this
            : new CampaignChange(second.Campaign, ExpectedVersion, [.. Audit, .. second.Audit], [.. Events, .. second.Events]);
    }
}

/// <summary>CloudEvent types of the Campaigns capability (<c>Ecom.Campaigns.*</c>); the subject is <c>campaigns/{id}</c>.</summary>
public static class CampaignEventTypes
{
    public const string Prefix = "Ecom.Campaigns.";
    public const string CampaignCreated = Prefix + "CampaignCreated";
    public const string CampaignUpdated = Prefix + "CampaignUpdated";
    public const string CampaignSubmitted = Prefix + "CampaignSubmitted";
    public const string CampaignApproved = Prefix + "CampaignApproved";
    public const string CampaignRejected = Prefix + "CampaignRejected";
    public const string CampaignReopened = Prefix + "CampaignReopened";
    public const string CampaignApprovalExpired = Prefix + "CampaignApprovalExpired";
    public const string CampaignScheduled = Prefix + "CampaignScheduled";
    public const string CampaignLive = Prefix + "CampaignLive";
    public const string CampaignPaused = Prefix + "CampaignPaused";
    public const string CampaignResumed = Prefix + "CampaignResumed";
    public const string CampaignKilled = Prefix + "CampaignKilled";
    public const string CampaignCancelled = Prefix + "CampaignCancelled";
    public const string CampaignExtended = Prefix + "CampaignExtended";
    public const string CampaignEnded = Prefix + "CampaignEnded";
    public const string CampaignEvaluated = Prefix + "CampaignEvaluated";
    public const string ReadinessConfirmed = Prefix + "ReadinessConfirmed";
    public const string ReadinessOverridden = Prefix + "ReadinessOverridden";
    public const string ContingencyOwnersAssigned = Prefix + "ContingencyOwnersAssigned";
    public const string BudgetReallocated = Prefix + "BudgetReallocated";
    public const string BudgetAlert = Prefix + "BudgetAlert";
    public const string MechanicPaused = Prefix + "MechanicPaused";
    public const string MechanicResumed = Prefix + "MechanicResumed";
    public const string LessonsRecorded = Prefix + "LessonsRecorded";
    public const string CampaignStageStarted = Prefix + "CampaignStageStarted";
    public const string CampaignStageEnded = Prefix + "CampaignStageEnded";
    public const string ReadinessAlert = Prefix + "ReadinessAlert";
    public const string IncidentOpened = Prefix + "IncidentOpened";
    public const string IncidentUpdated = Prefix + "IncidentUpdated";
    public const string IncidentResolved = Prefix + "IncidentResolved";

    public static string SubjectOf(string campaignId) => $"campaigns/{campaignId}";
}

internal static class CampaignEventData
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>
    /// The event id derives from the change that caused it (campaign version + position), so an operation retried
    /// from the same stored version produces the same id and consumers can deduplicate.
    /// </summary>
    public static DomainEvent Create(string type, string subject, string discriminator, DateTimeOffset time, object data) =>
        new(DomainEvent.StableId(type, subject, discriminator), type, subject, time, JsonSerializer.Serialize(data, Json));
}
