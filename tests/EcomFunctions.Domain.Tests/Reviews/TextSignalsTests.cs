using EcomFunctions.Domain.Reviews;

namespace EcomFunctions.Domain.Tests.Reviews;

public sealed class TextSignalsTests
{
    private static TextSignals Measure(string text) => TextSignals.Measure(TextNormalizer.Normalize(text), 6, 4);

    [Theory]
    [InlineData("!!!!!!", 6)]
    [InlineData("好好好好好好好", 7)]
    [InlineData("好 好\u200b好 好 好 好", 6)]
    [InlineData("好评好评好评好评", 8)]
    [InlineData("goodgoodgoodgood", 16)]
    [InlineData("太好了！！！", 0)]
    [InlineData("哈哈哈哈哈", 0)]
    [InlineData("好评好评好评", 0)]
    public void Floods_are_runs_of_a_repeated_character_or_short_pattern(string text, int floodCharacters)
    {
        Assert.Equal(floodCharacters, Measure(text).FloodCharacters);
    }

    [Fact]
    public void Flood_spans_point_at_the_original_text()
    {
        const string text = "质量很好啊啊啊啊啊啊啊推荐";
        var signals = Measure(text);

        var span = Assert.Single(signals.FloodSpans);
        Assert.Equal("啊啊啊啊啊啊啊", text.Substring(span.Start, span.Length));
        Assert.Equal(7.0 / 13, signals.FloodShare, 3);
    }

    [Fact]
    public void Emoji_and_capitals_are_counted()
    {
        var signals = Measure("GREAT 👍👍👍 buy");

        Assert.Equal(3, signals.EmojiCount);
        Assert.Equal(8, signals.LatinLetters);
        Assert.Equal(5, signals.UpperCaseLetters);
    }
}
