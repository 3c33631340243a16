namespace EcomFunctions.Storage;

/// <summary>Tables of the review capability (partition designs in each adapter's header comment).</summary>
public static partial class TableNames
{
    /// <summary>Reviews, audit trail, public listing, rating counters and outbox rows: PK = product id (TableReviewStore).</summary>
    public const string Reviews = "reviews";

    /// <summary>Review id → product id: PK = review id, RK = "product".</summary>
    public const string ReviewLookup = "reviewlookup";

    /// <summary>The moderation queue and the merchant-response queue: PK = queue name, RK = time key + review id.</summary>
    public const string ReviewQueues = "reviewqueues";

    /// <summary>SimHash near-duplicate index: PK = band key, RK = posted ticks + review id.</summary>
    public const string ReviewFingerprints = "reviewfingerprints";

    /// <summary>Each member's recent submissions for burst detection: PK = member id, RK = review id.</summary>
    public const string MemberReviewLog = "memberreviewlog";

    /// <summary>Operator-managed moderation settings (the blocklist): PK = "blocklist".</summary>
    public const string ModerationConfig = "moderationconfig";
}

/// <summary>Queues of the review capability.</summary>
public static partial class QueueNames
{
    /// <summary>ReviewSubmitted events (EventDelivery, from the outbox) to screen.</summary>
    public const string ReviewModeration = "review-moderation";

    /// <summary>The capability's own published events (EventDelivery): approval rewards relayed to member-activity, work-queue repair.</summary>
    public const string ReviewEvents = "review-events";
}

/// <summary>
/// The tables the review adapters use. The defaults are the names above; tests pass unique names so that the global
/// work-queue partitions of parallel tests do not mix.
/// </summary>
public sealed record ReviewTables(
    string Reviews = TableNames.Reviews,
    string Lookup = TableNames.ReviewLookup,
    string Queues = TableNames.ReviewQueues,
    string Fingerprints = TableNames.ReviewFingerprints,
    string MemberLog = TableNames.MemberReviewLog,
    string Config = TableNames.ModerationConfig)
{
    public static ReviewTables Default { get; } = new();
}
