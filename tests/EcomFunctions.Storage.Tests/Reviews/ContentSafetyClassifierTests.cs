using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Core;
using EcomFunctions.Domain.Reviews;
using EcomFunctions.Storage.Reviews;
using EcomFunctions.Testing;

namespace EcomFunctions.Storage.Tests.Reviews;

/// <summary>The Content Safety adapter against a local fake of the documented REST API.</summary>
public sealed class ContentSafetyClassifierTests : IDisposable
{
    private readonly FakeContentSafety server = FakeContentSafety.Start();

    public void Dispose() => server.Dispose();

    [Fact]
    public async Task It_posts_the_documented_request_with_a_managed_identity_token_and_maps_severities()
    {
        server.Respond(HttpStatusCode.OK, """{"blocklistsMatch":[],"categoriesAnalysis":[{"category":"Hate","severity":7},{"category":"SelfHarm","severity":0},{"category":"Sexual","severity":2},{"category":"Violence","severity":4}]}""");
        var credential = new FakeCredential();

        var verdict = await Classifier(credential).ClassifyAsync("你这个人真是……", CancellationToken.None);

        Assert.True(verdict.IsAvailable);
        Assert.Equal(
            [new ClassifierScore(ModerationCategory.Hate, 1), new ClassifierScore(ModerationCategory.SelfHarm, 0),
             new ClassifierScore(ModerationCategory.Sexual, 2 / 7.0), new ClassifierScore(ModerationCategory.Violence, 4 / 7.0)],
            verdict.Scores);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/contentsafety/text:analyze?api-version=2024-09-01", request.PathAndQuery);
        Assert.Equal("Bearer test-token", request.Authorization);
        Assert.Equal([ContentSafetyClassifier.Scope], credential.Scopes);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("你这个人真是……", body.RootElement.GetProperty("text").GetString());
        Assert.Equal("EightSeverityLevels", body.RootElement.GetProperty("outputType").GetString());
        Assert.Equal(["Hate", "SelfHarm", "Sexual", "Violence"], body.RootElement.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, "{}", "HTTP 429")]
    [InlineData(HttpStatusCode.InternalServerError, "oops", "HTTP 500")]
    [InlineData(HttpStatusCode.OK, "not json", "unreachable")]
    [InlineData(HttpStatusCode.OK, """{"something":"else"}""", "without categoriesAnalysis")]
    public async Task A_failing_service_is_unavailable_not_an_exception(HttpStatusCode status, string body, string reason)
    {
        server.Respond(status, body);

        var verdict = await Classifier(new FakeCredential()).ClassifyAsync("text", CancellationToken.None);

        Assert.False(verdict.IsAvailable);
        Assert.Contains(reason, verdict.UnavailableReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slow_service_is_unavailable_after_the_timeout()
    {
        server.Respond(HttpStatusCode.OK, """{"categoriesAnalysis":[]}""", delay: TimeSpan.FromSeconds(5));

        var started = DateTime.UtcNow;
        var verdict = await Classifier(new FakeCredential(), TimeSpan.FromMilliseconds(300)).ClassifyAsync("text", CancellationToken.None);

        Assert.Contains("in time", verdict.UnavailableReason, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task Without_an_endpoint_nothing_is_called()
    {
        var verdict = await new ContentSafetyClassifier(new HttpClient(), new ContentSafetyOptions(), new FakeCredential()).ClassifyAsync("text", CancellationToken.None);

        Assert.False(verdict.IsAvailable);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Enabled_in_screening_it_can_reject_a_review_the_local_rules_let_through_and_the_reason_is_recorded()
    {
        server.Respond(HttpStatusCode.OK, """{"categoriesAnalysis":[{"category":"Violence","severity":6},{"category":"Hate","severity":0}]}""");
        using var harness = new ReviewStorageHarness(new ModerationOptions { ClassifierEnabled = true }, classifier: Classifier(new FakeCredential()));

        var review = await harness.SubmitAndScreenAsync("m1", Azurite.UniqueName("p"), 1, "Someone should teach the courier a lesson he won't forget.");

        Assert.Equal(ReviewStatus.Rejected, review.Status);
        var reason = Assert.Single(review.Screening!.Reasons);
        Assert.Equal((ScreeningReasonCodes.Classifier, ModerationCategory.Violence, ModerationAction.Reject), (reason.Code, reason.Category, reason.Action));
    }

    [Fact]
    public async Task Enabled_in_screening_an_unavailable_service_leaves_the_local_decision_with_a_note()
    {
        server.Respond(HttpStatusCode.ServiceUnavailable, "{}");
        using var harness = new ReviewStorageHarness(new ModerationOptions { ClassifierEnabled = true }, classifier: Classifier(new FakeCredential()));

        var review = await harness.SubmitAndScreenAsync("m1", Azurite.UniqueName("p"), 5, "Works as described.");

        Assert.Equal(ReviewStatus.Approved, review.Status);
        Assert.Equal(ScreeningReasonCodes.ClassifierUnavailable, Assert.Single(review.Screening!.Reasons).Code);
    }

    private ContentSafetyClassifier Classifier(TokenCredential credential, TimeSpan? timeout = null) =>
        new(new HttpClient(), new ContentSafetyOptions { Endpoint = server.BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(3) }, credential);

    private sealed class FakeCredential : TokenCredential
    {
        public ConcurrentQueue<string> ScopesSeen { get; } = new();

        public IReadOnlyList<string> Scopes => ScopesSeen.Distinct().ToList();

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            foreach (var scope in requestContext.Scopes)
            {
                ScopesSeen.Enqueue(scope);
            }

            return new AccessToken("test-token", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}

/// <summary>A local HTTP server standing in for Azure AI Content Safety: records requests, answers as told.</summary>
public sealed class FakeContentSafety : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly CancellationTokenSource stop = new();
    private (HttpStatusCode Status, string Body, TimeSpan Delay) answer = (HttpStatusCode.OK, "{}", TimeSpan.Zero);

    public string BaseAddress { get; private set; } = string.Empty;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public void Respond(HttpStatusCode status, string body, TimeSpan? delay = null) => answer = (status, body, delay ?? TimeSpan.Zero);

    public static FakeContentSafety Start()
    {
        var server = new FakeContentSafety();
        server.BaseAddress = $"http://127.0.0.1:{Azurite.FreePort()}";
        server.listener.Prefixes.Add(server.BaseAddress + "/");
        server.listener.Start();
        _ = Task.Run(server.ServeAsync);
        return server;
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Close();
        stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        Requests.Enqueue(new RecordedRequest(context.Request.HttpMethod, context.Request.Url!.PathAndQuery,
            context.Request.Headers["Authorization"], await reader.ReadToEndAsync()));
        var (status, body, delay) = answer;
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, stop.Token);
            }

            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = (int)status;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes, stop.Token);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpListenerException or ObjectDisposedException)
        {
            // The test ended or the client gave up.
        }
    }

    public sealed record RecordedRequest(string Method, string PathAndQuery, string? Authorization, string Body);
}
