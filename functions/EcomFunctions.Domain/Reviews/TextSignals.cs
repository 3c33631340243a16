using System.Buffers;

namespace EcomFunctions.Domain.Reviews;

/// <summary>Shape-of-text signals: character floods, emoji floods and shouting.</summary>
public sealed record TextSignals(
    IReadOnlyList<TextSpan> FloodSpans,
    int FloodCharacters,
    int NonSpaceCharacters,
    int NonSpaceCodePoints,
    int EmojiCount,
    int LatinLetters,
    int UpperCaseLetters)
{
    public double FloodShare => NonSpaceCharacters == 0 ? 0 : (double)FloodCharacters / NonSpaceCharacters;

    public double EmojiShare => NonSpaceCodePoints == 0 ? 0 : (double)EmojiCount / NonSpaceCodePoints;

    public double UpperCaseShare => LatinLetters == 0 ? 0 : (double)UpperCaseLetters / LatinLetters;

    /// <summary>
    /// Measures the text. Floods are runs of one character repeated <paramref name="runLength"/> times ("!!!!!!",
    /// "好好好好好好") or of a 2–4 character pattern repeated <paramref name="patternRepeats"/> times ("好评好评好评好评"),
    /// counted on the folded text with spaces and invisible characters ignored ("好 好\u200b好…" is still a flood).
    /// </summary>
    public static TextSignals Measure(NormalizedText text, int runLength, int patternRepeats)
    {
        ArgumentNullException.ThrowIfNull(text);
        var folded = text.Folded;
        char[]? rentedChars = null;
        int[]? rentedOrigins = null;
        var size = folded.Length + 1;
        var chars = size <= 512 ? stackalloc char[size] : (rentedChars = ArrayPool<char>.Shared.Rent(size));
        var origins = size <= 512 ? stackalloc int[size] : (rentedOrigins = ArrayPool<int>.Shared.Rent(size));
        try
        {
            var m = 0;
            var emoji = 0;
            for (var i = 0; i < folded.Length; i++)
            {
                var c = folded[i];
                if (c == ' ')
                {
                    continue;
                }

                if (char.IsHighSurrogate(c) && i + 1 < folded.Length && char.IsLowSurrogate(folded[i + 1]))
                {
                    var cp = char.ConvertToUtf32(c, folded[i + 1]);
                    if (cp is >= 0x1F000 and <= 0x1FAFF)
                    {
                        emoji++;
                    }
                }
                else if (c is >= '\u2600' and <= '\u27BF')
                {
                    emoji++;
                }

                chars[m] = c;
                origins[m++] = i;
            }

            List<TextSpan>? spans = null;
            var floodChars = 0;
            var k = 0;
            while (k < m)
            {
                var end = FloodEnd(chars[..m], k, runLength, patternRepeats);
                if (end > k)
                {
                    (spans ??= []).Add(text.FoldedToOriginal(origins[k], origins[end - 1] - origins[k] + 1));
                    floodChars += end - k;
                    k = end;
                    continue;
                }

                k++;
            }

            var latin = 0;
            var upper = 0;
            foreach (var c in text.Original)
            {
                if (char.IsAsciiLetter(c))
                {
                    latin++;
                    if (char.IsAsciiLetterUpper(c))
                    {
                        upper++;
                    }
                }
            }

            return new TextSignals(spans ?? (IReadOnlyList<TextSpan>)[], floodChars, m, CountNonSpaceCodePoints(chars[..m]), emoji, latin, upper);
        }
        finally
        {
            if (rentedChars is not null)
            {
                ArrayPool<char>.Shared.Return(rentedChars);
                ArrayPool<int>.Shared.Return(rentedOrigins!);
            }
        }
    }

    /// <summary>Longest repeated pattern looked for: four characters covers "good", "nice", "好评好评".</summary>
    private const int MaxPeriod = 4;

    private static int FloodEnd(ReadOnlySpan<char> s, int start, int runLength, int patternRepeats)
    {
        for (var period = 1; period <= MaxPeriod; period++)
        {
            if (start + period >= s.Length || s[start + period] != s[start])
            {
                continue; // the common case: no repetition at this period
            }

            var j = start + period;
            while (j < s.Length && s[j] == s[j - period])
            {
                j++;
            }

            var repeats = (j - start) / period;
            var required = period == 1 ? runLength : patternRepeats;
            if (repeats >= required && (period == 1 || !AllSame(s.Slice(start, period))))
            {
                return start + (repeats * period);
            }
        }

        return start;
    }

    private static bool AllSame(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (c != s[0])
            {
                return false;
            }
        }

        return true;
    }

    private static int CountNonSpaceCodePoints(ReadOnlySpan<char> s)
    {
        var count = 0;
        foreach (var c in s)
        {
            if (!char.IsLowSurrogate(c))
            {
                count++;
            }
        }

        return count;
    }
}
