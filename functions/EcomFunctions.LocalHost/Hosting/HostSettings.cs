using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace EcomFunctions.LocalHost.Hosting;

/// <summary>The queue trigger settings of host.json (<c>extensions.queues</c>), with the Functions host's defaults.</summary>
public sealed record QueueSettings(
    int BatchSize = 16,
    int NewBatchThreshold = 8,
    TimeSpan? MaxPollingInterval = null,
    TimeSpan? VisibilityTimeout = null,
    int MaxDequeueCount = 5,
    bool Base64 = true,
    TimeSpan? ProcessingVisibility = null)
{
    /// <summary>How long a message stays invisible while its function runs; a host that dies leaves it hidden this long.</summary>
    public TimeSpan Lease => ProcessingVisibility ?? TimeSpan.FromMinutes(10);

    public TimeSpan PollingCeiling => MaxPollingInterval ?? TimeSpan.FromMinutes(1);

    public TimeSpan RetryDelay => VisibilityTimeout ?? TimeSpan.Zero;
}

/// <summary>What the LocalHost reads from host.json: the HTTP route prefix and the queue settings.</summary>
public sealed record HostSettings(string RoutePrefix, QueueSettings Queues)
{
    public static HostSettings Default { get; } = new("api", new QueueSettings());

    public static HostSettings Load(string path)
    {
        if (!File.Exists(path))
        {
            return Default;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = document.RootElement;
        var prefix = "api";
        var queues = new QueueSettings();
        if (root.TryGetProperty("extensions", out var extensions))
        {
            if (extensions.TryGetProperty("http", out var http) && http.TryGetProperty("routePrefix", out var rp))
            {
                prefix = rp.GetString() ?? "api";
            }

            if (extensions.TryGetProperty("queues", out var q))
            {
                queues = new QueueSettings(
                    Int(q, "batchSize") ?? 16,
                    Int(q, "newBatchThreshold") ?? 8,
                    Span(q, "maxPollingInterval"),
                    Span(q, "visibilityTimeout"),
                    Int(q, "maxDequeueCount") ?? 5,
                    !q.TryGetProperty("messageEncoding", out var encoding) || !string.Equals(encoding.GetString(), "none", StringComparison.OrdinalIgnoreCase));
            }
        }

        return new HostSettings(prefix.Trim('/'), queues);
    }

    private static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.TryGetInt32(out var number) ? number : null;

    private static TimeSpan? Span(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && TimeSpan.TryParse(value.GetString(), CultureInfo.InvariantCulture, out var span) ? span : null;
}

/// <summary>
/// local.settings.json as Core Tools reads it: its <c>Values</c> become app settings (configuration keys, with
/// <c>__</c> meaning a section separator), below real environment variables in precedence.
/// </summary>
public static partial class LocalSettings
{
    public static IReadOnlyDictionary<string, string?> Load(string? path)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (path is null || !File.Exists(path))
        {
            return values;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (document.RootElement.TryGetProperty("Values", out var settings))
        {
            foreach (var setting in settings.EnumerateObject())
            {
                values[setting.Name.Replace("__", ":", StringComparison.Ordinal)] =
                    setting.Value.ValueKind == JsonValueKind.String ? setting.Value.GetString() : setting.Value.GetRawText();
            }
        }

        return values;
    }

    /// <summary>Resolves <c>%Setting%</c> references in a trigger attribute, as the host's name resolver does.</summary>
    public static string Resolve(string value, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return SettingReference().Replace(value, match =>
        {
            var name = match.Groups[1].Value;
            return configuration[name] ?? configuration[name.Replace("__", ":", StringComparison.Ordinal)]
                ?? throw new InvalidOperationException($"App setting '{name}' referenced as %{name}% is not set.");
        });
    }

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex SettingReference();
}
