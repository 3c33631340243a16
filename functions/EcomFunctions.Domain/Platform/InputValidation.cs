using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;

namespace EcomFunctions.Domain.Platform;

/// <summary>An input (request body, queue message) that checks its own cross-field rules.</summary>
public interface ISelfValidating
{
    void Validate(FieldErrors errors);
}

/// <summary>
/// Parses and validates untrusted JSON input in one place for HTTP bodies and queue messages: shape errors from the
/// strict <see cref="EcomJson"/> options, DataAnnotations on properties (recursively into nested objects and lists),
/// then <see cref="ISelfValidating"/>. Field names are the JSON paths a client sent (camelCase).
/// </summary>
public static class InputValidation
{
    public static Result<T> Parse<T>(ReadOnlySpan<byte> utf8Json) where T : class
    {
        if (utf8Json.IsEmpty)
        {
            return Problem.Validation("$", "A JSON body is required.");
        }

        T? value;
        try
        {
            value = JsonSerializer.Deserialize<T>(utf8Json, EcomJson.Options);
        }
        catch (JsonException ex)
        {
            return ShapeProblem(ex);
        }
        catch (InvalidOperationException ex)
        {
            // Thrown for e.g. invalid UTF-8 sequences in some readers.
            return Problem.Validation("$", "The body is not valid JSON: " + ex.Message);
        }

        if (value is null)
        {
            return Problem.Validation("$", "A JSON object is required, not null.");
        }

        var errors = Validate(value);
        return errors.ToProblem() is { } problem ? problem : value;
    }

    public static Result<T> Parse<T>(string json) where T : class =>
        Parse<T>(System.Text.Encoding.UTF8.GetBytes(json ?? string.Empty));

    /// <summary>DataAnnotations (recursive) and <see cref="ISelfValidating"/> rules; empty when valid.</summary>
    public static FieldErrors Validate(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new FieldErrors();
        ValidateObject(value, prefix: null, errors, depth: 0);
        return errors;
    }

    private static Problem ShapeProblem(JsonException ex)
    {
        var field = JsonPathToField(ex.Path);
        // The serializer's message names .NET types; keep the client-facing part readable.
        var message = ex.Message.Split(" Path:", 2)[0];
        if (message.Contains("missing required properties", StringComparison.OrdinalIgnoreCase) ||
            message.Contains("required", StringComparison.OrdinalIgnoreCase))
        {
            return Problem.Validation(field, message);
        }

        return Problem.Validation(field, string.IsNullOrWhiteSpace(message) ? "Invalid JSON." : message);
    }

    private static string JsonPathToField(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "$";
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static void ValidateObject(object value, string? prefix, FieldErrors errors, int depth)
    {
        if (depth > 16)
        {
            return;
        }

        var results = new List<ValidationResult>();
        Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true);
        foreach (var result in results)
        {
            var members = result.MemberNames.Any() ? result.MemberNames : [string.Empty];
            foreach (var member in members)
            {
                errors.Add(Join(prefix, Camel(member)), result.ErrorMessage ?? "Invalid value.");
            }
        }

        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || IsLeaf(property.PropertyType))
            {
                continue;
            }

            var child = property.GetValue(value);
            var name = Join(prefix, Camel(property.Name));
            if (child is IEnumerable sequence and not string)
            {
                var index = 0;
                foreach (var item in sequence)
                {
                    if (item is not null && !IsLeaf(item.GetType()))
                    {
                        ValidateObject(item, $"{name}[{index}]", errors, depth + 1);
                    }

                    index++;
                }
            }
            else if (child is not null)
            {
                ValidateObject(child, name, errors, depth + 1);
            }
        }

        if (value is ISelfValidating self)
        {
            var own = new FieldErrors();
            self.Validate(own);
            errors.Merge(own, prefix);
        }
    }

    private static bool IsLeaf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) ||
               type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(DateOnly) ||
               type == typeof(TimeOnly) || type == typeof(TimeSpan) || type == typeof(Guid) ||
               type == typeof(JsonElement) || type == typeof(Uri) ||
               (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>) && IsLeaf(type.GetGenericArguments()[1]));
    }

    private static string Join(string? prefix, string name) =>
        string.IsNullOrEmpty(prefix) ? name : string.IsNullOrEmpty(name) ? prefix : $"{prefix}.{name}";

    private static string Camel(string name) =>
        string.IsNullOrEmpty(name) || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
