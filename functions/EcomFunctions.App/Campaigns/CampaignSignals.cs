using EcomFunctions.App.Platform;
using Microsoft.DurableTask.Client;

namespace EcomFunctions.App.Campaigns;

/// <summary>An operator's action the campaign orchestration should react to now rather than at its next tick.</summary>
public sealed record CampaignSignal(string Action, string By, string? Reason, DateTimeOffset At);

/// <summary>
/// External events of the campaign orchestration. The endpoints apply the change to the campaign themselves (so a kill
/// is effective on the claim path at once, whatever the orchestration is doing) and then raise the event, which wakes
/// the orchestration from its timer so it re-plans from the campaign's new state and records who did what.
/// </summary>
public sealed class CampaignSignals
{
    public const string Approval = "Approval";
    public const string Readiness = "Readiness";
    public const string Pause = "Pause";
    public const string Resume = "Resume";
    public const string Kill = "Kill";
    public const string Extend = "Extend";
    public const string Cancel = "Cancel";
    public const string Budget = "Budget";

    /// <summary>Every event the orchestration waits for while it waits for time to pass.</summary>
    public static IReadOnlyList<string> All { get; } = [Approval, Readiness, Pause, Resume, Kill, Extend, Cancel, Budget];

    public static string InstanceId(string campaignId) => $"campaign-{campaignId}";

    /// <summary>Raises the event to a running orchestration; returns false when there is none (nothing is lost: the state is saved).</summary>
    public static Task<bool> RaiseAsync(DurableTaskClient client, string campaignId, string name, CampaignSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.RaiseEventIfActiveAsync(InstanceId(campaignId), name, signal, cancellationToken);
    }
}
