using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Campaigns;

/// <summary>An incident and the campaign after its actions were applied; <see cref="Notify"/> is whom the App alerts.</summary>
public sealed record IncidentOpened(CampaignIncident Incident, Campaign Campaign, IReadOnlyList<string> Notify);

/// <summary>
/// Incident use cases. Opening records the incident first and then applies its actions to the campaign (pause the
/// campaign, pause one mechanic); both steps are idempotent, so a retry after a failure in between completes the job.
/// </summary>
public sealed class CampaignIncidents(ICampaignRepository campaigns, IIncidentLog incidents, TimeProvider time)
{
    public async Task<Result<IncidentOpened>> OpenAsync(string campaignId, IncidentReport report, CampaignActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(actor);
        var loaded = await CampaignStore.LoadAsync(campaigns, campaignId, cancellationToken);
        if (!loaded.IsSuccess)
        {
            return loaded.Problem!;
        }

        var now = time.GetUtcNow();
        var incidentId = report.Id ?? Guid.CreateVersion7(now).ToString("N");
        var incident = report.Id is null ? null : await incidents.GetAsync(campaignId, incidentId, cancellationToken);
        if (incident is null)
        {
            var opened = CampaignIncident.Open(loaded.Value!, report, incidentId, actor, now);
            if (!opened.IsSuccess)
            {
                return opened.Problem!;
            }

            var added = await incidents.AddAsync(opened.Value!, [opened.Value!.ToEvent(CampaignEventTypes.IncidentOpened, now)], cancellationToken);
            if (!added.IsSuccess && added.Problem!.Code != "incident-exists")
            {
                return added.Problem;
            }

            incident = added.IsSuccess ? added.Value! : await incidents.GetAsync(campaignId, incidentId, cancellationToken) ?? opened.Value;
        }

        var campaign = loaded.Value!;
        foreach (var action in incident.Actions)
        {
            var reason = $"incident {incident.Id}: {incident.Title}";
            Func<Campaign, Result<CampaignChange>>? operation = action.Kind switch
            {
                IncidentActionKind.PauseCampaign => c => c.State == CampaignState.Live ? c.Pause(actor, time.GetUtcNow(), reason) : CampaignChange.NoChange(c),
                IncidentActionKind.PauseMechanic => c => c.PauseMechanic(action.MechanicId!, MechanicPauseSource.Incident, reason, actor, time.GetUtcNow()),
                _ => null,
            };
            if (operation is null)
            {
                continue;
            }

            var applied = await CampaignStore.ApplyAsync(campaigns, campaignId, null, operation, cancellationToken);
            if (!applied.IsSuccess)
            {
                return applied.Problem!;
            }

            campaign = applied.Value!;
        }

        return new IncidentOpened(incident, campaign, incident.NotifiedPeople);
    }

    public Task<Result<CampaignIncident>> AddNoteAsync(string campaignId, string incidentId, string note, CampaignActor actor, CancellationToken cancellationToken) =>
        UpdateAsync(campaignId, incidentId, i => i.AddNote(note, actor, time.GetUtcNow()), CampaignEventTypes.IncidentUpdated, cancellationToken);

    public Task<Result<CampaignIncident>> ResolveAsync(string campaignId, string incidentId, string resolution, CampaignActor actor, CancellationToken cancellationToken) =>
        UpdateAsync(campaignId, incidentId, i => i.Resolve(resolution, actor, time.GetUtcNow()), CampaignEventTypes.IncidentResolved, cancellationToken);

    public async Task<Result<IReadOnlyList<CampaignIncident>>> ListAsync(string campaignId, CancellationToken cancellationToken)
    {
        var loaded = await CampaignStore.LoadAsync(campaigns, campaignId, cancellationToken);
        return loaded.IsSuccess
            ? Result<IReadOnlyList<CampaignIncident>>.Success(await incidents.ListAsync(campaignId, cancellationToken))
            : loaded.Problem!;
    }

    private async Task<Result<CampaignIncident>> UpdateAsync(
        string campaignId, string incidentId, Func<CampaignIncident, Result<CampaignIncident>> operation, string eventType, CancellationToken cancellationToken)
    {
        var incident = await incidents.GetAsync(campaignId, incidentId, cancellationToken);
        if (incident is null)
        {
            return Problem.NotFound($"Incident '{incidentId}' of campaign '{campaignId}'.");
        }

        var updated = operation(incident);
        if (!updated.IsSuccess || updated.Value!.Version == incident.Version)
        {
            return updated;
        }

        return await incidents.SaveAsync(updated.Value, incident.Version, [updated.Value.ToEvent(eventType, time.GetUtcNow())], cancellationToken);
    }
}
