using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Members;

/// <summary>
/// Records storefront activities (HTTP and the member-activity queue). Idempotent per activity id: the id becomes an
/// operation marker written in the same transaction as the member, so a retried or duplicated activity changes
/// nothing and reports <see cref="ActivityEffect.IsNew"/> = false. Logins and purchases are also attributed to recent
/// win-back contacts (<see cref="ReactivationResponses"/>), on duplicates too, so a lost attribution is repaired by a retry.
/// </summary>
public sealed class MemberActivities
{
    private readonly IMemberRepository repository;
    private readonly MemberOptions options;
    private readonly TimeProvider time;
    private readonly ReactivationResponses? responses;

    public MemberActivities(IMemberRepository repository, MemberOptions options, TimeProvider time, ReactivationResponses? responses = null)
    {
        this.repository = repository ?? throw new ArgumentNullException(nameof(repository));
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
        this.responses = responses;
    }

    public static string OperationKey(string activityId) => "activity:" + activityId;

    /// <summary>400 invalid input; 404 unknown member (sync the profile first); 410 erased member.</summary>
    public async Task<Result<ActivityEffect>> RecordAsync(string memberId, MemberActivity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (MemberIds.Validate(memberId) is { } invalidId)
        {
            return invalidId;
        }

        if (activity.Validate(time.GetUtcNow(), options).ToProblem() is { } invalid)
        {
            return invalid;
        }

        var key = OperationKey(activity.ActivityId);
        for (var attempt = 0; attempt < options.ConcurrencyRetries; attempt++)
        {
            if (await repository.IsOperationAppliedAsync(memberId, key, cancellationToken))
            {
                await AttributeAsync(memberId, activity, cancellationToken);
                return ActivityEffect.Duplicate(activity.Kind);
            }

            var found = await repository.GetAsync(memberId, cancellationToken);
            if (found is null)
            {
                return Problem.NotFound($"Member {memberId}.");
            }

            if (found.Member.IsErased)
            {
                return Problem.Gone("member-erased", "The member's data was erased.");
            }

            var effect = found.Member.Record(activity, options);
            var saved = await repository.SaveAsync(new MemberWrite(found.Member, found.Version, [], key), cancellationToken);
            if (saved.IsSuccess)
            {
                await AttributeAsync(memberId, activity, cancellationToken);
                return effect;
            }

            if (MemberWriteProblems.IsOperationApplied(saved.Problem))
            {
                await AttributeAsync(memberId, activity, cancellationToken);
                return ActivityEffect.Duplicate(activity.Kind);
            }

            if (!MemberWriteProblems.IsVersionMismatch(saved.Problem))
            {
                return saved.Problem!;
            }
        }

        return Problem.Unavailable("The member kept changing concurrently; retry.");
    }

    private Task AttributeAsync(string memberId, MemberActivity activity, CancellationToken cancellationToken) =>
        responses is null ? Task.CompletedTask : responses.RecordAsync(memberId, activity, cancellationToken);
}

/// <summary>Points redemption (storefront, at checkout). 409 <c>insufficient-points</c> when the usable balance is short.</summary>
public sealed class PointsRedemptions
{
    private readonly IMemberRepository repository;
    private readonly MemberOptions options;
    private readonly TimeProvider time;

    public PointsRedemptions(IMemberRepository repository, MemberOptions options, TimeProvider time)
    {
        this.repository = repository ?? throw new ArgumentNullException(nameof(repository));
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
    }

    public static string OperationKey(string redemptionId) => "redemption:" + redemptionId;

    /// <summary>Idempotent per redemption id: a retry returns the original redemption and spends nothing.</summary>
    public async Task<Result<PointsRedemption>> RedeemAsync(string memberId, string redemptionId, long points, CancellationToken cancellationToken)
    {
        if (MemberIds.Validate(memberId) is { } invalidId)
        {
            return invalidId;
        }

        for (var attempt = 0; attempt < options.ConcurrencyRetries; attempt++)
        {
            var found = await repository.GetAsync(memberId, cancellationToken);
            if (found is null)
            {
                return Problem.NotFound($"Member {memberId}.");
            }

            var member = found.Member;
            if (member.RecentRedemptions.FirstOrDefault(r => r.RedemptionId == redemptionId) is { } earlier)
            {
                return earlier;
            }

            var redeemed = member.RedeemPoints(redemptionId, points, time.GetUtcNow(), options);
            if (!redeemed.IsSuccess)
            {
                return redeemed;
            }

            var saved = await repository.SaveAsync(
                new MemberWrite(member, found.Version, [MemberEvents.PointsRedeemed(memberId, redeemed.Value!)], OperationKey(redemptionId)),
                cancellationToken);
            if (saved.IsSuccess)
            {
                return redeemed;
            }

            if (MemberWriteProblems.IsOperationApplied(saved.Problem))
            {
                // Applied by a concurrent duplicate; the re-read finds it among the recent redemptions.
                continue;
            }

            if (!MemberWriteProblems.IsVersionMismatch(saved.Problem))
            {
                return saved.Problem!;
            }
        }

        return Problem.Conflict("redemption-already-applied", $"Redemption {redemptionId} was applied before.");
    }
}
