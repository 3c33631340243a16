namespace EcomFunctions.Domain.Reviews;

/// <summary>
/// An external content classifier (Azure AI Content Safety style) behind a port. Off by default
/// (<see cref="ModerationOptions.ClassifierEnabled"/>). Adapters map the service's categories onto
/// <see cref="ModerationCategory"/> and its severities onto 0–1 (Content Safety: severity / 7), and return
/// <see cref="ClassifierVerdict.Unavailable"/> rather than throwing when the service cannot answer.
/// </summary>
public interface IContentClassifier
{
    Task<ClassifierVerdict> ClassifyAsync(string text, CancellationToken cancellationToken);
}

/// <summary>A category and how severe the classifier found it, from 0 (none) to 1 (most severe).</summary>
public readonly record struct ClassifierScore(ModerationCategory Category, double Severity);

/// <summary>What the classifier said, or why it said nothing.</summary>
public sealed record ClassifierVerdict(IReadOnlyList<ClassifierScore> Scores, string? UnavailableReason = null)
{
    public bool IsAvailable => UnavailableReason is null;

    public static ClassifierVerdict Unavailable(string reason) => new([], reason);
}
