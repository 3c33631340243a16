using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EcomFunctions.Storage.Tests.Platform;

public sealed class DeadLettersTests
{
    private sealed record Sample(string OrderId, int Version = 1) : IVersionedMessage;

    [Fact]
    public async Task A_parked_message_keeps_its_text_and_reason()
    {
        var storage = new StorageClients(new StorageConnection(Azurite.ConnectionString));
        var queue = Azurite.UniqueName("q");
        var dead = new DeadLetters(new QueueSender(storage), new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));

        await dead.ParkAsync(queue, "{not json", "Invalid JSON.", CancellationToken.None);

        var poison = await storage.QueueAsync(QueueNames.Poison(queue));
        var message = Assert.Single((await poison.PeekMessagesAsync(10)).Value);
        var letter = DeadLetters.Describe(queue, message.Body.ToString(), message.InsertedOn);
        Assert.Equal("{not json", letter.Message);
        Assert.Equal("Invalid JSON.", letter.Reason);
    }

    [Fact]
    public void A_raw_poison_message_is_described_as_exhausted_retries()
    {
        var letter = DeadLetters.Describe("q", "{\"orderId\":\"1\"}", DateTimeOffset.UnixEpoch);
        Assert.Contains("maxDequeueCount", letter.Reason, StringComparison.Ordinal);
        Assert.Equal("{\"orderId\":\"1\"}", letter.Message);
    }

    [Theory]
    [InlineData("{nope", "$")]
    [InlineData("{\"orderId\":null}", "orderId")]
    [InlineData("{\"version\":1}", "$")]
    [InlineData("{\"orderId\":\"1\",\"version\":2}", "version")]
    public void Unreadable_messages_are_refused_with_a_field(string text, string field)
    {
        var result = QueueMessages.Read<Sample>(text);
        Assert.False(result.IsSuccess);
        Assert.Equal(ProblemKind.Validation, result.Problem!.Kind);
        Assert.Contains(result.Problem.Errors!.Keys, k => k.StartsWith(field, StringComparison.Ordinal) || field == "$");
        Assert.False(string.IsNullOrWhiteSpace(QueueMessages.Reason(result.Problem)));
    }

    [Fact]
    public void A_message_without_a_version_reads_as_version_one()
    {
        var result = QueueMessages.Read<Sample>("{\"orderId\":\"7\"}");
        Assert.True(result.IsSuccess);
        Assert.Equal("7", result.Value!.OrderId);
    }
}
