namespace EcomFunctions.Domain.Reviews;

/// <summary>Splits text into words. Chinese needs a dictionary-based segmenter (the Storage project adapts jieba.NET).</summary>
public interface IWordSegmenter
{
    IEnumerable<string> Segment(string text);
}

/// <summary>A keyword and in how many reviews it occurs.</summary>
public sealed record KeywordCount(string Term, int Reviews);

/// <summary>
/// Top keywords of a product's reviews (DESIGN §8 insight). Texts are folded like screening text (full-width to ASCII,
/// lower case, invisible characters removed) and segmented; single characters, numbers, punctuation and stop words
/// (Chinese and English, plus review boilerplate such as "宝贝", "收到") are dropped. A keyword counts once per review,
/// so that one long review repeating a word cannot dominate the list.
/// </summary>
public sealed class KeywordExtractor
{
    private readonly IWordSegmenter segmenter;
    private readonly HashSet<string> stopWords;

    public KeywordExtractor(IWordSegmenter segmenter, IEnumerable<string>? extraStopWords = null)
    {
        this.segmenter = segmenter ?? throw new ArgumentNullException(nameof(segmenter));
        stopWords = new HashSet<string>(StopWords.All, StringComparer.Ordinal);
        foreach (var word in extraStopWords ?? [])
        {
            stopWords.Add(TextNormalizer.Normalize(word).Folded);
        }
    }

    public IReadOnlyList<KeywordCount> TopKeywords(IEnumerable<string> reviewTexts, int top = 20)
    {
        ArgumentNullException.ThrowIfNull(reviewTexts);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in reviewTexts)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            seen.Clear();
            foreach (var raw in segmenter.Segment(TextNormalizer.Normalize(text).Folded))
            {
                var word = raw.Trim();
                if (IsKeyword(word) && seen.Add(word))
                {
                    counts[word] = counts.GetValueOrDefault(word) + 1;
                }
            }
        }

        return counts
            .OrderByDescending(kv => kv.Value)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(top)
            .Select(kv => new KeywordCount(kv.Key, kv.Value))
            .ToList();
    }

    private bool IsKeyword(string word)
    {
        if (word.Length < 2 || stopWords.Contains(word))
        {
            return false;
        }

        // A keyword needs at least one letter or CJK character: "256", "..." and "!!" are not keywords.
        foreach (var c in word)
        {
            if (char.IsLetter(c))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Stop words for keyword insight: function words and review boilerplate that say nothing about a product.</summary>
public static class StopWords
{
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(
        """
        的 了 是 我 你 他 她 它 们 我们 你们 他们 她们 这 那 这个 那个 这些 那些 这样 那样 这么 那么 就 也 都 还 很 非常
        特别 比较 真的 真是 确实 挺 太 最 更 又 再 才 只 只是 和 与 及 以及 或 或者 在 有 没 没有 不 不是 不会 一个 个 吗 吧
        呢 啊 哦 嗯 呀 哈 着 过 被 把 给 让 对 从 到 为 以 而 但 但是 可是 所以 因为 如果 虽然 而且 然后 还有 其实 可以 可能
        已经 还是 就是 什么 怎么 怎么样 自己 一下 一点 一些 一样 有点 有些 时候 之前 之后 现在 今天 昨天 一直 一次 一共 会 能
        要 想 说 看 用 买 下 上 中 里 后 前 多 少 大 小 好 很好 不错 感觉 觉得 东西 宝贝 商品 产品 卖家 店家 商家 收到 购买
        下单 入手 评价 好评 追评 默认 第一次 一起 已 于 并 其 之 该 等 等等 啦 哟 喔 么 吗 滴 得 地 个 件 次 天 年 月 日
        a an the and or but if then than so to of in on at by for with from as is are was were be been being am do does did
        have has had it its this that these those i me my we our you your he him his she her they them their what which who
        whom there here when where why how all any both each few more most other some such no nor not only own same too very
        can will just should now also get got would could really one bought buy product item thing things lol ok okay
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries),
        StringComparer.Ordinal);
}
