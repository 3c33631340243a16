using System.Collections.Concurrent;
using Azure.Data.Tables;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage.Coupons;
using EcomFunctions.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EcomFunctions.Storage.Tests.Coupons;

/// <summary>
/// The coupon use cases on the real Table adapters against Azurite, on a fresh set of tables. One instance is one
/// "process" (its own shard writers and caches); <see cref="AnotherProcess"/> shares the tables but not that state,
/// which is how a scaled-out App looks to storage.
/// </summary>
internal sealed class TableCoupons : IDisposable
{
    public TableCoupons(TimeProvider? time = null, CouponOptions? options = null, CouponTableSet? tables = null, FakeLookups? lookups = null, RecordingSender? signals = null)
    {
        Signals = signals ?? new RecordingSender();
        Time = time ?? TimeProvider.System;
        Options = options ?? new CouponOptions();
        Tables = tables ?? CouponTableSet.Unique("t");
        Lookups = lookups ?? new FakeLookups();
        Storage = new StorageClients(new StorageConnection(Azurite.ConnectionString));
        Outbox = new Outbox(Storage, Signals, NullLogger<Outbox>.Instance);
        DefinitionStore = new TableCouponDefinitionStore(Storage, Outbox, Options, Time, Tables);
        Inventory = new TableCouponInventory(Storage, Outbox, Options, Time, Tables);
        BatchStore = new TableCouponBatchStore(Storage, Outbox, Tables);
        CouponStore = new TableCouponStore(Storage, Outbox, BatchStore, Tables);
        var issuer = new CouponIssuer(DefinitionStore, Inventory, Lookups, Lookups, CryptoRandomSource.Instance, Time, Options);
        Claims = new CouponClaims(issuer);
        Grants = new CouponGrants(issuer);
        Definitions = new CouponDefinitions(DefinitionStore, Inventory, CryptoRandomSource.Instance, Time, Options);
        Redemptions = new CouponRedemptions(DefinitionStore, CouponStore, Lookups, Lookups, Time, Options);
        Batches = new CouponBatches(DefinitionStore, Inventory, BatchStore, CryptoRandomSource.Instance, Time, Options);
        Wallets = new CouponWallets(CouponStore, DefinitionStore, Time);
    }

    public TimeProvider Time { get; }

    public CouponOptions Options { get; }

    public CouponTableSet Tables { get; }

    public FakeLookups Lookups { get; }

    public StorageClients Storage { get; }

    /// <summary>Outbox signals are recorded, not sent: the shared outbox-dispatch queue belongs to the LocalHosts under test.</summary>
    public RecordingSender Signals { get; }

    public Outbox Outbox { get; }

    public TableCouponDefinitionStore DefinitionStore { get; }

    public TableCouponInventory Inventory { get; }

    public TableCouponBatchStore BatchStore { get; }

    public TableCouponStore CouponStore { get; }

    public CouponClaims Claims { get; }

    public CouponGrants Grants { get; }

    public CouponDefinitions Definitions { get; }

    public CouponRedemptions Redemptions { get; }

    public CouponBatches Batches { get; }

    public CouponWallets Wallets { get; }

    /// <summary>A second App instance on the same tables and lookups.</summary>
    public TableCoupons AnotherProcess() => new(Time, Options, Tables, Lookups, Signals);

    public static CouponTerms Terms(int quantity = 100, decimal amount = 20m) => new()
    {
        Name = "Flash 20 off",
        Kind = CouponKind.FixedAmount,
        TierBenefits = CouponTerms.ForAllTiers(new FixedAmountBenefit(amount)),
        Validity = new ValidDaysAfterIssue(7),
        TotalQuantity = quantity,
    };

    public async Task<CouponDefinition> ActiveDefinitionAsync(CouponTerms terms, string? id = null)
    {
        var created = (await Definitions.CreateAsync(terms, id, CancellationToken.None)).GetValueOrThrow();
        return (await Definitions.ActivateAsync(created.Value.Id, CancellationToken.None)).GetValueOrThrow().Value;
    }

    public TableCoupons Members(int count, MemberTier tier = MemberTier.Regular, string prefix = "m-")
    {
        for (var i = 0; i < count; i++)
        {
            Lookups.Tiers[$"{prefix}{i}"] = tier;
        }

        return this;
    }

    /// <summary>Every member coupon stored for a definition, read straight from the table (not through the adapters).</summary>
    public async Task<IReadOnlyList<Coupon>> StoredCouponsAsync(string definitionId)
    {
        var table = await Storage.TableAsync(Tables.Coupons);
        var found = new List<Coupon>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"DefinitionId eq {definitionId} and RowKey ge {"c|"} and RowKey lt {"c}"}")))
        {
            found.Add(EcomJson.Deserialize<StoredCoupon>(row.GetString("Data")!)!.ToIds(row.PartitionKey));
        }

        return found;
    }

    /// <summary>The outbox rows whose commit was signalled, of one event type (deduplicated by event id).</summary>
    public async Task<IReadOnlyList<DomainEvent>> OutboxEventsAsync(string type)
    {
        var events = new Dictionary<string, DomainEvent>(StringComparer.Ordinal);
        foreach (var batch in Signals.Sent.Select(s => s.Message).OfType<OutboxBatch>())
        {
            foreach (var (e, _) in await Outbox.ReadAsync(batch, CancellationToken.None))
            {
                if (e.Type == type)
                {
                    events[e.Id] = e;
                }
            }
        }

        return [.. events.Values];
    }

    public void Dispose() => Inventory.Dispose();

    /// <summary>Just enough of a stored coupon row to count coupons and their owners.</summary>
    private sealed record StoredCoupon(string Id, string Code, string DefinitionId, string? MemberId, string? IssueKey)
    {
        public Coupon ToIds(string partition) => new()
        {
            Id = Id,
            Code = Code,
            DefinitionId = DefinitionId,
            MemberId = MemberId ?? partition,
            Benefit = new FixedAmountBenefit(1m),
            ValidFrom = DateTimeOffset.MinValue,
            ValidUntil = DateTimeOffset.MaxValue,
            IssuedAt = DateTimeOffset.MinValue,
            Source = IssueSource.Claim,
            IssueKey = IssueKey,
        };
    }
}

/// <summary>Member tiers and campaign liveness held in dictionaries (the read models are other capabilities' tables).</summary>
internal sealed class FakeLookups : IMemberTierLookup, ICampaignStatusLookup
{
    public ConcurrentDictionary<string, MemberTier> Tiers { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, CampaignLiveness> Campaigns { get; } = new(StringComparer.Ordinal);

    public Task<MemberTier?> GetTierAsync(string memberId, CancellationToken cancellationToken) =>
        Task.FromResult(Tiers.TryGetValue(memberId, out var tier) ? tier : (MemberTier?)null);

    public Task<CampaignLiveness> GetLivenessAsync(string campaignId, CancellationToken cancellationToken) =>
        Task.FromResult(Campaigns.TryGetValue(campaignId, out var liveness) ? liveness : CampaignLiveness.NotLive);
}

/// <summary>Records what would have been sent (outbox signals) instead of sending it.</summary>
internal sealed class RecordingSender : IQueueSender
{
    private readonly ConcurrentQueue<(string Queue, object? Message)> sent = new();

    public IReadOnlyList<(string Queue, object? Message)> Sent => [.. sent];

    public Task SendAsync<T>(string queue, T message, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default)
    {
        sent.Enqueue((queue, message));
        return Task.CompletedTask;
    }

    public Task SendTextAsync(string queue, string text, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default) =>
        SendAsync(queue, text, visibilityDelay, cancellationToken);
}
