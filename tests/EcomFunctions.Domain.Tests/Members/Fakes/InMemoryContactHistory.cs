using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Tests.Members.Fakes;

/// <summary>Contact history in memory, following the <see cref="IContactHistory"/> contract (insert-only records, delivery claims with a lease).</summary>
public sealed class InMemoryContactHistory : IContactHistory
{
    private readonly Dictionary<string, ContactRecord> store = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset ClaimedAt, bool Finished)> claims = new(StringComparer.Ordinal);
    private readonly object gate = new();

    public int RecordCalls { get; private set; }

    /// <summary>Events stored with delivery completions (the adapter's outbox rows).</summary>
    public List<DomainEvent> Events { get; } = [];

    /// <summary>When set, the next RecordAsync throws (a crash before contacts are written).</summary>
    public bool FailNextRecord { get; set; }

    public IReadOnlyList<ContactRecord> All
    {
        get
        {
            lock (gate)
            {
                return store.Values.OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
            }
        }
    }

    public void Add(ContactRecord record)
    {
        lock (gate)
        {
            store[record.Id] = record;
        }
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyList<ContactRecord>>> GetRecentAsync(
        IReadOnlyCollection<string> memberIds, DateTimeOffset since, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var wanted = memberIds.ToHashSet(StringComparer.Ordinal);
            IReadOnlyDictionary<string, IReadOnlyList<ContactRecord>> result = store.Values
                .Where(r => wanted.Contains(r.MemberId) && r.SendAt > since)
                .GroupBy(r => r.MemberId, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<ContactRecord>)g.ToList(), StringComparer.Ordinal);
            return Task.FromResult(result);
        }
    }

    public Task RecordAsync(IReadOnlyList<ContactRecord> records, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            RecordCalls++;
            if (FailNextRecord)
            {
                FailNextRecord = false;
                throw new InvalidOperationException("Simulated crash before recording contacts.");
            }

            foreach (var record in records)
            {
                store.TryAdd(record.Id, record);
            }
        }

        return Task.CompletedTask;
    }

    public Task<DeliveryClaim> TryClaimDeliveryAsync(OutboundMessage message, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (claims.TryGetValue(message.MessageId, out var claim) && claim.Finished)
            {
                return Task.FromResult(DeliveryClaim.Finished);
            }

            if (claims.TryGetValue(message.MessageId, out claim) && now - claim.ClaimedAt < lease)
            {
                return Task.FromResult(DeliveryClaim.InProgress);
            }

            claims[message.MessageId] = (now, false);
            store.TryAdd(message.MessageId, new ContactRecord(message.MessageId, message.MemberId, message.RunDate, message.SendAt, message.Channel,
                message.Lifecycle, message.CouponDefinitionId, message.CouponAmount, false, ContactStatus.Planned));
            return Task.FromResult(DeliveryClaim.Claimed);
        }
    }

    /// <summary>How many of the next completions throw (storage unreachable).</summary>
    public int FailingCompletions { get; set; }

    public int CompletionCalls { get; private set; }

    public Task CompleteDeliveryAsync(string memberId, string contactId, ContactStatus status, DateTimeOffset at, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            CompletionCalls++;
            if (FailingCompletions > 0)
            {
                FailingCompletions--;
                throw new IOException("Storage unreachable.");
            }

            Events.AddRange(events);
            claims[contactId] = (at, true);
            if (store.TryGetValue(contactId, out var record))
            {
                store[contactId] = record with { Status = status };
            }
        }

        return Task.CompletedTask;
    }

    public Task ReleaseDeliveryClaimAsync(string memberId, string contactId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            claims.Remove(contactId);
        }

        return Task.CompletedTask;
    }
}
