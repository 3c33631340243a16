using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Reviews;

/// <summary>
/// Thresholds of automatic screening. Every number here is our own default (DESIGN §8 gives none) and is bound from
/// configuration section "Moderation" by the App.
/// </summary>
public sealed class ModerationOptions
{
    public const string SectionName = "Moderation";

    // ---- contact details and ads ----

    /// <summary>A mobile number is the classic lure off the platform.</summary>
    public ModerationAction MobilePhoneAction { get; set; } = ModerationAction.Reject;

    /// <summary>Landlines and 400 hotlines are often a shop's own service line: a human decides.</summary>
    public ModerationAction LandlineAction { get; set; } = ModerationAction.Review;

    public ModerationAction EmailAction { get; set; } = ModerationAction.Reject;

    public ModerationAction MessagingIdAction { get; set; } = ModerationAction.Reject;

    /// <summary>One link may be a harmless reference; more than <see cref="MaxLinks"/> is spam.</summary>
    public ModerationAction UrlAction { get; set; } = ModerationAction.Review;

    /// <summary>More links than this rejects the review as link spam.</summary>
    public int MaxLinks { get; set; } = 1;

    /// <summary>
    /// A review whose text beside its links has fewer letters, digits and CJK characters than this is an ad carrying a
    /// link, not a review mentioning one. Counted in characters rather than as a share because Chinese is dense: a
    /// 25-character address beside 13 Chinese characters is still a real sentence.
    /// </summary>
    public int MinTextBesideLinks { get; set; } = 10;

    // ---- floods ----

    /// <summary>A character repeated this many times in a row is a flood ("!!!!!!", "好好好好好好").</summary>
    public int FloodRunLength { get; set; } = 6;

    /// <summary>A two- to four-character pattern repeated this many times in a row is a flood ("好评好评好评好评").</summary>
    public int FloodPatternRepeats { get; set; } = 4;

    /// <summary>When floods make up at least this share of the text it carries no information: review.</summary>
    public double FloodShareForReview { get; set; } = 0.5;

    /// <summary>Texts shorter than this (non-space characters) are not judged by flood share.</summary>
    public int FloodMinTextLength { get; set; } = 8;

    /// <summary>This many emoji or more is recorded; with <see cref="EmojiShareForReview"/> it asks for review.</summary>
    public int EmojiFloodCount { get; set; } = 10;

    public double EmojiShareForReview { get; set; } = 0.5;

    /// <summary>All-caps shouting is only noted: genuine reviews shout too.</summary>
    public int AllCapsMinLetters { get; set; } = 20;

    public double AllCapsShare { get; set; } = 0.8;

    // ---- near-duplicates (SimHash) ----

    /// <summary>Hamming distance at or below which two fingerprints are near-duplicates (1–7).</summary>
    public int NearDuplicateMaxDistance { get; set; } = 3;

    /// <summary>
    /// Texts with fewer words than this (a CJK character counts as a word) are not compared: many members honestly write
    /// "很好，好评" or "Good quality, fast delivery".
    /// </summary>
    public int NearDuplicateMinWords { get; set; } = 10;

    /// <summary>Only earlier reviews posted within this window count (DESIGN §8: across members within 7 days).</summary>
    public TimeSpan NearDuplicateWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Near-duplicates from this many other members reject the review as a spam campaign; fewer ask for review.</summary>
    public int NearDuplicateMembersForReject { get; set; } = 3;

    // ---- fake signals ----

    public ModerationAction UnverifiedPurchaseAction { get; set; } = ModerationAction.Review;

    /// <summary>The window the caller counts the member's earlier reviews in.</summary>
    public TimeSpan BurstWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>This many earlier reviews by the member inside <see cref="BurstWindow"/> make a burst.</summary>
    public int BurstThreshold { get; set; } = 5;

    public ModerationAction BurstAction { get; set; } = ModerationAction.Review;

    /// <summary>An account younger than this posting five stars is a classic fake-praise pattern.</summary>
    public TimeSpan NewAccountAge { get; set; } = TimeSpan.FromDays(1);

    public ModerationAction NewAccountFiveStarAction { get; set; } = ModerationAction.Review;

    // ---- combination ----

    /// <summary>This many distinct notes together ask for review (one weak signal alone does not).</summary>
    public int NotesForReview { get; set; } = 2;

    // ---- external classifier ----

    /// <summary>Off by default: the local screening stands alone.</summary>
    public bool ClassifierEnabled { get; set; }

    /// <summary>A category severity (0–1) at or above this asks for review.</summary>
    public double ClassifierReviewSeverity { get; set; } = 0.5;

    /// <summary>A category severity (0–1) at or above this rejects.</summary>
    public double ClassifierRejectSeverity { get; set; } = 0.85;

    /// <summary>What an unavailable classifier means: Note keeps the local decision, Review sends the review to a human.</summary>
    public ModerationAction ClassifierUnavailableAction { get; set; } = ModerationAction.Note;

    /// <summary>Field errors for values that make no sense (bound configuration is checked at start-up).</summary>
    public FieldErrors Validate()
    {
        var errors = new FieldErrors();
        errors.AddIf(MaxLinks < 0, nameof(MaxLinks), "Must be zero or more.");
        errors.AddIf(MinTextBesideLinks < 0, nameof(MinTextBesideLinks), "Must be zero or more.");
        errors.AddIf(FloodRunLength < 2, nameof(FloodRunLength), "Must be at least 2.");
        errors.AddIf(FloodPatternRepeats < 2, nameof(FloodPatternRepeats), "Must be at least 2.");
        errors.AddIf(FloodShareForReview is <= 0 or > 1, nameof(FloodShareForReview), "Must be in (0, 1].");
        errors.AddIf(EmojiShareForReview is <= 0 or > 1, nameof(EmojiShareForReview), "Must be in (0, 1].");
        errors.AddIf(AllCapsShare is <= 0 or > 1, nameof(AllCapsShare), "Must be in (0, 1].");
        errors.AddIf(NearDuplicateMaxDistance is < 1 or > 7, nameof(NearDuplicateMaxDistance), "Must be between 1 and 7.");
        errors.AddIf(NearDuplicateMinWords < 1, nameof(NearDuplicateMinWords), "Must be at least 1.");
        errors.AddIf(NearDuplicateWindow <= TimeSpan.Zero, nameof(NearDuplicateWindow), "Must be positive.");
        errors.AddIf(NearDuplicateMembersForReject < 1, nameof(NearDuplicateMembersForReject), "Must be at least 1.");
        errors.AddIf(BurstWindow <= TimeSpan.Zero, nameof(BurstWindow), "Must be positive.");
        errors.AddIf(BurstThreshold < 1, nameof(BurstThreshold), "Must be at least 1.");
        errors.AddIf(NotesForReview < 1, nameof(NotesForReview), "Must be at least 1.");
        errors.AddIf(ClassifierReviewSeverity is < 0 or > 1, nameof(ClassifierReviewSeverity), "Must be in [0, 1].");
        errors.AddIf(ClassifierRejectSeverity is < 0 or > 1 || ClassifierRejectSeverity < ClassifierReviewSeverity,
            nameof(ClassifierRejectSeverity), "Must be in [0, 1] and not below the review severity.");
        return errors;
    }
}
