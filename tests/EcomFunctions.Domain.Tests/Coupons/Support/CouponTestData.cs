using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;

using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Tests.Coupons.Support;

/// <summary>Valid terms and definitions to vary in tests.</summary>
internal static class CouponTestData
{
    public const string Shanghai = "Asia/Shanghai";

    /// <summary>2025-03-10 10:00 in Shanghai (02:00 UTC): a plain weekday morning.</summary>
    public static readonly DateTimeOffset Now = new(2025, 3, 10, 2, 0, 0, TimeSpan.Zero);

    public static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    public static CouponTerms Terms(CouponBenefit? benefit = null, int quantity = 100) => new()
    {
        Name = "Spring 20 off",
        Kind = (benefit ?? new FixedAmountBenefit(20m)).Kind,
        TierBenefits = CouponTerms.ForAllTiers(benefit ?? new FixedAmountBenefit(20m)),
        Validity = new ValidDaysAfterIssue(7),
        TotalQuantity = quantity,
        StackingGroup = "default",
        TimeZoneId = Shanghai,
    };

    public static CouponTerms Tiered(params (MemberTier Tier, CouponBenefit Benefit)[] benefits) => Terms() with
    {
        Kind = benefits[0].Benefit.Kind,
        TierBenefits = benefits.ToDictionary(b => b.Tier, b => b.Benefit),
    };

    public static CouponDefinition Draft(CouponTerms? terms = null, string id = "cd-spring") =>
        CouponDefinition.Create(id, terms ?? Terms(), Now).GetValueOrThrow();

    public static CouponDefinition Active(CouponTerms? terms = null, string id = "cd-spring") =>
        Draft(terms, id).Activate(Now).GetValueOrThrow();

    public static CouponCode Code(string body) => CouponCode.FromBody(body);

    public static Coupon IssuedCoupon(
        CouponDefinition definition,
        string? memberId = "m-1",
        DateTimeOffset? issuedAt = null,
        string id = "cp-1",
        string body = "SPRNGTEST01")
    {
        var at = issuedAt ?? Now;
        var tier = definition.MinimumTier;
        var plan = new CouponIssuePlan(tier, definition.BenefitFor(tier)!, definition.WindowForIssue(at), definition.LocalDay(at));
        return Coupon.Issue(id, Code(body), definition, memberId, plan, at, memberId is null ? IssueSource.Batch : IssueSource.Claim);
    }

    public static Cart Cart(decimal goods, decimal shipping = 0m) => EcomFunctions.Domain.Coupons.Cart.Create(goods, null, shipping).GetValueOrThrow();

    public static Cart Cart(params CartItem[] items) => EcomFunctions.Domain.Coupons.Cart.Create(null, items).GetValueOrThrow();

    public static void AssertProblem<T>(Result<T> result, ProblemKind kind, string code)
    {
        Assert.False(result.IsSuccess, $"Expected {kind}/{code} but succeeded.");
        Assert.Equal(kind, result.Problem!.Kind);
        Assert.Equal(code, result.Problem.Code);
    }
}
