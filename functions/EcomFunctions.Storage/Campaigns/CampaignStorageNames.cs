namespace EcomFunctions.Storage;

/// <summary>Tables of the Campaigns capability (partition designs in each adapter's header comment).</summary>
public static partial class TableNames
{
    /// <summary>Campaign aggregates with their availability row, audit trail and outbox: PK = campaign id.</summary>
    public const string Campaigns = "campaigns";

    /// <summary>One index row per campaign (state, version, window, audience) for listing, calendar, storefront and repair.</summary>
    public const string CampaignDirectory = "campaigndirectory";

    /// <summary>Hourly sharded counters per campaign and the store-wide buckets, with per-batch receipts: PK = campaign id.</summary>
    public const string CampaignMetrics = "campaignmetrics";

    /// <summary>"First seen" markers for distinct counts: PK = campaign id + kind, RK = hashed visitor id.</summary>
    public const string CampaignVisitors = "campaignvisitors";

    /// <summary>Budget ledger entries and sharded running totals: PK = campaign id.</summary>
    public const string CampaignBudget = "campaignbudget";

    /// <summary>Incidents with their outbox rows: PK = campaign id, RK = incident id.</summary>
    public const string CampaignIncidents = "campaignincidents";

    /// <summary>Monitoring snapshots, newest first: PK = campaign id, RK = inverted ticks.</summary>
    public const string CampaignSnapshots = "campaignsnapshots";
}

/// <summary>Queues of the Campaigns capability.</summary>
public static partial class QueueNames
{
    /// <summary>Storefront activity (visits, page views, orders, sign-ups), packed: <c>StorefrontActivityBatch</c>.</summary>
    public const string CampaignActivity = "campaign-activity";

    /// <summary>Coupon redemptions delivered from the Coupons capability's events (<see cref="EventDelivery"/>), booked as campaign spend.</summary>
    public const string CampaignSpend = "campaign-spend";
}
