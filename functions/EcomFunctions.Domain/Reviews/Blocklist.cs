using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Reviews;

/// <summary>
/// One operator-managed term. <see cref="Term"/> is written as operators think of it; it is normalised like review text,
/// so "微 信", "ｖｘ" or "F.U.C.K" are the same terms as "微信", "vx" and "fuck". Latin terms match whole words unless
/// a '*' says otherwise: "fuck*" matches words starting with the term ("fucking"), "*hole" words ending with it, "*fuck*"
/// anywhere. Terms containing CJK characters match anywhere (Chinese has no word boundaries to respect).
/// </summary>
public sealed record BlocklistEntry(string Term, ModerationCategory Category, ModerationAction Action);

/// <summary>How a compiled term must sit in the text.</summary>
public enum TermMatchMode
{
    /// <summary>Neither neighbour may be a letter: "ass" does not match "class" (the Scunthorpe problem).</summary>
    WholeWord,

    /// <summary>The term starts a word ("fuck*").</summary>
    Prefix,

    /// <summary>The term ends a word ("*hole").</summary>
    Suffix,

    /// <summary>Anywhere, inside words too ("*fuck*", and every CJK term).</summary>
    Anywhere,
}

/// <summary>A blocklist term found in a review, with where it is in the compact text and in the original.</summary>
public readonly record struct BlocklistMatch(BlocklistEntry Entry, TermMatchMode Mode, TextSpan CompactSpan, TextSpan OriginalSpan);

/// <summary>
/// An immutable compiled blocklist. The App keeps the current instance in an <see cref="ActiveBlocklist"/> and swaps
/// in a newly compiled one when operators save a new list: screening in flight keeps the instance it started with.
/// </summary>
public sealed class Blocklist
{
    /// <summary>Longest accepted term after normalisation; longer ones are sentences, not terms.</summary>
    public const int MaxTermLength = 64;

    /// <summary>Most entries accepted in one list.</summary>
    public const int MaxEntries = 100_000;

    private readonly CompiledTerm[] terms;
    private readonly TermMatcher matcher;

    private Blocklist(IReadOnlyList<BlocklistEntry> entries, CompiledTerm[] terms, TermMatcher matcher)
    {
        Entries = entries;
        this.terms = terms;
        this.matcher = matcher;
    }

    /// <summary>A list with no terms.</summary>
    public static Blocklist Empty { get; } = new([], [], TermMatcher.Build([]));

    /// <summary>The entries as operators wrote them, in their order (what GET returns).</summary>
    public IReadOnlyList<BlocklistEntry> Entries { get; }

    public int Count => Entries.Count;

    /// <summary>
    /// Checks and compiles a list. Every problem is reported per entry (<c>entries[3].term</c>): empty or too long
    /// terms, an action other than Reject/Review, and duplicates (two entries that normalise to the same term and mode).
    /// </summary>
    public static Result<Blocklist> Compile(IEnumerable<BlocklistEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var list = entries.ToList();
        var errors = new FieldErrors();
        if (list.Count > MaxEntries)
        {
            errors.Add("entries", $"At most {MaxEntries} entries are allowed.");
            return errors.ToProblem()!;
        }

        var compiled = new CompiledTerm[list.Count];
        var seen = new Dictionary<(string, TermMatchMode), int>();
        for (var i = 0; i < list.Count; i++)
        {
            var entry = list[i];
            var field = $"entries[{i}]";
            if (entry is null)
            {
                errors.Add(field, "An entry is required.");
                continue;
            }

            if (!Enum.IsDefined(entry.Category))
            {
                errors.Add($"{field}.category", "Unknown category.");
            }

            if (entry.Action is not (ModerationAction.Reject or ModerationAction.Review))
            {
                errors.Add($"{field}.action", "The action must be Reject or Review.");
            }

            var (normalized, mode) = CompileTerm(entry.Term ?? string.Empty);
            if (normalized.Length == 0)
            {
                errors.Add($"{field}.term", "The term is empty once spaces, punctuation and wildcards are removed.");
                continue;
            }

            if (normalized.Length > MaxTermLength)
            {
                errors.Add($"{field}.term", $"The term is longer than {MaxTermLength} characters.");
                continue;
            }

            if (seen.TryGetValue((normalized, mode), out var first))
            {
                errors.Add($"{field}.term", $"The term is the same as entries[{first}] once normalised ('{normalized}').");
                continue;
            }

            seen[(normalized, mode)] = i;
            compiled[i] = new CompiledTerm(entry, normalized, mode);
        }

        if (errors.ToProblem() is { } problem)
        {
            return problem;
        }

        var matcher = TermMatcher.Build(compiled.Select(t => t.Normalized).ToList());
        return new Blocklist(list.AsReadOnly(), compiled, matcher);
    }

    /// <summary>What a term is matched as: its compact form and its mode.</summary>
    public static (string Normalized, TermMatchMode Mode) CompileTerm(string term)
    {
        ArgumentNullException.ThrowIfNull(term);
        var trimmed = term.Trim();
        var leading = trimmed.StartsWith('*');
        var trailing = trimmed.EndsWith('*');
        var normalized = TextNormalizer.NormalizeTerm(trimmed.Trim('*'));
        var hasCjk = normalized.Any(TextNormalizer.IsCjk);
        var mode = hasCjk || (leading && trailing) ? TermMatchMode.Anywhere
            : trailing ? TermMatchMode.Prefix
            : leading ? TermMatchMode.Suffix
            : TermMatchMode.WholeWord;
        return (normalized, mode);
    }

    /// <summary>Every occurrence of every term in the text (overlaps included), in text order.</summary>
    public IReadOnlyList<BlocklistMatch> Match(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<TermHit>? hits = null;
        var compact = text.Compact.AsSpan();
        matcher.FindAll(compact, ref hits);
        if (hits is null)
        {
            return [];
        }

        var matches = new List<BlocklistMatch>(hits.Count);
        foreach (var hit in hits)
        {
            var term = terms[hit.PatternId];
            var start = hit.End - term.Normalized.Length;
            if (!SitsAsRequired(compact, start, hit.End, term.Mode))
            {
                continue;
            }

            matches.Add(new BlocklistMatch(term.Entry, term.Mode, new TextSpan(start, term.Normalized.Length),
                text.CompactToOriginal(start, term.Normalized.Length)));
        }

        return matches;
    }

    /// <summary>Whether a compact-text occurrence satisfies a term's mode (shared with the naive baseline of the benchmark).</summary>
    public static bool SitsAsRequired(ReadOnlySpan<char> compact, int start, int end, TermMatchMode mode)
    {
        var startsWord = start == 0 || !TextNormalizer.IsWordChar(compact[start - 1]);
        var endsWord = end == compact.Length || !TextNormalizer.IsWordChar(compact[end]);
        return mode switch
        {
            TermMatchMode.WholeWord => startsWord && endsWord,
            TermMatchMode.Prefix => startsWord,
            TermMatchMode.Suffix => endsWord,
            _ => true,
        };
    }

    /// <summary>The normalised form and mode of each entry, in entry order (for diagnostics and the naive baseline).</summary>
    public IReadOnlyList<(string Normalized, TermMatchMode Mode)> CompiledTerms() =>
        terms.Select(t => (t.Normalized, t.Mode)).ToList();

    private sealed record CompiledTerm(BlocklistEntry Entry, string Normalized, TermMatchMode Mode);
}

/// <summary>
/// The blocklist screening uses right now, with the stored version it came from. Operators replace it as a whole;
/// readers always see either the old or the new compiled list (and its own version), never a mixture, and never wait
/// for a lock.
/// </summary>
public sealed class ActiveBlocklist(Blocklist initial)
{
    private Snapshot current = new(initial ?? throw new ArgumentNullException(nameof(initial)), 0);

    public ActiveBlocklist()
        : this(Blocklist.Empty)
    {
    }

    public Blocklist Current => Volatile.Read(ref current).Blocklist;

    /// <summary>The stored version of <see cref="Current"/> (0 for a list that was never stored).</summary>
    public long Version => Volatile.Read(ref current).Version;

    /// <summary>The list and its version, read together.</summary>
    public (Blocklist Blocklist, long Version) Read()
    {
        var snapshot = Volatile.Read(ref current);
        return (snapshot.Blocklist, snapshot.Version);
    }

    public void Replace(Blocklist blocklist) => Replace(blocklist, Version);

    public void Replace(Blocklist blocklist, long version)
    {
        ArgumentNullException.ThrowIfNull(blocklist);
        Volatile.Write(ref current, new Snapshot(blocklist, version));
    }

    private sealed record Snapshot(Blocklist Blocklist, long Version);
}
