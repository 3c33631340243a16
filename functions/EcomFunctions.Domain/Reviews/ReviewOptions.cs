using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Reviews;

/// <summary>How the review capability runs (section "Reviews"; screening thresholds are in <see cref="ModerationOptions"/>).</summary>
public sealed class ReviewOptions
{
    public const string SectionName = "Reviews";

    /// <summary>
    /// How long an instance trusts its compiled blocklist before checking the stored version again (one small read). A
    /// save on this instance swaps the list at once; other instances pick it up within this interval.
    /// </summary>
    public TimeSpan BlocklistRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Keyword insight reads at most this many of a product's newest published reviews.</summary>
    public int KeywordSampleSize { get; set; } = 500;

    /// <summary>Keywords of a product are computed again after this long (segmentation is the expensive part).</summary>
    public TimeSpan KeywordCacheFor { get; set; } = TimeSpan.FromMinutes(5);

    public int DefaultPageSize { get; set; } = 20;

    public int MaxPageSize { get; set; } = 100;

    /// <summary>Attempts of a change that lost an optimistic-concurrency race before the caller sees a retryable failure.</summary>
    public int SaveAttempts { get; set; } = 5;

    public FieldErrors Validate()
    {
        var errors = new FieldErrors();
        errors.AddIf(BlocklistRefreshInterval < TimeSpan.Zero, nameof(BlocklistRefreshInterval), "Must be zero or more.");
        errors.AddIf(KeywordSampleSize is < 1 or > 5000, nameof(KeywordSampleSize), "Must be between 1 and 5000.");
        errors.AddIf(KeywordCacheFor < TimeSpan.Zero, nameof(KeywordCacheFor), "Must be zero or more.");
        errors.AddIf(MaxPageSize is < 1 or > 1000, nameof(MaxPageSize), "Must be between 1 and 1000.");
        errors.AddIf(DefaultPageSize < 1 || DefaultPageSize > MaxPageSize, nameof(DefaultPageSize), "Must be between 1 and MaxPageSize.");
        errors.AddIf(SaveAttempts < 1, nameof(SaveAttempts), "Must be at least 1.");
        return errors;
    }
}
