using System.Net;
using Azure.Data.Tables;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EcomFunctions.LocalHost.Tests.Hosting;

/// <summary>The App's queue function (outbox dispatch) and timer function (outbox sweep) under the LocalHost.</summary>
public sealed class QueueAndTimerHostingTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private StorageClients Storage => fixture.Host.Services.GetRequiredService<StorageClients>();

    [Fact]
    public async Task A_queued_outbox_signal_is_processed_and_its_event_delivered()
    {
        var table = await Storage.TableAsync(Azurite.UniqueName("orders"));
        var domainEvent = NewEvent();
        await table.SubmitTransactionAsync([Outbox.RowFor("p1", domainEvent)]);

        await new QueueSender(Storage).SendAsync(QueueNames.OutboxDispatch, new OutboxBatch(table.Name, "p1", [domainEvent.Id]));

        await Eventually.HoldsAsync(() => Delivered(domainEvent), found => found, because: "the queue function dispatches the event");
        await Eventually.HoldsAsync(async () => (await table.GetEntityIfExistsAsync<TableEntity>("p1", Outbox.RowKeyPrefix + domainEvent.Id)).HasValue, present => !present);
    }

    [Fact]
    public async Task The_admin_endpoint_runs_a_timer_function_by_hand()
    {
        using var client = fixture.CreateClient(LocalHostFixture.MasterKey);
        var response = await client.PostAsync("admin/functions/SweepOutbox", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private async Task<bool> Delivered(DomainEvent domainEvent)
    {
        var events = await fixture.Host.Services.GetRequiredService<LocalEventSink>().ListAsync(domainEvent.Type, 10, CancellationToken.None);
        return events.Any(e => e.Id == domainEvent.Id);
    }

    internal static DomainEvent NewEvent() =>
        new(Guid.NewGuid().ToString("N"), "Ecom.Test." + Guid.NewGuid().ToString("N"), "tests/1", DateTimeOffset.UtcNow, "{}");
}

/// <summary>A timer function firing on its (overridden) schedule under the LocalHost.</summary>
public sealed class ScheduledTimerTests : IAsyncLifetime
{
    private readonly string table = Azurite.UniqueName("stranded");
    private LocalHostFixture fixture = null!;

    public async Task InitializeAsync()
    {
        fixture = LocalHostFixture.With(
            options =>
            {
                options.EnableTimers = true;
                options.TimerSchedules["SweepOutbox"] = "*/1 * * * * *";
            },
            services =>
            {
                services.Configure<OutboxOptions>(o =>
                {
                    o.Tables.Add(table);
                    o.SweepGrace = TimeSpan.Zero;
                });
            });
        await fixture.InitializeAsync();
    }

    public Task DisposeAsync() => fixture.DisposeAsync();

    [Fact]
    public async Task The_sweep_timer_fires_on_schedule_and_delivers_a_stranded_event()
    {
        var storage = fixture.Host.Services.GetRequiredService<StorageClients>();
        var client = await storage.TableAsync(table);
        var stranded = QueueAndTimerHostingTests.NewEvent();
        await client.SubmitTransactionAsync([Outbox.RowFor("p1", stranded)]);

        var sink = fixture.Host.Services.GetRequiredService<LocalEventSink>();
        await Eventually.HoldsAsync(async () => (await sink.ListAsync(stranded.Type, 10, CancellationToken.None)).Count, n => n == 1,
            TimeSpan.FromSeconds(20), "the every-second sweep finds the row");
    }
}
