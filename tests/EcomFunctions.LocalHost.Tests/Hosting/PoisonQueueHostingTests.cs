using EcomFunctions.LocalHost.Hosting;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using EcomFunctions.Testing.Faults;
using Microsoft.Extensions.DependencyInjection;

namespace EcomFunctions.LocalHost.Tests.Hosting;

/// <summary>
/// Poison handling on an Azurite of its own: the App's queue names are fixed, so on the shared test storage other
/// assemblies' hosts poll the same queues and park their own messages in the same poison queue (a peek sees 32 at most).
/// </summary>
public sealed class PoisonQueueHostingTests(PoisonQueueHostingTests.IsolatedHost fixture) : IClassFixture<PoisonQueueHostingTests.IsolatedHost>
{
    [Fact]
    public async Task A_message_that_keeps_failing_moves_to_the_poison_queue_after_max_dequeue_count()
    {
        // An invalid table name makes the dispatcher throw on every attempt.
        var marker = "Bad_" + Guid.NewGuid().ToString("N")[..8];
        await new QueueSender(fixture.Storage).SendAsync(QueueNames.OutboxDispatch, new OutboxBatch(marker, "p", ["x"]));

        var poison = await fixture.Storage.QueueAsync(QueueNames.Poison(QueueNames.OutboxDispatch));
        var parked = await Eventually.HoldsAsync(
            async () => (await poison.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).FirstOrDefault(b => b.Contains(marker, StringComparison.Ordinal)),
            body => body is not null, TimeSpan.FromSeconds(60), "five failed attempts park the message");

        var letter = DeadLetters.Describe(QueueNames.OutboxDispatch, parked!, null);
        Assert.Contains("maxDequeueCount", letter.Reason, StringComparison.Ordinal);
        Assert.Contains(marker, letter.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_message_is_parked_at_once_with_its_reason_and_shown_to_operators()
    {
        var marker = Guid.NewGuid().ToString("N");
        await new QueueSender(fixture.Storage).SendTextAsync(QueueNames.OutboxDispatch, "{\"table\": \"" + marker);

        using var client = LocalHostFixture.ClientFor(fixture.Host, key: null);
        client.DefaultRequestHeaders.Add("X-Dev-Principal", "olga; roles=Moderator");
        var view = await Eventually.HoldsAsync(
            () => client.GetStringAsync("api/operations/dead-letters?queue=" + QueueNames.OutboxDispatch),
            json => json.Contains(marker, StringComparison.Ordinal), because: "the dispatcher parks unreadable messages");
        Assert.Contains("One or more fields are invalid", view, StringComparison.Ordinal);
    }

    /// <summary>A <see cref="FaultHost"/> (the App on an Azurite of its own) for the class.</summary>
    public sealed class IsolatedHost : IAsyncLifetime
    {
        private FaultHost? host;

        public LocalFunctionsHost Host => host!.Host;

        public StorageClients Storage => host!.Services.GetRequiredService<StorageClients>();

        public async Task InitializeAsync() => host = await FaultHost.StartAsync();

        public async Task DisposeAsync()
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }
    }
}
