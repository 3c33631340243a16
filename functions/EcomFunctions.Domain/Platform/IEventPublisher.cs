namespace EcomFunctions.Domain.Platform;

/// <summary>
/// Publishes domain events to subscribers (Event Grid in Azure, a local sink table here). At-least-once:
/// the outbox may publish an event again after a crash, always with the same id, so subscribers dedupe by id.
/// </summary>
public interface IEventPublisher
{
    Task PublishAsync(IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken);
}
