using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using EcomFunctions.LocalHost.Hosting;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EcomFunctions.EndToEnd.Tests.Reviews;

/// <summary>
/// The real App in the LocalHost for the review scenarios, on an Azurite of its own: every LocalHost polls every queue
/// of the storage it runs on, and a host of another test class (another clock, another blocklist cache, no reward
/// recorder) must not screen these reviews. The clock is a <see cref="FakeTimeProvider"/> starting now, so the
/// response SLA can be crossed without waiting; messages sent to member-activity are recorded on their way.
/// </summary>
public class ReviewsHostFixture : IAsyncLifetime
{
    public const string Moderator = "olga; roles=Moderator; name=Olga";
    public const string Merchant = "shop-1; roles=Merchant; name=Kettle Shop";

    private readonly bool deliverEveryMessageTwice;
    private AzuriteProcess? azurite;

    public ReviewsHostFixture()
        : this(deliverEveryMessageTwice: false)
    {
    }

    protected ReviewsHostFixture(bool deliverEveryMessageTwice)
    {
        this.deliverEveryMessageTwice = deliverEveryMessageTwice;
    }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public ConcurrentQueue<string> MemberActivity { get; } = new();

    public LocalFunctionsHost Host { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        azurite = AzuriteProcess.Start(persistenceFolder: null);
        Host = await LocalHostFixture.StartHostAsync(LocalHostFixture.SettingsFor(azurite.ConnectionString, "reviewse2e"),
            options => options.DeliverEveryMessageTwice = deliverEveryMessageTwice,
            services =>
            {
                services.AddSingleton<TimeProvider>(Time);
                services.AddSingleton<IQueueSender>(sp => new RecordingTee(new QueueSender(sp.GetRequiredService<StorageClients>()), MemberActivity));
            });
        Client = LocalHostFixture.ClientFor(Host);
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        azurite?.Dispose();
    }

    public StorageClients Storage => Host.Services.GetRequiredService<StorageClients>();

    public Task BuyAsync(string memberId, string orderId, string productId) =>
        Host.Services.GetRequiredService<OrderDirectory>().RecordAsync(
            new OrderRecord(memberId, orderId, [productId], 128m, Time.GetUtcNow().AddDays(-1), "app"), CancellationToken.None);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? principal = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (principal is not null)
        {
            request.Headers.Add("X-Dev-Principal", principal);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await Client.SendAsync(request);
    }

    public async Task<JsonElement> GetJsonAsync(string path, string? principal = null)
    {
        using var response = await SendAsync(HttpMethod.Get, path, principal: principal);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} → {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Waits until the review's moderation status is no longer Pending.</summary>
    public Task<JsonElement> ScreenedAsync(string reviewId) =>
        Eventually.HoldsAsync(() => GetJsonAsync($"api/reviews/{reviewId}"), r => r.GetProperty("status").GetString() != "Pending",
            TimeSpan.FromSeconds(30), $"review {reviewId} is screened");

    /// <summary>Waits until a work-queue listing shows the review; returns the listing's items.</summary>
    public async Task<IReadOnlyList<JsonElement>> ListedAsync(string path, string principal, string reviewId) =>
        await Eventually.HoldsAsync(
            async () => (await GetJsonAsync(path, principal)).GetProperty("items").EnumerateArray().ToList(),
            items => items.Any(i => i.GetProperty("id").GetString() == reviewId), TimeSpan.FromSeconds(30), $"{path} lists {reviewId}");

    public async Task RunByHandAsync(string function)
    {
        using var admin = new HttpClient { BaseAddress = Host.BaseAddress };
        admin.DefaultRequestHeaders.Add(HttpFunctionEndpoints.KeyHeader, LocalHostFixture.MasterKey);
        using var response = await admin.PostAsync($"admin/functions/{function}", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>The same host with the LocalHost's duplicate-delivery fault injection: every queue message arrives twice.</summary>
    public sealed class DeliveringTwice() : ReviewsHostFixture(deliverEveryMessageTwice: true);

    /// <summary>Sends through the real queues and keeps a copy of what goes to member-activity.</summary>
    private sealed class RecordingTee(IQueueSender inner, ConcurrentQueue<string> memberActivity) : IQueueSender
    {
        public Task SendAsync<T>(string queue, T message, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default) =>
            SendTextAsync(queue, Domain.Platform.EcomJson.Serialize(message), visibilityDelay, cancellationToken);

        public Task SendTextAsync(string queue, string text, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default)
        {
            if (queue == QueueNames.MemberActivity)
            {
                memberActivity.Enqueue(text);
            }

            return inner.SendTextAsync(queue, text, visibilityDelay, cancellationToken);
        }
    }
}
