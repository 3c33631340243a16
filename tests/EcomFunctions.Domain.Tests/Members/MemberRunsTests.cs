using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Tests.Members.Fakes;
using Microsoft.Extensions.Time.Testing;
using static EcomFunctions.Domain.Tests.Members.MemberTestData;

namespace EcomFunctions.Domain.Tests.Members;

public sealed class MemberRunsTests
{
    private readonly InMemoryMemberRepository repository = new();
    private readonly RecordingCouponGrants grants = new();
    private readonly FakeTimeProvider clock = new(Utc(2025, 6, 1, 2)); // 10:00 on June 1 in Shanghai
    private readonly MemberOptions options = MemberOptions();

    private TierEvaluation Tiers => new(repository, grants, options, clock);

    private async Task<IReadOnlyList<VersionedMember>> AllAsync()
    {
        var all = new List<VersionedMember>();
        foreach (var partition in MemberPartitions.All(4))
        {
            string? token = null;
            do
            {
                var page = await repository.ScanPartitionAsync(partition, token, 100, default);
                all.AddRange(page.Members);
                token = page.ContinuationToken;
            }
            while (token is not null);
        }

        return all;
    }

    private Member WithGrowth(string id, long growth, MemberTier tier = MemberTier.Regular)
    {
        var member = NewMember(id, Utc(2024, 1, 1));
        if (growth > 0)
        {
            member.Record(MemberActivity.Purchase("p-" + id, Utc(2025, 5, 10), growth), options);
        }

        member.Record(MemberActivity.Login("l-" + id, Utc(2025, 5, 20)), options);
        return WithTier(member, tier);
    }

    [Fact]
    public void Evaluation_month_is_the_store_local_month()
    {
        Assert.Equal(YearMonth.Of(2025, 6), TierEvaluation.EvaluationMonth(Utc(2025, 5, 31, 16), options)); // 00:00 June 1 in Shanghai
    }

    [Fact]
    public async Task Monthly_evaluation_upgrades_with_coupons_and_downgrades_one_level()
    {
        repository.Put(WithGrowth("up", 2_500));
        repository.Put(WithGrowth("down", 0, MemberTier.Diamond));
        repository.Put(WithGrowth("same", 600, MemberTier.Silver));

        var tally = (await Tiers.EvaluateAsync(YearMonth.Of(2025, 6), await AllAsync(), default)).GetValueOrThrow();

        Assert.Equal((3, 1, 1, 1, 2), (tally.Evaluated, tally.Upgraded, tally.Downgraded, tally.Unchanged, tally.CouponsGranted));
        Assert.Equal(MemberTier.Gold, repository.Peek("up")!.Tier);
        Assert.Equal(MemberTier.Platinum, repository.Peek("down")!.Tier);
        Assert.Equal(
            ["tier-upgrade:up:2025-06:Gold:tier-gold-free-shipping", "tier-upgrade:up:2025-06:Gold:tier-gold-welcome"],
            grants.Issued.Select(g => g.GrantId).Order(StringComparer.Ordinal));
        Assert.All(grants.Issued, g => Assert.Equal(GrantReason.TierUpgrade, g.Reason));
        Assert.Equal(2, repository.Outbox.Count(e => e.Type == MemberEventTypes.TierChanged));
        Assert.Contains(repository.Outbox, e => e.Subject == "members/down" && e.DataJson.Contains("\"to\":\"Platinum\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Re_running_the_same_month_changes_nothing()
    {
        repository.Put(WithGrowth("down", 0, MemberTier.Diamond));
        await Tiers.EvaluateAsync(YearMonth.Of(2025, 6), await AllAsync(), default);

        var again = (await Tiers.EvaluateAsync(YearMonth.Of(2025, 6), await AllAsync(), default)).GetValueOrThrow();

        Assert.Equal(0, again.Evaluated);
        Assert.Equal(MemberTier.Platinum, repository.Peek("down")!.Tier);
        Assert.Single(repository.Outbox);
    }

    [Fact]
    public async Task A_member_changed_during_the_run_is_re_read_and_evaluated_once()
    {
        repository.Put(WithGrowth("up", 2_500));
        var batch = await AllAsync();
        repository.BeforeSave = id =>
        {
            var concurrent = repository.Peek(id)!;
            concurrent.Record(MemberActivity.Purchase("late", Utc(2025, 5, 31), 10m), options);
            repository.Put(concurrent);
        };

        var tally = (await Tiers.EvaluateAsync(YearMonth.Of(2025, 6), batch, default)).GetValueOrThrow();

        var stored = repository.Peek("up")!;
        Assert.Equal((1, MemberTier.Gold, 2_510L), (tally.Upgraded, stored.Tier, stored.Growth.Lifetime));
        Assert.Equal(2, grants.Issued.Count);
    }

    [Fact]
    public async Task Monthly_evaluation_tallies_the_churn_of_the_month_just_ended()
    {
        var mayClock = new FakeTimeProvider(Utc(2025, 5, 1, 2));
        repository.Put(ActiveAt(NewMember("stays", Utc(2024, 1, 1)), Utc(2025, 4, 20)));
        repository.Put(ActiveAt(NewMember("leaves", Utc(2024, 1, 1)), Utc(2024, 11, 10))); // 172 days idle on May 1, 203 on June 1
        repository.Put(ActiveAt(NewMember("gone", Utc(2023, 1, 1)), Utc(2023, 6, 1)));
        var may = (await new TierEvaluation(repository, grants, options, mayClock).EvaluateAsync(YearMonth.Of(2025, 5), await AllAsync(), default)).GetValueOrThrow();

        var june = (await Tiers.EvaluateAsync(YearMonth.Of(2025, 6), await AllAsync(), default)).GetValueOrThrow();

        Assert.Equal(0, may.Churn.NotChurnedAtStart); // no snapshot of April yet
        Assert.Equal((2, 1), (june.Churn.NotChurnedAtStart, june.Churn.BecameChurned));
        Assert.Equal(0.5m, june.Churn.Rate);
    }

    [Fact]
    public async Task Expiry_sweep_removes_expired_points_and_publishes_once()
    {
        var member = NewMember("m-1", zone: "UTC");
        member.Record(MemberActivity.Purchase("old", Utc(2024, 5, 1), 100m), options);
        member.Record(MemberActivity.Purchase("new", Utc(2025, 5, 1), 40m), options);
        repository.Put(member);
        var sweep = new PointsExpiry(repository, options, clock);

        var first = (await sweep.SweepAsync(await AllAsync(), default)).GetValueOrThrow();
        var second = (await sweep.SweepAsync(await AllAsync(), default)).GetValueOrThrow();

        Assert.Equal(new PointsExpiryResult(1, 100), first);
        Assert.Equal(new PointsExpiryResult(0, 0), second);
        Assert.Equal(40, repository.Peek("m-1")!.Points.Held);
        var expired = Assert.Single(repository.Outbox);
        Assert.Equal(MemberEventTypes.PointsExpired, expired.Type);
        Assert.Contains("\"points\":100", expired.DataJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Birthday_gifts_are_granted_once_with_the_tier_coupons()
    {
        var member = NewMember("bday", zone: Shanghai);
        member.UpdateProfile(new MemberProfile(Shanghai, Birthday.Create(6, 1), null, ProtectedPersonalData.None), [], Utc(2024, 1, 1));
        repository.Put(WithTier(member, MemberTier.Gold));
        repository.Put(NewMember("other"));
        var gifts = new BirthdayGifts(repository, grants, options, clock);

        var first = (await gifts.GrantAsync(await AllAsync(), default)).GetValueOrThrow();
        var rerun = (await gifts.GrantAsync(await AllAsync(), default)).GetValueOrThrow();

        Assert.Equal(new BirthdayGiftResult(1, 1), first);
        Assert.Equal(new BirthdayGiftResult(0, 0), rerun);
        var grant = Assert.Single(grants.Issued);
        Assert.Equal(("birthday:bday:2025:birthday-gold", "birthday-gold", GrantReason.Birthday), (grant.GrantId, grant.CouponDefinitionId, grant.Reason));
        Assert.Equal(MemberEventTypes.BirthdayGiftGranted, Assert.Single(repository.Outbox).Type);
    }

    [Fact]
    public async Task Pages_cover_a_partition_and_hand_back_a_continuation()
    {
        for (var i = 0; i < 250; i++)
        {
            repository.Put(WithGrowth($"member-{i}", 0, MemberTier.Silver));
        }

        var evaluated = 0;
        var pages = 0;
        foreach (var partition in MemberPartitions.All(4))
        {
            string? token = null;
            do
            {
                var page = (await Tiers.EvaluatePageAsync(YearMonth.Of(2025, 6), partition, token, 30, default)).GetValueOrThrow();
                evaluated += page.Result.Evaluated;
                pages++;
                token = page.ContinuationToken;
            }
            while (token is not null);
        }

        Assert.Equal(250, evaluated);
        Assert.InRange(pages, 9, 13);
        Assert.All(Enumerable.Range(0, 250), i => Assert.Equal(MemberTier.Regular, repository.Peek($"member-{i}")!.Tier));
    }

    [Fact]
    public async Task Storage_outage_fails_the_batch_so_the_activity_retries()
    {
        repository.Put(WithGrowth("up", 2_500));
        var batch = await AllAsync();
        repository.FailSavesWith = Problem.Unavailable("down");

        var result = await Tiers.EvaluateAsync(YearMonth.Of(2025, 6), batch, default);

        Assert.Equal(ProblemKind.Unavailable, result.Problem!.Kind);
        Assert.Equal(2, grants.Issued.Count); // enqueued before the write; the retry re-enqueues the same grant ids
    }

    private Member ActiveAt(Member member, DateTimeOffset at)
    {
        member.Record(MemberActivity.Login("login-" + member.Id + at.ToUnixTimeSeconds(), at), options);
        return member;
    }
}
