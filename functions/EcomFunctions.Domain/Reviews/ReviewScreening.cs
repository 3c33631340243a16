using System.Numerics;
using System.Globalization;

namespace EcomFunctions.Domain.Reviews;

/// <summary>Codes of screening reasons: stable strings the operator console and audit trail key on.</summary>
public static class ScreeningReasonCodes
{
    public const string Blocklist = "blocklist";
    public const string MobilePhone = "contact.mobile-phone";
    public const string Landline = "contact.landline";
    public const string Url = "contact.url";
    public const string Email = "contact.email";
    public const string MessagingId = "contact.messaging-id";
    public const string LinkDensity = "spam.link-density";
    public const string CharacterFlood = "spam.char-flood";
    public const string EmojiFlood = "spam.emoji-flood";
    public const string AllCaps = "spam.all-caps";
    public const string NearDuplicate = "spam.near-duplicate";
    public const string SelfDuplicate = "spam.self-duplicate";
    public const string UnverifiedPurchase = "fake.unverified-purchase";
    public const string MemberBurst = "fake.member-burst";
    public const string NewAccountFiveStar = "fake.new-account-five-star";
    public const string CombinedNotes = "signals.combined";
    public const string Classifier = "classifier";
    public const string ClassifierUnavailable = "classifier.unavailable";
}

/// <summary>
/// One reason behind a decision: what was found (<see cref="Code"/>, <see cref="Category"/>), what it asks for
/// (<see cref="Action"/>), a human-readable detail and where in the original text it is (empty for whole-review signals).
/// Contact values in <see cref="Detail"/> are masked: reasons end up in audit rows and logs.
/// </summary>
public sealed record ScreeningReason(string Code, ModerationCategory Category, ModerationAction Action, string Detail, IReadOnlyList<TextSpan> Spans);

/// <summary>The outcome of screening one review, every reason included.</summary>
public sealed record ScreeningResult(ScreeningDecision Decision, IReadOnlyList<ScreeningReason> Reasons, SimHashFingerprint Fingerprint)
{
    /// <summary>Categories of the reasons that asked for review or rejection (notes excluded).</summary>
    public IReadOnlySet<ModerationCategory> FlaggedCategories =>
        Reasons.Where(r => r.Action != ModerationAction.Note).Select(r => r.Category).ToHashSet();

    public bool HasReason(string code) => Reasons.Any(r => r.Code == code);
}

/// <summary>
/// What the caller knows about a review besides its text. <see cref="RecentReviewsByMember"/> counts the member's
/// earlier reviews within <see cref="ModerationOptions.BurstWindow"/> before <see cref="SubmittedAt"/>;
/// <see cref="NearDuplicates"/> are the candidates the near-duplicate store returned for the review's band keys.
/// </summary>
public sealed record ReviewSignals
{
    public required string MemberId { get; init; }

    public required int Rating { get; init; }

    public required bool VerifiedPurchase { get; init; }

    public required DateTimeOffset SubmittedAt { get; init; }

    public DateTimeOffset? AccountCreatedAt { get; init; }

    public int RecentReviewsByMember { get; init; }

    public IReadOnlyList<NearDuplicateCandidate> NearDuplicates { get; init; } = [];
}

/// <summary>
/// A review text normalised and fingerprinted, before the near-duplicate lookup. Store <see cref="Fingerprint"/>
/// under <see cref="NearDuplicateBandKeys"/> when <see cref="IsNearDuplicateComparable"/>.
/// </summary>
public sealed class PreparedReview
{
    private readonly int maxDistance;
    private IReadOnlyList<string>? bandKeys;

    internal PreparedReview(NormalizedText normalized, SimHashFingerprint fingerprint, bool comparable, int maxDistance)
    {
        Normalized = normalized;
        Fingerprint = fingerprint;
        IsNearDuplicateComparable = comparable;
        this.maxDistance = maxDistance;
    }

    public string Text => Normalized.Original;

    public NormalizedText Normalized { get; }

    public SimHashFingerprint Fingerprint { get; }

    /// <summary>Long enough to compare (see <see cref="ModerationOptions.NearDuplicateMinWords"/>).</summary>
    public bool IsNearDuplicateComparable { get; }

    /// <summary>Storage keys to look candidates up by and to store this review under; empty when not comparable.</summary>
    public IReadOnlyList<string> NearDuplicateBandKeys =>
        bandKeys ??= IsNearDuplicateComparable ? Fingerprint.BandKeys(maxDistance) : [];
}

/// <summary>
/// Automatic screening of a review (DESIGN §8): blocklist, contact details and ads, spam and fake signals, combined
/// into AutoApproved / NeedsReview / AutoRejected with every reason recorded. Pure and thread-safe; the blocklist is
/// passed per call so that the App can hot-swap it. Flow in the App:
/// <code>
/// var prepared = screening.Prepare(text);
/// var candidates = await nearDuplicates.FindAsync(prepared.NearDuplicateBandKeys, ct);      // storage
/// var result = await screening.ScreenAsync(prepared, signals with { NearDuplicates = candidates },
///     activeBlocklist.Current, classifier, ct);                                             // classifier optional
/// </code>
/// Decision rule: any Reject reason rejects; otherwise any Review reason asks for review; otherwise notes from at least
/// <see cref="ModerationOptions.NotesForReview"/> different categories ask for review; otherwise approved.
/// </summary>
public sealed class ReviewScreening
{
    private readonly ModerationOptions options;

    public ReviewScreening(ModerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate().ToProblem() is { } problem)
        {
            throw new ArgumentException($"Invalid moderation options: {string.Join("; ", problem.Errors!.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"))}", nameof(options));
        }

        this.options = options;
    }

    public ModerationOptions Options => options;

    public PreparedReview Prepare(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var normalized = TextNormalizer.Normalize(text);
        var fingerprint = SimHashFingerprint.Compute(normalized);
        var comparable = CountWords(normalized.Compact) >= options.NearDuplicateMinWords;
        return new PreparedReview(normalized, fingerprint, comparable, options.NearDuplicateMaxDistance);
    }

    public ScreeningResult Screen(string text, ReviewSignals signals, Blocklist blocklist) => Screen(Prepare(text), signals, blocklist);

    public ScreeningResult Screen(PreparedReview review, ReviewSignals signals, Blocklist blocklist)
    {
        ArgumentNullException.ThrowIfNull(review);
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(blocklist);
        var reasons = new List<ScreeningReason>();
        var text = review.Normalized;
        AddBlocklistReasons(blocklist.Match(text), reasons);
        AddContactReasons(text, ContactDetector.Detect(text), reasons);
        AddTextSignalReasons(TextSignals.Measure(text, options.FloodRunLength, options.FloodPatternRepeats), reasons);
        AddNearDuplicateReasons(review, signals, reasons);
        AddFakeReasons(signals, reasons);
        return new ScreeningResult(Decide(reasons), reasons, review.Fingerprint);
    }

    /// <summary>Whether the external classifier is worth asking: it is enabled and the review is not already rejected.</summary>
    public bool ShouldConsultClassifier(ScreeningResult local)
    {
        ArgumentNullException.ThrowIfNull(local);
        return options.ClassifierEnabled && local.Decision != ScreeningDecision.AutoRejected;
    }

    /// <summary>
    /// Adds the classifier's verdict to a local result. Its reasons join the local ones and the decision is taken again
    /// with the same rule, so the classifier can make a decision stricter but never looser: it cannot approve what
    /// the local screening rejected or sent to review.
    /// </summary>
    public ScreeningResult ApplyClassifier(ScreeningResult local, ClassifierVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(verdict);
        var reasons = local.Reasons.ToList();
        if (!verdict.IsAvailable)
        {
            reasons.Add(new ScreeningReason(ScreeningReasonCodes.ClassifierUnavailable, ModerationCategory.Spam,
                options.ClassifierUnavailableAction, $"classifier unavailable: {verdict.UnavailableReason}", []));
        }
        else
        {
            foreach (var score in verdict.Scores.OrderByDescending(s => s.Severity))
            {
                var action = score.Severity >= options.ClassifierRejectSeverity ? ModerationAction.Reject
                    : score.Severity >= options.ClassifierReviewSeverity ? ModerationAction.Review
                    : (ModerationAction?)null;
                if (action is { } a)
                {
                    reasons.Add(new ScreeningReason(ScreeningReasonCodes.Classifier, score.Category, a,
                        string.Create(CultureInfo.InvariantCulture, $"classifier: {score.Category} severity {score.Severity:0.00}"), []));
                }
            }
        }

        reasons.RemoveAll(r => r.Code == ScreeningReasonCodes.CombinedNotes);
        return local with { Reasons = reasons, Decision = Decide(reasons) };
    }

    /// <summary>Local screening, then the classifier when enabled and useful; a failing classifier never loses the review.</summary>
    public async Task<ScreeningResult> ScreenAsync(PreparedReview review, ReviewSignals signals, Blocklist blocklist,
        IContentClassifier? classifier, CancellationToken cancellationToken)
    {
        var local = Screen(review, signals, blocklist);
        if (classifier is null || !ShouldConsultClassifier(local))
        {
            return local;
        }

        ClassifierVerdict verdict;
        try
        {
            verdict = await classifier.ClassifyAsync(review.Text, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            verdict = ClassifierVerdict.Unavailable(exception.GetType().Name);
        }

        return ApplyClassifier(local, verdict);
    }

    private ScreeningDecision Decide(List<ScreeningReason> reasons)
    {
        var strongest = ModerationAction.Note;
        var noteCategories = 0u;
        foreach (var reason in reasons)
        {
            strongest = reason.Action > strongest ? reason.Action : strongest;
            noteCategories |= reason.Action == ModerationAction.Note ? 1u << (int)reason.Category : 0;
        }

        if (strongest == ModerationAction.Reject)
        {
            return ScreeningDecision.AutoRejected;
        }

        if (strongest == ModerationAction.Review)
        {
            return ScreeningDecision.NeedsReview;
        }

        if (BitOperations.PopCount(noteCategories) >= options.NotesForReview)
        {
            // Independent weak signals (e.g. a flood and a brand-new account) together deserve a human look.
            var notes = reasons.Where(r => r.Action == ModerationAction.Note).GroupBy(r => r.Category).ToList();
            var dominant = notes.OrderByDescending(g => g.Count()).First().Key;
            reasons.Add(new ScreeningReason(ScreeningReasonCodes.CombinedNotes, dominant, ModerationAction.Review,
                $"weak signals in {notes.Count} categories: {string.Join(", ", notes.Select(g => g.Key))}", []));
            return ScreeningDecision.NeedsReview;
        }

        return ScreeningDecision.AutoApproved;
    }

    private static void AddBlocklistReasons(IReadOnlyList<BlocklistMatch> matches, List<ScreeningReason> reasons)
    {
        if (matches.Count == 0)
        {
            return;
        }

        // One reason per entry, with every place it occurs; an occurrence inside a longer match of the same action
        // and category (the "ass" of "asshole") adds nothing.
        foreach (var group in matches.GroupBy(m => m.Entry))
        {
            var spans = group.Select(m => m.OriginalSpan).Distinct().ToList();
            var covered = spans.All(span => matches.Any(other => other.Entry != group.Key
                && other.Entry.Category == group.Key.Category && other.Entry.Action >= group.Key.Action
                && other.OriginalSpan.Length > span.Length && other.OriginalSpan.Contains(span)));
            if (covered)
            {
                continue;
            }

            reasons.Add(new ScreeningReason(ScreeningReasonCodes.Blocklist, group.Key.Category, group.Key.Action,
                $"blocked term \"{group.Key.Term}\"", spans));
        }
    }

    private void AddContactReasons(NormalizedText text, IReadOnlyList<ContactHit> hits, List<ScreeningReason> reasons)
    {
        if (hits.Count == 0)
        {
            return;
        }

        foreach (var group in hits.GroupBy(h => h.Kind))
        {
            var (code, category, action) = group.Key switch
            {
                ContactKind.MobilePhone => (ScreeningReasonCodes.MobilePhone, ModerationCategory.ContactLure, options.MobilePhoneAction),
                ContactKind.Landline => (ScreeningReasonCodes.Landline, ModerationCategory.ContactLure, options.LandlineAction),
                ContactKind.Email => (ScreeningReasonCodes.Email, ModerationCategory.ContactLure, options.EmailAction),
                ContactKind.MessagingId => (ScreeningReasonCodes.MessagingId, ModerationCategory.ContactLure, options.MessagingIdAction),
                _ => (ScreeningReasonCodes.Url, ModerationCategory.Ads, options.UrlAction),
            };
            var values = string.Join(", ", group.Select(h => Mask(h)).Distinct());
            reasons.Add(new ScreeningReason(code, category, action, $"{Describe(group.Key)}: {values}",
                group.Select(h => h.OriginalSpan).ToList()));
        }

        var links = hits.Where(h => h.Kind == ContactKind.Url).ToList();
        if (links.Count == 0)
        {
            return;
        }

        var beside = 0;
        for (var i = 0; i < text.Original.Length; i++)
        {
            if (char.IsLetterOrDigit(text.Original[i]) && !links.Any(l => i >= l.OriginalSpan.Start && i < l.OriginalSpan.End))
            {
                beside++;
            }
        }

        if (links.Count > options.MaxLinks || beside < options.MinTextBesideLinks)
        {
            reasons.Add(new ScreeningReason(ScreeningReasonCodes.LinkDensity, ModerationCategory.Spam, ModerationAction.Reject,
                string.Create(CultureInfo.InvariantCulture, $"{links.Count} link(s) with {beside} character(s) of other text"),
                links.Select(l => l.OriginalSpan).ToList()));
        }
    }

    /// <summary>Latin/digit words plus CJK characters: a length measure that treats Chinese and English alike.</summary>
    private static int CountWords(string compact)
    {
        var words = 0;
        var inWord = false;
        foreach (var c in compact)
        {
            if (TextNormalizer.IsCjk(c))
            {
                words += char.IsLowSurrogate(c) ? 0 : 1;
                inWord = false;
            }
            else if (char.IsLetterOrDigit(c))
            {
                words += inWord ? 0 : 1;
                inWord = true;
            }
            else
            {
                inWord = false;
            }
        }

        return words;
    }

    private void AddTextSignalReasons(TextSignals signals, List<ScreeningReason> reasons)
    {
        if (signals.FloodSpans.Count > 0)
        {
            var dominant = signals.NonSpaceCharacters >= options.FloodMinTextLength && signals.FloodShare >= options.FloodShareForReview;
            reasons.Add(new ScreeningReason(ScreeningReasonCodes.CharacterFlood, ModerationCategory.Spam,
                dominant ? ModerationAction.Review : ModerationAction.Note,
                string.Create(CultureInfo.InvariantCulture, $"repeated characters make up {signals.FloodShare:P0} of the text"),
                signals.FloodSpans));
        }

        if (signals.EmojiCount >= options.EmojiFloodCount)
        {
            reasons.Add(new ScreeningReason(ScreeningReasonCodes.EmojiFlood, ModerationCategory.Spam,
                signals.EmojiShare >= options.EmojiShareForReview ? ModerationAction.Review : ModerationAction.Note,
                string.Create(CultureInfo.InvariantCulture, $"{signals.EmojiCount} emoji ({signals.EmojiShare:P0} of the text)"), []));
        }

        if (signals.LatinLetters >= options.AllCapsMinLetters && signals.UpperCaseShare >= options.AllCapsShare)
        {
            reasons.Add(new ScreeningReason(ScreeningReasonCodes.AllCaps, ModerationCategory.Spam, ModerationAction.Note,
                string.Create(CultureInfo.InvariantCulture, $"{signals.UpperCaseShare:P0} of {signals.LatinLetters} letters in capitals"), []));
        }
    }

    private void AddNearDuplicateReasons(PreparedReview review, ReviewSignals signals, List<ScreeningReason> reasons)
    {
        if (!review.IsNearDuplicateComparable || signals.NearDuplicates.Count == 0)
        {
            return;
        }

        var windowStart = signals.SubmittedAt - options.NearDuplicateWindow;
        var near = signals.NearDuplicates
            .Where(c => c.PostedAt >= windowStart && c.PostedAt <= signals.SubmittedAt
                && c.Fingerprint.DistanceTo(review.Fingerprint) <= options.NearDuplicateMaxDistance)
            .ToList();
        var others = near.Where(c => !string.Equals(c.MemberId, signals.MemberId, StringComparison.Ordinal)).ToList();
        if (others.Count > 0)
        {
            var members = others.Select(c => c.MemberId).Distinct(StringComparer.Ordinal).Count();
            var closest = others.Min(c => c.Fingerprint.DistanceTo(review.Fingerprint));
            reasons.Add(new ScreeningReason(ScreeningReasonCodes.NearDuplicate, ModerationCategory.Spam,
                members >= options.NearDuplicateMembersForReject ? ModerationAction.Reject : ModerationAction.Review,
                string.Create(CultureInfo.InvariantCulture,
                    $"near-duplicate of {others.Count} review(s) by {members} other member(s), closest {closest} bit(s) apart: {string.Join(", ", others.Take(5).Select(c => c.ReviewId))}"),
                []));
        }

        if (near.Count > others.Count)
        {
            // The same member repeating their own words on several purchases is common and honest; only noted.
            reasons.Add(new ScreeningReason(ScreeningReasonCodes.SelfDuplicate, ModerationCategory.Spam, ModerationAction.Note,
                $"near-duplicate of {near.Count - others.Count} earlier review(s) by the same member", []));
        }
    }

    private void AddFakeReasons(ReviewSignals signals, List<ScreeningReason> reasons)
    {
        if (!signals.VerifiedPurchase)
        {
            reasons.Add(new ScreeningReason(ScreeningReasonCodes.UnverifiedPurchase, ModerationCategory.Fake,
                options.UnverifiedPurchaseAction, "no verified purchase of this product by the member", []));
        }

        if (signals.RecentReviewsByMember >= options.BurstThreshold)
        {
            reasons.Add(new ScreeningReason(ScreeningReasonCodes.MemberBurst, ModerationCategory.Fake, options.BurstAction,
                string.Create(CultureInfo.InvariantCulture,
                    $"{signals.RecentReviewsByMember} earlier review(s) by the member within {options.BurstWindow.TotalHours:0.#} h"), []));
        }

        if (signals.Rating == 5 && signals.AccountCreatedAt is { } created && signals.SubmittedAt - created < options.NewAccountAge)
        {
            reasons.Add(new ScreeningReason(ScreeningReasonCodes.NewAccountFiveStar, ModerationCategory.Fake, options.NewAccountFiveStarAction,
                string.Create(CultureInfo.InvariantCulture,
                    $"five stars from an account {(signals.SubmittedAt - created).TotalHours:0.#} h old"), []));
        }
    }

    private static string Describe(ContactKind kind) => kind switch
    {
        ContactKind.MobilePhone => "mobile phone number",
        ContactKind.Landline => "landline or hotline number",
        ContactKind.Email => "e-mail address",
        ContactKind.MessagingId => "messaging id",
        _ => "link",
    };

    /// <summary>Keeps enough of a contact value for an operator to recognise it, not enough to reuse it from a log.</summary>
    private static string Mask(ContactHit hit)
    {
        var value = hit.Value;
        if (hit.Kind == ContactKind.Url)
        {
            return value;
        }

        if (value.Length <= 4)
        {
            return new string('*', value.Length);
        }

        var keep = Math.Min(3, value.Length / 3);
        return string.Concat(value.AsSpan(0, keep), new string('*', value.Length - (2 * keep)), value.AsSpan(value.Length - keep));
    }
}
