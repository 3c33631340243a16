using EcomFunctions.Domain.Reviews;

namespace EcomFunctions.Domain.Tests.Reviews;

public sealed class ContactDetectorTests
{
    private static IReadOnlyList<ContactHit> Detect(string text) => ContactDetector.Detect(TextNormalizer.Normalize(text));

    [Theory]
    [InlineData("联系 13800138000", "13800138000")]
    [InlineData("138 0013 8000", "13800138000")]
    [InlineData("138-0013-8000", "13800138000")]
    [InlineData("１３８００１３８０００", "13800138000")]
    [InlineData("１３８－００１３－８０００", "13800138000")]
    [InlineData("138\u200b0013\u200b8000", "13800138000")]
    [InlineData("一三八零零一三八零零零", "13800138000")]
    [InlineData("壹叁捌 零零壹叁 捌零零零", "13800138000")]
    [InlineData("幺三八 零零幺三 八零零零", "13800138000")]
    [InlineData("+86 138 0013 8000", "13800138000")]
    [InlineData("(+86)13800138000", "13800138000")]
    [InlineData("008613800138000", "13800138000")]
    [InlineData("①③⑧⓪⓪①③⑧⓪⓪⓪", "13800138000")]
    [InlineData("WhatsApp +44 7700 900123", "+447700900123")]
    public void Mobile_numbers_are_found_however_written(string text, string value)
    {
        var hit = Assert.Single(Detect(text), h => h.Kind == ContactKind.MobilePhone);
        Assert.Equal(value, hit.Value);
    }

    [Theory]
    [InlineData("售后 0755-86668888", "075586668888")]
    [InlineData("热线 400-800-1234", "4008001234")]
    [InlineData("电话 8888 6666", "88886666")]
    public void Landlines_and_hotlines_are_found(string text, string value)
    {
        var hit = Assert.Single(Detect(text));
        Assert.Equal((ContactKind.Landline, value), (hit.Kind, hit.Value));
    }

    [Theory]
    [InlineData("价格 1299 元，比上次便宜")]
    [InlineData("2024-11-11 13:30 下单")]
    [InlineData("2023.10.01 到货")]
    [InlineData("订单号 2024111313800138000123")]
    [InlineData("快递单号 SF1234567890123")]
    [InlineData("iPhone 15 Pro 256GB")]
    [InlineData("尺寸 138 x 80 x 8 mm")]
    [InlineData("第 1 3 8 页")]
    [InlineData("订单 88886666 已发货")]
    [InlineData("用了一二三档，都很好")]
    [InlineData("¥1,399.00 包邮")]
    public void Numbers_that_are_not_phone_numbers_are_ignored(string text)
    {
        Assert.DoesNotContain(Detect(text), h => h.Kind is ContactKind.MobilePhone or ContactKind.Landline);
    }

    [Theory]
    [InlineData("看 www.example.com 领券", "www.example.com")]
    [InlineData("https://t.cn/abc 便宜", "https://t.cn/abc")]
    [InlineData("官网 apple.com/cn 也是这个价", "apple.com/cn")]
    [InlineData("abc点com", "abc点com")]
    [InlineData("abc。com", "abc。com")]
    [InlineData("best dot shop", "best dot shop")]
    [InlineData("shop(dot)xyz", "shop(dot)xyz")]
    [InlineData("ｗｗｗ．ｘｙｚ．ｔｏｐ", "www.xyz.top")]
    public void Web_addresses_are_found_with_or_without_scheme(string text, string value)
    {
        var hit = Assert.Single(Detect(text));
        Assert.Equal((ContactKind.Url, value), (hit.Kind, hit.Value));
    }

    [Theory]
    [InlineData("Great service.Net weight matches the label")]
    [InlineData("Ver 2.0 firmware")]
    [InlineData("a 3.5mm jack")]
    [InlineData("The .com version of the manual")]
    [InlineData("好评。东西不错。")]
    [InlineData("size 6.5, fits")]
    public void Full_stops_and_version_numbers_are_not_addresses(string text)
    {
        Assert.Empty(Detect(text));
    }

    [Theory]
    [InlineData("邮箱 buyer2024@gmail.com", "buyer2024@gmail.com")]
    [InlineData("发到 12345678#qq.com", "12345678#qq.com")]
    [InlineData("john.doe(at)outlook(dot)com", "john.doe(at)outlook(dot)com")]
    [InlineData("ｍｅ＠ｅｘａｍｐｌｅ．ｃｎ", "me@example.cn")]
    public void Email_addresses_are_found_including_common_disguises(string text, string value)
    {
        var hit = Assert.Single(Detect(text));
        Assert.Equal((ContactKind.Email, value), (hit.Kind, hit.Value));
    }

    [Fact]
    public void A_hash_before_an_unknown_domain_is_not_an_email()
    {
        Assert.DoesNotContain(Detect("订单 #12345 example.org"), h => h.Kind == ContactKind.Email);
    }

    [Theory]
    [InlineData("加我微信 abc12345", "abc12345")]
    [InlineData("微 信：lily_8888", "lily_8888")]
    [InlineData("ｖｘ：ｍｍ６６８８", "mm6688")]
    [InlineData("v❤信 abc888", "abc888")]
    [InlineData("威信号：meimei1998", "meimei1998")]
    [InlineData("扣扣 12345678", "12345678")]
    [InlineData("QQ群 654321987", "654321987")]
    [InlineData("企鹅 9 8 7 6 5 4 3 2 1", "987654321")]
    [InlineData("wechat id: sale_888", "sale_888")]
    [InlineData("telegram: @cheapdeals_shop", "cheapdeals_shop")]
    [InlineData("加我V：xiaomei_520", "xiaomei_520")]
    [InlineData("扣扣 一二三四五六七", "1234567")]
    public void Messaging_ids_after_a_messaging_keyword_are_found(string text, string id)
    {
        var hit = Assert.Single(Detect(text), h => h.Kind == ContactKind.MessagingId);
        Assert.Equal(id, hit.Value);
    }

    [Theory]
    [InlineData("微信支付很方便")]
    [InlineData("Paid with WeChat Pay")]
    [InlineData("wechat payment was easy")]
    [InlineData("QQ音乐可以用")]
    [InlineData("The QQ music app works")]
    [InlineData("Line 2 of the manual is wrong")]
    [InlineData("Model: WX-2000 air purifier")]
    [InlineData("扣扣 0123")]
    public void Mentions_of_messaging_apps_without_an_id_are_not_contact_details(string text)
    {
        Assert.Empty(Detect(text));
    }

    [Fact]
    public void Hits_point_at_the_original_text()
    {
        const string text = "好评！加ｖｘ：ａｂｃ１２３４，电话１３８ ００１３ ８０００";
        var hits = Detect(text);

        Assert.Equal(
            ["ｖｘ：ａｂｃ１２３４", "１３８ ００１３ ８０００"],
            hits.OrderBy(h => h.OriginalSpan.Start).Select(h => text.Substring(h.OriginalSpan.Start, h.OriginalSpan.Length)));
    }
}
