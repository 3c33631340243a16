using System.Text.Json;
using Cronos;
using EcomFunctions.Infra.Tests.Compilation;

namespace EcomFunctions.Infra.Tests;

/// <summary>
/// The function app's settings: identity-based connections only, no key or connection string anywhere, the App's
/// own settings present with their Azure values, and nothing Flex Consumption rejects.
/// </summary>
[Collection(SharedInfrastructure.Name)]
public sealed class AppSettingsIntentTests(CompiledInfrastructure infra)
{
    /// <summary>Host settings the Flex Consumption plan rejects or ignores (functionAppConfig replaces them).</summary>
    private static readonly string[] FlexUnsupported =
    [
        "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_WORKER_RUNTIME_VERSION", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_CONTENTSHARE", "WEBSITE_CONTENTOVERVNET", "WEBSITE_TIME_ZONE", "TZ",
        "SCM_DO_BUILD_DURING_DEPLOYMENT", "ENABLE_ORYX_BUILD", "WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT",
        "WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED", "AzureWebJobsDashboard",
    ];

    /// <summary>Fragments that only occur in keys, SAS tokens or key-based connection strings.</summary>
    private static readonly string[] KeyMaterial =
    [
        "AccountKey=", "SharedAccessKey", "SharedAccessSignature", "sig=", "DefaultEndpointsProtocol=", "UseDevelopmentStorage",
        "listKeys(", "listConnectionStrings(", "listAccountSas(", "listServiceSas(", "InstrumentationKey=",
    ];

    /// <summary>Keys of local.settings.sample.json that only mean something on a developer machine.</summary>
    private static readonly string[] LocalOnlyPrefixes = ["LocalHost__", "FUNCTIONS_WORKER_RUNTIME"];

    private IReadOnlyDictionary<string, string> Settings => infra.Snapshot.AppSettings;

    private PredictedResource Identity => infra.Snapshot.One(ResourceTypes.Identity);

    [Fact]
    public void Host_storage_connection_is_identity_based()
    {
        var storage = infra.Snapshot.One(ResourceTypes.StorageAccount);
        AssertSetting("AzureWebJobsStorage__accountName", storage.Name);
        AssertSetting("AzureWebJobsStorage__credential", "managedidentity");
        AssertSetting("AzureWebJobsStorage__clientId", ArmExpression.Reference(Identity, "clientId"));
        Assert.False(Settings.ContainsKey("AzureWebJobsStorage"),
            $"A plain AzureWebJobsStorage setting is a connection string and wins over the identity settings; it must not exist (was '{Settings.GetValueOrDefault("AzureWebJobsStorage")}').");
    }

    [Fact]
    public void Durable_task_hub_uses_the_identity_based_connection_host_json_names()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(infra.RepositoryRoot, "host.json")));
        var durable = host.RootElement.At("extensions", "durableTask") ?? default;
        var provider = durable.Text("storageProvider", "type");
        var connection = durable.Text("storageProvider", "connectionName") ?? "AzureWebJobsStorage";
        var hub = durable.Text("hubName");

        Assert.True(provider == "AzureStorage",
            $"host.json durableTask.storageProvider.type is '{provider}'; the infrastructure provisions the Azure Storage provider (the only one Flex Consumption supports).");
        foreach (var part in new[] { "accountName", "credential", "clientId" })
        {
            Assert.True(Settings.ContainsKey($"{connection}__{part}"),
                $"host.json durableTask uses connection '{connection}', so the app needs the identity setting '{connection}__{part}'.");
        }

        Assert.True(hub == "%DurableTaskHubName%", $"host.json durableTask.hubName must be '%DurableTaskHubName%' (set per environment), was '{hub}'.");
        var hubName = Settings.GetValueOrDefault("DurableTaskHubName") ?? "(absent)";
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(hubName, "^[A-Za-z][A-Za-z0-9]{2,44}$"),
            $"App setting DurableTaskHubName must be a valid task hub name (3-45 letters and digits, starting with a letter), was '{hubName}'.");
    }

    [Fact]
    public void No_setting_holds_a_key_or_connection_string()
    {
        var findings = Settings
            .SelectMany(s => KeyMaterial.Where(k => s.Value.Contains(k, StringComparison.OrdinalIgnoreCase)).Select(k => $"{s.Key} contains '{k}': {s.Value}"))
            .Concat(Settings.Keys.Where(k => k.EndsWith("ConnectionString", StringComparison.OrdinalIgnoreCase)
                                             && !k.Equals("APPLICATIONINSIGHTS_CONNECTION_STRING", StringComparison.Ordinal))
                .Select(k => $"{k} is a connection-string setting"))
            .Concat(Settings.Keys.Where(k => k.EndsWith("__connectionString", StringComparison.OrdinalIgnoreCase)).Select(k => $"{k} is a connection-string setting"));
        Problems.None(findings, "App settings must hold no keys, SAS tokens or connection strings (use identity settings or Key Vault references):");
    }

    [Fact]
    public void Application_Insights_connection_carries_no_usable_key()
    {
        // Its connection string holds an instrumentation key, which is harmless only because local auth is off:
        // ingestion then requires the identity's Entra token (Monitoring Metrics Publisher).
        var insights = infra.Snapshot.One(ResourceTypes.ApplicationInsights);
        Assert.True(insights.Properties.Flag("DisableLocalAuth") == true,
            $"Application Insights {insights.Name} must have DisableLocalAuth true, was {insights.Properties.Show("DisableLocalAuth")}.");
        AssertSetting("APPLICATIONINSIGHTS_CONNECTION_STRING", ArmExpression.Reference(insights, "ConnectionString"));
        AssertSetting("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", $"[format('ClientId={{0}};Authorization=AAD', {ArmExpression.ReferenceCall(Identity, "clientId")})]");
    }

    [Fact]
    public void Nothing_Flex_Consumption_rejects_is_set()
    {
        Problems.None(FlexUnsupported.Where(Settings.ContainsKey).Select(k => $"{k} = {Settings[k]}"),
            "These settings are deprecated or unsupported on Flex Consumption (runtime, package and scale live in functionAppConfig; there is no time zone setting):");
    }

    [Fact]
    public void Operators_cannot_use_the_development_principal_in_Azure()
    {
        AssertSetting("Auth__AllowDevelopmentPrincipal", "false");
    }

    [Fact]
    public void Event_Grid_settings_point_at_the_topic()
    {
        var topic = infra.Snapshot.One(ResourceTypes.EventGridTopic);
        AssertSetting("EventGrid__Endpoint", ArmExpression.Reference(topic, "endpoint"));
        AssertSetting("EventGrid__Source", "/ecomfunctions/" + CiParameters.Default.EnvironmentName);
        AssertSetting("AZURE_CLIENT_ID", ArmExpression.Reference(Identity, "clientId"));
    }

    [Fact]
    public void Member_contact_keys_are_Key_Vault_references_to_the_parameter_backed_secrets()
    {
        var vault = infra.Snapshot.One(ResourceTypes.KeyVault);
        foreach (var (setting, parameter) in new[] { ("Members__ContactEncryptionKey", "memberContactEncryptionKey"), ("Members__ContactLookupKey", "memberContactLookupKey") })
        {
            var secrets = infra.Snapshot.OfType(ResourceTypes.KeyVaultSecret)
                .Where(s => s.Properties.Text("value") == $"[parameters('{parameter}')]").ToList();
            Assert.True(secrets.Count == 1, $"Exactly one Key Vault secret must take its value from the secure parameter {parameter}, found {secrets.Count}.");
            Assert.StartsWith(vault.Id + "/secrets/", secrets[0].Id, StringComparison.OrdinalIgnoreCase);
            AssertSetting(setting, $"[format('@Microsoft.KeyVault(SecretUri={{0}})', {ArmExpression.ReferenceCall(secrets[0], "secretUri")})]");
        }
    }

    [Fact]
    public void Store_time_zone_is_Asia_Shanghai()
    {
        AssertSetting("Store__TimeZone", "Asia/Shanghai");
    }

    [Fact]
    public void Every_setting_the_App_reads_locally_has_an_Azure_value()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(infra.RepositoryRoot, "local.settings.sample.json")));
        var local = (sample.RootElement.At("Values") ?? default).EnumerateObject().Select(p => p.Name)
            .Where(k => !LocalOnlyPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal)))
            // Locally a connection string; in Azure the identity form checked by Host_storage_connection_is_identity_based.
            .Where(k => k != "AzureWebJobsStorage");
        Problems.None(
            local.Where(k => !Settings.ContainsKey(k))
                .Select(k => $"'{k}' is set in local.settings.sample.json but not in Azure: add it to infra/app-settings.json (UTC for schedules), or to infra/modules/functionapp.bicep if its value names a resource or a secret."),
            "Settings missing from the deployed function app:");
    }

    [Fact]
    public void Schedules_are_valid_six_field_NCRONTAB_expressions()
    {
        var problems = new List<string>();
        foreach (var (key, value) in Settings.Where(s => s.Key.EndsWith("Schedule", StringComparison.Ordinal)))
        {
            try
            {
                CronExpression.Parse(value, CronFormat.IncludeSeconds);
            }
            catch (CronFormatException e)
            {
                problems.Add($"{key} = '{value}': {e.Message}");
            }
        }

        Problems.None(problems, "Timer schedules (UTC on Flex Consumption) must be six-field NCRONTAB expressions:");
    }

    private void AssertSetting(string name, string expected)
    {
        Assert.True(Settings.TryGetValue(name, out var actual), $"App setting '{name}' is missing; expected '{expected}'.");
        Assert.True(actual == expected, $"App setting '{name}':\n  expected: {expected}\n  actual:   {actual}");
    }
}
