using System.Text.Json;
using EcomFunctions.Infra.Tests.Compilation;
using YamlDotNet.RepresentationModel;

namespace EcomFunctions.Infra.Tests;

/// <summary>What `azd up` relies on: azure.yaml, main.parameters.json, the service tag and the outputs.</summary>
[Collection(SharedInfrastructure.Name)]
public sealed class AzdProjectTests(CompiledInfrastructure infra)
{
    /// <summary>Outputs azd and operators use (written to .azure/&lt;env&gt;/.env).</summary>
    private static readonly string[] RequiredOutputs =
    [
        "AZURE_LOCATION", "AZURE_TENANT_ID", "AZURE_RESOURCE_GROUP", "SERVICE_API_NAME", "SERVICE_API_URI",
        "AZURE_FUNCTION_APP_NAME", "AZURE_MANAGED_IDENTITY_CLIENT_ID", "AZURE_STORAGE_ACCOUNT_NAME",
        "AZURE_EVENTGRID_TOPIC_ENDPOINT", "AZURE_KEY_VAULT_NAME", "AZURE_KEY_VAULT_ENDPOINT", "DURABLE_TASK_HUB_NAME",
    ];

    [Fact]
    public void Azure_yaml_service_is_the_function_app_project_and_matches_the_app_tag()
    {
        var services = (YamlMappingNode)AzureYaml().Children[new YamlScalarNode("services")];
        var (name, service) = Assert.Single(services.Children);
        var map = (YamlMappingNode)service;
        string Field(string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? ((YamlScalarNode)node).Value ?? "" : "(absent)";

        Assert.True(Field("host") == "function" && Field("language") == "dotnet",
            $"azure.yaml service '{name}' must be host: function, language: dotnet; was host: {Field("host")}, language: {Field("language")}.");
        var project = Path.GetFullPath(Path.Combine(infra.RepositoryRoot, Field("project")));
        Assert.True(Directory.Exists(project) && Directory.GetFiles(project, "*.csproj").Length == 1,
            $"azure.yaml service '{name}' project '{Field("project")}' must be a folder with one .csproj (the Functions app).");
        Assert.True(File.Exists(Path.Combine(project, "host.json")), $"The deployed project folder {project} must contain host.json.");

        var site = infra.Snapshot.FunctionApp;
        Assert.True(site.Tag("azd-service-name") == ((YamlScalarNode)name).Value,
            $"azd deploys service '{name}' to the resource tagged azd-service-name '{name}'; the function app is tagged '{site.Tag("azd-service-name")}'.");
        Assert.True(infra.Snapshot.Output("SERVICE_API_NAME") == site.Name,
            $"Output SERVICE_API_NAME must be the function app name {site.Name}, was {infra.Snapshot.Output("SERVICE_API_NAME")}.");
    }

    [Fact]
    public void Parameters_file_maps_the_azd_environment()
    {
        var values = ParametersFile();
        var expected = new Dictionary<string, string>
        {
            ["environmentName"] = "${AZURE_ENV_NAME}",
            ["location"] = "${AZURE_LOCATION}",
            ["principalId"] = "${AZURE_PRINCIPAL_ID}",
        };
        Problems.None(
            expected.Where(e => values.GetValueOrDefault(e.Key) != e.Value).Select(e => $"{e.Key} must be \"{e.Value}\", was \"{values.GetValueOrDefault(e.Key)}\""),
            "infra/main.parameters.json:");
    }

    [Fact]
    public void Parameters_file_names_only_real_parameters_and_covers_every_required_one()
    {
        var values = ParametersFile();
        var declared = (infra.Template.Root.At("parameters") ?? default).EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        var unknown = values.Keys.Where(k => !declared.ContainsKey(k)).Select(k => $"'{k}' is not a parameter of main.bicep (the deployment would fail)");
        var uncovered = declared.Where(p => p.Value.At("defaultValue") is null && !values.ContainsKey(p.Key))
            .Select(p => $"required parameter '{p.Key}' is not mapped (azd would prompt for it on every new environment)");
        Problems.None(unknown.Concat(uncovered), "infra/main.parameters.json against infra/main.bicep:");
    }

    [Fact]
    public void Secrets_come_from_the_azd_environment_not_the_repository()
    {
        var values = ParametersFile();
        var secure = (infra.Template.Root.At("parameters") ?? default).EnumerateObject()
            .Where(p => string.Equals(p.Value.Text("type"), "securestring", StringComparison.OrdinalIgnoreCase)).Select(p => p.Name).ToList();
        Assert.NotEmpty(secure);
        Problems.None(
            secure.Where(p => values.TryGetValue(p, out var v) && !(v.StartsWith("${", StringComparison.Ordinal) && v.EndsWith('}')))
                .Select(p => $"{p} has a literal value in infra/main.parameters.json"),
            "Secure parameters may only be mapped to azd environment variables (`azd env set ...`):");
    }

    [Fact]
    public void No_bicepparam_shadows_the_parameters_file()
    {
        // azd prefers main.bicepparam over main.parameters.json when both exist.
        Assert.False(File.Exists(Path.Combine(infra.InfraFolder, "main.bicepparam")),
            "infra/main.bicepparam would replace main.parameters.json for azd (and its ${AZURE_*} mappings); name CI-only parameter files differently.");
    }

    [Fact]
    public void Outputs_azd_needs_are_present_and_hold_no_secret()
    {
        var declared = (infra.Template.Root.At("outputs") ?? default).EnumerateObject().Select(o => o.Name).ToHashSet();
        Problems.None(RequiredOutputs.Where(o => !declared.Contains(o)).Select(o => $"output {o} is missing"), "infra/main.bicep outputs:");

        var snapshot = infra.Snapshot;
        Assert.Equal(snapshot.One(ResourceTypes.ResourceGroup).Name, snapshot.Output("AZURE_RESOURCE_GROUP"));
        Assert.Equal(snapshot.One(ResourceTypes.StorageAccount).Name, snapshot.Output("AZURE_STORAGE_ACCOUNT_NAME"));
        Assert.Equal(snapshot.One(ResourceTypes.KeyVault).Name, snapshot.Output("AZURE_KEY_VAULT_NAME"));
        Assert.Equal(snapshot.AppSettings["DurableTaskHubName"], snapshot.Output("DURABLE_TASK_HUB_NAME"));
        Assert.Equal(ArmExpression.Reference(snapshot.One(ResourceTypes.EventGridTopic), "endpoint"), snapshot.Output("AZURE_EVENTGRID_TOPIC_ENDPOINT"));

        Problems.None(
            declared.Where(o => o.Contains("KEY", StringComparison.OrdinalIgnoreCase) && !o.Contains("KEY_VAULT", StringComparison.OrdinalIgnoreCase)
                                || o.Contains("SECRET", StringComparison.OrdinalIgnoreCase) || o.Contains("CONNECTION_STRING", StringComparison.OrdinalIgnoreCase)),
            "Outputs land in plain text in .azure/<env>/.env; none may carry a key, secret or connection string:");
    }

    private YamlMappingNode AzureYaml()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(infra.RepositoryRoot, "azure.yaml"));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private Dictionary<string, string> ParametersFile()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(infra.InfraFolder, "main.parameters.json")));
        return (file.RootElement.At("parameters") ?? default).EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.At("value")?.ToString() ?? "");
    }
}
