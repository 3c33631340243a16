using EcomFunctions.App.Platform;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Storage.Campaigns;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EcomFunctions.App.Campaigns;

/// <summary>
/// The campaign-scheduler: every five minutes it finds campaigns that should have a running <c>campaign-{id}</c>
/// (submitted and not yet evaluated) whose orchestration is missing, failed, terminated or finished early, and starts
/// it again. Idempotent: <see cref="DurableClientExtensions.StartOnceAsync"/> never touches a running instance, and a
/// restarted orchestration resumes from the campaign's stored state (the timeline decides the next step).
/// </summary>
public sealed class CampaignSchedulerFunction(CampaignDirectory directory, ICampaignRepository campaigns, IOptions<CampaignRuntimeOptions> runtime, ILogger<CampaignSchedulerFunction> logger)
{
    private static readonly CampaignState[] Orchestrated =
    [
        CampaignState.PendingApproval, CampaignState.Approved, CampaignState.Scheduled, CampaignState.Live,
        CampaignState.Paused, CampaignState.Ended, CampaignState.Killed,
    ];

    [Function("CampaignScheduler")]
    public async Task Run([TimerTrigger("0 */5 * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var repaired = await RepairAsync(client, cancellationToken);
        if (repaired.Count > 0)
        {
            logger.LogWarning("Campaign scheduler restarted {Count} orchestration(s): {Campaigns}.", repaired.Count, string.Join(", ", repaired));
        }
    }

    /// <summary>Starts the missing orchestrations; returns the campaign ids it started.</summary>
    public async Task<IReadOnlyList<string>> RepairAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var repaired = new List<string>();
        var settings = runtime.Value;
        foreach (var entry in await directory.ListAsync(Orchestrated, cancellationToken))
        {
            var instanceId = CampaignSignals.InstanceId(entry.CampaignId);
            var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
            if (instance is not null && DurableClientExtensions.ActiveStatuses.Contains(instance.RuntimeStatus))
            {
                continue;
            }

            // The directory may lag behind the campaign: the aggregate decides whether it still needs orchestrating.
            if (await campaigns.GetAsync(entry.CampaignId, cancellationToken) is not { } campaign || !Orchestrated.Contains(campaign.State))
            {
                continue;
            }

            if (await client.StartOnceAsync(nameof(CampaignOrchestration.CampaignOrchestrator), instanceId,
                    new CampaignRun(campaign.Id, Retry: new RunRetry(settings.ActivityAttempts, settings.ActivityRetryInterval.TotalSeconds)), cancellationToken))
            {
                logger.LogWarning("Campaign {CampaignId} ({State}) had no running orchestration ({Status}); restarted.",
                    campaign.Id, campaign.State, instance?.RuntimeStatus.ToString() ?? "missing");
                repaired.Add(campaign.Id);
            }
        }

        return repaired;
    }
}
