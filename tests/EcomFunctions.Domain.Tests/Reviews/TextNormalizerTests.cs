using EcomFunctions.Domain.Reviews;

namespace EcomFunctions.Domain.Tests.Reviews;

public sealed class TextNormalizerTests
{
    [Theory]
    [InlineData("微 信", "微信")]
    [InlineData("微.信", "微信")]
    [InlineData("微\u200b信", "微信")]
    [InlineData("微\u2060信\ufeff", "微信")]
    [InlineData("微★信", "微信")]
    [InlineData("v x", "vx")]
    [InlineData("ｖｘ", "vx")]
    [InlineData("V.X", "vx")]
    [InlineData("f.u.c.k", "fuck")]
    [InlineData("加 v 信", "加v信")]
    [InlineData("１３８　００１３", "138 0013")]
    [InlineData("傻\u00ad逼", "傻逼")]
    [InlineData("ｆｕｃｋ", "fuck")]
    [InlineData("𝐟𝐮𝐜𝐤", "fuck")]
    [InlineData("fück", "fuck")]
    [InlineData("аss", "ass")] // Cyrillic а
    [InlineData("sh1t", "shit")]
    [InlineData("b!tch", "bitch")]
    [InlineData("ﬁne", "fine")]
    [InlineData("➊➋➌", "123")]
    public void Compact_form_removes_disguises(string text, string compact)
    {
        Assert.Equal(compact, TextNormalizer.Normalize(text).Compact);
    }

    [Theory]
    [InlineData("I love this class", "i love this class")]
    [InlineData("Great product, fast shipping!", "great product fast shipping")]
    [InlineData("iPhone 15 Pro 256GB", "iphone 15 pro 256gb")]
    [InlineData("a shit", "a shit")]
    public void Compact_form_keeps_boundaries_between_real_words(string text, string compact)
    {
        Assert.Equal(compact, TextNormalizer.Normalize(text).Compact);
    }

    [Fact]
    public void Folded_form_keeps_punctuation_and_converts_full_width_digits()
    {
        var text = TextNormalizer.Normalize("  邮箱：１２３４５＠ＱＱ．ＣＯＭ  ");

        Assert.Equal("邮箱:12345@qq.com", text.Folded);
    }

    [Fact]
    public void Whitespace_runs_collapse_to_one_space_in_the_folded_form()
    {
        Assert.Equal("a b c", TextNormalizer.Normalize("a \t\n b\u3000\u00a0c").Folded);
    }

    [Fact]
    public void Compact_offsets_map_back_to_the_original_including_hidden_characters()
    {
        const string original = "好评，加 微\u200b信 领红包";
        var text = TextNormalizer.Normalize(original);
        var at = text.Compact.IndexOf("微信", StringComparison.Ordinal);

        var span = text.CompactToOriginal(at, 2);

        Assert.Equal("微\u200b信", original.Substring(span.Start, span.Length));
    }

    [Fact]
    public void Offsets_of_expanded_and_supplementary_characters_cover_the_whole_source_character()
    {
        const string original = "x 𝐟𝐮𝐜𝐤 y";
        var text = TextNormalizer.Normalize(original);
        var at = text.Compact.IndexOf("fuck", StringComparison.Ordinal);

        var span = text.CompactToOriginal(at, 4);

        Assert.Equal("𝐟𝐮𝐜𝐤", original.Substring(span.Start, span.Length));
    }

    [Fact]
    public void Full_width_offsets_point_at_the_full_width_characters()
    {
        const string original = "找我ｖｘ：abc";
        var text = TextNormalizer.Normalize(original);

        var span = text.CompactToOriginal(text.Compact.IndexOf("vx", StringComparison.Ordinal), 2);

        Assert.Equal("ｖｘ", original.Substring(span.Start, span.Length));
    }

    [Fact]
    public void Long_texts_beyond_the_stack_buffers_normalise_the_same_way()
    {
        var longText = string.Concat(Enumerable.Repeat("微 信ａｂ１ ", 600));

        var text = TextNormalizer.Normalize(longText);

        Assert.Equal(string.Concat(Enumerable.Repeat("微信ab1", 600)), text.Compact);
        Assert.Equal(longText.Length - 1, text.Folded.Length); // every character kept but the trailing space
    }

    [Fact]
    public void Characters_that_expand_a_lot_under_compatibility_normalisation_are_handled()
    {
        // U+FDFA expands to 18 characters under NFKC, so 50 of them overflow the first buffer.
        var expected = string.Concat(Enumerable.Repeat("\uFDFA".Normalize(System.Text.NormalizationForm.FormKC), 50));

        var text = TextNormalizer.Normalize(new string('\uFDFA', 50));

        Assert.Equal(18 * 50, expected.Length);
        Assert.Equal(expected, text.Folded);
    }
}
