using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using EcomFunctions.Testing;

namespace EcomFunctions.Storage.Tests.Platform;

public sealed class TableIdempotencyStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 11, 0, 0, 0, TimeSpan.Zero);
    private readonly TableIdempotencyStore store = new(new StorageClients(new StorageConnection(Azurite.ConnectionString)));

    [Fact]
    public async Task Of_twenty_concurrent_begins_with_one_key_exactly_one_starts()
    {
        var scope = Azurite.UniqueName("scope");
        var claims = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            store.BeginAsync(scope, "key-1", "hash", Now, TimeSpan.FromMinutes(1), CancellationToken.None)));

        Assert.Single(claims, c => c.State == IdempotencyState.Started);
        Assert.Equal(19, claims.Count(c => c.State == IdempotencyState.InProgress));
    }

    [Fact]
    public async Task A_completed_key_replays_the_stored_response_until_it_expires()
    {
        var scope = Azurite.UniqueName("scope");
        await store.BeginAsync(scope, "k", "h1", Now, TimeSpan.FromMinutes(1), CancellationToken.None);
        var body = new string('x', 70_000); // spans several entity properties
        await store.CompleteAsync(scope, "k", new StoredResponse(201, "application/json", body, new Dictionary<string, string> { ["Location"] = "/x/1" }), Now.AddHours(24), CancellationToken.None);

        var replay = await store.BeginAsync(scope, "k", "h1", Now.AddHours(23), TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal(IdempotencyState.Completed, replay.State);
        Assert.Equal(201, replay.Response!.Status);
        Assert.Equal(body, replay.Response.Body);
        Assert.Equal("/x/1", replay.Response.Headers["Location"]);

        var afterExpiry = await store.BeginAsync(scope, "k", "h2", Now.AddHours(25), TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal(IdempotencyState.Started, afterExpiry.State);
    }

    [Fact]
    public async Task An_abandoned_in_progress_key_can_be_taken_over_after_its_lease()
    {
        var scope = Azurite.UniqueName("scope");
        await store.BeginAsync(scope, "k", "h", Now, TimeSpan.FromSeconds(30), CancellationToken.None);

        var during = await store.BeginAsync(scope, "k", "h", Now.AddSeconds(10), TimeSpan.FromSeconds(30), CancellationToken.None);
        var after = await store.BeginAsync(scope, "k", "h", Now.AddSeconds(31), TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Equal(IdempotencyState.InProgress, during.State);
        Assert.Equal(IdempotencyState.Started, after.State);
    }

    [Fact]
    public async Task A_released_key_runs_again()
    {
        var scope = Azurite.UniqueName("scope");
        await store.BeginAsync(scope, "k", "h", Now, TimeSpan.FromMinutes(1), CancellationToken.None);
        await store.ReleaseAsync(scope, "k", CancellationToken.None);

        var again = await store.BeginAsync(scope, "k", "h", Now, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal(IdempotencyState.Started, again.State);
    }

    [Theory]
    [InlineData("order-123")]
    [InlineData("a/b#c?d")]
    [InlineData("客户-键")]
    public async Task Any_client_key_can_be_stored(string key)
    {
        var scope = Azurite.UniqueName("scope");
        var claim = await store.BeginAsync(scope, key, "h", Now, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal(IdempotencyState.Started, claim.State);
        Assert.Equal(IdempotencyState.InProgress, (await store.BeginAsync(scope, key, "h", Now, TimeSpan.FromMinutes(1), CancellationToken.None)).State);
    }
}
