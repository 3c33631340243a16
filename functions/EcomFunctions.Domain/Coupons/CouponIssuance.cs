using System.Collections.Concurrent;
using EcomFunctions.Domain.Platform;

using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Coupons;

/// <summary>A coupon issued to a member; <see cref="Replayed"/> when it was issued earlier under the same key.</summary>
public sealed record IssuedCoupon(Coupon Coupon, bool Replayed);

/// <summary>
/// Issues one coupon to a member under an idempotency key: the shared path of claims and grants.
/// Claim state (replay, the member's count, inventory counters) → rules (<see cref="ClaimPolicy"/>) → one atomic
/// issue through <see cref="ICouponInventory.TryIssueAsync"/>, which enforces the limits again and has the last word.
/// </summary>
/// <remarks>
/// Lean on purpose, because claims arrive in flash-sale bursts: the definition comes from a ≤1 s cache, the replay
/// check and the member's count are one read (cached briefly by the adapter), and the member's tier is only looked up
/// when the answer depends on it (not when the coupon is sold out for everybody). Concurrent requests with the same
/// key in this process share one attempt; across processes the key row in the member's partition makes a duplicate
/// issue impossible. Refusals change nothing, so a retry after a refusal is evaluated afresh.
/// </remarks>
public sealed class CouponIssuer(
    ICouponDefinitionStore definitions,
    ICouponInventory inventory,
    IMemberTierLookup tiers,
    ICampaignStatusLookup campaigns,
    IRandomSource random,
    TimeProvider time,
    CouponOptions options)
{
    private readonly CouponCodeGenerator codes = new(random, options);
    private readonly ConcurrentDictionary<string, Task<Result<IssuedCoupon>>> inFlight = new(StringComparer.Ordinal);

    public async Task<Result<IssuedCoupon>> IssueAsync(
        string definitionId,
        string memberId,
        string issueKey,
        IssueSource source,
        GrantReason? grantReason,
        CancellationToken cancellationToken)
    {
        // A client retrying while its first request still runs joins that attempt instead of racing it.
        var attemptKey = $"{issueKey}\n{definitionId}\n{memberId}";
        var mine = new TaskCompletionSource<Result<IssuedCoupon>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = inFlight.GetOrAdd(attemptKey, mine.Task);
        if (running != mine.Task)
        {
            var shared = await running.WaitAsync(cancellationToken);
            return shared.Value is { } joined ? joined with { Replayed = true } : shared;
        }

        try
        {
            // Not cancellable once started: an abandoned issue could leave a shard unit taken without its coupon.
            var result = await IssueOnceAsync(definitionId, memberId, issueKey, source, grantReason, CancellationToken.None);
            mine.SetResult(result);
            return result;
        }
        catch (Exception ex)
        {
            mine.SetException(ex);
            throw;
        }
        finally
        {
            inFlight.TryRemove(new KeyValuePair<string, Task<Result<IssuedCoupon>>>(attemptKey, mine.Task));
        }
    }

    private async Task<Result<IssuedCoupon>> IssueOnceAsync(
        string definitionId,
        string memberId,
        string issueKey,
        IssueSource source,
        GrantReason? grantReason,
        CancellationToken cancellationToken)
    {
        var definition = (await definitions.GetCachedAsync(definitionId, cancellationToken))?.Value;
        if (definition is null)
        {
            return CouponProblems.For(ClaimRefusal.DefinitionNotFound, $"No coupon definition {definitionId}.");
        }

        var now = time.GetUtcNow();
        var localDay = definition.LocalDay(now);
        var stateRead = inventory.GetClaimStateAsync(definition.Id, memberId, issueKey, localDay, definition.Terms.PerMemberLimit, cancellationToken);
        var campaignRead = definition.CampaignId is { } campaignId
            ? campaigns.GetLivenessAsync(campaignId, cancellationToken)
            : Task.FromResult(CampaignLiveness.Live);
        var state = await stateRead;
        CampaignLiveness? campaign = definition.CampaignId is null ? null : await campaignRead;

        // Replay first: a retried request gets its coupon even if the coupon has sold out (or the campaign paused) since.
        if (state.Issued is { } earlier)
        {
            return Replay(earlier, definitionId, memberId);
        }

        if (ClaimPolicy.DecideBeforeMember(definition, campaign, now, state.Counters) is { Refusal: { } early } refusedEarly)
        {
            return CouponProblems.For(early, refusedEarly.Detail);
        }

        // A tier-independent definition gives every member the same coupon: the member is looked up only once a unit is
        // secured (MemberCheck), so a flash sale's losers cost no member read. Otherwise the tier decides the benefit first.
        Func<CancellationToken, Task<ClaimRefusal?>>? memberCheck = null;
        ClaimDecision decision;
        if (definition.IsTierIndependent)
        {
            decision = ClaimPolicy.Decide(definition, MemberTier.Regular, campaign, now, state.Counters);
            memberCheck = async ct => await tiers.GetTierAsync(memberId, ct) is null ? ClaimRefusal.MemberNotFound : null;
        }
        else
        {
            decision = ClaimPolicy.Decide(definition, await tiers.GetTierAsync(memberId, cancellationToken), campaign, now, state.Counters);
        }

        if (decision.Plan is not { } plan)
        {
            return CouponProblems.For(decision.Refusal!.Value, decision.Detail);
        }

        var couponId = CouponKeys.CouponIdFor(issueKey);
        var seed = CouponKeys.ShardSeed(issueKey);
        for (var attempt = 0; attempt < options.MaxCodeAttempts; attempt++)
        {
            var coupon = Coupon.Issue(couponId, codes.Generate(), definition, memberId, plan, now, source, grantReason, issueKey: issueKey);
            var request = new IssueRequest(issueKey, coupon, plan.LocalDay, definition.Terms.PerMemberLimit, seed, CouponIssued.Create(coupon), state.Counters.MemberIssued, memberCheck);
            var outcome = await inventory.TryIssueAsync(request, cancellationToken);
            switch (outcome.Status)
            {
                case IssueStatus.Issued:
                    return new IssuedCoupon(outcome.Coupon!, Replayed: false);
                case IssueStatus.AlreadyIssued:
                    return Replay(outcome.Coupon!, definitionId, memberId);
                case IssueStatus.KeyReused:
                    return KeyReused();
                case IssueStatus.Refused:
                    return CouponProblems.For(outcome.Refusal!.Value, RefusalDetail(outcome.Refusal.Value));
                case IssueStatus.CodeTaken:
                    continue;
                default:
                    throw new InvalidOperationException($"Unknown issue status {outcome.Status}.");
            }
        }

        return Problem.Unavailable("No free coupon code was found; retry.");
    }

    private static Result<IssuedCoupon> Replay(Coupon earlier, string definitionId, string memberId) =>
        string.Equals(earlier.DefinitionId, definitionId, StringComparison.Ordinal) && string.Equals(earlier.MemberId, memberId, StringComparison.Ordinal)
            ? new IssuedCoupon(earlier, Replayed: true)
            : KeyReused();

    private static Problem KeyReused() =>
        CouponProblems.For(ClaimRefusal.IssueKeyReused, "This idempotency key (or grant id) was already used for a different coupon or member.");

    private static string RefusalDetail(ClaimRefusal refusal) => refusal switch
    {
        ClaimRefusal.SoldOut => "All coupons have been issued.",
        ClaimRefusal.BudgetExhausted => "The coupon budget is used up.",
        ClaimRefusal.DailyLimitReached => "Today's coupons are gone; try again tomorrow.",
        ClaimRefusal.MemberLimitReached => "The member already holds the maximum number of these coupons.",
        ClaimRefusal.MemberNotFound => "No such member.",
        _ => refusal.ToString(),
    };
}

/// <summary>Shopper claims (DESIGN §6 issue path "claim": HTTP with Idempotency-Key).</summary>
public sealed class CouponClaims(CouponIssuer issuer)
{
    /// <summary>
    /// Claims a coupon of <paramref name="definitionId"/> for <paramref name="memberId"/>. The same
    /// <paramref name="requestId"/> (Idempotency-Key) returns the same coupon; refusals change nothing, so a retry
    /// after a refusal is evaluated afresh. Problems: 400 invalid input; 404 definition/member; 409 not active,
    /// member limit, daily limit; 403 tier; 410 sold out, budget, retired, expired; 422 key reused; 423 campaign.
    /// </summary>
    public Task<Result<IssuedCoupon>> ClaimAsync(string definitionId, string memberId, string requestId, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .AddIf(!CouponKeys.IsValidId(definitionId), "definitionId", "Is not a valid id.")
            .AddIf(!CouponKeys.IsValidId(memberId), "memberId", "Is not a valid id.")
            .AddIf(!CouponKeys.IsValidId(requestId, CouponKeys.MaxRequestIdLength), "idempotencyKey", $"Is required: 1 to {CouponKeys.MaxRequestIdLength} printable characters.");
        if (errors.ToProblem() is { } invalid)
        {
            return Task.FromResult<Result<IssuedCoupon>>(invalid);
        }

        return issuer.IssueAsync(definitionId, memberId, CouponKeys.ClaimIssueKey(memberId, requestId), IssueSource.Claim, null, cancellationToken);
    }
}

/// <summary>System grants (DESIGN §6 issue path "grant": reactivation, birthday, tier upgrade, review reward; via queue).</summary>
public sealed class CouponGrants(CouponIssuer issuer)
{
    /// <summary>
    /// Grants a coupon, idempotent per <paramref name="grantId"/>: duplicate messages return the coupon granted the
    /// first time (Replayed). Grants obey the same rules, limits and budget as claims; a refusal is a final answer
    /// for the message (only <see cref="ProblemKind.Unavailable"/> is worth retrying).
    /// </summary>
    public Task<Result<IssuedCoupon>> GrantAsync(string grantId, string definitionId, string memberId, GrantReason reason, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .AddIf(!CouponKeys.IsValidId(grantId, CouponKeys.MaxRequestIdLength), "grantId", "Is not a valid id.")
            .AddIf(!CouponKeys.IsValidId(definitionId), "definitionId", "Is not a valid id.")
            .AddIf(!CouponKeys.IsValidId(memberId), "memberId", "Is not a valid id.")
            .AddIf(!Enum.IsDefined(reason), "reason", "Must be Reactivation, Birthday, TierUpgrade or ReviewReward.");
        if (errors.ToProblem() is { } invalid)
        {
            return Task.FromResult<Result<IssuedCoupon>>(invalid);
        }

        return issuer.IssueAsync(definitionId, memberId, CouponKeys.GrantIssueKey(grantId), IssueSource.Grant, reason, cancellationToken);
    }
}
