using System.Text.Json;

namespace EcomFunctions.Infra.Tests.Compilation;

/// <summary>
/// The ARM JSON `bicep build infra/main.bicep` produces. Each Bicep module is a nested
/// Microsoft.Resources/deployments resource carrying its own template in properties.template; <see cref="Templates"/>
/// walks them all, to any depth. Resources are an array, or an object keyed by symbolic name when Bicep emits
/// languageVersion 2.0; both are handled.
/// </summary>
public sealed class ArmTemplate(JsonElement root)
{
    public JsonElement Root { get; } = root;

    public static ArmTemplate Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return new ArmTemplate(document.RootElement.Clone());
    }

    /// <summary>The main template and every nested module template, each with its module path ("main/functionapp").</summary>
    public IEnumerable<NestedTemplate> Templates() => Walk("main", Root, deployment: null);

    /// <summary>The nested deployment (module) called <paramref name="name"/> directly under main.</summary>
    public JsonElement Module(string name)
    {
        var found = ResourcesOf(Root).Where(r => IsDeployment(r) && r.Text("name") == name).ToList();
        Assert.True(found.Count == 1, $"main.bicep should have exactly one module deployment named '{name}', found {found.Count}.");
        return found[0];
    }

    public static IEnumerable<JsonElement> ResourcesOf(JsonElement template) =>
        template.At("resources") switch
        {
            { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().ToList(),
            { ValueKind: JsonValueKind.Object } symbolic => symbolic.EnumerateObject().Select(p => p.Value).ToList(),
            _ => [],
        };

    private static IEnumerable<NestedTemplate> Walk(string path, JsonElement template, JsonElement? deployment)
    {
        yield return new NestedTemplate(path, template, deployment);
        foreach (var resource in ResourcesOf(template).Where(IsDeployment))
        {
            if (resource.At("properties", "template") is { ValueKind: JsonValueKind.Object } nested)
            {
                foreach (var inner in Walk(path + "/" + resource.Text("name"), nested, resource))
                {
                    yield return inner;
                }
            }
        }
    }

    private static bool IsDeployment(JsonElement resource) =>
        string.Equals(resource.Text("type"), ResourceTypes.Deployment, StringComparison.OrdinalIgnoreCase);
}

/// <summary>One template in the compiled file: main, or a module at <see cref="Path"/>.</summary>
public sealed record NestedTemplate(string Path, JsonElement Template, JsonElement? Deployment)
{
    public IEnumerable<JsonElement> Resources => ArmTemplate.ResourcesOf(Template);

    public JsonElement Parameters => Template.At("parameters") ?? default;
}
