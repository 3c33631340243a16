using System.Globalization;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using EcomFunctions.LocalHost.Hosting;
using EcomFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EcomFunctions.EndToEnd.Tests.Members;

/// <summary>
/// Contact history that hangs after a number of recordings, like a host that dies between enqueueing a page's messages
/// and recording its contacts — the worst moment to be interrupted.
/// </summary>
public sealed class HangingContactHistory(IContactHistory inner, int recordingsBeforeHang, CancellationToken hang) : IContactHistory
{
    private int recordings;

    public int Recordings => recordings;

    public Task<IReadOnlyDictionary<string, IReadOnlyList<ContactRecord>>> GetRecentAsync(IReadOnlyCollection<string> memberIds, DateTimeOffset since, CancellationToken cancellationToken) =>
        inner.GetRecentAsync(memberIds, since, cancellationToken);

    public async Task RecordAsync(IReadOnlyList<ContactRecord> records, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref recordings) > recordingsBeforeHang)
        {
            await Task.Delay(Timeout.Infinite, hang);
        }

        await inner.RecordAsync(records, cancellationToken);
    }

    public Task<DeliveryClaim> TryClaimDeliveryAsync(OutboundMessage message, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) =>
        inner.TryClaimDeliveryAsync(message, now, lease, cancellationToken);

    public Task CompleteDeliveryAsync(string memberId, string contactId, ContactStatus status, DateTimeOffset at, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken) =>
        inner.CompleteDeliveryAsync(memberId, contactId, status, at, events, cancellationToken);

    public Task ReleaseDeliveryClaimAsync(string memberId, string contactId, CancellationToken cancellationToken) =>
        inner.ReleaseDeliveryClaimAsync(memberId, contactId, cancellationToken);
}

/// <summary>
/// A run interrupted midway — the host stops while pages have enqueued messages but not recorded their contacts — resumes
/// on the Azure Storage durable backend after a restart and finishes without a second contact or a second send.
/// </summary>
public sealed class ReactivationRestartTests
{
    private const int MemberCount = 1200;
    private const int Partitions = 4;

    [Fact]
    public async Task A_run_interrupted_midway_resumes_after_a_host_restart_without_double_sending()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Members:PartitionCount"] = Partitions.ToString(CultureInfo.InvariantCulture),
            ["Reactivation:PageSize"] = "100",
            ["Reactivation:QuietHoursStart"] = "00:00",
            ["Reactivation:QuietHoursEnd"] = "00:00",
            // Deliveries the first host had claimed when it stopped are taken over after this lease.
            ["Reactivation:DeliveryClaimLease"] = "00:00:03",
        };
        var hub = Azurite.UniqueName("hub");
        using var hang = new CancellationTokenSource();
        HangingContactHistory? hanging = null;
        // The first host runs the orchestration only: a queue message it held when stopped would stay invisible for the
        // queue's visibility timeout (minutes, as in Azure), longer than this test waits.
        var first = await MembersHost.StartAsync(settings, configure: o => o.EnableQueues = false, backend: OrchestrationBackend.AzureStorage, taskHub: hub,
            configureServices: services => services.AddSingleton<IContactHistory>(sp =>
                hanging = new HangingContactHistory(ActivatorUtilities.CreateInstance<Storage.TableContactHistory>(sp, sp.GetRequiredService<MemberOptions>()), 4, hang.Token)));
        var azurite = first.Azurite;
        try
        {
            var seed = await ReactivationSeed.WriteAsync(first.ConnectionString, MemberCount, DateTimeOffset.UtcNow, partitionCount: Partitions);
            var today = ZonedTime.LocalDate(DateTimeOffset.UtcNow, ZonedTime.Resolve("Asia/Shanghai")).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await first.StartRunAsync(today);

            // Midway: four pages recorded, the next ones hang after enqueueing their grants and messages.
            await Eventually.HoldsAsync(() => Task.FromResult(hanging?.Recordings ?? 0), r => r > 4 + 1, TimeSpan.FromSeconds(120), "pages hanging midway");
            var before = await ReactivationRunTests.AllContactsAsync(first, Partitions);
            hang.Cancel();
            await first.StopAsync(stopAzurite: false);

            await using var second = await MembersHost.StartAsync(settings, azurite: azurite, backend: OrchestrationBackend.AzureStorage, taskHub: hub);
            var report = await second.WaitForRunAsync(today, TimeSpan.FromSeconds(180));

            var runAt = report.GetProperty("runAt").GetDateTimeOffset();
            var expected = seed.Expected(runAt, new ReactivationOptions()).Tally;
            Assert.InRange(before.Count(c => c.RunDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) == today), 1, expected.Targeted + expected.Holdout - 1);
            Assert.Equal((MemberCount, expected.Targeted, expected.Holdout),
                (report.GetProperty("scanned").GetInt32(), report.GetProperty("targeted").GetInt32(), report.GetProperty("holdout").GetInt32()));
            var contacts = (await ReactivationRunTests.AllContactsAsync(second, Partitions))
                .Where(c => c.RunDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) == today).ToList();
            Assert.Equal(expected.Targeted + expected.Holdout, contacts.Count);

            await Eventually.HoldsAsync(async () => (await ReactivationRunTests.LocalMessagesAsync(second)).Count, n => n >= expected.Targeted,
                TimeSpan.FromSeconds(120), $"every treated member's message delivered ({expected.Targeted})");
            await Task.Delay(1000); // duplicates still in the queue would be processed by now
            var delivered = await ReactivationRunTests.LocalMessagesAsync(second);
            Assert.Equal(expected.Targeted, delivered.Count);
            Assert.All(delivered, m => Assert.Equal(1, m.GetInt32("Deliveries")));
        }
        finally
        {
            azurite.Dispose();
        }
    }
}
