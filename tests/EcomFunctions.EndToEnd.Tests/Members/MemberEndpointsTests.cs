using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using EcomFunctions.Domain.Members;
using EcomFunctions.Storage;
using EcomFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.EndToEnd.Tests.Members;

public sealed class MemberEndpointsHost : IAsyncLifetime
{
    public MembersHost Members { get; private set; } = null!;

    public async Task InitializeAsync() => Members = await MembersHost.StartAsync();

    public async Task DisposeAsync() => await Members.DisposeAsync();
}

/// <summary>The storefront member endpoints and the member-activity queue, through the LocalHost.</summary>
public sealed class MemberEndpointsTests(MemberEndpointsHost fixture) : IClassFixture<MemberEndpointsHost>
{
    private const string Email = "Alice.Wong@Example.com";
    private const string Phone = "138 0013 8000";
    private readonly MembersHost host = fixture.Members;

    private HttpClient Client => host.Client;

    private static object Profile(string? email = Email, DateTimeOffset? signedUpAt = null) => new
    {
        signedUpAt = signedUpAt ?? DateTimeOffset.UtcNow.AddDays(-30),
        timeZone = "Asia/Shanghai",
        birthday = "06-10",
        preferredChannel = "email",
        name = "Alice",
        email,
        phone = Phone,
        consents = new[] { new { channel = "email", granted = true, at = DateTimeOffset.UtcNow.AddDays(-30) } },
    };

    private static string NewId() => Azurite.UniqueName("m-");

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    private Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, string body, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        return Client.SendAsync(request);
    }

    [Fact]
    public async Task Profile_sync_creates_updates_with_if_match_and_publishes_the_tier()
    {
        var id = NewId();
        var created = await Client.PutAsJsonAsync($"api/members/{id}", Profile());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var etag = created.Headers.ETag!.Tag;
        var body = await JsonOf(created);
        Assert.Equal(("regular", true, true, "active"), (body.GetProperty("tier").GetString(), body.GetProperty("hasEmail").GetBoolean(),
            body.GetProperty("hasPhone").GetBoolean(), body.GetProperty("lifecycle").GetString()));
        Assert.Equal(500, body.GetProperty("progress").GetProperty("growthNeeded").GetInt64());

        var read = await Client.GetAsync($"api/members/{id}");
        Assert.Equal(etag, read.Headers.ETag!.Tag);

        var withMatch = new HttpRequestMessage(HttpMethod.Put, $"api/members/{id}") { Content = JsonContent.Create(Profile()) };
        withMatch.Headers.TryAddWithoutValidation("If-Match", etag);
        var updated = await Client.SendAsync(withMatch);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);

        var stale = new HttpRequestMessage(HttpMethod.Put, $"api/members/{id}") { Content = JsonContent.Create(Profile()) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await Client.SendAsync(stale)).StatusCode);

        var directory = host.Host.Services.GetRequiredService<MemberTierDirectory>();
        Assert.Equal(MemberTier.Regular, await directory.GetTierAsync(id, default));
    }

    [Fact]
    public async Task Erasure_removes_personal_data_keeps_aggregates_and_withdraws_the_tier()
    {
        var id = NewId();
        await Client.PutAsJsonAsync($"api/members/{id}", Profile());
        await Client.PostAsJsonAsync($"api/members/{id}/activity", new { activityId = "order-1", kind = "purchase", occurredAt = DateTimeOffset.UtcNow, amountPaid = 120.50m });

        var erased = await Client.DeleteAsync($"api/members/{id}");
        var again = await Client.DeleteAsync($"api/members/{id}");

        var view = await JsonOf(erased);
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((true, false, false, 120), (view.GetProperty("isErased").GetBoolean(), view.GetProperty("hasEmail").GetBoolean(),
            view.GetProperty("hasPhone").GetBoolean(), view.GetProperty("growthLifetime").GetInt32()));
        Assert.Equal(JsonValueKind.Null, view.GetProperty("birthday").ValueKind);
        Assert.Null(await new MemberTierDirectory(new StorageClients(new StorageConnection(host.ConnectionString)), TimeProvider.System).GetTierAsync(id, default));
        Assert.Equal(HttpStatusCode.Gone, (await Client.PutAsJsonAsync($"api/members/{id}", Profile())).StatusCode);
    }

    [Fact]
    public async Task Activities_are_idempotent_per_activity_id_and_points_redemption_reports_insufficient_points()
    {
        var id = NewId();
        await Client.PutAsJsonAsync($"api/members/{id}", Profile());
        var purchase = new { activityId = "order-7", kind = "purchase", occurredAt = DateTimeOffset.UtcNow.AddMinutes(-1), amountPaid = 250m };

        var first = await JsonOf(await Client.PostAsJsonAsync($"api/members/{id}/activity", purchase));
        var second = await JsonOf(await Client.PostAsJsonAsync($"api/members/{id}/activity", purchase));
        var member = await JsonOf(await Client.GetAsync($"api/members/{id}"));

        Assert.Equal((true, 250, 250), (first.GetProperty("isNew").GetBoolean(), first.GetProperty("growthAdded").GetInt32(), first.GetProperty("pointsAdded").GetInt32()));
        Assert.False(second.GetProperty("isNew").GetBoolean());
        Assert.Equal((250, 250), (member.GetProperty("growthLifetime").GetInt32(), member.GetProperty("pointsAvailable").GetInt32()));

        var redeemed = await Client.PostAsJsonAsync($"api/members/{id}/points/redemptions", new { redemptionId = "r-1", points = 200 });
        var insufficient = await Client.PostAsJsonAsync($"api/members/{id}/points/redemptions", new { redemptionId = "r-2", points = 100 });
        var replay = await Client.PostAsJsonAsync($"api/members/{id}/points/redemptions", new { redemptionId = "r-1", points = 200 });

        Assert.Equal(HttpStatusCode.OK, redeemed.StatusCode);
        Assert.Equal(2m, (await JsonOf(redeemed)).GetProperty("value").GetDecimal()); // 200 points at 100 per unit (Regular)
        Assert.Equal(HttpStatusCode.Conflict, insufficient.StatusCode);
        Assert.Equal("insufficient-points", (await JsonOf(insufficient)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(50, (await JsonOf(await Client.GetAsync($"api/members/{id}"))).GetProperty("pointsAvailable").GetInt32());
    }

    [Theory]
    [InlineData("PUT", "api/members/bad%23id", "{}")]
    [InlineData("PUT", "api/members/{id}", "{not json")]
    [InlineData("PUT", "api/members/{id}", "{\"signedUpAt\":\"yesterday\"}")]
    [InlineData("PUT", "api/members/{id}", "{\"signedUpAt\":\"2024-01-01T00:00:00Z\",\"birthday\":\"13-40\"}")]
    [InlineData("PUT", "api/members/{id}", "{\"signedUpAt\":\"2024-01-01T00:00:00Z\",\"email\":\"not-an-address\"}")]
    [InlineData("PUT", "api/members/{id}", "{\"signedUpAt\":\"2024-01-01T00:00:00Z\",\"consents\":[{\"channel\":\"fax\",\"granted\":true,\"at\":\"2024-01-01T00:00:00Z\"}]}")]
    [InlineData("PUT", "api/members/{id}", "{\"timeZone\":\"Mars/Olympus\"}")]
    [InlineData("POST", "api/members/{id}/activity", "{\"activityId\":\"a\",\"kind\":\"purchase\",\"occurredAt\":\"2025-01-01T00:00:00Z\",\"amountPaid\":-5}")]
    [InlineData("POST", "api/members/{id}/activity", "{\"activityId\":\"a\",\"kind\":\"purchase\",\"occurredAt\":\"2025-01-01T00:00:00Z\",\"amountPaid\":1e400}")]
    [InlineData("POST", "api/members/{id}/activity", "{\"activityId\":\"a/b\",\"kind\":\"login\",\"occurredAt\":\"2025-01-01T00:00:00Z\"}")]
    [InlineData("POST", "api/members/{id}/activity", "{\"activityId\":\"a\",\"kind\":\"login\"}")]
    [InlineData("POST", "api/members/{id}/activity", "{\"activityId\":\"a\",\"kind\":\"login\",\"occurredAt\":\"2999-01-01T00:00:00Z\"}")]
    [InlineData("POST", "api/members/{id}/points/redemptions", "{\"redemptionId\":\"r\",\"points\":-1}")]
    [InlineData("POST", "api/members/{id}/points/redemptions", "{\"redemptionId\":\"r\",\"points\":99999999999999999999999}")]
    [InlineData("POST", "api/members/{id}/points/redemptions", "{\"redemptionId\":\"r\",\"points\":9223372036854775807}")]
    public async Task Bad_input_is_a_400_problem(string method, string path, string body)
    {
        var id = NewId();
        await Client.PutAsJsonAsync($"api/members/{id}", Profile());

        var response = await SendRawAsync(new HttpMethod(method), path.Replace("{id}", id, StringComparison.Ordinal), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Unknown_members_are_404_and_an_invalid_id_in_a_get_is_400()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"api/members/{NewId()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.PostAsJsonAsync($"api/members/{NewId()}/activity",
            new { activityId = "a", kind = "login", occurredAt = DateTimeOffset.UtcNow })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.GetAsync("api/members/a%3Fb")).StatusCode);
        using var anonymous = new HttpClient { BaseAddress = host.Host.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"api/members/{NewId()}")).StatusCode);
    }

    [Fact]
    public async Task Queued_activities_are_applied_once_and_bad_ones_are_parked()
    {
        var id = NewId();
        await Client.PutAsJsonAsync($"api/members/{id}", Profile());
        var review = new MemberActivityReport(id, "review-1", ActivityKind.ReviewApproved, DateTimeOffset.UtcNow, WithPhoto: true);
        var batch = new MemberActivityBatch([review, review, new MemberActivityReport(id, "bad task", ActivityKind.Task, DateTimeOffset.UtcNow, TaskCode: "nope")]);
        var sender = new QueueSender(new StorageClients(new StorageConnection(host.ConnectionString)));

        await sender.SendAsync(QueueNames.MemberActivity, batch);
        await sender.SendAsync(QueueNames.MemberActivity, batch); // redelivered

        await Eventually.HoldsAsync(async () => (await JsonOf(await Client.GetAsync($"api/members/{id}"))).GetProperty("growthLifetime").GetInt32(), g => g == 15,
            TimeSpan.FromSeconds(30), "review growth applied");
        var poison = new QueueClient(host.ConnectionString, QueueNames.Poison(QueueNames.MemberActivity), new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var parked = await Eventually.HoldsAsync(async () => (await poison.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).Where(b => b.Contains(id, StringComparison.Ordinal)).ToList(),
            p => p.Count == 2, TimeSpan.FromSeconds(30), "the bad activity parked once per delivery");
        Assert.All(parked, p => Assert.Contains("bad task", p, StringComparison.Ordinal));
        await Task.Delay(500); // a third application would show up by now
        Assert.Equal(15, (await JsonOf(await Client.GetAsync($"api/members/{id}"))).GetProperty("growthLifetime").GetInt32());
    }

    [Fact]
    public async Task Contact_details_are_stored_encrypted_and_never_logged()
    {
        var id = NewId();
        await Client.PutAsJsonAsync($"api/members/{id}", Profile());
        await Client.PutAsJsonAsync($"api/members/{id}", Profile(email: "bad address"));
        await Client.GetAsync($"api/members/{id}");

        var raw = new List<string>();
        foreach (var table in new[] { TableNames.Members, TableNames.MemberLookups })
        {
            await foreach (var entity in host.Table(table).QueryAsync<TableEntity>())
            {
                raw.Add(string.Join("|", entity.Select(p => $"{p.Key}={p.Value}")));
            }
        }

        var rows = string.Join("\n", raw);
        Assert.Contains(id, rows, StringComparison.Ordinal);
        foreach (var secret in new[] { "alice.wong", "Alice.Wong", "example.com", "13800138000", "0013 8000", "Alice\"" })
        {
            Assert.DoesNotContain(secret, rows, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(host.Logs.Lines, line => line.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }

        // The collector does see the host's logs (so an empty match above means nothing leaked, not that nothing was captured).
#pragma warning disable CA1848, CA2254 // a one-off test log line
        host.Host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Canary").LogInformation("canary " + id);
#pragma warning restore CA1848, CA2254
        Assert.Contains(host.Logs.Lines, line => line.Contains("canary " + id, StringComparison.Ordinal));
    }
}
