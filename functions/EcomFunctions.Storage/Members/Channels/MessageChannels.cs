using System.Net;
using System.Net.Http.Json;
using System.Net.Mail;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using EcomFunctions.Domain.Members;

namespace EcomFunctions.Storage;

/// <summary>
/// The local channel: "delivers" by recording the message in table <see cref="TableNames.LocalMessages"/> (PK = channel,
/// RK = message id) for the console and tests. The address is stored masked (a***@example.com, +86*******8000): enough to
/// recognise, not a second copy of personal data. A second delivery of the same message id is counted in
/// <c>Deliveries</c>, which makes a double send visible instead of hiding it behind an upsert.
/// </summary>
public sealed class LocalMessageChannel(ContactChannel channel, StorageClients storage, MessageTemplateOptions templates, TimeProvider time) : IMessageChannel
{
    public ContactChannel Channel { get; } = channel;

    public async Task<DeliveryResult> SendAsync(OutboundMessage message, MessageAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(address);
        var table = await storage.TableAsync(TableNames.LocalMessages, cancellationToken);
        var (subject, body) = templates.Render(message);
        var entity = new TableEntity(Channel.ToString(), message.MessageId)
        {
            ["MemberId"] = message.MemberId,
            ["Address"] = Mask(address),
            ["TemplateId"] = message.TemplateId,
            ["Subject"] = subject,
            ["Body"] = body,
            ["CouponDefinitionId"] = message.CouponDefinitionId,
            ["CouponAmount"] = (double)message.CouponAmount,
            ["RunDate"] = message.RunDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["SendAt"] = message.SendAt,
            ["DeliveredAt"] = time.GetUtcNow(),
            ["Deliveries"] = 1,
        };
        while (true)
        {
            try
            {
                await table.AddEntityAsync(entity, cancellationToken);
                return DeliveryResult.Delivered("local-" + message.MessageId);
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
            {
                var existing = (await table.GetEntityAsync<TableEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken)).Value;
                existing["Deliveries"] = (existing.GetInt32("Deliveries") ?? 1) + 1;
                try
                {
                    await table.UpdateEntityAsync(existing, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                    return DeliveryResult.Delivered("local-" + message.MessageId);
                }
                catch (RequestFailedException retry) when (retry.Status == (int)HttpStatusCode.PreconditionFailed)
                {
                    // Counted concurrently: count again on the fresh row.
                }
            }
        }
    }

    /// <summary>Masks an address for display: first character of an e-mail's local part, last four digits of a phone.</summary>
    public static string Mask(MessageAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var value = address.Value;
        switch (address.Channel)
        {
            case ContactChannel.Email:
                var at = value.IndexOf('@', StringComparison.Ordinal);
                return at <= 0 ? "***" : value[0] + "***" + value[at..];
            case ContactChannel.Sms:
                return value.Length <= 4 ? "****" : value[..Math.Min(3, value.Length - 4)] + new string('*', Math.Max(0, value.Length - 7)) + value[^4..];
            default:
                return value; // push and app inbox are addressed by member id
        }
    }
}

/// <summary>
/// A provider reached over HTTP (SMS gateway, push service, e-mail API): POSTs the rendered message as JSON with the
/// message id as <c>Idempotency-Key</c>, so a provider that honours it never sends a retried message twice. 2xx is
/// delivered (the provider's id from a JSON <c>id</c> field if present); 408, 429, 5xx, timeouts and connection
/// failures are temporary; any other status is permanent. Addresses are never logged.
/// </summary>
public sealed class HttpMessageChannel(ContactChannel channel, HttpClient http, ChannelAdapterOptions options, MessageTemplateOptions templates) : IMessageChannel
{
    public ContactChannel Channel { get; } = channel;

    public async Task<DeliveryResult> SendAsync(OutboundMessage message, MessageAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(address);
        if (string.IsNullOrWhiteSpace(options.Endpoint))
        {
            return DeliveryResult.Failed($"No endpoint configured for {Channel}.", retryable: true);
        }

        var (subject, body) = templates.Render(message);
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Endpoint)
        {
            Content = JsonContent.Create(new
            {
                messageId = message.MessageId,
                channel = Channel.ToString(),
                to = address.Value,
                memberId = message.MemberId,
                templateId = message.TemplateId,
                subject,
                body,
                couponDefinitionId = message.CouponDefinitionId,
                couponAmount = message.CouponAmount,
            }),
        };
        request.Headers.Add("Idempotency-Key", message.MessageId);
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            request.Headers.TryAddWithoutValidation(options.ApiKeyHeader, options.ApiKey);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, options.TimeoutSeconds)));
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return DeliveryResult.Delivered(await ProviderIdAsync(response, timeout.Token));
            }

            var retryable = status is 408 or 429 or >= 500;
            return DeliveryResult.Failed($"Provider answered {status}.", retryable);
        }
        catch (HttpRequestException ex)
        {
            return DeliveryResult.Failed($"Provider unreachable: {ex.HttpRequestError}.", retryable: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryResult.Failed("Provider timed out.", retryable: true);
        }
    }

    private static async Task<string?> ProviderIdAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (text.Length == 0)
            {
                return null;
            }

            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("id", out var id) ? id.ToString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// E-mail over SMTP. The message id becomes the Message-ID header so receiving systems can recognise a retried send.
/// SMTP 4xx replies (mailbox busy, service unavailable, …) and connection failures are temporary; 5xx replies
/// (mailbox unknown, …) are permanent.
/// </summary>
public sealed class SmtpEmailChannel(ChannelAdapterOptions options, MessageTemplateOptions templates) : IMessageChannel
{
    public ContactChannel Channel => ContactChannel.Email;

    public async Task<DeliveryResult> SendAsync(OutboundMessage message, MessageAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(address);
        if (string.IsNullOrWhiteSpace(options.SmtpHost))
        {
            return DeliveryResult.Failed("No SMTP host configured.", retryable: true);
        }

        var (subject, body) = templates.Render(message);
        using var mail = new MailMessage(options.From, address.Value, subject, body);
        var domain = options.From.Contains('@', StringComparison.Ordinal) ? options.From[(options.From.IndexOf('@', StringComparison.Ordinal) + 1)..] : "localhost";
        mail.Headers.Add("Message-ID", $"<{message.MessageId.Replace(':', '.')}@{domain}>");
        using var client = new SmtpClient(options.SmtpHost, options.SmtpPort)
        {
            EnableSsl = options.SmtpEnableSsl,
            Timeout = Math.Max(1, options.TimeoutSeconds) * 1000,
            DeliveryMethod = SmtpDeliveryMethod.Network,
        };
        if (!string.IsNullOrEmpty(options.SmtpUser))
        {
            client.Credentials = new NetworkCredential(options.SmtpUser, options.SmtpPassword);
        }

        try
        {
            await client.SendMailAsync(mail, cancellationToken);
            return DeliveryResult.Delivered(message.MessageId);
        }
        catch (SmtpFailedRecipientException ex)
        {
            return DeliveryResult.Failed($"SMTP recipient refused: {(int)ex.StatusCode}.", retryable: (int)ex.StatusCode is >= 400 and < 500);
        }
        catch (SmtpException ex)
        {
            var code = (int)ex.StatusCode;
            return DeliveryResult.Failed($"SMTP failed: {code}.", retryable: code < 500);
        }
    }
}
