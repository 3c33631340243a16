using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Tests.Coupons.Support;

namespace EcomFunctions.Domain.Tests.Coupons;

public class CouponKeysTests
{
    [Theory]
    [InlineData("m-123", true)]
    [InlineData("ORDER_2025.06.18:42", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("a/b", false)]
    [InlineData("a\\b", false)]
    [InlineData("a#b", false)]
    [InlineData("a?b", false)]
    [InlineData("a|b", false)] // would make issue keys ambiguous
    [InlineData("a b", false)]
    [InlineData("会员1", false)]
    public void Ids_are_printable_ascii_without_key_breaking_characters(string? id, bool valid) =>
        Assert.Equal(valid, CouponKeys.IsValidId(id));

    [Fact]
    public void Ids_have_a_maximum_length()
    {
        Assert.True(CouponKeys.IsValidId(new string('a', 64)));
        Assert.False(CouponKeys.IsValidId(new string('a', 65)));
        Assert.True(CouponKeys.IsValidId(new string('a', 100), CouponKeys.MaxRequestIdLength));
    }

    [Fact]
    public void Coupon_ids_are_derived_from_the_issue_key()
    {
        var id = CouponKeys.CouponIdFor(CouponKeys.ClaimIssueKey("m-1", "k-1"));
        Assert.Equal(id, CouponKeys.CouponIdFor(CouponKeys.ClaimIssueKey("m-1", "k-1")));
        Assert.NotEqual(id, CouponKeys.CouponIdFor(CouponKeys.ClaimIssueKey("m-1", "k-2")));
        Assert.NotEqual(id, CouponKeys.CouponIdFor(CouponKeys.GrantIssueKey("k-1")));
        Assert.Matches("^cp[0-9a-hjkmnp-tv-z]{26}$", id);
        Assert.NotEqual(CouponKeys.BatchCouponId("cb-1", 0, 1), CouponKeys.BatchCouponId("cb-1", 1, 0));
        Assert.Equal(CouponKeys.BatchIdFor("cd-1", "r-1"), CouponKeys.BatchIdFor("cd-1", "r-1"));
        Assert.NotEqual(CouponKeys.BatchIdFor("cd-1", "r-1"), CouponKeys.BatchIdFor("cd-2", "r-1"));
    }

    [Fact]
    public void New_ids_use_the_random_source()
    {
        var a = CouponKeys.NewId("cd", new ScriptedRandomSource(1));
        var b = CouponKeys.NewId("cd", new ScriptedRandomSource(1));
        Assert.Equal(a, b);
        Assert.Matches("^cd[0-9a-hjkmnp-tv-z]{20}$", a);
        Assert.True(CouponKeys.IsValidId(a));
    }
}
