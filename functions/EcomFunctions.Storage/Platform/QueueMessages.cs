using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Storage;

/// <summary>
/// A queue message contract carries a schema version, so a producer deployed ahead of its consumer is parked with
/// "unknown version" instead of being misread.
/// </summary>
public interface IVersionedMessage
{
    int Version { get; }
}

public static class QueueMessages
{
    /// <summary>Parses, validates and version-checks a message; the problem's detail is the dead-letter reason.</summary>
    public static Result<T> Read<T>(string text, params int[] supportedVersions) where T : class, IVersionedMessage
    {
        var parsed = InputValidation.Parse<T>(text ?? string.Empty);
        if (!parsed.IsSuccess)
        {
            return parsed;
        }

        var versions = supportedVersions is { Length: > 0 } ? supportedVersions : [1];
        return versions.Contains(parsed.Value!.Version)
            ? parsed
            : Problem.Validation("version", $"Unknown message version {parsed.Value.Version}; this consumer reads {string.Join(", ", versions)}.");
    }

    /// <summary>A one-line dead-letter reason for a problem.</summary>
    public static string Reason(Problem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var fields = problem.Errors is { Count: > 0 }
            ? " " + string.Join("; ", problem.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))
            : string.Empty;
        return $"{problem.Title}{fields}".Trim();
    }
}
