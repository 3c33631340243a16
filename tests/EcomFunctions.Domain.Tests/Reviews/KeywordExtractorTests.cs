using EcomFunctions.Domain.Reviews;

namespace EcomFunctions.Domain.Tests.Reviews;

public sealed class KeywordExtractorTests
{
    /// <summary>Splits on spaces: enough to test counting and filtering without a dictionary.</summary>
    private sealed class SpaceSegmenter : IWordSegmenter
    {
        public IEnumerable<string> Segment(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void Keywords_count_once_per_review_and_rank_by_reviews_then_term()
    {
        var extractor = new KeywordExtractor(new SpaceSegmenter());

        var top = extractor.TopKeywords(["battery battery battery great", "battery screen", "screen sound", "sound"], top: 3);

        Assert.Equal([new("battery", 2), new("screen", 2), new KeywordCount("sound", 2)], top);
    }

    [Fact]
    public void Stop_words_single_characters_and_numbers_are_not_keywords()
    {
        var extractor = new KeywordExtractor(new SpaceSegmenter());

        var top = extractor.TopKeywords(["the battery is 256 好 !! 非常 宝贝 电池"], top: 10);

        Assert.Equal(["battery", "电池"], top.Select(k => k.Term));
    }

    [Fact]
    public void Text_is_folded_before_segmentation_so_case_and_width_variants_count_together()
    {
        var extractor = new KeywordExtractor(new SpaceSegmenter());

        var top = extractor.TopKeywords(["Battery", "BATTERY", "ｂａｔｔｅｒｙ"], top: 1);

        Assert.Equal(new KeywordCount("battery", 3), Assert.Single(top));
    }

    [Fact]
    public void Extra_stop_words_can_be_configured()
    {
        var extractor = new KeywordExtractor(new SpaceSegmenter(), ["Battery"]);

        Assert.Empty(extractor.TopKeywords(["battery"], top: 5));
    }
}
