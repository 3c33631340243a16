using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using EcomFunctions.Domain.Members;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using EcomFunctions.Testing.Members;
using Microsoft.Extensions.DependencyInjection;

namespace EcomFunctions.EndToEnd.Tests.Members;

/// <summary>Records every message the run enqueues, and fails some enqueue calls (before or after enqueuing) like a flaky queue.</summary>
public sealed class FlakyMessageOutbox(IMessageOutbox inner, params int[] failingCalls) : IMessageOutbox
{
    private int calls;

    public ConcurrentBag<OutboundMessage> Enqueued { get; } = [];

    public int Failures { get; private set; }

    public async Task EnqueueAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref calls);
        if (failingCalls.Contains(call) && call % 2 == 1)
        {
            Failures++;
            throw new HttpRequestException("Simulated queue outage before enqueueing.");
        }

        await inner.EnqueueAsync(messages, cancellationToken);
        foreach (var message in messages)
        {
            Enqueued.Add(message);
        }

        if (failingCalls.Contains(call))
        {
            Failures++;
            throw new HttpRequestException("Simulated timeout after enqueueing (the caller cannot know it worked).");
        }
    }
}

/// <summary>
/// The daily run over a few thousand Azurite members through the LocalHost: decisions as the domain planner takes them,
/// pages failing and retried without double contacts or double sends, caps holding, quiet hours deferring, and a second
/// start on the same day doing nothing.
/// </summary>
public sealed class ReactivationRunTests
{
    private const int MemberCount = 2400;

    [Fact]
    public async Task A_run_with_failing_pages_decides_like_the_planner_sends_each_message_once_and_a_second_start_does_nothing()
    {
        var options = new ReactivationOptions();
        FlakyMessageOutbox? flaky = null;
        await using var host = await MembersHost.StartAsync(configureServices: services => services.AddSingleton<IMessageOutbox>(sp =>
            flaky = new FlakyMessageOutbox(sp.GetRequiredService<QueueMessageOutbox>(), 3, 8)));
        var seed = await ReactivationSeed.WriteAsync(host.ConnectionString, MemberCount, DateTimeOffset.UtcNow);
        var today = ZonedTime.LocalDate(DateTimeOffset.UtcNow, ZonedTime.Resolve("Asia/Shanghai")).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var start = await host.StartRunAsync(today);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var report = await host.WaitForRunAsync(today, TimeSpan.FromSeconds(120));

        // Decisions: exactly what the planner decides on the seeded state at the run's instant.
        var runAt = report.GetProperty("runAt").GetDateTimeOffset();
        var expected = seed.Expected(runAt, options).Tally;
        Assert.Equal((MemberCount, expected.Eligible, expected.Targeted, expected.Holdout, expected.Deferred),
            (report.GetProperty("scanned").GetInt32(), report.GetProperty("eligible").GetInt32(), report.GetProperty("targeted").GetInt32(),
                report.GetProperty("holdout").GetInt32(), report.GetProperty("quietHoursDeferred").GetInt32()));
        Assert.Equal(expected.Skipped[SkipReason.Cap], report.GetProperty("skipped").GetProperty("cap").GetInt32());
        Assert.Equal(expected.Skipped[SkipReason.NoConsent], report.GetProperty("skipped").GetProperty("noConsent").GetInt32());
        Assert.True(expected.Targeted > 1000 && expected.Holdout > 50 && expected.Skipped[SkipReason.Cap] > 100);
        Assert.Equal(2, flaky!.Failures); // the failing pages were retried, not skipped

        // Contacts: one per targeted or held-out member today, none for capped members, no cap broken.
        var contacts = await AllContactsAsync(host);
        var todays = contacts.Where(c => c.RunDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) == today).ToList();
        Assert.Equal(expected.Targeted + expected.Holdout, todays.Count);
        Assert.Equal(todays.Count, todays.Select(c => c.MemberId).Distinct().Count());
        Assert.Equal(0, ReactivationSeed.CapViolations(contacts, options));

        // Messages: every treated member enqueued (some twice after the simulated timeout), no holdout member.
        var treated = expected.Targeted;
        Assert.Equal(treated, flaky.Enqueued.Select(m => m.MessageId).Distinct().Count());
        Assert.True(flaky.Enqueued.Count > treated, "a page retried after a timeout enqueues its messages again");
        Assert.DoesNotContain(flaky.Enqueued, m => todays.Single(c => c.Id == m.MessageId).IsHoldout);

        // Delivery: the due messages go out exactly once each; deferred ones wait for their window.
        var due = flaky.Enqueued.Where(m => m.SendAt <= runAt).Select(m => m.MessageId).ToHashSet();
        Assert.Equal(treated - due.Count, expected.Deferred);
        var delivered = await Eventually.HoldsAsync(() => LocalMessagesAsync(host), m => m.Count >= due.Count, TimeSpan.FromSeconds(90), "due messages delivered");
        Assert.Superset(due, delivered.Select(m => m.RowKey).ToHashSet());
        Assert.All(delivered, m => Assert.Equal(1, m.GetInt32("Deliveries")));
        Assert.All(delivered, m => Assert.True(m.GetDateTimeOffset("SendAt") <= DateTimeOffset.UtcNow, "nothing is delivered before its window"));

        // A second start the same day is a no-op.
        var second = await host.StartRunAsync(today);
        Assert.False((await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("started").GetBoolean());
        var enqueuedBefore = flaky.Enqueued.Count;
        await Task.Delay(1000);
        Assert.Equal(enqueuedBefore, flaky.Enqueued.Count);
        Assert.Equal(todays.Count, (await AllContactsAsync(host)).Count(c => c.RunDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) == today));
    }

    internal static Task<List<ContactRecord>> AllContactsAsync(MembersHost host, int? partitions = null) =>
        ReactivationSeed.AllContactsAsync(host.ConnectionString, partitions);

    internal static Task<List<TableEntity>> LocalMessagesAsync(MembersHost host) => ReactivationSeed.LocalMessagesAsync(host.ConnectionString);
}
