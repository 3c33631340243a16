using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Storage.Campaigns;

/// <summary>
/// Campaign incidents (<see cref="IIncidentLog"/>): table <see cref="CampaignTables.Incidents"/>, <b>partition key =
/// campaign id</b>, row key = incident id — a campaign's incidents are one range read for the report and the
/// monitoring loop, and an incident is written together with its outbox rows in one transaction. Adds are
/// <c>AddEntity</c> (409 = <c>incident-exists</c>); saves replace with the ETag of the expected version.
/// </summary>
public sealed class TableIncidentLog(StorageClients storage, Outbox outbox, CampaignTables tables) : IIncidentLog
{
    public async Task<Result<CampaignIncident>> AddAsync(CampaignIncident incident, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var table = await storage.TableAsync(tables.Incidents, cancellationToken);
        try
        {
            await outbox.CommitAsync(table, incident.CampaignId, [new(TableTransactionActionType.Add, ToEntity(incident))], events, cancellationToken);
            return incident;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            return Problem.Conflict("incident-exists", $"Incident '{incident.Id}' of campaign '{incident.CampaignId}' exists.");
        }
    }

    public async Task<Result<CampaignIncident>> SaveAsync(CampaignIncident incident, long expectedVersion, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var table = await storage.TableAsync(tables.Incidents, cancellationToken);
        var stored = await table.GetEntityIfExistsAsync<TableEntity>(incident.CampaignId, incident.Id, ["Version"], cancellationToken);
        if (!stored.HasValue || stored.Value is not { } row || (row.GetInt64("Version") ?? 0) != expectedVersion)
        {
            return Problem.PreconditionFailed($"Incident '{incident.Id}' is not at version {expectedVersion}.");
        }

        try
        {
            await outbox.CommitAsync(table, incident.CampaignId, [new(TableTransactionActionType.UpdateReplace, ToEntity(incident), row.ETag)], events, cancellationToken);
            return incident;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            return Problem.PreconditionFailed($"Incident '{incident.Id}' changed since version {expectedVersion}.");
        }
    }

    public async Task<CampaignIncident?> GetAsync(string campaignId, string incidentId, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(campaignId) || !TableKeys.IsValid(incidentId) || incidentId.StartsWith(Outbox.RowKeyPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var table = await storage.TableAsync(tables.Incidents, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(campaignId, incidentId, cancellationToken: cancellationToken);
        return row.HasValue && row.Value is { } entity ? CampaignEntities.ReadDocument<CampaignIncident>(entity, CampaignJson.Options) : null;
    }

    public async Task<IReadOnlyList<CampaignIncident>> ListAsync(string campaignId, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(campaignId))
        {
            return [];
        }

        var table = await storage.TableAsync(tables.Incidents, cancellationToken);
        // Incident ids start with a letter or digit; outbox rows ('~') sort after them.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {campaignId} and RowKey lt {"~"}");
        var incidents = new List<CampaignIncident>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            incidents.Add(CampaignEntities.ReadDocument<CampaignIncident>(row, CampaignJson.Options));
        }

        return incidents.OrderBy(i => i.OpenedAt).ThenBy(i => i.Id, StringComparer.Ordinal).ToList();
    }

    private static TableEntity ToEntity(CampaignIncident incident)
    {
        var entity = new TableEntity(incident.CampaignId, incident.Id)
        {
            ["Version"] = incident.Version,
            ["Status"] = incident.Status.ToString(),
            ["Severity"] = incident.Severity.ToString(),
        };
        CampaignEntities.WriteDocument(entity, JsonSerializer.Serialize(incident, CampaignJson.Options));
        return entity;
    }
}
