namespace EcomFunctions.Domain.Reviews;

/// <summary>What a screening reason is about. Blocklist entries, detectors and the external classifier all speak it.</summary>
public enum ModerationCategory
{
    /// <summary>Swearing and insults aimed at people.</summary>
    Profanity,

    /// <summary>Sexual solicitation or explicit content.</summary>
    Sexual,

    /// <summary>Hate speech or slurs (mostly reported by the external classifier).</summary>
    Hate,

    /// <summary>Threats and violence.</summary>
    Violence,

    /// <summary>Self-harm content (external classifier only).</summary>
    SelfHarm,

    /// <summary>Politically sensitive content the platform does not publish without a human look.</summary>
    Politics,

    /// <summary>Gambling, drugs, forged documents, fake invoices.</summary>
    Illegal,

    /// <summary>Advertising: links, selling, recruiting, "part-time jobs".</summary>
    Ads,

    /// <summary>Contact details or invitations that lure buyers off the platform (phone, WeChat, QQ, e-mail).</summary>
    ContactLure,

    /// <summary>Promotion of another marketplace or shop.</summary>
    Competitor,

    /// <summary>Floods, near-duplicate text across members, link-stuffed text.</summary>
    Spam,

    /// <summary>Signals that the review is not genuine: unverified purchase, bursts, new accounts, paid praise.</summary>
    Fake,
}

/// <summary>
/// What a single reason asks for. <see cref="Note"/> is recorded for operators but decides nothing on its own;
/// several notes together escalate to review (see <see cref="ModerationOptions.NotesForReview"/>).
/// </summary>
public enum ModerationAction
{
    Note,
    Review,
    Reject,
}

/// <summary>The outcome of automatic screening.</summary>
public enum ScreeningDecision
{
    AutoApproved,
    NeedsReview,
    AutoRejected,
}

/// <summary>A range of UTF-16 code units in the original review text (what a browser's string indexes use).</summary>
public readonly record struct TextSpan(int Start, int Length)
{
    public int End => Start + Length;

    public bool Overlaps(TextSpan other) => Start < other.End && other.Start < End;

    public bool Contains(TextSpan other) => Start <= other.Start && other.End <= End;
}
