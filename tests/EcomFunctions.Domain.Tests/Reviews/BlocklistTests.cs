using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Reviews;

namespace EcomFunctions.Domain.Tests.Reviews;

public sealed class BlocklistTests
{
    private static Blocklist Compile(params BlocklistEntry[] entries) => Blocklist.Compile(entries).GetValueOrThrow();

    private static BlocklistEntry Entry(string term, ModerationAction action = ModerationAction.Reject) =>
        new(term, ModerationCategory.Profanity, action);

    private static List<string> MatchedTerms(Blocklist blocklist, string text) =>
        blocklist.Match(TextNormalizer.Normalize(text)).Select(m => m.Entry.Term).ToList();

    [Theory]
    [InlineData("this class is great")]
    [InlineData("the assembly was easy")]
    [InlineData("bass guitar, classic sound")]
    [InlineData("pass-through charging")]
    public void Latin_terms_do_not_match_inside_other_words(string text)
    {
        Assert.Empty(MatchedTerms(Compile(Entry("ass")), text));
    }

    [Theory]
    [InlineData("what an ass")]
    [InlineData("ASS!")]
    [InlineData("a s s")]
    [InlineData("加ass")]
    public void Latin_terms_match_whole_words_however_written(string text)
    {
        Assert.Equal(["ass"], MatchedTerms(Compile(Entry("ass")), text));
    }

    [Fact]
    public void A_trailing_star_matches_words_starting_with_the_term_only()
    {
        var blocklist = Compile(Entry("cunt*"));

        Assert.Single(MatchedTerms(blocklist, "cunts everywhere"));
        Assert.Empty(MatchedTerms(blocklist, "Scunthorpe United"));
    }

    [Fact]
    public void A_leading_star_matches_words_ending_with_the_term()
    {
        var blocklist = Compile(Entry("*hole"));

        Assert.Single(MatchedTerms(blocklist, "what an asshole"));
        Assert.Empty(MatchedTerms(blocklist, "holes in the bag"));
    }

    [Fact]
    public void Stars_on_both_sides_match_anywhere()
    {
        Assert.Single(MatchedTerms(Compile(Entry("*fuck*")), "motherfuckers"));
    }

    [Theory]
    [InlineData("卖家是个傻逼")]
    [InlineData("傻 逼")]
    [InlineData("傻\u200b逼")]
    [InlineData("傻。逼！")]
    [InlineData("你们傻逼吧")]
    public void Cjk_terms_match_anywhere_and_through_separators(string text)
    {
        Assert.Equal(["傻逼"], MatchedTerms(Compile(Entry("傻逼")), text));
    }

    [Fact]
    public void Terms_are_normalised_like_text()
    {
        var blocklist = Compile(Entry("ｖ ｘ"), Entry("微 信", ModerationAction.Review));

        var matches = blocklist.Match(TextNormalizer.Normalize("加VX或者微.信"));

        Assert.Equal(["ｖ ｘ", "微 信"], matches.Select(m => m.Entry.Term));
        Assert.Equal([TermMatchMode.WholeWord, TermMatchMode.Anywhere], matches.Select(m => m.Mode));
    }

    [Fact]
    public void Every_occurrence_is_reported_with_its_original_span()
    {
        const string text = "sb 说 S B 是 s\u200bb";
        var matches = Compile(Entry("sb")).Match(TextNormalizer.Normalize(text));

        Assert.Equal(["sb", "S B", "s\u200bb"], matches.Select(m => text.Substring(m.OriginalSpan.Start, m.OriginalSpan.Length)));
    }

    [Fact]
    public void Overlapping_terms_are_all_found()
    {
        var blocklist = Compile(Entry("他妈的"), Entry("妈的", ModerationAction.Review), Entry("妈"));

        Assert.Equal(["他妈的", "妈", "妈的"], MatchedTerms(blocklist, "他妈的").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Compile_reports_each_bad_entry_by_position()
    {
        var result = Blocklist.Compile(
        [
            new BlocklistEntry(" * ", ModerationCategory.Ads, ModerationAction.Review),
            new BlocklistEntry("vx", ModerationCategory.Ads, ModerationAction.Note),
            new BlocklistEntry("ｖｘ", ModerationCategory.Ads, ModerationAction.Review),
            new BlocklistEntry("vx", ModerationCategory.Ads, ModerationAction.Reject),
            new BlocklistEntry(new string('a', 65), ModerationCategory.Ads, ModerationAction.Reject),
        ]);

        Assert.False(result.IsSuccess);
        Assert.Equal(ProblemKind.Validation, result.Problem!.Kind);
        Assert.Equal(["entries[0].term", "entries[1].action", "entries[2].term", "entries[3].term", "entries[4].term"], result.Problem.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_same_term_may_be_listed_with_different_modes()
    {
        var result = Blocklist.Compile([Entry("ass", ModerationAction.Review), Entry("*ass*")]);

        Assert.True(result.IsSuccess);
    }

    [Fact]
    public void An_active_blocklist_is_replaced_as_a_whole()
    {
        var active = new ActiveBlocklist();
        var before = active.Current;
        var text = TextNormalizer.Normalize("加微信");

        active.Replace(Compile(Entry("微信", ModerationAction.Review)));

        Assert.Empty(before.Match(text));
        Assert.Single(active.Current.Match(text));
        Assert.Same(Blocklist.Empty, before);
    }

    [Fact]
    public void The_automaton_finds_exactly_what_a_naive_search_finds()
    {
        // Random terms and texts over a small alphabet force many overlaps, shared prefixes and failure transitions.
        var random = new Random(7);
        const string alphabet = "ab 微信ac";
        string RandomString(int min, int max) =>
            new(Enumerable.Range(0, random.Next(min, max)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());

        var entries = new List<BlocklistEntry>();
        var seen = new HashSet<(string, TermMatchMode)>();
        while (entries.Count < 300)
        {
            var term = RandomString(1, 6);
            var star = random.Next(4);
            term = star switch { 1 => term + "*", 2 => "*" + term, 3 => "*" + term + "*", _ => term };
            var compiled = Blocklist.CompileTerm(term);
            if (compiled.Normalized.Length > 0 && seen.Add(compiled))
            {
                entries.Add(new BlocklistEntry(term, ModerationCategory.Spam, ModerationAction.Review));
            }
        }

        var blocklist = Compile([.. entries]);
        var terms = blocklist.CompiledTerms();
        for (var i = 0; i < 300; i++)
        {
            var text = TextNormalizer.Normalize(RandomString(0, 80));
            var expected = new List<(int, int)>();
            for (var t = 0; t < terms.Count; t++)
            {
                var (term, mode) = terms[t];
                for (var at = text.Compact.IndexOf(term, StringComparison.Ordinal); at >= 0; at = text.Compact.IndexOf(term, at + 1, StringComparison.Ordinal))
                {
                    if (Blocklist.SitsAsRequired(text.Compact, at, at + term.Length, mode))
                    {
                        expected.Add((t, at));
                    }
                }
            }

            var actual = blocklist.Match(text).Select(m => (entries.IndexOf(m.Entry), m.CompactSpan.Start)).ToList();
            Assert.Equal(expected.Order(), actual.Order());
        }
    }
}
