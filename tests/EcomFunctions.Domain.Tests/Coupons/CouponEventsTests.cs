using System.Text.Json;
using EcomFunctions.Domain.Coupons;
using static EcomFunctions.Domain.Tests.Coupons.Support.CouponTestData;

namespace EcomFunctions.Domain.Tests.Coupons;

public class CouponEventsTests
{
    private static JsonElement Data(EcomFunctions.Domain.Platform.DomainEvent e) => JsonDocument.Parse(e.DataJson).RootElement;

    [Fact]
    public void Coupon_issued_has_type_subject_time_and_a_stable_id()
    {
        var coupon = IssuedCoupon(Active(Terms() with { CampaignId = "c-618" }), id: "cp-1") with { Source = IssueSource.Grant, GrantReason = GrantReason.Birthday };
        var first = CouponIssued.Create(coupon);
        var retried = CouponIssued.Create(coupon with { Code = "OTHERCODE1" });
        Assert.Equal("Ecom.Coupons.CouponIssued", first.Type);
        Assert.Equal("coupons/cp-1", first.Subject);
        Assert.Equal(Now, first.Time);
        Assert.Equal(first.Id, retried.Id);
        Assert.NotEqual(first.Id, CouponIssued.Create(coupon with { Id = "cp-2" }).Id);
    }

    [Fact]
    public void Event_data_is_camel_case_json_with_enum_names_and_never_the_code()
    {
        var coupon = IssuedCoupon(Active(Terms() with { CampaignId = "c-618" }), id: "cp-1") with { Source = IssueSource.Grant, GrantReason = GrantReason.Birthday };
        var e = CouponIssued.Create(coupon);
        var data = Data(e);
        Assert.Equal("cp-1", data.GetProperty("couponId").GetString());
        Assert.Equal("m-1", data.GetProperty("memberId").GetString());
        Assert.Equal("c-618", data.GetProperty("campaignId").GetString());
        Assert.Equal("Grant", data.GetProperty("source").GetString());
        Assert.Equal("Birthday", data.GetProperty("grantReason").GetString());
        Assert.Equal("FixedAmount", data.GetProperty("kind").GetString());
        Assert.Equal(20m, data.GetProperty("faceValue").GetDecimal());
        Assert.DoesNotContain(coupon.Code, e.DataJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Reserve_redeem_and_release_events_carry_the_order_and_amounts()
    {
        var reserved = IssuedCoupon(Active()).Reserve("o-1", "m-1", 18.5m, Now, TimeSpan.FromMinutes(30)).GetValueOrThrow().Coupon;
        var reservedEvent = CouponReserved.Create(reserved);
        Assert.Equal("Ecom.Coupons.CouponReserved", reservedEvent.Type);
        Assert.Equal("o-1", Data(reservedEvent).GetProperty("orderId").GetString());
        Assert.Equal(18.5m, Data(reservedEvent).GetProperty("discount").GetDecimal());
        Assert.Equal(Now.AddMinutes(30), Data(reservedEvent).GetProperty("expiresAt").GetDateTimeOffset());

        var redeemed = reserved.Confirm("o-1", Now.AddMinutes(3)).GetValueOrThrow().Coupon;
        var redeemedEvent = CouponRedeemed.Create(redeemed);
        Assert.Equal("Ecom.Coupons.CouponRedeemed", redeemedEvent.Type);
        Assert.Equal(18.5m, Data(redeemedEvent).GetProperty("discount").GetDecimal());
        Assert.Equal(20m, Data(redeemedEvent).GetProperty("faceValue").GetDecimal());
        Assert.Equal(Now.AddMinutes(3), redeemedEvent.Time);

        var released = reserved.Release("o-1", Now.AddMinutes(1)).GetValueOrThrow().Coupon;
        var releasedEvent = CouponReleased.Create(reserved, released, ReleaseReason.Cancelled, Now.AddMinutes(1));
        Assert.Equal("Ecom.Coupons.CouponReleased", releasedEvent.Type);
        Assert.Equal("Cancelled", Data(releasedEvent).GetProperty("reason").GetString());
        Assert.True(Data(releasedEvent).GetProperty("returnedToWallet").GetBoolean());
    }

    [Fact]
    public void Each_reservation_of_a_coupon_has_its_own_event_id()
    {
        var coupon = IssuedCoupon(Active());
        var first = coupon.Reserve("o-1", "m-1", 20m, Now, TimeSpan.FromMinutes(30)).GetValueOrThrow().Coupon;
        var released = first.Release("o-1", Now).GetValueOrThrow().Coupon;
        var second = released.Reserve("o-1", "m-1", 20m, Now.AddMinutes(1), TimeSpan.FromMinutes(30)).GetValueOrThrow().Coupon;
        Assert.NotEqual(CouponReserved.Create(first).Id, CouponReserved.Create(second).Id);
        Assert.Equal(CouponReserved.Create(first).Id, CouponReserved.Create(first).Id);
    }

    [Fact]
    public void A_release_after_the_coupon_expired_says_it_did_not_return_to_the_wallet()
    {
        var coupon = IssuedCoupon(Active());
        var reserved = coupon.Reserve("o-1", "m-1", 20m, coupon.ValidUntil.AddMinutes(-1), TimeSpan.FromMinutes(30)).GetValueOrThrow().Coupon;
        var swept = reserved.ExpireReservation(coupon.ValidUntil.AddMinutes(29)).Coupon;
        var e = CouponReleased.Create(reserved, swept, ReleaseReason.ReservationExpired, coupon.ValidUntil.AddMinutes(29));
        Assert.False(Data(e).GetProperty("returnedToWallet").GetBoolean());
        Assert.Equal("ReservationExpired", Data(e).GetProperty("reason").GetString());
    }

    [Fact]
    public void Batch_completed_is_one_event_per_batch()
    {
        var batch = CouponBatch.Request("cb-1", Active(Terms() with { CampaignId = "c-618" }), 3, "SPR", Now, new CouponOptions(), Convert.ToBase64String(new byte[32])).GetValueOrThrow()
            .Accept().CompleteChunk(0, Now.AddMinutes(1));
        var e = CouponBatchCompleted.Create(batch);
        Assert.Equal("Ecom.Coupons.CouponBatchCompleted", e.Type);
        Assert.Equal("coupon-batches/cb-1", e.Subject);
        Assert.Equal(3, Data(e).GetProperty("count").GetInt32());
        Assert.Equal("c-618", Data(e).GetProperty("campaignId").GetString());
        Assert.Equal(e.Id, CouponBatchCompleted.Create(batch).Id);
    }

    [Fact]
    public void Events_refuse_coupons_in_the_wrong_state()
    {
        var issued = IssuedCoupon(Active());
        Assert.Throws<ArgumentException>(() => CouponReserved.Create(issued));
        Assert.Throws<ArgumentException>(() => CouponRedeemed.Create(issued));
        Assert.Throws<ArgumentException>(() => CouponReleased.Create(issued, issued, ReleaseReason.Cancelled, Now));
    }
}
