using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Members;

/// <summary>What a batch rule did to one member: its outcome, the events to publish, the coupons to grant.</summary>
internal sealed record MemberUpdate<T>(T Outcome, IReadOnlyList<DomainEvent> Events, IReadOnlyList<CouponGrant> Grants);

/// <summary>
/// Applies a guarded, re-runnable rule (points expiry, tier evaluation, birthday gift) to a packed batch of members.
/// Grants are enqueued before the member writes: grant ids are deterministic, so if a write then fails and the
/// rule runs again (now or in a retried activity), the same grants are enqueued again and issued once. A member
/// whose version changed meanwhile is re-read and the rule re-applied to the fresh state; the rule's own guard
/// (month evaluated, gift year, lots already swept) keeps it from applying twice.
/// </summary>
internal static class MemberBatchUpdates
{
    public static async Task<Result<IReadOnlyList<(string MemberId, T Outcome)>>> ApplyAsync<T>(
        IMemberRepository repository,
        ICouponGrants? grants,
        IReadOnlyList<VersionedMember> batch,
        Func<Member, MemberUpdate<T>?> rule,
        int retries,
        CancellationToken cancellationToken)
    {
        var applied = new List<(string MemberId, T Outcome)>();
        var writes = new List<MemberWrite>();
        var updates = new List<MemberUpdate<T>>();
        foreach (var versioned in batch)
        {
            if (rule(versioned.Member) is { } update)
            {
                writes.Add(new MemberWrite(versioned.Member, versioned.Version, update.Events));
                updates.Add(update);
            }
        }

        await EnqueueGrantsAsync(grants, updates, cancellationToken);
        var results = writes.Count == 0 ? [] : await repository.SaveManyAsync(writes, cancellationToken);
        for (var i = 0; i < writes.Count; i++)
        {
            var memberId = writes[i].Member.Id;
            if (results[i].IsSuccess)
            {
                applied.Add((memberId, updates[i].Outcome));
                continue;
            }

            if (!MemberWriteProblems.IsVersionMismatch(results[i].Problem))
            {
                return results[i].Problem!;
            }

            var retried = await RetryOneAsync(repository, grants, memberId, rule, retries, cancellationToken);
            if (!retried.IsSuccess)
            {
                return retried.Problem!;
            }

            if (retried.Value is { } outcome)
            {
                applied.Add((memberId, outcome.Outcome));
            }
        }

        return applied;
    }

    private static async Task<Result<MemberUpdate<T>?>> RetryOneAsync<T>(
        IMemberRepository repository,
        ICouponGrants? grants,
        string memberId,
        Func<Member, MemberUpdate<T>?> rule,
        int retries,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < retries; attempt++)
        {
            var fresh = await repository.GetAsync(memberId, cancellationToken);
            if (fresh is null || rule(fresh.Member) is not { } update)
            {
                return Result<MemberUpdate<T>?>.Success(null);
            }

            await EnqueueGrantsAsync(grants, [update], cancellationToken);
            var saved = await repository.SaveAsync(new MemberWrite(fresh.Member, fresh.Version, update.Events), cancellationToken);
            if (saved.IsSuccess)
            {
                return update;
            }

            if (!MemberWriteProblems.IsVersionMismatch(saved.Problem))
            {
                return saved.Problem!;
            }
        }

        return Problem.Unavailable($"Member {memberId} kept changing concurrently; retry the batch.");
    }

    private static async Task EnqueueGrantsAsync<T>(ICouponGrants? grants, IReadOnlyList<MemberUpdate<T>> updates, CancellationToken cancellationToken)
    {
        var all = updates.SelectMany(u => u.Grants).ToList();
        if (grants is not null && all.Count > 0)
        {
            await grants.EnqueueAsync(all, cancellationToken);
        }
    }
}

/// <summary>Result of processing one page of a partition, and where the next page starts (null: partition done).</summary>
public sealed record PageResult<T>(T Result, int MembersScanned, string? ContinuationToken);
