using System.Text.Json;
using EcomFunctions.App.Platform;
using EcomFunctions.App.Reviews;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EcomFunctions.App.Tests.Reviews;

/// <summary>
/// The App's review functions wired exactly as the hosts wire them (AddPlatform + AddReviews) against Azurite, with
/// tables of their own, a fake clock, and a recording queue sender instead of real queues. <see cref="PumpAsync"/>
/// plays the queue host: it hands every recorded message (outbox signals, screening and review-event deliveries) to
/// its function, optionally twice to imitate at-least-once delivery.
/// </summary>
public sealed class ReviewPipeline : IDisposable
{
    private readonly ServiceProvider provider;
    private int pumped;

    public ReviewPipeline()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["Auth:AllowDevelopmentPrincipal"] = "true",
            ["EventGrid:Endpoint"] = string.Empty,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        // Registered first: the capability's TryAdd registrations keep these.
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<IQueueSender>(Queue);
        services.AddSingleton(new ReviewTables(Azurite.UniqueName("rv"), Azurite.UniqueName("rvl"), Azurite.UniqueName("rvq"),
            Azurite.UniqueName("rvf"), Azurite.UniqueName("rvm"), Azurite.UniqueName("rvc")));
        services.AddPlatform(configuration);
        services.AddReviews(configuration);
        provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 6, 1, 2, 0, 0, TimeSpan.Zero));

    public RecordingQueueSender Queue { get; } = new();

    public IServiceProvider Services => provider;

    public T Function<T>() where T : class => ActivatorUtilities.CreateInstance<T>(provider);

    public Task BuyAsync(string memberId, string orderId, string productId) =>
        provider.GetRequiredService<OrderDirectory>().RecordAsync(
            new OrderRecord(memberId, orderId, [productId], 59m, Time.GetUtcNow().AddDays(-2), "web"), CancellationToken.None);

    /// <summary>Delivers recorded messages to their functions until none are left; returns how many were delivered.</summary>
    public async Task<int> PumpAsync(int deliveries = 1)
    {
        var delivered = 0;
        while (true)
        {
            var pending = Queue.Sent.ToArray();
            if (pumped >= pending.Length)
            {
                return delivered;
            }

            var (queue, text) = pending[pumped++];
            for (var i = 0; i < deliveries; i++)
            {
                delivered += await DeliverAsync(queue, text) ? 1 : 0;
            }
        }
    }

    public async Task<bool> DeliverAsync(string queue, string text)
    {
        switch (queue)
        {
            case QueueNames.OutboxDispatch:
                await Function<OutboxFunctions>().Dispatch(text, CancellationToken.None);
                return true;
            case QueueNames.ReviewModeration:
                await Function<ReviewScreeningFunction>().Run(text, CancellationToken.None);
                return true;
            case QueueNames.ReviewEvents:
                await Function<ReviewEventsFunction>().Run(text, CancellationToken.None);
                return true;
            default:
                return false; // member-activity, poison queues: other consumers (or operators)
        }
    }

    public async Task<IReadOnlyList<DomainEvent>> PublishedAsync(string type) =>
        await provider.GetRequiredService<LocalEventSink>().ListAsync(type, 1000, CancellationToken.None);

    public static HttpRequest Request(string method, string path, object? body = null, string? principal = null, IDictionary<string, string>? headers = null)
    {
        var all = new Dictionary<string, string>(headers ?? new Dictionary<string, string>());
        if (principal is not null)
        {
            all[OperatorAuthentication.DevelopmentPrincipalHeader] = principal;
        }

        return TestHttp.Request(method, path, body is null ? null : body as string ?? EcomJson.Serialize(body), headers: all);
    }

    public static async Task<(int Status, JsonElement Body, IHeaderDictionary Headers)> ReadAsync(IActionResult result, HttpRequest request)
    {
        var (status, body, headers) = await TestHttp.ExecuteAsync(result, request);
        return (status, body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone(), headers);
    }

    public static TimerInfo Timer() => new();

    public void Dispose() => provider.Dispose();
}
