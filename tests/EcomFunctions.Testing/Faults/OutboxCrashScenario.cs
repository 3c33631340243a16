using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EcomFunctions.Testing.Faults;

/// <summary>
/// Fault scenario 4 end to end (the dispatcher's own contract is Storage.Tests' OutboxTests
/// <c>An_event_committed_with_its_change_is_dispatched_once_even_when_the_dispatcher_crashes_between_publish_and_mark</c>):
/// a CampaignEnded event is published and delivered to its subscriber queue, then the dispatcher "dies" before marking
/// the row; the signal is processed again by the LocalHost, so the consumer (Coupons closing the campaign's definitions)
/// receives the event twice. The consumer dedupes: the definition closes once, its inventory is released once, one
/// CouponDefinitionClosed is published, the sink holds the event once and the outbox row is gone.
/// </summary>
public static class OutboxCrashScenario
{
    public const string Name = "outbox-crash-between-publish-and-mark";
    private const int Quantity = 100;

    public static async Task<FaultOutcome> RunAsync(Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var findings = new List<string>();
        int lost = 0, duplicated = 0;
        await using var host = await FaultHost.StartAsync();
        using var operatorClient = host.CreateClient(principal: CouponCalls.Operator);
        var coupons = new CouponCalls(host.Client, operatorClient);
        var campaignId = Azurite.UniqueName("c");
        var definition = await coupons.ActiveDefinitionAsync(Quantity, campaignId: campaignId);

        var storage = host.Services.GetRequiredService<StorageClients>();
        var signals = new RecordingQueueSender();
        var table = await storage.TableAsync(Azurite.UniqueName("campaignsfault"), cancellationToken);
        var ended = new DomainEvent(Guid.NewGuid().ToString("N"), "Ecom.Campaigns.CampaignEnded", $"campaigns/{campaignId}", DateTimeOffset.UtcNow, $"{{\"campaignId\":\"{campaignId}\"}}");
        await new Outbox(storage, signals, NullLogger<Outbox>.Instance).CommitAsync(table, campaignId, [], [ended], cancellationToken);
        var batch = signals.Messages<OutboxBatch>(QueueNames.OutboxDispatch).Single();

        // Publish and deliver to the subscriber queue, then die before marking the row dispatched.
        var outbox = host.Services.GetRequiredService<Outbox>();
        var crashing = new OutboxDispatcher(outbox, host.Services.GetRequiredService<IEventPublisher>(),
            new CrashAfterDelivery(host.Services.GetRequiredService<IQueueSender>()), host.Services.GetRequiredService<IOptions<OutboxOptions>>(),
            TimeProvider.System, NullLogger<OutboxDispatcher>.Instance);
        try
        {
            await crashing.DispatchAsync(batch, cancellationToken);
            findings.Add("the crashing dispatcher did not crash");
        }
        catch (InvalidOperationException)
        {
            // The simulated process death.
        }

        // The signal is still on the queue in real life (never deleted): the host processes it again.
        await host.Services.GetRequiredService<IQueueSender>().SendAsync(QueueNames.OutboxDispatch, batch, cancellationToken: cancellationToken);
        try
        {
            await Eventually.HoldsAsync(async () => (await outbox.ReadAsync(batch, cancellationToken)).Count, n => n == 0, TimeSpan.FromSeconds(30), "the outbox row dispatched and marked");
            var state = await Eventually.HoldsAsync(async () => (await coupons.DefinitionAsync(definition)).GetProperty("state").GetString(), s => s == "closed",
                TimeSpan.FromSeconds(30), "the linked definition closed");
            await Task.Delay(1500, cancellationToken); // the second delivery is handled by now
        }
        catch (TimeoutException ex)
        {
            findings.Add(ex.Message);
            lost++;
        }

        var inventory = (await coupons.DefinitionAsync(definition)).GetProperty("inventory");
        if (inventory.GetProperty("released").GetInt32() != Quantity || inventory.GetProperty("remaining").GetInt32() != 0)
        {
            findings.Add($"inventory after the end: {inventory}");
        }

        var sink = host.Services.GetRequiredService<LocalEventSink>();
        var endedEvents = (await sink.ListAsync(ended.Type, 1000, cancellationToken)).Count(e => e.Id == ended.Id);
        var closedEvents = (await sink.ListAsync(CouponEventTypes.CouponDefinitionClosed, 1000, cancellationToken)).Count(e => e.Subject == CouponEventTypes.DefinitionSubject(definition));
        if (endedEvents != 1 || closedEvents != 1)
        {
            findings.Add($"the sink holds CampaignEnded {endedEvents}× and CouponDefinitionClosed {closedEvents}× (once each expected)");
            duplicated += Math.Max(0, endedEvents - 1) + Math.Max(0, closedEvents - 1);
            lost += (endedEvents == 0 ? 1 : 0) + (closedEvents == 0 ? 1 : 0);
        }

        progress?.Invoke($"outbox-crash: CampaignEnded delivered twice; definition closed, {inventory.GetProperty("released").GetInt32()} released, events once: {endedEvents == 1 && closedEvents == 1}");
        return FaultOutcome.From(Name, lost, duplicated, findings);
    }

    /// <summary>Delivers to subscriber queues, then "dies" (the dispatcher never reaches the mark).</summary>
    private sealed class CrashAfterDelivery(IQueueSender inner) : IQueueSender
    {
        public async Task SendAsync<T>(string queue, T message, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default)
        {
            await inner.SendAsync(queue, message, visibilityDelay, cancellationToken);
            throw new InvalidOperationException("process died between publish and mark");
        }

        public async Task SendTextAsync(string queue, string text, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default)
        {
            await inner.SendTextAsync(queue, text, visibilityDelay, cancellationToken);
            throw new InvalidOperationException("process died between publish and mark");
        }
    }
}
