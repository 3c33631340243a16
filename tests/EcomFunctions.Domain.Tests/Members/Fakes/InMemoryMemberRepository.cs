using System.Globalization;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Tests.Members.Fakes;

/// <summary>
/// Member storage in memory with the adapter contract of <see cref="IMemberRepository"/>: members persist as
/// <see cref="MemberState"/> (so every read is a fresh aggregate), versions act as ETags, operation markers and the
/// outbox are written atomically with the member.
/// </summary>
public sealed class InMemoryMemberRepository(int partitionCount = 4) : IMemberRepository
{
    private readonly Dictionary<string, (MemberState State, int Version)> members = new(StringComparer.Ordinal);
    private readonly HashSet<string> markers = new(StringComparer.Ordinal);
    private readonly object gate = new();
    private int nextVersion;

    public List<DomainEvent> Outbox { get; } = [];

    public int Saves { get; private set; }

    /// <summary>Runs before a save is applied (once per save): lets a test change the member concurrently.</summary>
    public Action<string>? BeforeSave { get; set; }

    /// <summary>When set, saves fail with this problem (storage outage).</summary>
    public Problem? FailSavesWith { get; set; }

    public void Put(Member member)
    {
        lock (gate)
        {
            members[member.Id] = (member.ToState(), ++nextVersion);
        }
    }

    public Member? Peek(string memberId)
    {
        lock (gate)
        {
            return members.TryGetValue(memberId, out var entry) ? Member.FromState(entry.State) : null;
        }
    }

    public Task<VersionedMember?> GetAsync(string memberId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(members.TryGetValue(memberId, out var entry)
                ? new VersionedMember(Member.FromState(entry.State), entry.Version.ToString(CultureInfo.InvariantCulture))
                : null);
        }
    }

    public Task<Result<string>> SaveAsync(MemberWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var hook = BeforeSave;
        BeforeSave = null;
        hook?.Invoke(write.Member.Id);
        lock (gate)
        {
            Saves++;
            if (FailSavesWith is { } failure)
            {
                return Task.FromResult(Result<string>.Failure(failure));
            }

            var exists = members.TryGetValue(write.Member.Id, out var current);
            if (write.ExpectedVersion is null && exists)
            {
                return Task.FromResult(Result<string>.Failure(Problem.Conflict(MemberWriteProblems.MemberExists, "exists")));
            }

            if (write.ExpectedVersion is not null && (!exists || current.Version.ToString(CultureInfo.InvariantCulture) != write.ExpectedVersion))
            {
                return Task.FromResult(Result<string>.Failure(Problem.PreconditionFailed("version")));
            }

            if (write.OperationKey is not null && markers.Contains(MarkerKey(write.Member.Id, write.OperationKey)))
            {
                return Task.FromResult(Result<string>.Failure(Problem.Conflict(MemberWriteProblems.OperationApplied, "applied")));
            }

            if (write.OperationKey is not null)
            {
                markers.Add(MarkerKey(write.Member.Id, write.OperationKey));
            }

            var version = ++nextVersion;
            members[write.Member.Id] = (write.Member.ToState(), version);
            Outbox.AddRange(write.Events);
            return Task.FromResult(Result<string>.Success(version.ToString(CultureInfo.InvariantCulture)));
        }
    }

    public async Task<IReadOnlyList<Result<string>>> SaveManyAsync(IReadOnlyList<MemberWrite> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var results = new List<Result<string>>();
        foreach (var write in writes)
        {
            results.Add(await SaveAsync(write, cancellationToken));
        }

        return results;
    }

    public Task<MemberPage> ScanPartitionAsync(string partition, string? continuationToken, int pageSize, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var page = members
                .Where(m => MemberPartitions.Of(m.Key, partitionCount) == partition)
                .Where(m => continuationToken is null || string.CompareOrdinal(m.Key, continuationToken) > 0)
                .OrderBy(m => m.Key, StringComparer.Ordinal)
                .Take(pageSize + 1)
                .Select(m => new VersionedMember(Member.FromState(m.Value.State), m.Value.Version.ToString(CultureInfo.InvariantCulture)))
                .ToList();
            var more = page.Count > pageSize;
            if (more)
            {
                page.RemoveAt(page.Count - 1);
            }

            return Task.FromResult(new MemberPage(page, more ? page[^1].Member.Id : null));
        }
    }

    public async Task<WinBackPage> ScanWinBackAsync(string partition, DateTimeOffset inactiveSince, string? continuationToken, int pageSize, CancellationToken cancellationToken)
    {
        // The contract on top of a full scan: same pages, candidates (inactive since the cutoff, or erased) as planning
        // views, the others counted.
        var page = await ScanPartitionAsync(partition, continuationToken, pageSize, cancellationToken);
        var candidates = page.Members.Select(m => m.Member).Where(m => m.IsErased || m.LastActivityAt <= inactiveSince).ToList();
        return new WinBackPage(candidates.Select(m => Member.FromState(m.ToWinBackState())).ToList(), page.Members.Count - candidates.Count, page.ContinuationToken);
    }

    public Task<bool> IsOperationAppliedAsync(string memberId, string operationKey, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(markers.Contains(MarkerKey(memberId, operationKey)));
        }
    }

    public Task<IReadOnlyList<string>> FindByLookupAsync(string lookupHash, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            IReadOnlyList<string> ids = members
                .Where(m => m.Value.State.Personal.EmailLookup == lookupHash || m.Value.State.Personal.PhoneLookup == lookupHash)
                .Select(m => m.Key)
                .ToList();
            return Task.FromResult(ids);
        }
    }

    private static string MarkerKey(string memberId, string operationKey) => memberId + "|" + operationKey;
}
