using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Tests.Coupons.Support;

namespace EcomFunctions.Domain.Tests.Coupons;

public class CouponBenefitTests
{
    [Theory]
    [InlineData("100", "20")]
    [InlineData("20", "20")]
    [InlineData("15.50", "15.50")]
    [InlineData("0", "0")]
    public void Fixed_amount_discount_is_the_amount_but_never_more_than_the_eligible_subtotal(string subtotal, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), new FixedAmountBenefit(20m).Discount(decimal.Parse(subtotal, System.Globalization.CultureInfo.InvariantCulture), 0m));

    [Theory]
    [InlineData("99.99", "15", "14.99")] // 14.9985 truncated to whole fen, not rounded up
    [InlineData("100", "15", "15.00")]
    [InlineData("0.06", "15", "0.00")] // 0.009 → 0.00
    [InlineData("33.33", "12.5", "4.16")] // 4.166 → 4.16
    public void Percent_discount_is_truncated_to_whole_fen(string subtotal, string percent, string expected)
    {
        var benefit = new PercentBenefit(decimal.Parse(percent, System.Globalization.CultureInfo.InvariantCulture), 1000m);
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), benefit.Discount(decimal.Parse(subtotal, System.Globalization.CultureInfo.InvariantCulture), 0m));
    }

    [Fact]
    public void Percent_discount_is_capped_at_the_maximum_discount()
    {
        var benefit = new PercentBenefit(20m, 50m);
        Assert.Equal(40m, benefit.Discount(200m, 0m));
        Assert.Equal(50m, benefit.Discount(250m, 0m));
        Assert.Equal(50m, benefit.Discount(10_000m, 0m));
    }

    [Theory]
    [InlineData("199.99", "0")]
    [InlineData("200", "20")]
    [InlineData("399.99", "20")]
    [InlineData("400", "50")]
    [InlineData("450", "50")] // highest step reached, once: not 20 + 50, not 2 × 20
    [InlineData("10000", "50")]
    public void Full_reduction_applies_the_highest_step_reached(string subtotal, string expected)
    {
        var benefit = new FullReductionBenefit([new(200m, 20m), new(400m, 50m)]);
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), benefit.Discount(decimal.Parse(subtotal, System.Globalization.CultureInfo.InvariantCulture), 0m));
    }

    [Fact]
    public void Full_reduction_first_threshold_is_an_implied_minimum_spend()
    {
        var benefit = new FullReductionBenefit([new(200m, 20m), new(400m, 50m)]);
        Assert.Equal(200m, benefit.ImpliedMinimumSpend);
        Assert.Equal(new ReductionStep(400m, 50m), benefit.StepReached(401m));
        Assert.Null(benefit.StepReached(199m));
    }

    [Theory]
    [InlineData("8", "8")]
    [InlineData("15", "10")]
    [InlineData("0", "0")]
    public void Free_shipping_covers_the_shipping_fee_up_to_its_cap(string fee, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), new FreeShippingBenefit(10m).Discount(500m, decimal.Parse(fee, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Face_value_is_the_most_a_coupon_can_take_off_one_order()
    {
        Assert.Equal(20m, new FixedAmountBenefit(20m).FaceValue);
        Assert.Equal(50m, new PercentBenefit(20m, 50m).FaceValue);
        Assert.Equal(50m, new FullReductionBenefit([new(200m, 20m), new(400m, 50m)]).FaceValue);
        Assert.Equal(12m, new FreeShippingBenefit(12m).FaceValue);
    }

    [Fact]
    public void Full_reduction_benefits_with_the_same_steps_are_equal()
    {
        var a = new FullReductionBenefit([new(200m, 20m), new(400m, 50m)]);
        var b = new FullReductionBenefit([new(200m, 20m), new(400m, 50m)]);
        var c = new FullReductionBenefit([new(200m, 20m), new(400m, 60m)]);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
    }

    [Theory]
    [MemberData(nameof(InvalidBenefits))]
    public void Invalid_benefits_are_rejected_with_a_field_error(CouponBenefit benefit, string field)
    {
        var result = CouponDefinition.Create("cd-x", CouponTestData.Terms(benefit), CouponTestData.Now);
        Assert.Equal(ProblemKind.Validation, result.Problem?.Kind);
        Assert.Contains(field, result.Problem!.Errors!.Keys);
    }

    public static TheoryData<CouponBenefit, string> InvalidBenefits() => new()
    {
        { new FixedAmountBenefit(0m), "tierBenefits.Regular.amount" },
        { new FixedAmountBenefit(-5m), "tierBenefits.Regular.amount" },
        { new FixedAmountBenefit(10.005m), "tierBenefits.Regular.amount" },
        { new PercentBenefit(0m, 50m), "tierBenefits.Regular.percentOff" },
        { new PercentBenefit(100m, 50m), "tierBenefits.Regular.percentOff" },
        { new PercentBenefit(12.345m, 50m), "tierBenefits.Regular.percentOff" },
        { new PercentBenefit(20m, 0m), "tierBenefits.Regular.maxDiscount" },
        { new FullReductionBenefit([]), "tierBenefits.Regular.steps" },
        { new FullReductionBenefit([new(200m, 20m), new(200m, 30m)]), "tierBenefits.Regular.steps[1].threshold" },
        { new FullReductionBenefit([new(400m, 50m), new(200m, 20m)]), "tierBenefits.Regular.steps[1].threshold" },
        { new FullReductionBenefit([new(200m, 50m), new(400m, 50m)]), "tierBenefits.Regular.steps[1].amount" },
        { new FullReductionBenefit([new(100m, 100m)]), "tierBenefits.Regular.steps[0].amount" },
        { new FullReductionBenefit(Enumerable.Range(1, 11).Select(i => new ReductionStep(i * 100m, i * 10m))), "tierBenefits.Regular.steps" },
        { new FreeShippingBenefit(0m), "tierBenefits.Regular.maxShippingCovered" },
    };

    [Fact]
    public void Money_truncates_toward_zero_and_recognises_whole_fen()
    {
        Assert.Equal(1.23m, CouponMoney.TruncateToFen(1.239m));
        Assert.True(CouponMoney.IsWholeFen(1.20m));
        Assert.False(CouponMoney.IsWholeFen(1.201m));
        Assert.Equal(12345L, CouponMoney.ToFen(123.45m));
        Assert.Equal(123.45m, CouponMoney.FromFen(12345));
    }
}
