using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage.Campaigns;
using EcomFunctions.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EcomFunctions.Storage.Tests.Campaigns;

/// <summary>The Campaigns adapters on the test Azurite, each test with its own tables; outbox signals are recorded, not sent.</summary>
internal sealed class CampaignStorageHarness
{
    public static readonly CampaignActor Planner = CampaignActor.Manager("planner-pat");
    public static readonly CampaignActor Approver = CampaignActor.Approver("approver-amy");

    public CampaignStorageHarness(int shards = 8)
    {
        Storage = new StorageClients(new StorageConnection(Azurite.ConnectionString));
        Tables = new CampaignTables(
            Azurite.UniqueName("camp"), Azurite.UniqueName("dir"), Azurite.UniqueName("metrics"), Azurite.UniqueName("visitors"),
            Azurite.UniqueName("budget"), Azurite.UniqueName("incidents"), Azurite.UniqueName("snaps"));
        Outbox = new Outbox(Storage, Signals, NullLogger<Outbox>.Instance);
        Status = new CampaignStatusDirectory(Storage, TimeProvider.System);
        Directory = new CampaignDirectory(Storage, Tables);
        Publication = new CampaignPublication(Directory, Status);
        Repository = new TableCampaignRepository(Storage, Outbox, Publication, Directory, Tables, TimeProvider.System);
        MetricsOptions = new CampaignMetricsOptions { Shards = shards };
        Metrics = new TableCampaignMetrics(Storage, Repository, MetricsOptions, Tables);
        Ledger = new TableBudgetLedger(Storage, MetricsOptions, Tables);
        Incidents = new TableIncidentLog(Storage, Outbox, Tables);
        Snapshots = new CampaignSnapshotLog(Storage, Tables);
    }

    public StorageClients Storage { get; }

    public CampaignTables Tables { get; }

    public RecordingSender Signals { get; } = new();

    public Outbox Outbox { get; }

    public CampaignStatusDirectory Status { get; }

    public CampaignDirectory Directory { get; }

    public CampaignPublication Publication { get; }

    public TableCampaignRepository Repository { get; }

    public CampaignMetricsOptions MetricsOptions { get; }

    public TableCampaignMetrics Metrics { get; }

    public TableBudgetLedger Ledger { get; }

    public TableIncidentLog Incidents { get; }

    public CampaignSnapshotLog Snapshots { get; }

    public static string NewId() => Azurite.UniqueName("c");

    /// <summary>A plan running from <paramref name="start"/> for a week (no preheat), two channels, one mechanic, A/B.</summary>
    public static CampaignPlan Plan(DateTimeOffset start, params Mechanic[] mechanics) => new()
    {
        Name = "Storage test",
        Theme = "Autumn",
        Goal = new CampaignGoal(CampaignGoalType.SalesGrowth, TargetMetric.Sales, 1000m),
        Schedule = new CampaignSchedule { Start = start, End = start.AddDays(7), TimeZoneId = "Asia/Shanghai" },
        Channels = [CampaignChannel.App, CampaignChannel.Web],
        Mechanics = mechanics.Length > 0 ? mechanics : [new PercentOffMechanic { Id = "ten-off", PercentOff = 10m }],
        Budget = new CampaignBudget
        {
            Total = 1000m,
            Lines = [new(BudgetLineKind.Marketing, 800m), new(BudgetLineKind.PlatformPromotion, 100m), new(BudgetLineKind.Contingency, 100m)],
        },
        Variants = [new("A", 50), new("B", 50)],
        Owners = new CampaignOwners { Owners = ["olivia"], ContingencyOwners = ["carl"] },
    };

    public async Task<Campaign> CreateAsync(string id, CampaignPlan plan, DateTimeOffset now)
    {
        var created = Campaign.Create(id, plan, [], Planner, now).GetValueOrThrow();
        return (await Repository.SaveAsync(created, CancellationToken.None)).GetValueOrThrow();
    }

    public async Task<Campaign> ApplyAsync(Campaign campaign, Func<Campaign, Result<CampaignChange>> operation) =>
        (await Repository.SaveAsync(operation(campaign).GetValueOrThrow(), CancellationToken.None)).GetValueOrThrow();

    /// <summary>A live campaign (started an hour ago), driven there through the real transitions and saved at each step.</summary>
    public async Task<Campaign> LiveAsync(string id, CampaignPlan? plan = null)
    {
        var now = DateTimeOffset.UtcNow;
        var c = await CreateAsync(id, plan ?? Plan(now.AddHours(-1)), now.AddDays(-2));
        c = await ApplyAsync(c, x => x.ConfirmReadiness(ReadinessGate.ConfirmableItems.ToList(), Planner, now.AddDays(-2), null));
        c = await ApplyAsync(c, x => x.Submit(Planner, now.AddDays(-2)));
        c = await ApplyAsync(c, x => x.Approve(Approver, now.AddDays(-1), "ok"));
        c = await ApplyAsync(c, x => x.Schedule(CampaignActor.System, now));
        return await ApplyAsync(c, x => x.GoLive(CampaignActor.System, now));
    }
}

internal sealed class RecordingSender : IQueueSender
{
    public List<(string Queue, object? Message)> Sent { get; } = [];

    public Task SendAsync<T>(string queue, T message, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default)
    {
        lock (Sent)
        {
            Sent.Add((queue, message));
        }

        return Task.CompletedTask;
    }

    public Task SendTextAsync(string queue, string text, TimeSpan? visibilityDelay = null, CancellationToken cancellationToken = default) =>
        SendAsync(queue, text, visibilityDelay, cancellationToken);
}
