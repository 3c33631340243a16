using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EcomFunctions.Domain.Members;
using EcomFunctions.Storage;
using EcomFunctions.Testing;

namespace EcomFunctions.Storage.Tests.Members;

/// <summary>The HTTP and SMTP channel adapters against listeners on this machine.</summary>
public sealed class MessageChannelTests
{
    private static readonly OutboundMessage Message = new("winback:2025-06-10:m-1", "m-1", ContactChannel.Sms, "winback-dormant",
        MemberStorage.Now, "winback-dormant-regular-low", 5m, LifecycleState.Dormant, new DateOnly(2025, 6, 10));

    private readonly MessageTemplateOptions templates = new();

    [Fact]
    public async Task Http_channel_posts_the_rendered_message_with_the_message_id_as_idempotency_key()
    {
        await using var provider = HttpProvider.Start(200, "{\"id\":\"provider-42\"}");
        using var http = new HttpClient();
        var channel = new HttpMessageChannel(ContactChannel.Sms, http,
            new ChannelAdapterOptions { Adapter = ChannelAdapterKind.Http, Endpoint = provider.Url, ApiKeyHeader = "X-Api-Key", ApiKey = "secret-1" }, templates);

        var result = await channel.SendAsync(Message, new MessageAddress(ContactChannel.Sms, "+8613800138000"), default);

        Assert.Equal((DeliveryStatus.Delivered, "provider-42"), (result.Status, result.ProviderMessageId));
        var request = Assert.Single(provider.Requests);
        Assert.Equal((Message.MessageId, "secret-1"), (request.Headers["Idempotency-Key"], request.Headers["X-Api-Key"]));
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("+8613800138000", body.RootElement.GetProperty("to").GetString());
        Assert.Contains("5", body.RootElement.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(503, true)]
    [InlineData(429, true)]
    [InlineData(400, false)]
    [InlineData(404, false)]
    public async Task Http_channel_tells_temporary_from_permanent_failures(int status, bool retryable)
    {
        await using var provider = HttpProvider.Start(status, "{}");
        using var http = new HttpClient();
        var channel = new HttpMessageChannel(ContactChannel.Push, http, new ChannelAdapterOptions { Adapter = ChannelAdapterKind.Http, Endpoint = provider.Url }, templates);

        var result = await channel.SendAsync(Message, new MessageAddress(ContactChannel.Push, "m-1"), default);

        Assert.Equal((DeliveryStatus.Failed, retryable), (result.Status, result.Retryable));
    }

    [Fact]
    public async Task An_unreachable_provider_is_a_temporary_failure()
    {
        using var http = new HttpClient();
        var channel = new HttpMessageChannel(ContactChannel.Push, http,
            new ChannelAdapterOptions { Adapter = ChannelAdapterKind.Http, Endpoint = $"http://127.0.0.1:{Azurite.FreePort()}/send", TimeoutSeconds = 2 }, templates);

        var result = await channel.SendAsync(Message, new MessageAddress(ContactChannel.Push, "m-1"), default);

        Assert.Equal((DeliveryStatus.Failed, true), (result.Status, result.Retryable));
    }

    [Fact]
    public async Task Smtp_channel_delivers_to_the_server_and_a_refused_mailbox_is_permanent()
    {
        using var server = SmtpServer.Start(refuse: "unknown@example.com");
        var options = new ChannelAdapterOptions { Adapter = ChannelAdapterKind.Smtp, SmtpHost = "127.0.0.1", SmtpPort = server.Port, SmtpEnableSsl = false, From = "shop@example.com" };
        var channel = new SmtpEmailChannel(options, templates);
        var email = Message with { Channel = ContactChannel.Email };

        var sent = await channel.SendAsync(email, new MessageAddress(ContactChannel.Email, "alice@example.com"), default);
        var refused = await channel.SendAsync(email, new MessageAddress(ContactChannel.Email, "unknown@example.com"), default);

        Assert.Equal(DeliveryStatus.Delivered, sent.Status);
        var data = Assert.Single(server.Messages);
        Assert.Contains("winback.2025-06-10.m-1@example.com", data, StringComparison.Ordinal);
        Assert.Contains("alice@example.com", data, StringComparison.Ordinal);
        Assert.Equal((DeliveryStatus.Failed, false), (refused.Status, refused.Retryable));
    }

    [Fact]
    public void Local_channel_masks_addresses()
    {
        Assert.Equal("a***@example.com", LocalMessageChannel.Mask(new MessageAddress(ContactChannel.Email, "alice@example.com")));
        Assert.Equal("+86*******8000", LocalMessageChannel.Mask(new MessageAddress(ContactChannel.Sms, "+8613800138000")));
    }

    private sealed record ReceivedRequest(Dictionary<string, string> Headers, string Body);

    /// <summary>An HTTP provider stand-in on loopback answering every request with one status and body.</summary>
    private sealed class HttpProvider : IAsyncDisposable
    {
        private readonly HttpListener listener = new();
        private readonly Task loop;

        private HttpProvider(int status, string body)
        {
            var port = Azurite.FreePort();
            Url = $"http://127.0.0.1:{port}/send/";
            listener.Prefixes.Add(Url);
            listener.Start();
            loop = Task.Run(async () =>
            {
                while (listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await listener.GetContextAsync();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }

                    using var reader = new StreamReader(context.Request.InputStream);
                    Requests.Add(new ReceivedRequest(context.Request.Headers.AllKeys.ToDictionary(k => k!, k => context.Request.Headers[k]!), await reader.ReadToEndAsync()));
                    context.Response.StatusCode = status;
                    var bytes = Encoding.UTF8.GetBytes(body);
                    await context.Response.OutputStream.WriteAsync(bytes);
                    context.Response.Close();
                }
            });
        }

        public string Url { get; }

        public System.Collections.Concurrent.ConcurrentBag<ReceivedRequest> Requests { get; } = [];

        public static HttpProvider Start(int status, string body) => new(status, body);

        public async ValueTask DisposeAsync()
        {
            listener.Stop();
            listener.Close();
            await loop;
        }
    }

    /// <summary>A minimal SMTP server on loopback: accepts mail, refuses one recipient with 550, keeps the DATA it got.</summary>
    private sealed class SmtpServer : IDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new();

        private SmtpServer(string refuse)
        {
            listener.Start();
            _ = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    TcpClient client;
                    try
                    {
                        client = await listener.AcceptTcpClientAsync(stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    _ = Task.Run(() => ServeAsync(client, refuse));
                }
            });
        }

        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

        public System.Collections.Concurrent.ConcurrentBag<string> Messages { get; } = [];

        public static SmtpServer Start(string refuse) => new(refuse);

        public void Dispose()
        {
            stop.Cancel();
            listener.Stop();
            stop.Dispose();
        }

        private async Task ServeAsync(TcpClient client, string refuse)
        {
            using (client)
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync("220 localhost test SMTP");
                while (await reader.ReadLineAsync() is { } line)
                {
                    var command = line.ToUpperInvariant();
                    if (command.StartsWith("EHLO", StringComparison.Ordinal) || command.StartsWith("HELO", StringComparison.Ordinal))
                    {
                        await writer.WriteLineAsync("250 localhost");
                    }
                    else if (command.StartsWith("RCPT TO", StringComparison.Ordinal) && line.Contains(refuse, StringComparison.OrdinalIgnoreCase))
                    {
                        await writer.WriteLineAsync("550 No such mailbox");
                    }
                    else if (command.StartsWith("DATA", StringComparison.Ordinal))
                    {
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync() is { } dataLine && dataLine != ".")
                        {
                            data.AppendLine(dataLine);
                        }

                        Messages.Add(data.ToString());
                        await writer.WriteLineAsync("250 Queued");
                    }
                    else if (command.StartsWith("QUIT", StringComparison.Ordinal))
                    {
                        await writer.WriteLineAsync("221 Bye");
                        return;
                    }
                    else
                    {
                        await writer.WriteLineAsync("250 OK");
                    }
                }
            }
        }
    }
}
