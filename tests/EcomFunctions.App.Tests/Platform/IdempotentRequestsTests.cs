using EcomFunctions.App.Platform;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using Microsoft.Extensions.Options;

namespace EcomFunctions.App.Tests.Platform;

/// <summary>Idempotency-Key handling against the real table store on Azurite.</summary>
public sealed class IdempotentRequestsTests
{
    private readonly IdempotentRequests idempotency = new(
        new TableIdempotencyStore(new StorageClients(new StorageConnection(Azurite.ConnectionString))),
        Options.Create(new IdempotencyOptions { WaitForInProgressSeconds = 10 }),
        TimeProvider.System);

    private readonly string scope = Azurite.UniqueName("op");

    [Fact]
    public async Task The_same_key_gets_the_same_response_and_the_operation_runs_once()
    {
        var runs = 0;
        var key = Guid.NewGuid().ToString();
        async Task<(int, string, string?)> Call()
        {
            var request = Request(key, "{\"a\":1}");
            var result = await idempotency.RunAsync(request, scope, keyRequired: true, () =>
            {
                var n = Interlocked.Increment(ref runs);
                return Task.FromResult(ApiResult.Created($"/things/{n}", new { number = n }));
            }, CancellationToken.None);
            var (status, body, headers) = await TestHttp.ExecuteAsync(result, request);
            return (status, body, headers[IdempotentRequests.ReplayedHeader].ToString());
        }

        var first = await Call();
        var second = await Call();

        Assert.Equal(1, runs);
        Assert.Equal(201, first.Item1);
        Assert.Equal(first.Item2, second.Item2);
        Assert.Equal(201, second.Item1);
        Assert.Equal("true", second.Item3);
    }

    [Fact]
    public async Task Concurrent_duplicates_have_one_effect_and_all_see_its_response()
    {
        var runs = 0;
        var key = Guid.NewGuid().ToString();
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            var request = Request(key, "{\"a\":1}");
            var result = await idempotency.RunAsync(request, scope, keyRequired: true, async () =>
            {
                var n = Interlocked.Increment(ref runs);
                await Task.Delay(300);
                return ApiResult.Ok(new { number = n });
            }, CancellationToken.None);
            return await TestHttp.ExecuteAsync(result, request);
        }));

        Assert.Equal(1, runs);
        Assert.All(results, r => Assert.Equal(200, r.Status));
        Assert.Single(results.Select(r => r.Body).Distinct());
    }

    [Fact]
    public async Task The_same_key_with_a_different_body_is_422()
    {
        var key = Guid.NewGuid().ToString();
        await idempotency.RunAsync(Request(key, "{\"a\":1}"), scope, true, () => Task.FromResult(ApiResult.Ok(1)), CancellationToken.None);

        var request = Request(key, "{\"a\":2}");
        var result = await idempotency.RunAsync(request, scope, true, () => Task.FromResult(ApiResult.Ok(2)), CancellationToken.None);
        Assert.Equal(422, result.Status);
    }

    [Fact]
    public async Task A_server_error_is_not_stored_so_a_retry_runs_again()
    {
        var runs = 0;
        var key = Guid.NewGuid().ToString();
        Task<ApiResult> Operation() => Task.FromResult(Interlocked.Increment(ref runs) == 1 ? new ApiResult(503) : ApiResult.Ok("done"));

        var first = await idempotency.RunAsync(Request(key, "{}"), scope, true, Operation, CancellationToken.None);
        var second = await idempotency.RunAsync(Request(key, "{}"), scope, true, Operation, CancellationToken.None);

        Assert.Equal(503, first.Status);
        Assert.Equal(200, second.Status);
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task A_missing_key_is_400_where_required_and_runs_directly_where_optional()
    {
        var required = await idempotency.RunAsync(Request(null, "{}"), scope, true, () => Task.FromResult(ApiResult.Ok(1)), CancellationToken.None);
        var optional = await idempotency.RunAsync(Request(null, "{}"), scope, false, () => Task.FromResult(ApiResult.Ok(1)), CancellationToken.None);
        Assert.Equal(400, required.Status);
        Assert.Equal(200, optional.Status);
    }

    private static Microsoft.AspNetCore.Http.HttpRequest Request(string? key, string body) =>
        TestHttp.Request("POST", "/api/things", body, headers: key is null ? null : new Dictionary<string, string> { ["Idempotency-Key"] = key });
}
