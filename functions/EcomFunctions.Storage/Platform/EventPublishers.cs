using System.Net;
using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Storage;

public sealed class EventGridOptions
{
    /// <summary>The custom topic endpoint. Empty → events go to the local sink table instead.</summary>
    public string? Endpoint { get; set; }

    /// <summary>CloudEvents <c>source</c> attribute.</summary>
    public string Source { get; set; } = "/ecomfunctions";

    /// <summary>Client id of the user-assigned managed identity that may send to the topic (Azure); empty → default credential chain.</summary>
    public string? ClientId { get; set; }
}

/// <summary>Publishes events as CloudEvents 1.0 to an Event Grid custom topic, authenticating with a managed identity.</summary>
public sealed class EventGridEventPublisher : IEventPublisher
{
    // Event Grid accepts up to 1 MB per publish call; 100 small events stay far below it.
    private const int BatchSize = 100;
    private readonly EventGridPublisherClient client;
    private readonly string source;

    public EventGridEventPublisher(EventGridOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        TokenCredential credential = string.IsNullOrWhiteSpace(options.ClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ClientId));
        client = new EventGridPublisherClient(new Uri(options.Endpoint!), credential);
        source = options.Source;
    }

    public async Task PublishAsync(IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var batch in events.Chunk(BatchSize))
        {
            var cloudEvents = batch.Select(e => new CloudEvent(source, e.Type, BinaryData.FromString(e.DataJson), "application/json")
            {
                Id = e.Id,
                Subject = e.Subject,
                Time = e.Time,
            });
            await client.SendEventsAsync(cloudEvents, cancellationToken);
        }
    }
}

/// <summary>
/// The local stand-in for Event Grid: events land in table <see cref="TableNames.LocalEvents"/>, partition key =
/// event type (tests and the console read one type at a time), row key = event id. Insert-if-absent makes a
/// redelivered event a no-op, which is exactly the consumer-side dedupe by id that Event Grid subscribers do.
/// </summary>
public sealed class LocalEventSink(StorageClients storage, TimeProvider time) : IEventPublisher
{
    public async Task PublishAsync(IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var table = await storage.TableAsync(TableNames.LocalEvents, cancellationToken);
        foreach (var e in events)
        {
            var entity = new TableEntity(e.Type, e.Id)
            {
                ["Subject"] = e.Subject,
                ["Time"] = e.Time,
                ["Data"] = e.DataJson,
                ["ReceivedAt"] = time.GetUtcNow(),
            };
            try
            {
                await table.AddEntityAsync(entity, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
            {
                // Already delivered: the outbox retried after a crash between publish and mark.
            }
        }
    }

    /// <summary>Events received, newest first, optionally of one type.</summary>
    public async Task<IReadOnlyList<DomainEvent>> ListAsync(string? type, int take, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.LocalEvents, cancellationToken);
        var query = type is null
            ? table.QueryAsync<TableEntity>(cancellationToken: cancellationToken)
            : table.QueryAsync<TableEntity>(e => e.PartitionKey == type, cancellationToken: cancellationToken);
        var all = new List<DomainEvent>();
        await foreach (var entity in query)
        {
            all.Add(new DomainEvent(entity.RowKey, entity.PartitionKey, entity.GetString("Subject") ?? string.Empty,
                entity.GetDateTimeOffset("Time") ?? DateTimeOffset.MinValue, entity.GetString("Data") ?? "null"));
        }

        return all.OrderByDescending(e => e.Time).Take(take).ToList();
    }
}
