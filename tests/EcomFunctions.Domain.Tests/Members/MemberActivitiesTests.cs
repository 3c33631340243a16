using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Tests.Members.Fakes;
using Microsoft.Extensions.Time.Testing;
using static EcomFunctions.Domain.Tests.Members.MemberTestData;

namespace EcomFunctions.Domain.Tests.Members;

public sealed class MemberActivitiesTests
{
    private readonly InMemoryMemberRepository repository = new();
    private readonly FakeTimeProvider clock = new(RunTime);
    private readonly MemberOptions options = MemberOptions();

    public MemberActivitiesTests() => repository.Put(NewMember("m-1", zone: "UTC"));

    private MemberActivities Activities => new(repository, options, clock);

    private PointsRedemptions Redemptions => new(repository, options, clock);

    [Fact]
    public async Task Purchase_is_recorded_once_per_activity_id()
    {
        var purchase = MemberActivity.Purchase("order-1", RunTime - TimeSpan.FromHours(1), 120m);

        var first = (await Activities.RecordAsync("m-1", purchase, default)).GetValueOrThrow();
        var second = (await Activities.RecordAsync("m-1", purchase, default)).GetValueOrThrow();

        Assert.Equal(new ActivityEffect(true, ActivityKind.Purchase, 120, 120, false), first);
        Assert.Equal(ActivityEffect.Duplicate(ActivityKind.Purchase), second);
        var stored = repository.Peek("m-1")!;
        Assert.Equal((120L, 120L), (stored.Growth.Lifetime, stored.Points.Held));
    }

    [Fact]
    public async Task A_duplicate_racing_the_first_delivery_is_recognised_by_the_marker()
    {
        var purchase = MemberActivity.Purchase("order-1", RunTime - TimeSpan.FromHours(1), 120m);
        repository.BeforeSave = _ => Activities.RecordAsync("m-1", purchase, default).GetAwaiter().GetResult();

        var result = (await Activities.RecordAsync("m-1", purchase, default)).GetValueOrThrow();

        Assert.False(result.IsNew);
        Assert.Equal(120, repository.Peek("m-1")!.Growth.Lifetime);
    }

    [Fact]
    public async Task A_concurrent_change_to_the_member_is_retried_not_lost()
    {
        repository.BeforeSave = _ => Activities.RecordAsync("m-1", MemberActivity.Login("login-1", RunTime), default).GetAwaiter().GetResult();

        var result = await Activities.RecordAsync("m-1", MemberActivity.Purchase("order-1", RunTime, 50m), default);

        var stored = repository.Peek("m-1")!;
        Assert.True(result.GetValueOrThrow().IsNew);
        Assert.Equal((RunTime, RunTime, 50L), (stored.LastLoginAt!.Value, stored.LastPurchaseAt!.Value, stored.Growth.Lifetime));
    }

    [Fact]
    public async Task Unknown_member_is_not_found_and_erased_member_is_gone()
    {
        Assert.Equal(ProblemKind.NotFound, (await Activities.RecordAsync("m-2", MemberActivity.Login("l", RunTime), default)).Problem!.Kind);

        var erased = repository.Peek("m-1")!;
        erased.Erase(RunTime, Shanghai);
        repository.Put(erased);
        Assert.Equal(ProblemKind.Gone, (await Activities.RecordAsync("m-1", MemberActivity.Login("l", RunTime), default)).Problem!.Kind);
    }

    [Fact]
    public async Task Invalid_activity_is_rejected_without_a_write()
    {
        var result = await Activities.RecordAsync("m-1", MemberActivity.Purchase("p", RunTime, 0m), default);

        Assert.Equal(ProblemKind.Validation, result.Problem!.Kind);
        Assert.Equal(0, repository.Saves);
    }

    [Fact]
    public async Task Redemption_spends_points_publishes_an_event_and_is_idempotent()
    {
        await Activities.RecordAsync("m-1", MemberActivity.Purchase("order-1", RunTime - TimeSpan.FromDays(1), 500m), default);

        var first = (await Redemptions.RedeemAsync("m-1", "checkout-9", 300, default)).GetValueOrThrow();
        var retry = (await Redemptions.RedeemAsync("m-1", "checkout-9", 300, default)).GetValueOrThrow();

        Assert.Equal((300L, 3.00m), (first.Points, first.Value));
        Assert.Equal(first, retry);
        Assert.Equal(200, repository.Peek("m-1")!.Points.Held);
        Assert.Equal(MemberEventTypes.PointsRedeemed, Assert.Single(repository.Outbox).Type);
    }

    [Fact]
    public async Task Redeeming_more_than_the_balance_is_a_409_conflict()
    {
        await Activities.RecordAsync("m-1", MemberActivity.Purchase("order-1", RunTime - TimeSpan.FromDays(1), 100m), default);

        var result = await Redemptions.RedeemAsync("m-1", "checkout-9", 101, default);

        Assert.Equal((ProblemKind.Conflict, "insufficient-points"), (result.Problem!.Kind, result.Problem.Code));
        Assert.Equal(100, repository.Peek("m-1")!.Points.Held);
    }

    [Fact]
    public async Task A_redemption_forgotten_by_the_member_is_still_not_applied_twice()
    {
        options.RecentRedemptionsKept = 1;
        await Activities.RecordAsync("m-1", MemberActivity.Purchase("order-1", RunTime - TimeSpan.FromDays(1), 100m), default);
        await Redemptions.RedeemAsync("m-1", "r-1", 10, default);
        await Redemptions.RedeemAsync("m-1", "r-2", 10, default);

        var replay = await Redemptions.RedeemAsync("m-1", "r-1", 10, default);

        Assert.Equal((ProblemKind.Conflict, "redemption-already-applied"), (replay.Problem!.Kind, replay.Problem.Code));
        Assert.Equal(80, repository.Peek("m-1")!.Points.Held);
    }
}
