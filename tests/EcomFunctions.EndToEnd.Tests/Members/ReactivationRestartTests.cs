using System.Globalization;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using EcomFunctions.LocalHost.Hosting;
using EcomFunctions.Testing;
using EcomFunctions.Testing.Members;
using Microsoft.Extensions.DependencyInjection;

namespace EcomFunctions.EndToEnd.Tests.Members;

/// <summary>
/// Contact history that fails every recording after the first few, like a host that dies between enqueueing a page's
/// messages and recording its contacts — the worst moment to be interrupted.
/// </summary>
public sealed class FailingContactHistory(IContactHistory inner, int recordingsBeforeFailing) : IContactHistory
{
    private int recordings;

    public int Recordings => recordings;

    public Task<IReadOnlyDictionary<string, IReadOnlyList<ContactRecord>>> GetRecentAsync(IReadOnlyCollection<string> memberIds, DateTimeOffset since, CancellationToken cancellationToken) =>
        inner.GetRecentAsync(memberIds, since, cancellationToken);

    public Task RecordAsync(IReadOnlyList<ContactRecord> records, CancellationToken cancellationToken) =>
        Interlocked.Increment(ref recordings) > recordingsBeforeFailing
            ? throw new HttpRequestException("Simulated crash after enqueueing, before recording.")
            : inner.RecordAsync(records, cancellationToken);

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
            // Pages failing in the first host wait for their retry on a durable timer, so the host stops with nothing in flight
            // (an activity it held would stay leased for minutes, as in Azure) and the retries run in the second host.
            ["Reactivation:ActivityMaxAttempts"] = "10",
            ["Reactivation:ActivityFirstRetryInterval"] = "00:00:08",
            ["Reactivation:ActivityMaxRetryInterval"] = "00:00:08",
        };
        var hub = Azurite.UniqueName("hub");
        FailingContactHistory? failing = null;
        // The first host runs the orchestration only: a queue message it held when stopped would stay invisible for the
        // queue's visibility timeout (minutes, as in Azure), longer than this test waits.
        var first = await MembersHost.StartAsync(settings, configure: o => o.EnableQueues = false, backend: OrchestrationBackend.AzureStorage, taskHub: hub,
            configureServices: services => services.AddSingleton<IContactHistory>(sp =>
                failing = new FailingContactHistory(ActivatorUtilities.CreateInstance<Storage.TableContactHistory>(sp, sp.GetRequiredService<MemberOptions>()), 4)));
        var azurite = first.Azurite;
        try
        {
            var seed = await ReactivationSeed.WriteAsync(first.ConnectionString, MemberCount, DateTimeOffset.UtcNow, partitionCount: Partitions);
            var today = ZonedTime.LocalDate(DateTimeOffset.UtcNow, ZonedTime.Resolve("Asia/Shanghai")).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await first.StartRunAsync(today);

            // Midway: four pages recorded, the next ones failed after enqueueing their grants and messages and wait for a retry.
            await Eventually.HoldsAsync(() => Task.FromResult(failing?.Recordings ?? 0), r => r >= 4 + Partitions, TimeSpan.FromSeconds(120), "pages failing midway");
            await Eventually.HoldsAsync(async () =>
            {
                var seen = failing!.Recordings;
                await Task.Delay(1500);
                return seen == failing.Recordings;
            }, quiet => quiet, TimeSpan.FromSeconds(30), "no page in flight");
            var before = await ReactivationRunTests.AllContactsAsync(first, Partitions);
            await first.StopAsync(stopAzurite: false);

            await using var second = await MembersHost.StartAsync(settings, azurite: azurite, backend: OrchestrationBackend.AzureStorage, taskHub: hub);
            System.Text.Json.JsonElement report;
            try
            {
                report = await second.WaitForRunAsync(today, TimeSpan.FromSeconds(120));
            }
            catch (TimeoutException)
            {
                var client = second.Host.Services.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>();
                var instance = await client.GetInstanceAsync("reactivation-" + today, getInputsAndOutputs: true);
                var errors = string.Join("\n", second.Logs.Lines.Where(l => l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("Exception", StringComparison.Ordinal)).Take(5));
                throw new TimeoutException($"run {instance?.RuntimeStatus} {instance?.FailureDetails?.ErrorMessage} {instance?.SerializedCustomStatus}\n{errors}");
            }

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
