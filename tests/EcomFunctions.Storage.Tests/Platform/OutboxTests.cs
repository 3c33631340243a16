using Azure.Data.Tables;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EcomFunctions.Storage.Tests.Platform;

public sealed class OutboxTests
{
    private readonly StorageClients storage = new(new StorageConnection(Azurite.ConnectionString));
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 11, 0, 0, 0, TimeSpan.Zero));
    // Signals are recorded, not sent: the real outbox-dispatch queue is shared with every LocalHost under test, whose
    // dispatcher would race these tests for the rows.
    private readonly RecordingSender signals = new();
    private readonly Outbox outbox;
    private readonly LocalEventSink sink;

    public OutboxTests()
    {
        outbox = new Outbox(storage, signals, NullLogger<Outbox>.Instance);
        sink = new LocalEventSink(storage, time);
    }

    [Fact]
    public async Task An_event_committed_with_its_change_is_dispatched_once_even_when_the_dispatcher_crashes_between_publish_and_mark()
    {
        var table = await storage.TableAsync(Azurite.UniqueName("orders"));
        var type = "Ecom.Test." + Guid.NewGuid().ToString("N");
        var domainEvent = new DomainEvent(Guid.NewGuid().ToString("N"), type, "orders/1", time.GetUtcNow(), "{\"orderId\":\"1\"}");
        var change = new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p1", "order-1") { ["Total"] = 100 });

        await outbox.CommitAsync(table, "p1", [change], [domainEvent], CancellationToken.None);

        var batch = new OutboxBatch(table.Name, "p1", [domainEvent.Id]);
        var crashing = new OutboxDispatcher(outbox, new CrashAfterPublish(sink), new QueueSender(storage), Options(table.Name), time, NullLogger<OutboxDispatcher>.Instance);
        await Assert.ThrowsAsync<InvalidOperationException>(() => crashing.DispatchAsync(batch, CancellationToken.None));

        var dispatcher = new OutboxDispatcher(outbox, sink, new QueueSender(storage), Options(table.Name), time, NullLogger<OutboxDispatcher>.Instance);
        Assert.Equal(1, await dispatcher.DispatchAsync(batch, CancellationToken.None));
        Assert.Equal(0, await dispatcher.DispatchAsync(batch, CancellationToken.None));

        var delivered = await sink.ListAsync(type, 10, CancellationToken.None);
        Assert.Single(delivered);
        Assert.Equal(domainEvent.Id, delivered[0].Id);
        Assert.Equal("{\"orderId\":\"1\"}", delivered[0].DataJson);
        Assert.Empty(await outbox.ReadAsync(batch, CancellationToken.None));
        Assert.True((await table.GetEntityIfExistsAsync<TableEntity>("p1", "order-1")).HasValue);
    }

    [Fact]
    public async Task A_failed_change_stores_no_event()
    {
        var table = await storage.TableAsync(Azurite.UniqueName("orders"));
        await table.AddEntityAsync(new TableEntity("p1", "order-1"));
        var domainEvent = new DomainEvent(Guid.NewGuid().ToString("N"), "Ecom.Test.X", "orders/1", time.GetUtcNow(), "{}");
        var duplicate = new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p1", "order-1"));

        await Assert.ThrowsAsync<TableTransactionFailedException>(() => outbox.CommitAsync(table, "p1", [duplicate], [domainEvent], CancellationToken.None));

        Assert.Empty(await outbox.ReadAsync(new OutboxBatch(table.Name, "p1", [domainEvent.Id]), CancellationToken.None));
    }

    [Fact]
    public async Task The_sweeper_dispatches_events_whose_signal_was_lost()
    {
        var table = await storage.TableAsync(Azurite.UniqueName("orders"));
        var type = "Ecom.Test." + Guid.NewGuid().ToString("N");
        var events = Enumerable.Range(0, 3).Select(i => new DomainEvent(Guid.NewGuid().ToString("N"), type, $"orders/{i}", time.GetUtcNow(), "{}")).ToList();
        // The process "died" after the commit: rows written, no signal sent.
        await table.SubmitTransactionAsync(events.Take(2).Select(e => Outbox.RowFor("p1", e)));
        await table.SubmitTransactionAsync(events.Skip(2).Select(e => Outbox.RowFor("p2", e)));
        await table.AddEntityAsync(new TableEntity("p1", "business-row"));

        var dispatcher = new OutboxDispatcher(outbox, sink, new QueueSender(storage), Options(table.Name, TimeSpan.Zero), new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(5)), NullLogger<OutboxDispatcher>.Instance);
        Assert.Equal(3, await dispatcher.SweepAsync(CancellationToken.None));
        Assert.Equal(0, await dispatcher.SweepAsync(CancellationToken.None));
        Assert.Equal(3, (await sink.ListAsync(type, 10, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task The_sweeper_leaves_fresh_rows_to_their_signal()
    {
        var table = await storage.TableAsync(Azurite.UniqueName("orders"));
        var domainEvent = new DomainEvent(Guid.NewGuid().ToString("N"), "Ecom.Test.Fresh", "orders/1", time.GetUtcNow(), "{}");
        await table.SubmitTransactionAsync([Outbox.RowFor("p1", domainEvent)]);

        var dispatcher = new OutboxDispatcher(outbox, sink, new QueueSender(storage), Options(table.Name, TimeSpan.FromMinutes(1)), new FakeTimeProvider(DateTimeOffset.UtcNow), NullLogger<OutboxDispatcher>.Instance);
        Assert.Equal(0, await dispatcher.SweepAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Committing_signals_the_dispatch_queue_with_the_event_ids()
    {
        var table = await storage.TableAsync(Azurite.UniqueName("orders"));
        var domainEvent = new DomainEvent(Guid.NewGuid().ToString("N"), "Ecom.Test.Signal", "orders/1", time.GetUtcNow(), "{}");

        await outbox.CommitAsync(table, "p9", [], [domainEvent], CancellationToken.None);

        var (queue, message) = Assert.Single(signals.Sent);
        Assert.Equal(QueueNames.OutboxDispatch, queue);
        var batch = Assert.IsType<OutboxBatch>(message);
        Assert.Equal((table.Name, "p9"), (batch.Table, batch.PartitionKey));
        Assert.Equal([domainEvent.Id], batch.EventIds);
    }

    [Fact]
    public async Task A_lost_signal_does_not_fail_the_committed_change()
    {
        var table = await storage.TableAsync(Azurite.UniqueName("orders"));
        var failing = new Outbox(storage, new FailingSender(), NullLogger<Outbox>.Instance);
        var domainEvent = new DomainEvent(Guid.NewGuid().ToString("N"), "Ecom.Test.Lost", "orders/1", time.GetUtcNow(), "{}");

        await failing.CommitAsync(table, "p1", [], [domainEvent], CancellationToken.None);

        Assert.Single(await outbox.ReadAsync(new OutboxBatch(table.Name, "p1", [domainEvent.Id]), CancellationToken.None));
    }

    [Fact]
    public async Task A_signal_lost_to_an_outage_the_sdk_retried_does_not_fail_the_committed_change()
    {
        // Regression (fault scenario 1): with storage down, the SDK's retries end in an AggregateException of the attempts'
        // RequestFailedExceptions, not in a RequestFailedException; it escaped and turned committed claims into 500s.
        var table = await storage.TableAsync(Azurite.UniqueName("orders"));
        var failing = new Outbox(storage, new FailingSender(retriesExhausted: true), NullLogger<Outbox>.Instance);
        var domainEvent = new DomainEvent(Guid.NewGuid().ToString("N"), "Ecom.Test.Lost", "orders/1", time.GetUtcNow(), "{}");

        await failing.CommitAsync(table, "p1", [], [domainEvent], CancellationToken.None);

        Assert.Single(await outbox.ReadAsync(new OutboxBatch(table.Name, "p1", [domainEvent.Id]), CancellationToken.None));
    }

    [Theory]
    [InlineData(503, true)]
    [InlineData(0, true)]
    [InlineData(409, false)]
    [InlineData(412, false)]
    public void Storage_outages_are_told_from_business_conflicts_even_after_the_sdk_retries(int status, bool transient)
    {
        Assert.Equal(transient, StorageFaults.IsTransient(new Azure.RequestFailedException(status, "x")));
        Assert.Equal(transient, StorageFaults.IsTransient(new AggregateException(new Azure.RequestFailedException(status, "x"), new Azure.RequestFailedException(status, "y"))));
        Assert.True(StorageFaults.IsTransient(new HttpRequestException("refused")));
        Assert.False(StorageFaults.IsTransient(new InvalidOperationException("bug")));
    }

    [Fact]
    public async Task Subscribed_queues_receive_the_events_of_their_type_packed_in_one_message()
    {
        var table = await storage.TableAsync(Azurite.UniqueName("orders"));
        var type = "Ecom.Test." + Guid.NewGuid().ToString("N");
        var subscriber = Azurite.UniqueName("subscriber");
        var events = Enumerable.Range(0, 3).Select(i => new DomainEvent(Guid.NewGuid().ToString("N"), type, $"orders/{i}", time.GetUtcNow(), "{}")).ToList();
        var other = new DomainEvent(Guid.NewGuid().ToString("N"), "Ecom.Test.Other", "orders/x", time.GetUtcNow(), "{}");
        await outbox.CommitAsync(table, "p1", [], [.. events, other], CancellationToken.None);
        var options = Options(table.Name);
        options.Value.Subscriptions[type] = [subscriber];

        var dispatcher = new OutboxDispatcher(outbox, sink, new QueueSender(storage), options, time, NullLogger<OutboxDispatcher>.Instance);
        await dispatcher.DispatchAsync(new OutboxBatch(table.Name, "p1", [.. events.Select(e => e.Id), other.Id]), CancellationToken.None);

        var queue = await storage.QueueAsync(subscriber);
        var message = Assert.Single((await queue.PeekMessagesAsync(32)).Value);
        var delivery = QueueMessages.Read<EventDelivery>(message.Body.ToString());
        Assert.Equal(events.Select(e => e.Id).Order(), delivery.Value!.Events.Select(e => e.Id).Order());
    }

    private static IOptions<OutboxOptions> Options(string table, TimeSpan? grace = null)
    {
        var options = new OutboxOptions { SweepGrace = grace ?? TimeSpan.FromSeconds(30) };
        options.Tables.Add(table);
        return Microsoft.Extensions.Options.Options.Create(options);
    }

    private sealed class RecordingSender : IQueueSender
    {
        public List<(string Queue, object? Message)> Sent { get; } = [];

        public Task SendAsync<T>(string queue, T message, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default)
        {
            lock (Sent)
            {
                Sent.Add((queue, message));
            }

            return Task.CompletedTask;
        }

        public Task SendTextAsync(string queue, string text, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default) =>
            SendAsync(queue, text, visibilityDelay, cancellationToken);
    }

    private sealed class FailingSender(bool retriesExhausted = false) : IQueueSender
    {
        public Task SendAsync<T>(string queue, T message, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default) =>
            throw Failure();

        public Task SendTextAsync(string queue, string text, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default) =>
            throw Failure();

        // What the Azure SDK throws when every retry failed: the attempts' exceptions wrapped in an AggregateException.
        private Exception Failure() => retriesExhausted
            ? new AggregateException("Retry failed after 6 tries.", new Azure.RequestFailedException(0, "Connection refused"), new Azure.RequestFailedException(0, "Connection refused"))
            : new Azure.RequestFailedException(503, "storage unavailable");
    }

    /// <summary>Publishes, then "crashes" before the dispatcher can mark the rows dispatched.</summary>
    private sealed class CrashAfterPublish(IEventPublisher inner) : IEventPublisher
    {
        public async Task PublishAsync(IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken)
        {
            await inner.PublishAsync(events, cancellationToken);
            throw new InvalidOperationException("process died");
        }
    }
}
