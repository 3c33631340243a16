using System.Text.Json;
using System.Text.RegularExpressions;

namespace EcomFunctions.Infra.Tests.Compilation;

/// <summary>
/// What `bicep snapshot` predicts a deployment of infra/main.bicep creates: the compiled ARM template evaluated by
/// Bicep's own deployment engine for given parameters, with modules flattened, copy loops expanded and every
/// expression that can be known before deployment resolved (names, ids, settings). Values that only exist once
/// Azure has run (an identity's principalId, an endpoint) stay as `[reference('&lt;resource id&gt;', ...).property]`,
/// which still says exactly which resource they come from.
/// </summary>
public sealed class DeploymentSnapshot
{
    private DeploymentSnapshot(string json, IReadOnlyList<PredictedResource> resources, JsonElement outputs, IReadOnlyList<string> diagnostics)
    {
        Json = json;
        Resources = resources;
        Outputs = outputs;
        Diagnostics = diagnostics;
    }

    /// <summary>The snapshot file as written by bicep.</summary>
    public string Json { get; }

    public IReadOnlyList<PredictedResource> Resources { get; }

    public JsonElement Outputs { get; }

    public IReadOnlyList<string> Diagnostics { get; }

    public static DeploymentSnapshot Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement.Clone();
        var resources = root.GetProperty("predictedResources").EnumerateArray().Select(r => new PredictedResource(r)).ToList();
        var diagnostics = root.At("diagnostics") is { ValueKind: JsonValueKind.Array } list
            ? list.EnumerateArray().Select(d => d.GetRawText()).ToList()
            : [];
        var outputs = root.At("outputs") ?? default;
        return new DeploymentSnapshot(json, resources, outputs, diagnostics);
    }

    public IEnumerable<PredictedResource> OfType(string type) =>
        Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The one resource of <paramref name="type"/>; fails naming how many there were.</summary>
    public PredictedResource One(string type)
    {
        var found = OfType(type).ToList();
        Assert.True(found.Count == 1, $"Expected exactly one {type} in the deployment, found {found.Count}: [{string.Join(", ", found.Select(r => r.Name))}].");
        return found[0];
    }

    public PredictedResource FunctionApp => One(ResourceTypes.Site);

    /// <summary>The function app's app settings, by name.</summary>
    public IReadOnlyDictionary<string, string> AppSettings
    {
        get
        {
            var settings = FunctionApp.Properties.At("siteConfig", "appSettings");
            Assert.True(settings is { ValueKind: JsonValueKind.Array }, "The function app declares no siteConfig.appSettings array.");
            return settings!.Value.EnumerateArray().ToDictionary(
                s => s.Text("name") ?? throw new InvalidOperationException("App setting without a name: " + s.GetRawText()),
                s => s.At("value")?.ValueKind == JsonValueKind.String ? s.Text("value")! : s.Show("value"),
                StringComparer.OrdinalIgnoreCase);
        }
    }

    public string? Output(string name) => Outputs.ValueKind == JsonValueKind.Object ? Outputs.Text(name) : null;
}

/// <summary>One resource the deployment would create.</summary>
public sealed class PredictedResource(JsonElement json)
{
    private static readonly Regex ExtensionScope = new(@"^\[extensionResourceId\('(?<scope>[^']+)',", RegexOptions.CultureInvariant);

    public JsonElement Json { get; } = json;

    public string Id => Json.Text("id") ?? "";

    public string Type => Json.Text("type") ?? "";

    public string Name => Json.Text("name") ?? "";

    public string ApiVersion => Json.Text("apiVersion") ?? "";

    /// <summary>The last segment of the name: the queue or table name of a storage child resource.</summary>
    public string LeafName => Name[(Name.LastIndexOf('/') + 1)..];

    public JsonElement Properties => Json.At("properties") ?? default;

    /// <summary>For an extension resource such as a role assignment: the id of the resource it applies to.</summary>
    public string? Scope
    {
        get
        {
            var match = ExtensionScope.Match(Id);
            if (match.Success)
            {
                return match.Groups["scope"].Value;
            }

            const string marker = "/providers/Microsoft.Authorization/";
            var at = Id.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
            return at > 0 ? Id[..at] : null;
        }
    }

    public string? Tag(string name) => Json.Text("tags", name);

    public override string ToString() => $"{Type} {Name}";
}

/// <summary>ARM expressions as the snapshot leaves them for values known only after deployment.</summary>
public static class ArmExpression
{
    /// <summary>The expression `[reference('&lt;id&gt;', '&lt;api&gt;').&lt;property&gt;]` for a resource in the snapshot.</summary>
    public static string Reference(PredictedResource resource, string property) =>
        $"[{ReferenceCall(resource, property)}]";

    /// <summary>`reference('&lt;id&gt;', '&lt;api&gt;').&lt;property&gt;` as it appears inside a larger expression.</summary>
    public static string ReferenceCall(PredictedResource resource, string property) =>
        $"reference('{resource.Id}', '{resource.ApiVersion}').{property}";
}

public static class ResourceTypes
{
    public const string ResourceGroup = "Microsoft.Resources/resourceGroups";
    public const string StorageAccount = "Microsoft.Storage/storageAccounts";
    public const string BlobContainer = "Microsoft.Storage/storageAccounts/blobServices/containers";
    public const string Queue = "Microsoft.Storage/storageAccounts/queueServices/queues";
    public const string Table = "Microsoft.Storage/storageAccounts/tableServices/tables";
    public const string Identity = "Microsoft.ManagedIdentity/userAssignedIdentities";
    public const string Plan = "Microsoft.Web/serverfarms";
    public const string Site = "Microsoft.Web/sites";
    public const string PublishingCredentialsPolicy = "Microsoft.Web/sites/basicPublishingCredentialsPolicies";
    public const string EventGridTopic = "Microsoft.EventGrid/topics";
    public const string KeyVault = "Microsoft.KeyVault/vaults";
    public const string KeyVaultSecret = "Microsoft.KeyVault/vaults/secrets";
    public const string ApplicationInsights = "Microsoft.Insights/components";
    public const string LogAnalytics = "Microsoft.OperationalInsights/workspaces";
    public const string RoleAssignment = "Microsoft.Authorization/roleAssignments";
    public const string Deployment = "Microsoft.Resources/deployments";
}
