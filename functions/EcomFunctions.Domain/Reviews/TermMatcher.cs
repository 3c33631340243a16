namespace EcomFunctions.Domain.Reviews;

/// <summary>A pattern occurrence: which pattern, and the exclusive end index in the searched text.</summary>
internal readonly record struct TermHit(int PatternId, int End);

/// <summary>
/// Aho-Corasick automaton over UTF-16 code units, compiled into flat arrays after construction so that a search
/// allocates nothing but its hit list. The root has a direct 64 K transition table because most characters of a
/// review fall back to the root; other states keep their edges sorted in one shared array (linear scan when few,
/// binary search when many). Immutable once built, so one instance is safe to share between threads.
/// </summary>
internal sealed class TermMatcher
{
    private const int LinearScanLimit = 8;

    private readonly int[] rootNext;
    private readonly int[] edgeStart;
    private readonly char[] edgeChars;
    private readonly int[] edgeTargets;
    private readonly int[] fail;
    private readonly int[] reportFrom; // this state if it ends a pattern, else its nearest fail ancestor that does, else 0
    private readonly int[] outputLink; // next state down the fail chain that ends a pattern, or 0
    private readonly int[] outputStart;
    private readonly int[] outputs;

    private TermMatcher(int[] rootNext, int[] edgeStart, char[] edgeChars, int[] edgeTargets, int[] fail,
        int[] reportFrom, int[] outputLink, int[] outputStart, int[] outputs, int[] patternLengths)
    {
        this.rootNext = rootNext;
        this.edgeStart = edgeStart;
        this.edgeChars = edgeChars;
        this.edgeTargets = edgeTargets;
        this.fail = fail;
        this.reportFrom = reportFrom;
        this.outputLink = outputLink;
        this.outputStart = outputStart;
        this.outputs = outputs;
        PatternLengths = patternLengths;
    }

    public int[] PatternLengths { get; }

    public int StateCount => fail.Length;

    /// <summary>Builds the automaton; pattern ids are the indexes in <paramref name="patterns"/>. Empty patterns are ignored.</summary>
    public static TermMatcher Build(IReadOnlyList<string> patterns)
    {
        var children = new List<Dictionary<char, int>> { new() };
        var ends = new List<List<int>?> { null };
        var lengths = new int[patterns.Count];
        for (var id = 0; id < patterns.Count; id++)
        {
            var pattern = patterns[id];
            lengths[id] = pattern.Length;
            if (pattern.Length == 0)
            {
                continue;
            }

            var state = 0;
            foreach (var c in pattern)
            {
                if (!children[state].TryGetValue(c, out var next))
                {
                    next = children.Count;
                    children.Add([]);
                    ends.Add(null);
                    children[state][c] = next;
                }

                state = next;
            }

            (ends[state] ??= []).Add(id);
        }

        var count = children.Count;
        var fail = new int[count];
        var reportFrom = new int[count];
        var outputLink = new int[count];
        var queue = new Queue<int>();
        foreach (var child in children[0].Values)
        {
            queue.Enqueue(child);
        }

        while (queue.Count > 0)
        {
            var state = queue.Dequeue();
            var failState = fail[state];
            outputLink[state] = ends[failState] is not null ? failState : outputLink[failState];
            reportFrom[state] = ends[state] is not null ? state : outputLink[state];
            foreach (var (c, child) in children[state])
            {
                var f = failState;
                int target;
                while (true)
                {
                    if (children[f].TryGetValue(c, out target) && target != child)
                    {
                        break;
                    }

                    if (f == 0)
                    {
                        target = 0;
                        break;
                    }

                    f = fail[f];
                }

                fail[child] = target;
                queue.Enqueue(child);
            }
        }

        var rootNext = new int[65536];
        foreach (var (c, child) in children[0])
        {
            rootNext[c] = child;
        }

        var edgeStart = new int[count + 1];
        var edgeCount = 0;
        for (var s = 0; s < count; s++)
        {
            edgeStart[s] = edgeCount;
            edgeCount += s == 0 ? 0 : children[s].Count;
        }

        edgeStart[count] = edgeCount;
        var edgeChars = new char[edgeCount];
        var edgeTargets = new int[edgeCount];
        for (var s = 1; s < count; s++)
        {
            var k = edgeStart[s];
            foreach (var (c, child) in children[s].OrderBy(e => e.Key))
            {
                edgeChars[k] = c;
                edgeTargets[k++] = child;
            }
        }

        var outputStart = new int[count + 1];
        var outputList = new List<int>();
        for (var s = 0; s < count; s++)
        {
            outputStart[s] = outputList.Count;
            if (ends[s] is { } list)
            {
                outputList.AddRange(list);
            }
        }

        outputStart[count] = outputList.Count;
        return new TermMatcher(rootNext, edgeStart, edgeChars, edgeTargets, fail, reportFrom, outputLink, outputStart,
            [.. outputList], lengths);
    }

    /// <summary>Appends every occurrence of every pattern in <paramref name="text"/> (overlaps included) to <paramref name="hits"/>.</summary>
    public void FindAll(ReadOnlySpan<char> text, ref List<TermHit>? hits)
    {
        var state = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            while (true)
            {
                if (state == 0)
                {
                    state = rootNext[c];
                    break;
                }

                var next = Step(state, c);
                if (next >= 0)
                {
                    state = next;
                    break;
                }

                state = fail[state];
            }

            for (var s = reportFrom[state]; s != 0; s = outputLink[s])
            {
                hits ??= [];
                for (var k = outputStart[s]; k < outputStart[s + 1]; k++)
                {
                    hits.Add(new TermHit(outputs[k], i + 1));
                }
            }
        }
    }

    private int Step(int state, char c)
    {
        var lo = edgeStart[state];
        var hi = edgeStart[state + 1];
        if (hi - lo <= LinearScanLimit)
        {
            for (var k = lo; k < hi; k++)
            {
                if (edgeChars[k] == c)
                {
                    return edgeTargets[k];
                }
            }

            return -1;
        }

        var index = Array.BinarySearch(edgeChars, lo, hi - lo, c);
        return index >= 0 ? edgeTargets[index] : -1;
    }
}
