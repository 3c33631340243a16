using System.Buffers;

namespace EcomFunctions.Domain.Reviews;

/// <summary>The kinds of contact detail and advertising that lure buyers off the platform.</summary>
public enum ContactKind
{
    /// <summary>A mobile number: Chinese 1[3-9]x 11 digits (optionally +86), or any number written with a leading '+'.</summary>
    MobilePhone,

    /// <summary>A landline (0 + area code + 7–8 digits), a 400/800 hotline, or 7–12 digits right after "电话"/"tel".</summary>
    Landline,

    /// <summary>A web address, with or without scheme, including "dot com" / "点com" spellings.</summary>
    Url,

    /// <summary>An e-mail address, including "#" and "(at)" spellings before well-known mail providers.</summary>
    Email,

    /// <summary>A messaging account: WeChat/微信/vx/v信, QQ/扣扣, WhatsApp, Telegram, Line… followed by an id.</summary>
    MessagingId,
}

/// <summary>A detected contact detail: its kind, its value as normalised (digits only for phones) and where it was typed.</summary>
public readonly record struct ContactHit(ContactKind Kind, string Value, TextSpan OriginalSpan);

/// <summary>
/// Finds phone numbers, web addresses, e-mail addresses and messaging ids in a normalised review. Works on the folded
/// text (full-width and circled digits are already ASCII, zero-width characters gone) and tolerates the separators
/// people put inside numbers ("138 0013 8000", "138-0013-8000") and Chinese numerals ("一三八零零一三八零零零").
/// Prices, dates, model numbers and order numbers do not match: a number must have the shape of a phone number as a
/// whole (an 18-digit order number containing a mobile number is not a phone number).
/// </summary>
public static class ContactDetector
{
    private const int MaxDigits = 24;

    private static readonly SearchValues<char> PhoneDigitChars =
        SearchValues.Create("0123456789零〇一壹幺么二贰貳两三叁參四肆五伍六陆陸七柒八捌九玖");

    private static readonly SearchValues<char> EmailTriggers = SearchValues.Create("@#艾([");

    private static readonly SearchValues<char> UrlTriggers = SearchValues.Create(".。点點([:");

    private static readonly string[] PhoneKeywords =
        ["电话", "手机", "热线", "致电", "拨打", "打我", "联系", "号码", "短信", "tel", "phone", "call", "text", "sms", "mobile", "whatsapp"];

    private static readonly HashSet<string> StrongTlds = new(StringComparer.Ordinal)
    {
        "com", "cn", "net", "org", "top", "xyz", "vip", "cc", "shop", "club", "site", "online", "info", "biz", "io",
        "tk", "app", "link", "live", "store", "wang", "ltd", "ren", "hk", "tw", "co", "ly", "gg", "icu", "fun", "work",
    };

    // Only counted after a literal '.', never after "dot"/"点" spellings: they are too common as words.
    private static readonly HashSet<string> WeakTlds = new(StringComparer.Ordinal)
    {
        "edu", "gov", "uk", "us", "de", "jp", "kr", "ru", "tv", "me", "fr", "au", "ca", "sg",
    };

    private static readonly HashSet<string> MailProviders = new(StringComparer.Ordinal)
    {
        "qq", "163", "126", "139", "gmail", "outlook", "hotmail", "yahoo", "foxmail", "sina", "sohu", "icloud", "yeah",
        "aliyun", "live", "msn", "protonmail",
    };

    private static readonly MessagingKeyword[] MessagingKeywords =
    [
        new("微信"), new("威信"), new("薇信"), new("徽信"), new("维信"), new("溦信"), new("魏信"), new("v信"), new("微x"),
        new("加v"), new("vx"), new("wx"), new("weixin"), new("wechat"), new("we chat"),
        new("扣扣", QqOnly: true), new("qq", QqOnly: true), new("企鹅号", QqOnly: true), new("企鹅", QqOnly: true),
        new("whatsapp"), new("whats app"), new("telegram"), new("电报"), new("skype"), new("viber"), new("kakaotalk"),
        new("kakao"), new("v", Strict: true), new("tg", Strict: true), new("line", Strict: true), new("signal", Strict: true),
    ];

    private static readonly SearchValues<char> MessagingFirstChars =
        SearchValues.Create(string.Concat(MessagingKeywords.Select(k => TextNormalizer.NormalizeTerm(k.Keyword)[0]).Distinct()));

    private static readonly TermMatcher MessagingMatcher =
        TermMatcher.Build(MessagingKeywords.Select(k => TextNormalizer.NormalizeTerm(k.Keyword)).ToList());

    /// <summary>All contact details in the text, in the order phones, URLs, e-mails, messaging ids.</summary>
    public static IReadOnlyList<ContactHit> Detect(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<ContactHit>? hits = null;
        var folded = text.Folded.AsSpan();
        // Most reviews have no digit, no dot and no '@': each scanner first checks that it has anything to look at.
        if (folded.ContainsAny(PhoneDigitChars))
        {
            FindPhones(text, folded, ref hits);
        }

        var emailsFrom = hits?.Count ?? 0;
        if (folded.ContainsAny(EmailTriggers) || folded.Contains(" at ", StringComparison.Ordinal))
        {
            FindEmails(text, folded, ref hits);
        }

        if (folded.ContainsAny(UrlTriggers) || folded.Contains(" dot ", StringComparison.Ordinal))
        {
            FindUrls(text, folded, ref hits, emailsFrom);
        }

        if (text.Compact.AsSpan().ContainsAny(MessagingFirstChars))
        {
            FindMessagingIds(text, ref hits);
        }
        return hits ?? (IReadOnlyList<ContactHit>)[];
    }

    private static void Add(ref List<ContactHit>? hits, NormalizedText text, ContactKind kind, string value, int foldedStart, int foldedEnd)
    {
        hits ??= [];
        hits.Add(new ContactHit(kind, value, text.FoldedToOriginal(foldedStart, foldedEnd - foldedStart)));
    }

    // ---- phones ------------------------------------------------------------------------------------------------

    private static void FindPhones(NormalizedText text, ReadOnlySpan<char> f, ref List<ContactHit>? hits)
    {
        Span<char> digits = stackalloc char[MaxDigits];
        for (var i = 0; i < f.Length; i++)
        {
            var next = f[i..].IndexOfAny(PhoneDigitChars);
            if (next < 0)
            {
                return;
            }

            i += next;
            var start = i;
            var last = i;
            var count = 0;
            var j = i;
            while (j < f.Length)
            {
                var d = PhoneDigit(f[j]);
                if (d >= 0)
                {
                    if (count < MaxDigits)
                    {
                        digits[count] = (char)('0' + d);
                    }

                    count++;
                    last = j;
                    j++;
                    continue;
                }

                var k = j;
                while (k < f.Length && k - j < 3 && IsPhoneSeparator(f[k]))
                {
                    k++;
                }

                if (k > j && k < f.Length && PhoneDigit(f[k]) >= 0)
                {
                    j = k;
                    continue;
                }

                break;
            }

            i = last;
            if (count > MaxDigits)
            {
                continue;
            }

            var plus = HasPlusBefore(f, start);
            var kind = ClassifyPhone(digits[..count], plus, out var value);
            if (kind is null && count is >= 7 and <= 12 && HasPhoneKeywordBefore(f, start))
            {
                kind = ContactKind.Landline;
                value = digits[..count].ToString();
            }

            // Letters glued to the digits ("sf0755123456", "model 0123456789x") make a code, not a phone number; only
            // the unmistakable mobile shape survives that ("vx13800138000").
            var glued = (start > 0 && char.IsAsciiLetter(f[start - 1])) || (last + 1 < f.Length && char.IsAsciiLetter(f[last + 1]));
            if (kind is { } found && (!glued || found == ContactKind.MobilePhone))
            {
                Add(ref hits, text, found, value!, start, last + 1);
            }
        }
    }

    private static ContactKind? ClassifyPhone(ReadOnlySpan<char> d, bool plus, out string? value)
    {
        value = null;
        if (d.StartsWith("0086"))
        {
            d = d[4..];
            plus = true;
        }
        else if ((plus || d.Length == 13) && d.StartsWith("86") && d.Length >= 12)
        {
            d = d[2..];
            plus = true;
        }
        else if (plus)
        {
            if (d.Length is >= 8 and <= 15)
            {
                value = "+" + d.ToString();
                return ContactKind.MobilePhone;
            }

            return null;
        }

        if (d.Length == 11 && d[0] == '1' && d[1] is >= '3' and <= '9')
        {
            value = d.ToString();
            return ContactKind.MobilePhone;
        }

        if ((d.Length == 10 && (d.StartsWith("400") || d.StartsWith("800"))) || (d.Length is >= 10 and <= 12 && d[0] == '0' && d[1] != '0'))
        {
            value = d.ToString();
            return ContactKind.Landline;
        }

        return null;
    }

    private static int PhoneDigit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        '零' or '〇' => 0,
        '一' or '壹' or '幺' or '么' => 1,
        '二' or '贰' or '貳' or '两' => 2,
        '三' or '叁' or '參' => 3,
        '四' or '肆' => 4,
        '五' or '伍' => 5,
        '六' or '陆' or '陸' => 6,
        '七' or '柒' => 7,
        '八' or '捌' => 8,
        '九' or '玖' => 9,
        _ => -1,
    };

    private static bool IsPhoneSeparator(char c) =>
        c is ' ' or '-' or '.' or '_' or '/' or '(' or ')' or '~' or '*' or '+' or '|' or ',' or '、' or '·' or '—' or '–' or '－';

    private static bool HasPlusBefore(ReadOnlySpan<char> f, int start)
    {
        for (var k = start - 1; k >= 0 && k >= start - 3; k--)
        {
            if (f[k] == '+')
            {
                return true;
            }

            if (f[k] is not (' ' or '('))
            {
                return false;
            }
        }

        return false;
    }

    private static bool HasPhoneKeywordBefore(ReadOnlySpan<char> f, int start)
    {
        var windowStart = Math.Max(0, start - 12);
        var window = f[windowStart..start];
        foreach (var keyword in PhoneKeywords)
        {
            if (window.Contains(keyword, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    // ---- URLs --------------------------------------------------------------------------------------------------

    private static void FindUrls(NormalizedText text, ReadOnlySpan<char> f, ref List<ContactHit>? hits, int emailsFrom)
    {
        var i = 0;
        while (i < f.Length)
        {
            var end = -1;
            var start = i;
            if (f[i] == 'h' && (f[i..].StartsWith("http://") || f[i..].StartsWith("https://")) && (i == 0 || !char.IsAsciiLetterOrDigit(f[i - 1])))
            {
                end = ExtendPath(f, i + (f[i + 4] == 's' ? 8 : 7));
            }
            else if (f[i] == 'w' && f[i..].StartsWith("www") && (i == 0 || !char.IsAsciiLetterOrDigit(f[i - 1])) && DotLikeAt(f, i + 3, out _) > 0)
            {
                end = ExtendDomainAndPath(f, i + 3);
            }
            else
            {
                var dot = DotLikeAt(f, i, out var literal);
                if (dot > 0 && TryDomainAround(text, f, i, dot, literal, out start, out end))
                {
                    // start and end set by TryDomainAround
                }
                else
                {
                    end = -1;
                }
            }

            if (end > start && !InsideEarlierEmail(hits, emailsFrom, text.FoldedToOriginal(start, end - start)))
            {
                Add(ref hits, text, ContactKind.Url, f[start..end].ToString(), start, end);
                i = end;
                continue;
            }

            i++;
        }
    }

    private static bool InsideEarlierEmail(List<ContactHit>? hits, int from, TextSpan span)
    {
        if (hits is null)
        {
            return false;
        }

        for (var k = from; k < hits.Count; k++)
        {
            if (hits[k].Kind == ContactKind.Email && hits[k].OriginalSpan.Overlaps(span))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Recognises a dot-like separator at <paramref name="i"/>: '.', '。', '点', '點', " dot ", "(dot)", "[.]".</summary>
    private static int DotLikeAt(ReadOnlySpan<char> f, int i, out bool literal)
    {
        literal = false;
        if (i >= f.Length)
        {
            return 0;
        }

        switch (f[i])
        {
            case '.':
                literal = true;
                return 1;
            case '。' or '点' or '點':
                return 1;
            case '(' or '[':
                var rest = f[i..];
                return rest.StartsWith("(dot)") || rest.StartsWith("[dot]") ? 5 : rest.StartsWith("(.)") || rest.StartsWith("[.]") ? 3 : 0;
            case ' ':
                rest = f[i..];
                return rest.StartsWith(" dot ") ? 5 : rest.StartsWith(" . ") ? 3 : 0;
            default:
                return 0;
        }
    }

    private static bool TryDomainAround(NormalizedText text, ReadOnlySpan<char> f, int dotAt, int dotLength, bool literal, out int start, out int end)
    {
        start = end = -1;
        // The label before the dot: letters, digits and hyphens.
        var labelStart = dotAt;
        while (labelStart > 0 && IsLabelChar(f[labelStart - 1]))
        {
            labelStart--;
        }

        if (labelStart == dotAt || (labelStart > 0 && char.IsAsciiLetterOrDigit(f[labelStart - 1])))
        {
            return false;
        }

        var tldStart = dotAt + dotLength;
        var tldEnd = tldStart;
        while (tldEnd < f.Length && char.IsAsciiLetterLower(f[tldEnd]))
        {
            tldEnd++;
        }

        if (tldEnd == tldStart || (tldEnd < f.Length && char.IsAsciiLetterOrDigit(f[tldEnd])))
        {
            return false;
        }

        var tld = f[tldStart..tldEnd].ToString();
        var known = StrongTlds.Contains(tld) || (literal && WeakTlds.Contains(tld));
        if (!known)
        {
            return false;
        }

        // "Great service.Net weight is fine": a capital after a full stop starts a sentence, not a domain.
        if (literal && LooksLikeSentenceStart(text, tldStart, tldEnd))
        {
            return false;
        }

        start = labelStart;
        end = ExtendDomainAndPath(f, tldEnd);
        return true;
    }

    private static bool LooksLikeSentenceStart(NormalizedText text, int tldStart, int tldEnd)
    {
        var original = text.FoldedToOriginal(tldStart, tldEnd - tldStart);
        var first = text.Original[original.Start];
        return char.IsUpper(first) && original.Length > 1 && char.IsLower(text.Original[original.Start + 1]);
    }

    /// <summary>Consumes further ".label" parts and a path after a recognised domain.</summary>
    private static int ExtendDomainAndPath(ReadOnlySpan<char> f, int i)
    {
        while (true)
        {
            var dot = DotLikeAt(f, i, out _);
            if (dot == 0)
            {
                break;
            }

            var k = i + dot;
            var labelEnd = k;
            while (labelEnd < f.Length && IsLabelChar(f[labelEnd]))
            {
                labelEnd++;
            }

            if (labelEnd == k)
            {
                break;
            }

            i = labelEnd;
        }

        return i < f.Length && f[i] is '/' or ':' or '?' ? ExtendPath(f, i) : i;
    }

    private static int ExtendPath(ReadOnlySpan<char> f, int i)
    {
        while (i < f.Length && f[i] < 128 && f[i] != ' ')
        {
            i++;
        }

        return i;
    }

    private static bool IsLabelChar(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-';

    // ---- e-mail ------------------------------------------------------------------------------------------------

    private static void FindEmails(NormalizedText text, ReadOnlySpan<char> f, ref List<ContactHit>? hits)
    {
        for (var i = 0; i < f.Length; i++)
        {
            var atLength = AtLikeAt(f, i, out var explicitAt);
            if (atLength == 0)
            {
                continue;
            }

            var localStart = i;
            while (localStart > 0 && IsLocalPartChar(f[localStart - 1]))
            {
                localStart--;
            }

            if (localStart == i || (!explicitAt && i - localStart < 3))
            {
                continue;
            }

            var domainStart = i + atLength;
            var labelEnd = domainStart;
            while (labelEnd < f.Length && IsLabelChar(f[labelEnd]))
            {
                labelEnd++;
            }

            if (labelEnd == domainStart)
            {
                continue;
            }

            var provider = MailProviders.Contains(f[domainStart..labelEnd].ToString());
            if (!explicitAt && !provider)
            {
                continue;
            }

            var dot = DotLikeAt(f, labelEnd, out _);
            if (dot == 0)
            {
                continue;
            }

            var tldStart = labelEnd + dot;
            var tldEnd = tldStart;
            while (tldEnd < f.Length && IsLabelChar(f[tldEnd]))
            {
                tldEnd++;
            }

            if (tldEnd - tldStart < 2)
            {
                continue;
            }

            var end = ExtendDomainAndPath(f, tldEnd);
            Add(ref hits, text, ContactKind.Email, f[localStart..end].ToString(), localStart, end);
            i = end - 1;
        }
    }

    /// <summary>Recognises '@', and — only before a well-known provider — '#', "(at)", "[at]", " at ", "艾特".</summary>
    private static int AtLikeAt(ReadOnlySpan<char> f, int i, out bool explicitAt)
    {
        explicitAt = false;
        switch (f[i])
        {
            case '@':
                explicitAt = true;
                return 1;
            case '#':
                return 1;
            case '(' or '[' or ' ':
                var rest = f[i..];
                return rest.StartsWith("(at)") || rest.StartsWith("[at]") || rest.StartsWith(" at ") ? 4 : 0;
            case '艾':
                return f[i..].StartsWith("艾特") ? 2 : 0;
            default:
                return 0;
        }
    }

    private static bool IsLocalPartChar(char c) => IsLabelChar(c) || c is '.' or '_' or '+' or '%';

    // ---- messaging ids -----------------------------------------------------------------------------------------

    private static void FindMessagingIds(NormalizedText text, ref List<ContactHit>? hits)
    {
        List<TermHit>? keywordHits = null;
        var compact = text.Compact.AsSpan();
        MessagingMatcher.FindAll(compact, ref keywordHits);
        if (keywordHits is null)
        {
            return;
        }

        var f = text.Folded.AsSpan();
        var consumedUntil = -1;
        foreach (var keywordHit in keywordHits)
        {
            var keyword = MessagingKeywords[keywordHit.PatternId];
            var length = MessagingMatcher.PatternLengths[keywordHit.PatternId];
            var start = keywordHit.End - length;
            var mode = keyword.Keyword.Any(TextNormalizer.IsCjk) ? TermMatchMode.Anywhere : TermMatchMode.WholeWord;
            if (!Blocklist.SitsAsRequired(compact, start, keywordHit.End, mode))
            {
                continue;
            }

            var keywordFoldedStart = text.CompactToFoldedIndex(start);
            var afterKeyword = text.CompactToFoldedIndex(keywordHit.End - 1) + 1;
            if (afterKeyword <= consumedUntil)
            {
                continue;
            }

            if (TryReadId(f, afterKeyword, keyword, out var idStart, out var idEnd, out var id))
            {
                Add(ref hits, text, ContactKind.MessagingId, id, Math.Min(keywordFoldedStart, idStart), idEnd);
                consumedUntil = idEnd;
            }
        }
    }

    private static bool TryReadId(ReadOnlySpan<char> f, int i, MessagingKeyword keyword, out int idStart, out int idEnd, out string id)
    {
        idStart = idEnd = -1;
        id = string.Empty;
        var explicitConnector = false;
        var skipped = 0;
        while (i < f.Length && skipped < 8)
        {
            if (f[i..].StartsWith("id") && (i + 2 >= f.Length || !char.IsAsciiLetter(f[i + 2])))
            {
                explicitConnector = true;
                i += 2;
                skipped += 2;
                continue;
            }

            var c = f[i];
            if (c is ':' or '=' or '号' or '是' or '为' or '>' or '→' or '@')
            {
                explicitConnector = true;
            }
            else if (!(c is '搜' or '加' or '我' or '的' or '账' or '帐' or '群' || IsDecoration(f, i)))
            {
                break;
            }

            i++;
            skipped++;
        }

        if (keyword.Strict && !explicitConnector)
        {
            return false;
        }

        Span<char> buffer = stackalloc char[32];
        var length = 0;
        var allDigits = true;
        var hasDigitOrMark = false;
        var j = i;
        var last = i - 1;
        while (j < f.Length && length < buffer.Length)
        {
            var c = f[j];
            var digit = PhoneDigit(c);
            if (digit >= 0)
            {
                buffer[length++] = (char)('0' + digit);
                hasDigitOrMark = true;
                last = j;
                j++;
                continue;
            }

            if (char.IsAsciiLetterLower(c) || c is '_' or '-' or '.')
            {
                if (c is '.' or '-' && (j + 1 >= f.Length || !(char.IsAsciiLetterOrDigit(f[j + 1]) || f[j + 1] == '_')))
                {
                    break; // trailing punctuation ends the id
                }

                buffer[length++] = c;
                allDigits = false;
                hasDigitOrMark |= c is '_' or '-';
                last = j;
                j++;
                continue;
            }

            // Spaces inside a run of digits ("1234 5678") are layout, not the end of the id.
            if (c == ' ' && length > 0 && char.IsAsciiDigit(buffer[length - 1]) && j + 1 < f.Length && PhoneDigit(f[j + 1]) >= 0)
            {
                j++;
                continue;
            }

            break;
        }

        if (length == 0)
        {
            return false;
        }

        var candidate = buffer[..length];
        bool valid;
        if (keyword.QqOnly)
        {
            valid = allDigits && length is >= 5 and <= 12 && candidate[0] != '0';
        }
        else if (allDigits)
        {
            valid = length is >= 5 and <= 13;
        }
        else
        {
            // A plain English word after "wechat" ("wechat payment") is not an id unless introduced as one.
            valid = length is >= 5 and <= 24 && char.IsAsciiLetter(candidate[0]) && (hasDigitOrMark || explicitConnector);
        }

        if (!valid)
        {
            return false;
        }

        idStart = i;
        idEnd = last + 1;
        id = candidate.ToString();
        return true;
    }

    /// <summary>Spaces, punctuation, symbols and emoji people put between "微信" and the id ("微信❤️：abc").</summary>
    private static bool IsDecoration(ReadOnlySpan<char> f, int i)
    {
        var c = f[i];
        if (char.IsSurrogate(c))
        {
            return true;
        }

        return !char.IsLetterOrDigit(c) && PhoneDigit(c) < 0;
    }

    private sealed record MessagingKeyword(string Keyword, bool Strict = false, bool QqOnly = false);
}
