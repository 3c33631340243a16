using EcomFunctions.Testing.Faults;
using Xunit.Abstractions;

namespace EcomFunctions.EndToEnd.Tests.Reliability;

/// <summary>
/// Fault scenario 2 (driver: <see cref="DuplicateDeliveryScenario"/>, shared with <c>./scripts/bench faults</c>) for the
/// queues the capability suites do not cover; see Coupons/CouponDuplicateDeliveryTests (coupon-grants, chunks, campaign
/// events, outbox) and Reviews/DuplicateDeliveryEndToEndTests (review-moderation, review-events, outbox).
/// </summary>
public sealed class DuplicateDeliveryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Runs_member_activities_storefront_traffic_and_spend_delivered_twice_take_effect_once()
    {
        var outcome = await DuplicateDeliveryScenario.RunAsync(output.WriteLine);

        Assert.True(outcome.Passed, outcome.ToString());
    }
}
