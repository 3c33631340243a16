using System.Text.Json;
using System.Text.RegularExpressions;
using EcomFunctions.Infra.Tests.Compilation;

namespace EcomFunctions.Infra.Tests;

/// <summary>
/// Properties of the compiled ARM template as a whole, checked in the main template and in every nested module
/// deployment: no key is ever fetched, secrets only travel as secure parameters, and the app is created after its
/// roles exist.
/// </summary>
[Collection(SharedInfrastructure.Name)]
public sealed partial class TemplateSafetyTests(CompiledInfrastructure infra)
{
    [Fact]
    public void Every_module_compiles_into_a_nested_deployment()
    {
        var modules = infra.Template.Templates().Where(t => t.Deployment is not null).Select(t => t.Path[(t.Path.LastIndexOf('/') + 1)..]).ToHashSet();
        var files = Directory.GetFiles(Path.Combine(infra.InfraFolder, "modules"), "*.bicep").Length;
        Assert.True(modules.Count == files,
            $"infra/modules has {files} .bicep files but the compiled main template nests {modules.Count} module deployments ([{string.Join(", ", modules)}]): every module must be used by main.bicep, and walked here.");
    }

    [Fact]
    public void No_template_fetches_keys_or_connection_strings()
    {
        var calls = infra.Template.Templates()
            .SelectMany(t => t.Template.Strings().Where(s => ListFunction().IsMatch(s.Value)).Select(s => $"{t.Path} {s.Path}: {s.Value}"));
        Problems.None(calls, "No template may call list*() (listKeys, listConnectionStrings, listAccountSas, ...): every connection is identity-based.");
    }

    [Fact]
    public void Key_and_secret_parameters_are_secure_at_every_level()
    {
        var insecure = infra.Template.Templates()
            .SelectMany(t => t.Parameters.ValueKind == JsonValueKind.Object ? t.Parameters.EnumerateObject().Select(p => (t.Path, p)) : [])
            .Where(x => SecretName().IsMatch(x.p.Name) && !string.Equals(x.p.Value.Text("type"), "securestring", StringComparison.OrdinalIgnoreCase))
            .Select(x => $"{x.Path} parameter {x.p.Name} is {x.p.Value.Show("type")}");
        Problems.None(insecure, "Parameters carrying keys or secrets must be @secure() (securestring) in every template they pass through, or they are kept in deployment history:");
    }

    [Fact]
    public void Contact_key_parameters_have_no_default()
    {
        var parameters = infra.Template.Root.At("parameters") ?? default;
        foreach (var name in new[] { "memberContactEncryptionKey", "memberContactLookupKey" })
        {
            var parameter = parameters.At(name);
            Assert.True(parameter is not null, $"main.bicep must declare parameter {name}.");
            Assert.True(parameter!.Value.At("defaultValue") is null,
                $"main.bicep parameter {name} must have no default: a key in the repository is no key, and a generated one would change on every deployment.");
        }
    }

    [Fact]
    public void Function_app_is_deployed_after_its_role_assignments()
    {
        var modules = infra.Template.Templates().Where(t => t.Deployment is not null).ToList();
        var rbac = modules.Where(m => m.Resources.Any(r => r.Text("type") == ResourceTypes.RoleAssignment)).Select(m => m.Deployment!.Value.Text("name")).ToList();
        var app = modules.Single(m => m.Resources.Any(r => r.Text("type") == ResourceTypes.Site)).Deployment!.Value;
        var dependsOn = (app.At("dependsOn") ?? default).ValueKind == JsonValueKind.Array
            ? app.At("dependsOn")!.Value.EnumerateArray().Select(d => d.GetString() ?? "").ToList()
            : [];
        Assert.NotEmpty(rbac);
        Problems.None(
            rbac.Where(name => !dependsOn.Any(d => d.Contains($"'Microsoft.Resources/deployments', '{name}')", StringComparison.Ordinal)))
                .Select(name => $"module '{app.Text("name")}' does not depend on module '{name}'"),
            "The function app must wait for its role assignments: it reads storage, its package and Key Vault as its identity from the first start, and a failed Key Vault reference is cached.");
    }

    [GeneratedRegex(@"\blist[A-Za-z]*\(", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ListFunction();

    [GeneratedRegex("(Key|Secret|Password)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();
}
