using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace EcomFunctions.Domain.Reviews;

/// <summary>
/// A review text in the three forms screening needs, with offsets mapped back to the original so that matches can be
/// highlighted where the author typed them.
/// <list type="bullet">
/// <item><see cref="Folded"/>: per code point NFKC, lower case, Latin diacritics and Cyrillic/Greek look-alikes folded to
/// ASCII, non-ASCII digits to ASCII, invisible characters (zero-width, format, combining, variation selectors, soft
/// hyphen, Hangul fillers) removed and whitespace runs collapsed to one space. Punctuation is kept: contact detection
/// needs the dots of a domain and the '@' of an address.</item>
/// <item><see cref="Compact"/>: the matching view for the blocklist and SimHash. Separators, punctuation and symbols
/// hidden between CJK characters (or between a CJK character and a letter/digit) are removed ("微 信", "微.信" →
/// "微信"), as are those between single letters or digits ("v x", "f.u.c.k" → "vx", "fuck"). Between ordinary
/// Latin words one space stays, so that word boundaries still exist for Latin terms. A digit or leet symbol between
/// two letters reads as the letter it imitates ("sh1t", "b!tch").</item>
/// </list>
/// </summary>
public sealed class NormalizedText
{
    private readonly int[] foldedToOriginal;
    private readonly int[] compactToFolded;

    internal NormalizedText(string original, string folded, int[] foldedToOriginal, string compact, int[] compactToFolded)
    {
        Original = original;
        Folded = folded;
        Compact = compact;
        this.foldedToOriginal = foldedToOriginal;
        this.compactToFolded = compactToFolded;
    }

    public string Original { get; }

    public string Folded { get; }

    public string Compact { get; }

    /// <summary>The original span that produced <paramref name="length"/> folded characters from <paramref name="start"/>.</summary>
    public TextSpan FoldedToOriginal(int start, int length)
    {
        if (length <= 0 || start < 0 || start + length > Folded.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), "The span is outside the folded text.");
        }

        var first = foldedToOriginal[start];
        var last = foldedToOriginal[start + length - 1];
        return new TextSpan(first, last + CodePointLength(last) - first);
    }

    /// <summary>The original span that produced <paramref name="length"/> compact characters from <paramref name="start"/>.</summary>
    public TextSpan CompactToOriginal(int start, int length)
    {
        if (length <= 0 || start < 0 || start + length > Compact.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), "The span is outside the compact text.");
        }

        var first = foldedToOriginal[compactToFolded[start]];
        var last = foldedToOriginal[compactToFolded[start + length - 1]];
        return new TextSpan(first, last + CodePointLength(last) - first);
    }

    /// <summary>The folded index a compact character came from.</summary>
    public int CompactToFoldedIndex(int compactIndex) => compactToFolded[compactIndex];

    private int CodePointLength(int originalIndex) =>
        originalIndex + 1 < Original.Length && char.IsHighSurrogate(Original[originalIndex]) && char.IsLowSurrogate(Original[originalIndex + 1]) ? 2 : 1;
}

/// <summary>Normalises review texts and blocklist terms the same way, so that a term matches however it is disguised.</summary>
public static class TextNormalizer
{
    /// <summary>Texts up to this many UTF-16 units are normalised in stack buffers (reviews are at most 2 000).</summary>
    private const int StackLimit = 1024;

    /// <summary>The longest NFKC expansion of one code unit (U+FDFA), so a buffer of this factor never overflows.</summary>
    private const int MaxExpansion = 18;

    /// <summary>Normalises <paramref name="text"/> into its folded and compact forms (see <see cref="NormalizedText"/>).</summary>
    public static NormalizedText Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Sized to the text, not to the limit: stack buffers are zeroed, and zeroing kilobytes per review costs more
        // than the normalisation itself.
        var capacity = (text.Length * 2) + MaxExpansion;
        if (capacity <= StackLimit)
        {
            Span<char> chars = stackalloc char[capacity];
            Span<int> map = stackalloc int[capacity];
            var length = Fold(text, chars, map);
            if (length >= 0)
            {
                return Build(text, chars[..length], map[..length]);
            }
        }

        // Long texts, and the rare text whose compatibility forms expand more than twofold.
        var bigCapacity = (text.Length * MaxExpansion) + 16;
        var rentedChars = ArrayPool<char>.Shared.Rent(bigCapacity);
        var rentedMap = ArrayPool<int>.Shared.Rent(bigCapacity);
        try
        {
            var length = Fold(text, rentedChars, rentedMap);
            return Build(text, rentedChars.AsSpan(0, length), rentedMap.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rentedChars);
            ArrayPool<int>.Shared.Return(rentedMap);
        }
    }

    /// <summary>The compact form of a term: what a blocklist entry is matched as.</summary>
    public static string NormalizeTerm(string term) => Normalize(term).Compact;

    internal static bool IsWordChar(char c) => CharTables.Class(c) == CharClass.Letter;

    internal static bool IsCjk(char c) => CharTables.Class(c) == CharClass.Cjk || char.IsSurrogate(c);

    private static NormalizedText Build(string text, ReadOnlySpan<char> folded, ReadOnlySpan<int> foldedMap)
    {
        var (compact, compactToFolded) = Compact(folded);
        return new NormalizedText(text, folded.ToString(), foldedMap.ToArray(), compact, compactToFolded);
    }

    /// <summary>Folds into <paramref name="output"/>; -1 when it does not fit.</summary>
    private static int Fold(string text, Span<char> output, Span<int> map)
    {
        var length = 0;
        var lastWasSpace = true; // drops leading whitespace
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (length + MaxExpansion > output.Length)
            {
                return -1;
            }

            if (c < 128)
            {
                if (c <= ' ' || c == 127)
                {
                    if (c is ' ' or '\t' or '\n' or '\r' or '\f' or '\v' && !lastWasSpace)
                    {
                        output[length] = ' ';
                        map[length++] = i;
                        lastWasSpace = true;
                    }

                    continue;
                }

                output[length] = c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c;
                map[length++] = i;
                lastWasSpace = false;
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var replacement = CharTables.FoldSupplementary(char.ConvertToUtf32(c, text[i + 1]));
                if (length + replacement.Length > output.Length)
                {
                    return -1;
                }

                foreach (var r in replacement)
                {
                    AppendFolded(output, map, ref length, ref lastWasSpace, r, i);
                }

                i++;
                continue;
            }

            switch (CharTables.Kind(c))
            {
                case FoldKind.Single:
                    output[length] = CharTables.Single(c);
                    map[length++] = i;
                    lastWasSpace = false;
                    break;
                case FoldKind.Whitespace:
                    if (!lastWasSpace)
                    {
                        output[length] = ' ';
                        map[length++] = i;
                        lastWasSpace = true;
                    }

                    break;
                case FoldKind.Multiple:
                    foreach (var r in CharTables.Multiple(c))
                    {
                        AppendFolded(output, map, ref length, ref lastWasSpace, r, i);
                    }

                    break;
                default: // dropped: invisible, format, combining, lone surrogate
                    break;
            }
        }

        if (length > 0 && output[length - 1] == ' ')
        {
            length--;
        }

        return length;
    }

    private static void AppendFolded(Span<char> output, Span<int> map, ref int length, ref bool lastWasSpace, char c, int origin)
    {
        if (c == ' ')
        {
            if (!lastWasSpace)
            {
                output[length] = ' ';
                map[length++] = origin;
                lastWasSpace = true;
            }

            return;
        }

        output[length] = c;
        map[length++] = origin;
        lastWasSpace = false;
    }

    private static (string Compact, int[] Map) Compact(ReadOnlySpan<char> folded)
    {
        var n = folded.Length;
        if (n <= StackLimit / 2)
        {
            Span<CharClass> classes = stackalloc CharClass[n];
            Span<char> chars = stackalloc char[n];
            Span<char> outChars = stackalloc char[n];
            Span<int> outMap = stackalloc int[n];
            return Compact(folded, classes, chars, outChars, outMap);
        }

        var rentedClasses = ArrayPool<CharClass>.Shared.Rent(n);
        var rentedChars = ArrayPool<char>.Shared.Rent(n);
        var rentedOut = ArrayPool<char>.Shared.Rent(n);
        var rentedMap = ArrayPool<int>.Shared.Rent(n);
        try
        {
            return Compact(folded, rentedClasses, rentedChars, rentedOut, rentedMap);
        }
        finally
        {
            ArrayPool<CharClass>.Shared.Return(rentedClasses);
            ArrayPool<char>.Shared.Return(rentedChars);
            ArrayPool<char>.Shared.Return(rentedOut);
            ArrayPool<int>.Shared.Return(rentedMap);
        }
    }

    private static (string Compact, int[] Map) Compact(ReadOnlySpan<char> folded, Span<CharClass> classes, Span<char> chars, Span<char> outChars, Span<int> outMap)
    {
        var n = folded.Length;
        Classify(folded, classes, chars);
        var length = 0;
        var gapStart = -1;
        var previousWasWord = false;
        var previousWordLength = 0;
        var j = 0;
        while (j < n)
        {
            var cls = classes[j];
            if (cls == CharClass.Gap)
            {
                if (gapStart < 0)
                {
                    gapStart = j;
                }

                j++;
                continue;
            }

            if (cls == CharClass.Cjk)
            {
                // Whatever separated this character from its neighbour is dropped: CJK has no spaces of its own.
                var unit = char.IsHighSurrogate(chars[j]) && j + 1 < n ? 2 : 1;
                for (var k = 0; k < unit; k++)
                {
                    outChars[length] = chars[j + k];
                    outMap[length++] = j + k;
                }

                j += unit;
                previousWasWord = false;
                gapStart = -1;
                continue;
            }

            var start = j;
            while (j < n && classes[j] is CharClass.Letter or CharClass.Digit)
            {
                j++;
            }

            var wordLength = j - start;
            // A gap between two real words is a word boundary; between single letters it is an evasion ("v x").
            if (gapStart >= 0 && previousWasWord && !(previousWordLength == 1 && wordLength == 1))
            {
                outChars[length] = ' ';
                outMap[length++] = gapStart;
            }

            for (var k = start; k < j; k++)
            {
                outChars[length] = chars[k];
                outMap[length++] = k;
            }

            previousWasWord = true;
            previousWordLength = wordLength;
            gapStart = -1;
        }

        return (outChars[..length].ToString(), outMap[..length].ToArray());
    }

    private static void Classify(ReadOnlySpan<char> folded, Span<CharClass> classes, Span<char> chars)
    {
        var n = folded.Length;
        for (var j = 0; j < n; j++)
        {
            var c = folded[j];
            if (char.IsHighSurrogate(c) && j + 1 < n && char.IsLowSurrogate(folded[j + 1]))
            {
                var cls = CharTables.ClassOfSupplementary(char.ConvertToUtf32(c, folded[j + 1]));
                classes[j] = classes[j + 1] = cls;
                chars[j] = c;
                chars[j + 1] = folded[j + 1];
                j++;
                continue;
            }

            var leet = LeetLetter(c);
            if (leet != '\0' && j > 0 && j + 1 < n && char.IsAsciiLetterLower(folded[j - 1]) && char.IsAsciiLetterLower(folded[j + 1]))
            {
                classes[j] = CharClass.Letter;
                chars[j] = leet;
                continue;
            }

            classes[j] = CharTables.Class(c);
            chars[j] = c;
        }
    }

    private static char LeetLetter(char c) => c switch
    {
        '0' => 'o',
        '1' or '!' or '|' => 'i',
        '3' => 'e',
        '4' or '@' => 'a',
        '5' or '$' => 's',
        '7' => 't',
        _ => '\0',
    };
}

internal enum CharClass : byte
{
    Gap,
    Letter,
    Digit,
    Cjk,
}

internal enum FoldKind : byte
{
    Unknown,
    Single,
    Drop,
    Whitespace,
    Multiple,
}

/// <summary>
/// Per-character fold and class tables for the Basic Multilingual Plane: the hot loop costs two array reads per
/// character instead of a Unicode normalisation call. Classes are built up front (cheap); folds are filled in the
/// first time a character is seen, because normalising all 64 K characters would add a quarter of a second to every
/// cold start. Concurrent first sightings compute the same value, so the race is harmless; the kind is published
/// last so that a reader never sees a kind without its value.
/// </summary>
internal static class CharTables
{
    private static readonly byte[] Kinds = new byte[65536];
    private static readonly char[] Singles = new char[65536];
    private static readonly ConcurrentDictionary<char, string> Multiples = new();
    private static readonly CharClass[] Classes = BuildClasses();
    private static readonly ConcurrentDictionary<int, string> Supplementary = new();

    public static FoldKind Kind(char c)
    {
        var kind = (FoldKind)Volatile.Read(ref Kinds[c]);
        return kind == FoldKind.Unknown ? Learn(c) : kind;
    }

    public static char Single(char c) => Singles[c];

    public static string Multiple(char c) => Multiples[c];

    public static CharClass Class(char c) => Classes[c];

    private static FoldKind Learn(char c)
    {
        FoldKind kind;
        if (char.IsSurrogate(c))
        {
            kind = FoldKind.Drop; // a lone surrogate; pairs are handled before the table is consulted
        }
        else
        {
            var folded = FoldBmp(c);
            if (folded.Length == 0)
            {
                kind = FoldKind.Drop;
            }
            else if (folded == " ")
            {
                kind = FoldKind.Whitespace;
            }
            else if (folded.Length == 1)
            {
                kind = FoldKind.Single;
                Singles[c] = folded[0];
            }
            else
            {
                kind = FoldKind.Multiple;
                Multiples[c] = folded;
            }
        }

        Volatile.Write(ref Kinds[c], (byte)kind);
        return kind;
    }

    private static CharClass[] BuildClasses()
    {
        var classes = new CharClass[65536];
        for (var i = 0; i < classes.Length; i++)
        {
            classes[i] = ComputeClass((char)i);
        }

        return classes;
    }

    public static CharClass ClassOfSupplementary(int codePoint)
    {
        if (codePoint is >= 0x20000 and <= 0x3FFFF)
        {
            return CharClass.Cjk; // CJK extension B and later
        }

        return CharUnicodeInfo.GetUnicodeCategory(codePoint) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.OtherLetter
                or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter => CharClass.Letter,
            UnicodeCategory.DecimalDigitNumber => CharClass.Digit,
            _ => CharClass.Gap,
        };
    }

    /// <summary>Folds a supplementary code point (emoji, mathematical alphanumerics such as 𝐟𝐮𝐜𝐤, CJK extension B).</summary>
    public static string FoldSupplementary(int codePoint) => Supplementary.GetOrAdd(codePoint, static cp =>
    {
        var category = CharUnicodeInfo.GetUnicodeCategory(cp);
        if (category is UnicodeCategory.Format or UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark)
        {
            return string.Empty; // tag characters, variation selectors supplement
        }

        var source = char.ConvertFromUtf32(cp);
        string normalized;
        try
        {
            normalized = source.Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            return source;
        }

        var builder = new StringBuilder(normalized.Length);
        for (var i = 0; i < normalized.Length; i++)
        {
            var c = normalized[i];
            if (char.IsSurrogate(c))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append(FoldBmp(c));
            }
        }

        return builder.ToString();
    });

    private static string FoldBmp(char c)
    {
        if (IsInvisible(c))
        {
            return string.Empty;
        }

        if (char.IsWhiteSpace(c) || c == '\u2800')
        {
            return " "; // ideographic space, no-break space, braille blank and friends
        }

        string normalized;
        try
        {
            normalized = c.ToString().Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            return string.Empty;
        }

        var builder = new StringBuilder(normalized.Length);
        foreach (var n in normalized)
        {
            if (IsInvisible(n))
            {
                continue;
            }

            if (char.IsWhiteSpace(n))
            {
                builder.Append(' ');
                continue;
            }

            var lower = char.ToLowerInvariant(n);
            var special = SpecialFold(lower);
            if (special is not null)
            {
                builder.Append(special);
                continue;
            }

            builder.Append(FoldLetterOrDigit(lower));
        }

        return builder.ToString();
    }

    private static bool IsInvisible(char c)
    {
        if (c is '\u115F' or '\u1160' or '\u3164' or '\uFFA0' or '\u180E')
        {
            return true; // Hangul fillers and the Mongolian vowel separator render as nothing but are letters or spaces
        }

        return CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.NonSpacingMark
            or UnicodeCategory.EnclosingMark or UnicodeCategory.Control;
    }

    private static string? SpecialFold(char c) => c switch
    {
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        _ => null,
    };

    private static char FoldLetterOrDigit(char c)
    {
        // Latin letters with diacritics read as their base letter: "fück" is still the same word.
        if (c is >= '\u00C0' and <= '\u024F' or >= '\u1E00' and <= '\u1EFF')
        {
            var decomposed = c.ToString().Normalize(NormalizationForm.FormD);
            if (decomposed.Length > 1 && char.IsAsciiLetter(decomposed[0]))
            {
                return char.ToLowerInvariant(decomposed[0]);
            }

            return c switch
            {
                'ø' => 'o',
                'đ' => 'd',
                'ł' => 'l',
                'ı' => 'i',
                'ħ' => 'h',
                _ => c,
            };
        }

        // Cyrillic and Greek look-alikes fold to the Latin letter they imitate ("аss" with a Cyrillic а). Terms go
        // through the same fold, so a Cyrillic term still matches itself.
        var confusable = c switch
        {
            'а' => 'a', 'в' => 'b', 'е' => 'e', 'ё' => 'e', 'к' => 'k', 'м' => 'm', 'н' => 'h', 'о' => 'o', 'р' => 'p',
            'с' => 'c', 'т' => 't', 'у' => 'y', 'х' => 'x', 'і' => 'i', 'ї' => 'i', 'ј' => 'j', 'ѕ' => 's', 'ԁ' => 'd',
            'ԛ' => 'q', 'ԝ' => 'w', 'ɡ' => 'g',
            'α' => 'a', 'β' => 'b', 'ε' => 'e', 'ι' => 'i', 'κ' => 'k', 'ν' => 'v', 'ο' => 'o', 'ρ' => 'p', 'τ' => 't',
            'υ' => 'u', 'χ' => 'x',
            _ => '\0',
        };
        if (confusable != '\0')
        {
            return confusable;
        }

        // Other scripts' digits and dingbat digits (➊, ❶, ⓵) read as ASCII digits; CJK numerals stay (they are letters).
        var category = CharUnicodeInfo.GetUnicodeCategory(c);
        if (c > 127 && category is UnicodeCategory.DecimalDigitNumber or UnicodeCategory.OtherNumber)
        {
            var value = CharUnicodeInfo.GetNumericValue(c);
            if (value is >= 0 and <= 9 && value == Math.Floor(value))
            {
                return (char)('0' + (int)value);
            }
        }

        return c;
    }

    private static CharClass ComputeClass(char c)
    {
        if (c is >= '\u3400' and <= '\u4DBF' or >= '\u4E00' and <= '\u9FFF' or >= '\uF900' and <= '\uFAFF'
            or >= '\u3040' and <= '\u30FF' or >= '\u31F0' and <= '\u31FF' or >= '\uAC00' and <= '\uD7AF'
            or >= '\u1100' and <= '\u11FF' or >= '\u3130' and <= '\u318F' or '\u3005' or '\u3007')
        {
            return CharClass.Cjk;
        }

        if (char.IsAsciiDigit(c))
        {
            return CharClass.Digit;
        }

        return char.IsLetter(c) ? CharClass.Letter : char.IsDigit(c) ? CharClass.Digit : CharClass.Gap;
    }
}
