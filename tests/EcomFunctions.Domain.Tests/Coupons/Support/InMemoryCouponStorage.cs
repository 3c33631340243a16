using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Tests.Coupons.Support;

/// <summary>
/// In-memory implementation of every coupon storage port, enforcing the contracts the ports document: each
/// operation is atomic (one lock), conditional writes check versions, issuing walks the shards with the same pure
/// <see cref="InventoryShard.TryTake"/> the Table adapter will use, member limits are slot sets, codes are unique
/// by insert, events land in an outbox deduplicated by event id. Every call yields first so that concurrent use
/// cases interleave between their reads and writes as they would against real storage.
/// </summary>
internal sealed class InMemoryCouponStorage : ICouponDefinitionStore, ICouponInventory, ICouponStore, ICouponBatchStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, (CouponDefinition Value, string Version)> definitions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InventoryShard[]> shards = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Definition, string Member), List<string>> memberSlots = [];
    private readonly Dictionary<string, string> issues = new(StringComparer.Ordinal);
    private readonly HashSet<(string Definition, string Batch)> bulkReservations = [];
    private readonly Dictionary<string, (Coupon Value, string Version)> coupons = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> codeIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> orderIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (CouponBatch Value, string Version)> batches = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Batch, int Chunk), IReadOnlyDictionary<int, int>> generatedChunks = [];
    private readonly Dictionary<string, DomainEvent> outbox = new(StringComparer.Ordinal);
    private long versions;

    /// <summary>The next N coupon updates lose to a simulated concurrent writer (version bumped, update refused).</summary>
    public int LoseNextCouponUpdates { get; set; }

    /// <summary>Report zero counters, as a badly stale snapshot would, to prove the issue step enforces limits itself.</summary>
    public bool StaleCounters { get; set; }

    public int IssueCalls { get; private set; }

    public IReadOnlyList<DomainEvent> Outbox
    {
        get
        {
            lock (gate)
            {
                return [.. outbox.Values];
            }
        }
    }

    public IReadOnlyList<Coupon> AllCoupons
    {
        get
        {
            lock (gate)
            {
                return [.. coupons.Values.Select(c => c.Value)];
            }
        }
    }

    public IReadOnlyList<InventoryShard> ShardsOf(string definitionId)
    {
        lock (gate)
        {
            return shards.TryGetValue(definitionId, out var s) ? [.. s] : [];
        }
    }

    public IReadOnlyList<DomainEvent> EventsOfType(string type) => [.. Outbox.Where(e => e.Type == type)];

    /// <summary>Registers a code as taken by some other coupon, to provoke a collision.</summary>
    public void TakeCode(string code)
    {
        lock (gate)
        {
            codeIndex[code] = "someone-else";
        }
    }

    // ---- ICouponDefinitionStore

    async Task<Versioned<CouponDefinition>?> ICouponDefinitionStore.GetAsync(string definitionId, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            return definitions.TryGetValue(definitionId, out var d) ? new(d.Value, d.Version) : null;
        }
    }

    public async Task<string?> TryAddAsync(CouponDefinition definition, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            if (definitions.ContainsKey(definition.Id))
            {
                return null;
            }

            var version = NextVersion();
            definitions[definition.Id] = (definition, version);
            return version;
        }
    }

    public Task<Versioned<CouponDefinition>?> GetCachedAsync(string definitionId, CancellationToken cancellationToken) =>
        ((ICouponDefinitionStore)this).GetAsync(definitionId, cancellationToken);

    public async Task<string?> TryReplaceAsync(CouponDefinition definition, string expectedVersion, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            if (!definitions.TryGetValue(definition.Id, out var current) || current.Version != expectedVersion)
            {
                return null;
            }

            var version = NextVersion();
            definitions[definition.Id] = (definition, version);
            foreach (var e in events)
            {
                outbox.TryAdd(e.Id, e);
            }

            return version;
        }
    }

    public async Task<IReadOnlyList<CouponDefinition>> ListByCampaignAsync(string campaignId, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            return [.. definitions.Values.Select(d => d.Value).Where(d => d.CampaignId == campaignId).OrderBy(d => d.Id, StringComparer.Ordinal)];
        }
    }

    public async Task<Page<CouponDefinition>> ListAsync(CouponDefinitionState? state, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            var matching = definitions.Values.Select(d => d.Value)
                .Where(d => state is null || d.State == state)
                .Where(d => continuationToken is null || string.CompareOrdinal(d.Id, continuationToken) > 0)
                .OrderBy(d => d.Id, StringComparer.Ordinal)
                .ToList();
            var page = matching.Take(pageSize).ToList();
            return new Page<CouponDefinition>(page, matching.Count > pageSize ? page[^1].Id : null);
        }
    }

    // ---- ICouponInventory

    public async Task EnsureAllocatedAsync(string definitionId, InventoryPlan plan, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            if (!shards.TryGetValue(definitionId, out var existing))
            {
                shards[definitionId] = [.. plan.Allocations().Select(InventoryShard.Open)];
                return;
            }

            var targets = plan.AllocationsFor(existing.Length);
            for (var i = 0; i < existing.Length; i++)
            {
                existing[i] = existing[i].RaiseTo(targets[i]);
            }
        }
    }

    public async Task<ClaimState> GetClaimStateAsync(string definitionId, string memberId, string issueKey, DateOnly localDay, int perMemberLimit, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            var issued = issues.TryGetValue(issueKey, out var id) ? coupons[id].Value : null;
            if (StaleCounters || !shards.TryGetValue(definitionId, out var s))
            {
                return new ClaimState(issued, ClaimCounters.None);
            }

            var member = memberSlots.TryGetValue((definitionId, memberId), out var slots) ? slots.Count : 0;
            var counters = new ClaimCounters(s.Sum(x => x.Issued), member, s.Sum(x => x.IssuedOn(localDay)), s.Sum(x => x.MoneyIssued), s.All(x => x.Remaining < 1));
            return new ClaimState(issued, counters);
        }
    }

    public async Task<InventoryRelease> ReleaseUnusedAsync(string definitionId, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            if (!shards.TryGetValue(definitionId, out var s))
            {
                return new InventoryRelease(0, InventorySummary.None);
            }

            var released = 0;
            for (var i = 0; i < s.Length; i++)
            {
                var (shard, now) = s[i].ReleaseUnused();
                s[i] = shard;
                released += now;
            }

            return new InventoryRelease(released, InventorySummary.Of(s));
        }
    }

    public async Task<InventorySummary> GetSummaryAsync(string definitionId, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            return shards.TryGetValue(definitionId, out var s) ? InventorySummary.Of(s) : InventorySummary.None;
        }
    }

    public async Task<IssueOutcome> TryIssueAsync(IssueRequest request, CancellationToken cancellationToken)
    {
        await Task.Yield();
        // The member check happens after a unit is secured in the Table adapter; here, before taking it, which is the
        // same outcome for a store that does everything under one lock.
        var notMember = request.MemberCheck is { } check ? await check(cancellationToken) : null;
        lock (gate)
        {
            IssueCalls++;
            var coupon = request.Coupon;
            if (issues.TryGetValue(request.IssueKey, out var existingId))
            {
                var existing = coupons[existingId].Value;
                return existing.DefinitionId == coupon.DefinitionId && existing.MemberId == coupon.MemberId
                    ? IssueOutcome.AlreadyIssued(existing)
                    : IssueOutcome.KeyReused(existing);
            }

            if (codeIndex.ContainsKey(coupon.Code))
            {
                return IssueOutcome.CodeTaken;
            }

            if (!shards.TryGetValue(coupon.DefinitionId, out var definitionShards))
            {
                return IssueOutcome.Refused(ClaimRefusal.SoldOut);
            }

            var slotKey = (coupon.DefinitionId, coupon.MemberId!);
            if (!memberSlots.TryGetValue(slotKey, out var slots))
            {
                slots = [];
                memberSlots[slotKey] = slots;
            }

            if (slots.Count >= request.PerMemberLimit)
            {
                return IssueOutcome.Refused(ClaimRefusal.MemberLimitReached);
            }

            var refusals = new List<ShardTakeOutcome>();
            if (notMember is { } refusedMember && definitionShards.Any(s => s.TryTake(coupon.FaceValue, request.LocalDay).Taken))
            {
                return IssueOutcome.Refused(refusedMember);
            }

            var taken = false;
            foreach (var index in InventoryPlan.ProbeOrder(request.ShardSeed, definitionShards.Length))
            {
                var take = definitionShards[index].TryTake(coupon.FaceValue, request.LocalDay);
                if (take.Taken)
                {
                    definitionShards[index] = take.Shard;
                    taken = true;
                    break;
                }

                refusals.Add(take.Outcome);
            }

            if (!taken)
            {
                return IssueOutcome.Refused(InventoryPlan.RefusalFor(refusals));
            }

            slots.Add(request.IssueKey);
            issues[request.IssueKey] = coupon.Id;
            coupons[coupon.Id] = (coupon, NextVersion());
            codeIndex[coupon.Code] = coupon.Id;
            outbox.TryAdd(request.IssuedEvent.Id, request.IssuedEvent);
            return IssueOutcome.Issued(coupon);
        }
    }

    public async Task<BulkReservationOutcome> TryReserveBulkAsync(string definitionId, string batchId, int count, decimal faceValue, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            if (bulkReservations.Contains((definitionId, batchId)))
            {
                return BulkReservationOutcome.Success;
            }

            if (!shards.TryGetValue(definitionId, out var definitionShards))
            {
                return BulkReservationOutcome.Refused(ClaimRefusal.SoldOut);
            }

            var updated = InventoryPlan.PlanBulkTake(definitionShards, count, faceValue);
            if (updated is null)
            {
                return BulkReservationOutcome.Refused(InventoryPlan.BulkRefusalFor(definitionShards, count));
            }

            foreach (var shard in updated)
            {
                definitionShards[shard.Index] = shard;
            }

            bulkReservations.Add((definitionId, batchId));
            return BulkReservationOutcome.Success;
        }
    }

    // ---- ICouponStore

    public async Task<Versioned<Coupon>?> ReloadAsync(Coupon coupon, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            return coupons.TryGetValue(coupon.Id, out var c) ? new(c.Value, c.Version) : null;
        }
    }

    public async Task<Versioned<Coupon>?> FindByCodeAsync(string memberId, string code, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            return codeIndex.TryGetValue(code, out var id) && coupons.TryGetValue(id, out var c) && (c.Value.MemberId is null || c.Value.MemberId == memberId)
                ? new(c.Value, c.Version)
                : null;
        }
    }

    public async Task<IReadOnlyList<Coupon>> ListByMemberAsync(string memberId, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            return [.. coupons.Values.Select(c => c.Value).Where(c => c.MemberId == memberId)];
        }
    }

    public async Task<IReadOnlyList<Versioned<Coupon>>> ListByOrderAsync(string orderId, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            return orderIndex.TryGetValue(orderId, out var ids)
                ? [.. ids.Order(StringComparer.Ordinal).Select(id => new Versioned<Coupon>(coupons[id].Value, coupons[id].Version))]
                : [];
        }
    }

    public async Task<bool> TryUpdateAsync(Coupon coupon, string expectedVersion, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            if (!coupons.TryGetValue(coupon.Id, out var current))
            {
                return false;
            }

            if (LoseNextCouponUpdates > 0)
            {
                LoseNextCouponUpdates--;
                coupons[coupon.Id] = (current.Value, NextVersion());
                return false;
            }

            if (current.Version != expectedVersion)
            {
                return false;
            }

            if (coupon.Reservation is { } reservation)
            {
                if (!orderIndex.TryGetValue(reservation.OrderId, out var ids))
                {
                    ids = new HashSet<string>(StringComparer.Ordinal);
                    orderIndex[reservation.OrderId] = ids;
                }

                ids.Add(coupon.Id);
            }

            coupons[coupon.Id] = (coupon, NextVersion());
            foreach (var e in events)
            {
                outbox.TryAdd(e.Id, e);
            }

            return true;
        }
    }

    public async Task<IReadOnlyList<Versioned<Coupon>>> ListLapsedReservationsAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            return
            [
                .. coupons.Values
                    .Where(c => c.Value.State == CouponState.Reserved && c.Value.Reservation!.ExpiresAt <= now)
                    .OrderBy(c => c.Value.Reservation!.ExpiresAt)
                    .Take(max)
                    .Select(c => new Versioned<Coupon>(c.Value, c.Version)),
            ];
        }
    }

    // ---- ICouponBatchStore

    async Task<Versioned<CouponBatch>?> ICouponBatchStore.GetAsync(string batchId, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            return batches.TryGetValue(batchId, out var b)
                ? new(b.Value.WithGeneratedChunks(generatedChunks.Keys.Where(k => k.Batch == batchId).Select(k => k.Chunk)), b.Version)
                : null;
        }
    }

    public async Task<IReadOnlyList<CouponBatch>> ListByDefinitionAsync(string definitionId, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            return [.. batches.Values.Where(b => b.Value.DefinitionId == definitionId)
                .Select(b => b.Value.WithGeneratedChunks(generatedChunks.Keys.Where(k => k.Batch == b.Value.Id).Select(k => k.Chunk)))
                .OrderByDescending(b => b.RequestedAt)];
        }
    }

    public async Task MarkChunkGeneratedAsync(string batchId, int chunkIndex, IReadOnlyDictionary<int, int> attempts, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            generatedChunks.TryAdd((batchId, chunkIndex), new Dictionary<int, int>(attempts));
        }
    }

    public async Task<IReadOnlyList<GeneratedChunk>> ListGeneratedChunksAsync(string batchId, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            return [.. generatedChunks.Where(g => g.Key.Batch == batchId).OrderBy(g => g.Key.Chunk).Select(g => new GeneratedChunk(g.Key.Chunk, g.Value))];
        }
    }

    public async Task<bool> TryAddAsync(CouponBatch batch, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            return batches.TryAdd(batch.Id, (batch, NextVersion()));
        }
    }

    public async Task<bool> TryUpdateAsync(CouponBatch batch, string expectedVersion, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            if (!batches.TryGetValue(batch.Id, out var current) || current.Version != expectedVersion)
            {
                return false;
            }

            batches[batch.Id] = (batch, NextVersion());
            foreach (var e in events)
            {
                outbox.TryAdd(e.Id, e);
            }

            return true;
        }
    }

    public async Task<BatchInsertResult> AddCouponsAsync(IReadOnlyList<Coupon> newCoupons, CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (gate)
        {
            var taken = new List<string>();
            int inserted = 0, present = 0;
            foreach (var coupon in newCoupons)
            {
                if (coupons.ContainsKey(coupon.Id))
                {
                    present++;
                }
                else if (codeIndex.ContainsKey(coupon.Code))
                {
                    taken.Add(coupon.Id);
                }
                else
                {
                    coupons[coupon.Id] = (coupon, NextVersion());
                    codeIndex[coupon.Code] = coupon.Id;
                    inserted++;
                }
            }

            return new BatchInsertResult(taken, inserted, present);
        }
    }

    private string NextVersion() => $"v{++versions}";
}
