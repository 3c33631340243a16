using EcomFunctions.Domain.Reviews;
using EcomFunctions.Storage.Reviews;

namespace EcomFunctions.Storage.Tests.Reviews;

/// <summary>jieba.NET on net10.0, referenced through the Storage class library (dictionary copied to jieba/).</summary>
public sealed class JiebaWordSegmenterTests : IDisposable
{
    private readonly JiebaWordSegmenter segmenter = new();

    public void Dispose() => segmenter.Dispose();

    [Fact]
    public void The_dictionary_is_copied_beside_the_referencing_assembly()
    {
        Assert.True(File.Exists(Path.Combine(JiebaWordSegmenter.ResourceDirectory, "dict.txt")));
    }

    [Fact]
    public void Chinese_text_is_split_into_dictionary_words()
    {
        var words = segmenter.Segment("这款手机的电池续航非常好，物流也很快，客服态度不错");

        Assert.Equal(["这", "款", "手机", "的", "电池", "续航", "非常", "好", "，", "物流", "也", "很快", "，", "客服", "态度", "不错"], words);
    }

    [Fact]
    public void Mixed_chinese_and_english_keeps_latin_words_whole_and_drops_spaces()
    {
        var words = segmenter.Segment("iPhone 15 Pro 拍照效果很好，性价比高").ToList();

        Assert.Contains("iPhone", words);
        Assert.Contains("性价比", words);
        Assert.Contains("拍照", words);
        Assert.DoesNotContain(" ", words);
    }

    [Fact]
    public void Segmentation_is_safe_from_many_threads()
    {
        var results = new string[16][];
        Parallel.For(0, results.Length, i => results[i] = segmenter.Segment("面膜补水效果很好，皮肤水水的").ToArray());

        Assert.All(results, words => Assert.Equal(results[0], words));
        Assert.Contains("补水", results[0]);
    }

    [Fact]
    public void Top_keywords_of_chinese_reviews_leave_out_stop_words()
    {
        var extractor = new KeywordExtractor(segmenter);
        string[] reviews =
        [
            "这款手机的电池续航非常好，拍照也很清晰。",
            "电池很耐用，续航一天没问题，就是有点重。",
            "拍照效果一般，但是电池续航真的强。",
            "物流很快，包装很好，手机屏幕清晰。",
            "屏幕很清晰，电池续航也不错，推荐！",
        ];

        var top = extractor.TopKeywords(reviews, top: 5);

        // Counted once per review: 电池 and 续航 in four reviews, 清晰 in three, 屏幕 and 手机 in two (ties by ordinal).
        Assert.Equal(
            [new("电池", 4), new("续航", 4), new("清晰", 3), new("屏幕", 2), new KeywordCount("手机", 2)],
            top);
        Assert.DoesNotContain(top, k => k.Term is "的" or "很" or "也" or "非常" or "不错");
    }
}
