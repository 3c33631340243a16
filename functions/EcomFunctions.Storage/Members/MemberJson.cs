using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using EcomFunctions.Domain.Members;

namespace EcomFunctions.Storage;

/// <summary>
/// The JSON dialect of stored member documents (<see cref="MemberState"/>, <see cref="ReactivationTally"/>): camelCase,
/// enums as strings, <see cref="YearMonth"/> as "yyyy-MM" (also as dictionary key), <see cref="Birthday"/> as "MM-dd".
/// The domain exposes its collections get-only (so configuration binding and callers cannot swap them); they are
/// filled in place on read. Populating is enabled for exactly those properties: enabling it globally would also
/// populate shared instances such as <see cref="ProtectedPersonalData.None"/>.
/// </summary>
public static class MemberJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"Stored {typeof(T).Name} is null.");

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { PopulateGetOnlyCollections } },
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new YearMonthJsonConverter());
        options.Converters.Add(new BirthdayJsonConverter());
        options.MakeReadOnly();
        return options;
    }

    private static void PopulateGetOnlyCollections(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in type.Properties)
        {
            if (property.Set is null && property.Get is not null && typeof(IEnumerable).IsAssignableFrom(property.PropertyType)
                && property.PropertyType != typeof(string))
            {
                property.ObjectCreationHandling = JsonObjectCreationHandling.Populate;
            }
        }
    }
}

/// <summary>"yyyy-MM", as value and as dictionary key.</summary>
public sealed class YearMonthJsonConverter : JsonConverter<YearMonth>
{
    public override YearMonth Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Parse(reader.GetString());

    public override void Write(Utf8JsonWriter writer, YearMonth value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }

    public override YearMonth ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Parse(reader.GetString());

    public override void WriteAsPropertyName(Utf8JsonWriter writer, YearMonth value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WritePropertyName(value.ToString());
    }

    private static YearMonth Parse(string? text) =>
        YearMonth.TryParse(text, out var month) ? month : throw new JsonException($"'{text}' is not a yyyy-MM month.");
}

/// <summary>"MM-dd" (no year is ever stored).</summary>
public sealed class BirthdayJsonConverter : JsonConverter<Birthday>
{
    public override Birthday Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        TryParse(reader.GetString(), out var birthday) ? birthday : throw new JsonException("Not a MM-dd birthday.");

    public override void Write(Utf8JsonWriter writer, Birthday value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Format());
    }

    /// <summary>Parses "MM-dd" (e.g. "02-29").</summary>
    public static bool TryParse(string? text, out Birthday birthday)
    {
        birthday = default;
        return text is { Length: 5 } && text[2] == '-'
            && int.TryParse(text.AsSpan(0, 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var month)
            && int.TryParse(text.AsSpan(3, 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var day)
            && Birthday.TryCreate(month, day, out birthday);
    }
}
