using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Tests.Members.Fakes;
using Microsoft.Extensions.Time.Testing;
using static EcomFunctions.Domain.Tests.Members.MemberTestData;

namespace EcomFunctions.Domain.Tests.Members;

/// <summary>Tier publication, If-Match on upserts, response attribution and the run report numbers.</summary>
public sealed class ReactivationLedgerTests
{
    private static readonly DateOnly Day = new(2025, 6, 10);
    private readonly InMemoryMemberRepository repository = new();
    private readonly InMemoryContactHistory history = new();
    private readonly InMemoryLedger ledger = new();
    private readonly RecordingTierPublisher tiers = new();
    private readonly FakeTimeProvider clock = new(RunTime);
    private readonly MemberOptions memberOptions = MemberOptions();
    private readonly ReactivationOptions options = ReactivationOptions();

    private MemberProfiles Profiles => new(repository, Protector(), memberOptions, clock, tiers);

    private static MemberProfileUpdate Update() => new() { SignedUpAt = Utc(2024, 1, 1), Email = "a@example.com" };

    private static ContactRecord Contact(string memberId, bool holdout, ContactChannel channel = ContactChannel.Push, DateTimeOffset? sendAt = null) =>
        new($"winback:2025-06-10:{memberId}", memberId, Day, sendAt ?? RunTime, channel, LifecycleState.Dormant, "c", 5m, false,
            holdout ? ContactStatus.HeldOut : ContactStatus.Planned);

    [Fact]
    public async Task Upsert_publishes_the_tier_and_erasure_withdraws_it()
    {
        await Profiles.UpsertAsync("m-1", Update(), default);
        Assert.Equal(MemberTier.Regular, tiers.Tiers["m-1"]);

        await Profiles.EraseAsync("m-1", default);
        Assert.False(tiers.Tiers.ContainsKey("m-1"));
    }

    [Fact]
    public async Task Upsert_with_a_stale_version_is_a_precondition_failure()
    {
        var created = (await Profiles.UpsertAsync("m-1", Update(), default)).GetValueOrThrow();
        var updated = (await Profiles.UpsertAsync("m-1", Update(), created.Version, default)).GetValueOrThrow();

        var stale = await Profiles.UpsertAsync("m-1", Update(), created.Version, default);
        var missing = await Profiles.UpsertAsync("m-2", Update(), "1", default);

        Assert.NotEqual(created.Version, updated.Version);
        Assert.Equal(ProblemKind.PreconditionFailed, stale.Problem!.Kind);
        Assert.Equal(ProblemKind.PreconditionFailed, missing.Problem!.Kind);
    }

    [Fact]
    public async Task Tier_evaluation_publishes_changes_and_publishes_them_again_when_the_month_is_rerun()
    {
        var clock0 = new FakeTimeProvider(Utc(2025, 6, 1, 2));
        var member = NewMember("gold", Utc(2024, 1, 1));
        member.Record(MemberActivity.Purchase("p", Utc(2025, 5, 10), 2_500m), memberOptions);
        repository.Put(member);
        var evaluation = new TierEvaluation(repository, new RecordingCouponGrants(), memberOptions, clock0, tiers);
        var june = YearMonth.Of(2025, 6);

        await evaluation.EvaluateAsync(june, [(await repository.GetAsync("gold", default))!], default);
        tiers.Tiers.Clear(); // the directory lost the write (crash after the member write)
        var rerun = (await evaluation.EvaluateAsync(june, [(await repository.GetAsync("gold", default))!], default)).GetValueOrThrow();

        Assert.Equal(0, rerun.Evaluated);
        Assert.Equal(MemberTier.Gold, tiers.Tiers["gold"]);
    }

    [Fact]
    public async Task A_purchase_within_the_window_of_a_contact_is_attributed_to_its_run_and_group()
    {
        history.Add(Contact("t", holdout: false, ContactChannel.Email));
        history.Add(Contact("h", holdout: true));
        var responses = new ReactivationResponses(history, ledger, options);

        var treated = await responses.RecordAsync("t", MemberActivity.Purchase("o-1", RunTime + TimeSpan.FromDays(2), 88m), default);
        var held = await responses.RecordAsync("h", MemberActivity.Login("l-1", RunTime + TimeSpan.FromHours(3)), default);
        var late = await responses.RecordAsync("t", MemberActivity.Purchase("o-2", RunTime + TimeSpan.FromDays(8), 10m), default);
        var other = await responses.RecordAsync("t", MemberActivity.Share("s-1", RunTime + TimeSpan.FromHours(1)), default);

        var response = Assert.Single(treated);
        Assert.Equal((Day, false, ContactChannel.Email, ResponseKind.Purchase, 88m), (response.RunDate, response.Holdout, response.Channel, response.Kind, response.Amount));
        Assert.True(Assert.Single(held).Holdout);
        Assert.Empty(late);
        Assert.Empty(other);
        Assert.Equal(2, ledger.Responses.Count);
    }

    [Fact]
    public async Task Activities_are_attributed_once_even_when_delivered_twice()
    {
        var member = NewMember("t", Utc(2024, 1, 1));
        repository.Put(member);
        history.Add(Contact("t", holdout: false));
        var activities = new MemberActivities(repository, memberOptions, clock, new ReactivationResponses(history, ledger, options));
        var purchase = MemberActivity.Purchase("o-1", RunTime + TimeSpan.FromHours(1), 20m);
        clock.Advance(TimeSpan.FromHours(2));

        await activities.RecordAsync("t", purchase, default);
        await activities.RecordAsync("t", purchase, default);

        Assert.Single(ledger.Responses);
    }

    [Fact]
    public void Report_counts_groups_by_intent_to_treat_and_costs_only_unsuppressed_messages()
    {
        var tally = new ReactivationTally { Scanned = 20, Eligible = 12, Targeted = 8, Holdout = 2, Deferred = 3 };
        tally.Skipped[SkipReason.Active] = 8;
        tally.Skipped[SkipReason.Cap] = 2;
        tally.MessagesPerChannel[ContactChannel.Push] = 5;
        tally.MessagesPerChannel[ContactChannel.Sms] = 3;
        var run = new ReactivationRunSummary(Day, RunTime, RunStatus.Completed, RunTime, RunTime + TimeSpan.FromMinutes(1), tally);
        var deliveries = new List<DeliveryRecord>
        {
            new(Day, "a", "winback:a", ContactChannel.Push, ContactStatus.Sent, RunTime),
            new(Day, "b", "winback:b", ContactChannel.Push, ContactStatus.Sent, RunTime),
            new(Day, "c", "winback:c", ContactChannel.Push, ContactStatus.Suppressed, RunTime),
            new(Day, "d", "winback:d", ContactChannel.Sms, ContactStatus.Sent, RunTime),
            new(Day, "e", "winback:e", ContactChannel.Sms, ContactStatus.Failed, RunTime),
        };
        AttributedResponse Buy(string member, bool holdout, ContactChannel channel, decimal amount, double days = 1) =>
            new(Day, member, "o-" + member + amount, ResponseKind.Purchase, RunTime + TimeSpan.FromDays(days), amount, holdout, channel, RunTime);
        var responses = new List<AttributedResponse>
        {
            Buy("a", false, ContactChannel.Push, 100m), Buy("a", false, ContactChannel.Push, 50m), // one member, two orders
            Buy("d", false, ContactChannel.Sms, 30m),
            Buy("h", true, ContactChannel.Push, 40m),
            Buy("x", false, ContactChannel.Push, 999m, days: 8), // outside the window
            new(Day, "b", "l-b", ResponseKind.Login, RunTime + TimeSpan.FromHours(1), 0m, false, ContactChannel.Push, RunTime),
        };

        var report = ReactivationReports.Build(run, deliveries, responses, new ChurnReport("2025-05", 100, 4, 0.04m),
            RunTime + TimeSpan.FromDays(9), options);

        Assert.Equal((20, 12, 8, 2, 0.2m, 3), (report.Scanned, report.Eligible, report.Targeted, report.Holdout, report.HoldoutShare, report.QuietHoursDeferred));
        Assert.Equal(new GroupOutcome(8, 2, 1, 180m), report.Treated);
        Assert.Equal(new GroupOutcome(2, 1, 0, 40m), report.HoldoutGroup);
        Assert.Equal(2m / 8 - 1m / 2, report.ConversionUplift);
        Assert.Equal((180m / 8 - 40m / 2) * 8, report.IncrementalRevenue);
        var push = report.Channels.Single(c => c.Channel == ContactChannel.Push);
        var sms = report.Channels.Single(c => c.Channel == ContactChannel.Sms);
        Assert.Equal((5, 2, 0, 1, 2, 4 * 0.001m, 1, 150m), (push.Planned, push.Sent, push.Failed, push.Suppressed, push.Pending, push.Cost, push.Converted, push.Return));
        Assert.Equal((3, 1, 1, 0, 1, 3 * 0.05m, 1, 30m, 200m), (sms.Planned, sms.Sent, sms.Failed, sms.Suppressed, sms.Pending, sms.Cost, sms.Converted, sms.Return, sms.ReturnOnCost));
        Assert.True(report.AttributionFinal);
        Assert.Equal(0.04m, report.MonthlyChurn!.Rate);
    }

    /// <summary>The ledger contract in memory: writes idempotent by their natural keys.</summary>
    private sealed class InMemoryLedger : IReactivationLedger
    {
        private readonly Dictionary<DateOnly, ReactivationRunSummary> runs = [];
        private readonly Dictionary<(DateOnly, string), DeliveryRecord> deliveries = [];
        private readonly Dictionary<(DateOnly, string, string), AttributedResponse> responses = [];
        private readonly Dictionary<YearMonth, MonthlyChurnTally> churn = [];

        public List<AttributedResponse> Responses => [.. responses.Values];

        public Task SaveRunAsync(ReactivationRunSummary run, CancellationToken cancellationToken)
        {
            runs[run.RunDate] = run;
            return Task.CompletedTask;
        }

        public Task<ReactivationRunSummary?> GetRunAsync(DateOnly runDate, CancellationToken cancellationToken) =>
            Task.FromResult(runs.GetValueOrDefault(runDate));

        public Task<IReadOnlyList<ReactivationRunSummary>> ListRunsAsync(int take, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<ReactivationRunSummary>>(runs.Values.OrderByDescending(r => r.RunDate).Take(take).ToList());

        public Task RecordDeliveryAsync(DeliveryRecord delivery, CancellationToken cancellationToken)
        {
            deliveries[(delivery.RunDate, delivery.MemberId)] = delivery;
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<DeliveryRecord>> GetDeliveriesAsync(DateOnly runDate, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<DeliveryRecord>>(deliveries.Values.Where(d => d.RunDate == runDate).ToList());

        public Task RecordResponsesAsync(IReadOnlyList<AttributedResponse> list, CancellationToken cancellationToken)
        {
            foreach (var response in list)
            {
                responses[(response.RunDate, response.MemberId, response.ActivityId)] = response;
            }

            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<AttributedResponse>> GetResponsesAsync(DateOnly runDate, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<AttributedResponse>>(responses.Values.Where(r => r.RunDate == runDate).ToList());

        public Task SaveChurnAsync(YearMonth month, MonthlyChurnTally tally, CancellationToken cancellationToken)
        {
            churn[month] = tally;
            return Task.CompletedTask;
        }

        public Task<MonthlyChurnTally?> GetChurnAsync(YearMonth month, CancellationToken cancellationToken) =>
            Task.FromResult(churn.GetValueOrDefault(month));
    }
}
