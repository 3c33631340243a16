using System.Text.Json;
using System.Text.Json.Serialization;

namespace EcomFunctions.Domain.Platform;

/// <summary>
/// The one JSON dialect of the product: HTTP bodies, queue messages, event data and stored documents all use it,
/// so a value written by one layer reads back identically in another.
/// </summary>
public static class EcomJson
{
    /// <summary>
    /// camelCase, enums as strings, and strict about shape: a null for a non-nullable property or a missing
    /// constructor parameter of a record is an error, which is what turns a malformed request into a 400.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = Create();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T? Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options);

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            AllowTrailingCommas = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            MaxDepth = 32,
            // Numbers are numbers: "5" for an integer field is a client bug worth a 400, not something to guess at.
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
