using System.Globalization;
using EcomFunctions.App.Platform;
using EcomFunctions.Domain.Members;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EcomFunctions.App.Members;

public enum MemberSweepKind
{
    PointsExpiry = 0,
    TierEvaluation = 1,
    BirthdayGifts = 2,
}

/// <summary>A sweep over all members: which rule, its business key (store date, or month for tier evaluation), the fan-out shape.</summary>
public sealed record MemberSweepInput(MemberSweepKind Kind, string Key, int PartitionCount, int PageSize, int MaxAttempts, TimeSpan FirstRetryInterval, TimeSpan MaxRetryInterval);

public sealed record MemberSweepPageInput(MemberSweepKind Kind, string Key, string Partition, string? ContinuationToken, int PageSize);

/// <summary>What one page changed: members touched, coupons granted, points expired, and the churn tally (tier evaluation).</summary>
public sealed record MemberSweepTally(int Scanned, int Changed, int CouponsGranted, long PointsExpired, int Upgraded, int Downgraded, int NotChurnedAtStart, int BecameChurned)
{
    public static MemberSweepTally Zero { get; } = new(0, 0, 0, 0, 0, 0, 0, 0);

    public MemberSweepTally Add(MemberSweepTally other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Scanned + other.Scanned, Changed + other.Changed, CouponsGranted + other.CouponsGranted, PointsExpired + other.PointsExpired,
            Upgraded + other.Upgraded, Downgraded + other.Downgraded, NotChurnedAtStart + other.NotChurnedAtStart, BecameChurned + other.BecameChurned);
    }
}

public sealed record MemberSweepPageOutput(string? ContinuationToken, MemberSweepTally Tally);

public sealed record MemberSweepCompletion(MemberSweepInput Sweep, MemberSweepTally Tally);

/// <summary>
/// The scheduled member rules, each a fan-out over the member partitions like the win-back run: daily points expiry
/// (<c>points-expiry-{date}</c>), the monthly tier evaluation on the 1st (<c>tier-evaluation-{yyyy-MM}</c>; upgrades grant
/// that tier's coupons, TierChanged is published, tiers go to the directory, the month's churn tally is stored) and daily
/// birthday gifts (<c>birthday-gifts-{date}</c>). Schedules are app settings in UTC. Every rule is guarded on the member
/// (lots swept, month evaluated, gift year), so a second firing or a retried page changes nothing.
/// </summary>
public sealed class MemberSweeps(
    PointsExpiry expiry,
    TierEvaluation tiers,
    BirthdayGifts birthdays,
    IReactivationLedger ledger,
    MemberOptions memberOptions,
    ReactivationOptions reactivationOptions,
    IOptions<MemberRunOptions> runOptions,
    TimeProvider time,
    ILogger<MemberSweeps> logger)
{
    [Function("PointsExpiryTimer")]
    public Task PointsExpiryTimer([TimerTrigger("%PointsExpirySchedule%")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        StartAsync(client, MemberSweepKind.PointsExpiry, StoreDay(), cancellationToken);

    [Function("TierEvaluationTimer")]
    public Task TierEvaluationTimer([TimerTrigger("%TierEvaluationSchedule%")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        StartAsync(client, MemberSweepKind.TierEvaluation, TierEvaluation.EvaluationMonth(time.GetUtcNow(), memberOptions).ToString(), cancellationToken);

    [Function("BirthdayGiftsTimer")]
    public Task BirthdayGiftsTimer([TimerTrigger("%BirthdayGiftsSchedule%")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        StartAsync(client, MemberSweepKind.BirthdayGifts, StoreDay(), cancellationToken);

    [Function(nameof(MemberSweepOrchestrator))]
    public static async Task<MemberSweepTally> MemberSweepOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<MemberSweepInput>()!;
        var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(Math.Max(1, input.MaxAttempts), input.FirstRetryInterval, 2.0, input.MaxRetryInterval));
        var partitions = await Task.WhenAll(MemberPartitions.All(input.PartitionCount).Select(async partition =>
        {
            var tally = MemberSweepTally.Zero;
            string? token = null;
            do
            {
                var page = await context.CallActivityAsync<MemberSweepPageOutput>(nameof(MemberSweepPage),
                    new MemberSweepPageInput(input.Kind, input.Key, partition, token, input.PageSize), retry);
                tally = tally.Add(page.Tally);
                token = page.ContinuationToken;
            }
            while (token is not null);

            return tally;
        }));
        var total = partitions.Aggregate(MemberSweepTally.Zero, (a, b) => a.Add(b));
        await context.CallActivityAsync(nameof(CompleteMemberSweep), new MemberSweepCompletion(input, total), retry);
        return total;
    }

    [Function(nameof(MemberSweepPage))]
    public async Task<MemberSweepPageOutput> MemberSweepPage([ActivityTrigger] MemberSweepPageInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        switch (input.Kind)
        {
            case MemberSweepKind.PointsExpiry:
            {
                var page = (await expiry.SweepPageAsync(input.Partition, input.ContinuationToken, input.PageSize, cancellationToken)).GetValueOrThrow();
                return new MemberSweepPageOutput(page.ContinuationToken, MemberSweepTally.Zero with
                {
                    Scanned = page.MembersScanned, Changed = page.Result.MembersWithExpiry, PointsExpired = page.Result.PointsExpired,
                });
            }

            case MemberSweepKind.TierEvaluation:
            {
                var page = (await tiers.EvaluatePageAsync(YearMonth.Parse(input.Key), input.Partition, input.ContinuationToken, input.PageSize, cancellationToken)).GetValueOrThrow();
                var t = page.Result;
                return new MemberSweepPageOutput(page.ContinuationToken, new MemberSweepTally(page.MembersScanned, t.Upgraded + t.Downgraded, t.CouponsGranted, 0,
                    t.Upgraded, t.Downgraded, t.Churn.NotChurnedAtStart, t.Churn.BecameChurned));
            }

            default:
            {
                var page = (await birthdays.GrantPageAsync(input.Partition, input.ContinuationToken, input.PageSize, cancellationToken)).GetValueOrThrow();
                return new MemberSweepPageOutput(page.ContinuationToken, MemberSweepTally.Zero with
                {
                    Scanned = page.MembersScanned, Changed = page.Result.MembersGifted, CouponsGranted = page.Result.CouponsGranted,
                });
            }
        }
    }

    /// <summary>Stores the churn tally of the month that just ended (tier evaluation); a re-run that evaluated nobody keeps the first tally.</summary>
    [Function(nameof(CompleteMemberSweep))]
    public async Task CompleteMemberSweep([ActivityTrigger] MemberSweepCompletion completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completion);
        var t = completion.Tally;
        logger.LogInformation("{Kind} {Key}: scanned {Scanned}, changed {Changed}, coupons {Coupons}, points expired {Points}.",
            completion.Sweep.Kind, completion.Sweep.Key, t.Scanned, t.Changed, t.CouponsGranted, t.PointsExpired);
        if (completion.Sweep.Kind == MemberSweepKind.TierEvaluation && t.NotChurnedAtStart > 0)
        {
            await ledger.SaveChurnAsync(YearMonth.Parse(completion.Sweep.Key).AddMonths(-1),
                new MonthlyChurnTally { NotChurnedAtStart = t.NotChurnedAtStart, BecameChurned = t.BecameChurned }, cancellationToken);
        }
    }

    public static string InstanceId(MemberSweepKind kind, string key) => kind switch
    {
        MemberSweepKind.PointsExpiry => "points-expiry-" + key,
        MemberSweepKind.TierEvaluation => "tier-evaluation-" + key,
        _ => "birthday-gifts-" + key,
    };

    /// <summary>Starts a sweep once per business key (a completed one is not run again).</summary>
    public async Task<bool> StartAsync(DurableTaskClient client, MemberSweepKind kind, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var instanceId = InstanceId(kind, key);
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        if (instance?.RuntimeStatus == OrchestrationRuntimeStatus.Completed)
        {
            return false;
        }

        var settings = runOptions.Value;
        var input = new MemberSweepInput(kind, key, memberOptions.PartitionCount, reactivationOptions.PageSize, settings.ActivityMaxAttempts, settings.ActivityFirstRetryInterval, settings.ActivityMaxRetryInterval);
        var started = await client.StartOnceAsync(nameof(MemberSweepOrchestrator), instanceId, input, cancellationToken);
        logger.LogInformation("Member sweep {InstanceId}: {Outcome}.", instanceId, started ? "started" : "already running");
        return started;
    }

    private string StoreDay() => ZonedTime.LocalDate(time.GetUtcNow(), memberOptions.StoreZone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
