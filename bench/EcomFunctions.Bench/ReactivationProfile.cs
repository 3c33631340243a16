using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using Microsoft.Extensions.DependencyInjection;

namespace EcomFunctions.Bench;

/// <summary>
/// Where a reactivation run spends its time: every call of the storage ports the run's pages use is timed (calls, total
/// and mean latency, rows). The ports are wrapped in the host's container, so the run itself is unchanged. Latencies of
/// concurrent calls overlap: compare the totals with each other, not with the wall time.
/// </summary>
internal sealed class ReactivationProfile
{
    private readonly ConcurrentDictionary<string, Phase> phases = new(StringComparer.Ordinal);

    /// <summary>Decorates the run's ports (registered last, so they win over the capability's own registrations).</summary>
    public void Attach(IServiceCollection services)
    {
        Decorate<IMemberRepository>(services, inner => new TimedMembers(inner, this));
        Decorate<IContactHistory>(services, inner => new TimedHistory(inner, this));
        Decorate<ICouponGrants>(services, inner => new TimedGrants(inner, this));
        Decorate<IMessageOutbox>(services, inner => new TimedOutbox(inner, this));
    }

    public IEnumerable<string> Lines() => phases.OrderByDescending(p => p.Value.Ticks).Select(p => string.Create(CultureInfo.InvariantCulture,
        $"{p.Key,-28} calls {p.Value.Calls,6}  total {TimeSpan.FromTicks(p.Value.Ticks).TotalSeconds,8:F2} s  mean {TimeSpan.FromTicks(p.Value.Ticks).TotalMilliseconds / Math.Max(1, p.Value.Calls),8:F1} ms  rows {p.Value.Rows,8}"));

    private async Task<T> TimeAsync<T>(string name, Func<Task<T>> call, Func<T, int> rows)
    {
        var clock = Stopwatch.StartNew();
        var result = await call();
        var phase = phases.GetOrAdd(name, _ => new Phase());
        Interlocked.Increment(ref phase.Calls);
        Interlocked.Add(ref phase.Ticks, clock.Elapsed.Ticks);
        Interlocked.Add(ref phase.Rows, rows(result));
        return result;
    }

    private Task<int> TimeAsync(string name, Func<Task> call, int rows) =>
        TimeAsync(name, async () => { await call(); return 0; }, _ => rows);

    private static void Decorate<T>(IServiceCollection services, Func<T, T> wrap)
        where T : class
    {
        var original = services.Last(d => d.ServiceType == typeof(T));
        services.AddSingleton(sp => wrap((T)(original.ImplementationInstance
            ?? original.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!))));
    }

    private sealed class Phase
    {
        public long Calls;
        public long Ticks;
        public long Rows;
    }

    private sealed class TimedMembers(IMemberRepository inner, ReactivationProfile profile) : IMemberRepository
    {
        public Task<VersionedMember?> GetAsync(string memberId, CancellationToken cancellationToken) => inner.GetAsync(memberId, cancellationToken);

        public Task<Result<string>> SaveAsync(MemberWrite write, CancellationToken cancellationToken) => inner.SaveAsync(write, cancellationToken);

        public Task<IReadOnlyList<Result<string>>> SaveManyAsync(IReadOnlyList<MemberWrite> writes, CancellationToken cancellationToken) => inner.SaveManyAsync(writes, cancellationToken);

        public Task<MemberPage> ScanPartitionAsync(string partition, string? continuationToken, int pageSize, CancellationToken cancellationToken) =>
            profile.TimeAsync("members.scanPartition", () => inner.ScanPartitionAsync(partition, continuationToken, pageSize, cancellationToken), p => p.Members.Count);

        public Task<WinBackPage> ScanWinBackAsync(string partition, DateTimeOffset inactiveSince, string? continuationToken, int pageSize, CancellationToken cancellationToken) =>
            profile.TimeAsync("members.scanWinBack", () => inner.ScanWinBackAsync(partition, inactiveSince, continuationToken, pageSize, cancellationToken), p => p.Scanned);

        public Task<bool> IsOperationAppliedAsync(string memberId, string operationKey, CancellationToken cancellationToken) => inner.IsOperationAppliedAsync(memberId, operationKey, cancellationToken);

        public Task<IReadOnlyList<string>> FindByLookupAsync(string lookupHash, CancellationToken cancellationToken) => inner.FindByLookupAsync(lookupHash, cancellationToken);
    }

    private sealed class TimedHistory(IContactHistory inner, ReactivationProfile profile) : IContactHistory
    {
        public Task<IReadOnlyDictionary<string, IReadOnlyList<ContactRecord>>> GetRecentAsync(IReadOnlyCollection<string> memberIds, DateTimeOffset since, CancellationToken cancellationToken) =>
            profile.TimeAsync("contacts.getRecent", () => inner.GetRecentAsync(memberIds, since, cancellationToken), r => r.Count);

        public Task RecordAsync(IReadOnlyList<ContactRecord> records, CancellationToken cancellationToken) =>
            profile.TimeAsync("contacts.record", () => inner.RecordAsync(records, cancellationToken), records.Count);

        public Task<DeliveryClaim> TryClaimDeliveryAsync(OutboundMessage message, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) =>
            inner.TryClaimDeliveryAsync(message, now, lease, cancellationToken);

        public Task CompleteDeliveryAsync(string memberId, string contactId, ContactStatus status, DateTimeOffset at, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken) =>
            inner.CompleteDeliveryAsync(memberId, contactId, status, at, events, cancellationToken);

        public Task ReleaseDeliveryClaimAsync(string memberId, string contactId, CancellationToken cancellationToken) =>
            inner.ReleaseDeliveryClaimAsync(memberId, contactId, cancellationToken);
    }

    private sealed class TimedGrants(ICouponGrants inner, ReactivationProfile profile) : ICouponGrants
    {
        public Task EnqueueAsync(IReadOnlyList<CouponGrant> grants, CancellationToken cancellationToken) =>
            profile.TimeAsync("grants.enqueue", () => inner.EnqueueAsync(grants, cancellationToken), grants.Count);
    }

    private sealed class TimedOutbox(IMessageOutbox inner, ReactivationProfile profile) : IMessageOutbox
    {
        public Task EnqueueAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken) =>
            profile.TimeAsync("messages.enqueue", () => inner.EnqueueAsync(messages, cancellationToken), messages.Count);
    }
}
