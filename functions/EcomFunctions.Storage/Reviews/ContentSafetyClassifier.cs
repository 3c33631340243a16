using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Core;
using Azure.Identity;
using EcomFunctions.Domain.Reviews;

namespace EcomFunctions.Storage.Reviews;

/// <summary>The Azure AI Content Safety resource (section "Moderation:ContentSafety"); used only with Moderation:ClassifierEnabled.</summary>
public sealed class ContentSafetyOptions
{
    public const string SectionName = "Moderation:ContentSafety";

    /// <summary>The resource endpoint (https://&lt;name&gt;.cognitiveservices.azure.com); empty = no classifier.</summary>
    public string? Endpoint { get; set; }

    public string ApiVersion { get; set; } = "2024-09-01";

    /// <summary>Client id of the user-assigned managed identity (role Cognitive Services User); empty → default credential chain.</summary>
    public string? ClientId { get; set; }

    /// <summary>A classifier slower than this is treated as unavailable: screening never waits long for it.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);
}

/// <summary>
/// <see cref="IContentClassifier"/> on Azure AI Content Safety's text analysis REST API
/// (<c>POST {endpoint}/contentsafety/text:analyze?api-version=2024-09-01</c>), authenticated with a managed identity
/// (bearer token for <c>https://cognitiveservices.azure.com/.default</c>; no keys). The SDK package is not available
/// here, so this speaks the documented JSON directly: request <c>{text, categories, outputType: "EightSeverityLevels"}</c>,
/// response <c>{categoriesAnalysis: [{category, severity 0–7}]}</c>; severities map to 0–1 as severity / 7. Any failure —
/// timeout, throttling, server error, unreadable answer, no token — is a <see cref="ClassifierVerdict.Unavailable"/>,
/// never an exception: the local screening decides alone then.
/// </summary>
public sealed class ContentSafetyClassifier(HttpClient http, ContentSafetyOptions options, TokenCredential credential) : IContentClassifier
{
    public const string Scope = "https://cognitiveservices.azure.com/.default";
    private const double MaxSeverity = 7;

    private static readonly string[] Categories = ["Hate", "SelfHarm", "Sexual", "Violence"];

    public static TokenCredential CredentialFor(ContentSafetyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.ClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ClientId));
    }

    public async Task<ClassifierVerdict> ClassifyAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(options.Endpoint))
        {
            return ClassifierVerdict.Unavailable("no Content Safety endpoint configured");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            var token = await credential.GetTokenAsync(new TokenRequestContext([Scope]), timeout.Token);
            using var request = new HttpRequestMessage(HttpMethod.Post,
                $"{options.Endpoint.TrimEnd('/')}/contentsafety/text:analyze?api-version={Uri.EscapeDataString(options.ApiVersion)}")
            {
                Content = JsonContent.Create(new { text, categories = Categories, outputType = "EightSeverityLevels" }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
            using var response = await http.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return ClassifierVerdict.Unavailable(string.Create(CultureInfo.InvariantCulture, $"Content Safety answered HTTP {(int)response.StatusCode}"));
            }

            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(timeout.Token), cancellationToken: timeout.Token);
            return Read(document.RootElement);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ClassifierVerdict.Unavailable("Content Safety did not answer in time");
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or AuthenticationFailedException or CredentialUnavailableException)
        {
            return ClassifierVerdict.Unavailable($"Content Safety unreachable ({ex.GetType().Name})");
        }
    }

    private static ClassifierVerdict Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("categoriesAnalysis", out var analysis) || analysis.ValueKind != JsonValueKind.Array)
        {
            return ClassifierVerdict.Unavailable("Content Safety answered without categoriesAnalysis");
        }

        var scores = new List<ClassifierScore>();
        foreach (var item in analysis.EnumerateArray())
        {
            if (item.TryGetProperty("category", out var category) && category.ValueKind == JsonValueKind.String
                && item.TryGetProperty("severity", out var severity) && severity.TryGetInt32(out var level)
                && Map(category.GetString()) is { } mapped)
            {
                scores.Add(new ClassifierScore(mapped, Math.Clamp(level / MaxSeverity, 0, 1)));
            }
        }

        return new ClassifierVerdict(scores);
    }

    private static ModerationCategory? Map(string? category) => category switch
    {
        "Hate" => ModerationCategory.Hate,
        "SelfHarm" => ModerationCategory.SelfHarm,
        "Sexual" => ModerationCategory.Sexual,
        "Violence" => ModerationCategory.Violence,
        _ => null,
    };
}
