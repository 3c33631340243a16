using System.Text.Json;

namespace EcomFunctions.Infra.Tests.Compilation;

/// <summary>Reading ARM JSON, whose property names are case-insensitive (Bicep keeps the author's casing).</summary>
public static class JsonPaths
{
    public static JsonElement? At(this JsonElement element, params string[] path)
    {
        var current = element;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var found = current.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            if (found.Value.ValueKind == JsonValueKind.Undefined)
            {
                return null;
            }

            current = found.Value;
        }

        return current;
    }

    /// <summary>The string at <paramref name="path"/>, or null when absent or not a string.</summary>
    public static string? Text(this JsonElement element, params string[] path) =>
        element.At(path) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    /// <summary>The boolean at <paramref name="path"/>, or null when absent or not a boolean.</summary>
    public static bool? Flag(this JsonElement element, params string[] path) =>
        element.At(path) is { ValueKind: JsonValueKind.True or JsonValueKind.False } value ? value.GetBoolean() : null;

    /// <summary>The number at <paramref name="path"/>, or null when absent or not a number.</summary>
    public static long? Number(this JsonElement element, params string[] path) =>
        element.At(path) is { ValueKind: JsonValueKind.Number } value ? value.GetInt64() : null;

    /// <summary>Shows the JSON at <paramref name="path"/> in an assertion message ("(absent)" when missing).</summary>
    public static string Show(this JsonElement element, params string[] path) =>
        element.At(path) is { } value ? value.GetRawText() : "(absent)";

    /// <summary>Every string value anywhere below <paramref name="element"/>, with its JSON path.</summary>
    public static IEnumerable<(string Path, string Value)> Strings(this JsonElement element, string path = "$")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                yield return (path, element.GetString()!);
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    foreach (var item in property.Value.Strings(path + "." + property.Name))
                    {
                        yield return item;
                    }
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var child in element.EnumerateArray())
                {
                    foreach (var item in child.Strings($"{path}[{index++}]"))
                    {
                        yield return item;
                    }
                }

                break;
        }
    }
}
