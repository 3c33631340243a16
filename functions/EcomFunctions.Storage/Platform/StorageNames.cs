namespace EcomFunctions.Storage;

/// <summary>
/// Every table the App uses, by name. Each capability adds its own partial file (Coupons/CouponStorageNames.cs, …).
/// The infrastructure intent tests read these constants by reflection, so a table declared here and missing from
/// the Bicep fails CI: keep every table name a <c>public const string</c> of this class.
/// </summary>
public static partial class TableNames
{
    /// <summary>Idempotency-Key records: PK = scope (operation), RK = key; kept 24 h.</summary>
    public const string Idempotency = "idempotency";

    /// <summary>Local event sink (Event Grid stand-in): PK = event type, RK = event id, so a redelivery is a no-op.</summary>
    public const string LocalEvents = "localevents";

    /// <summary>Diagnostics echo results and timer heartbeats.</summary>
    public const string Diagnostics = "diagnostics";
}

/// <summary>
/// Every queue the App uses, by name. Each has a <c>&lt;name&gt;-poison</c> twin where messages that failed
/// <c>maxDequeueCount</c> times, or that could not be read at all, are parked with their reason.
/// </summary>
public static partial class QueueNames
{
    /// <summary>Signals that outbox rows were committed: one message names a table partition and its event ids.</summary>
    public const string OutboxDispatch = "outbox-dispatch";

    public const string PoisonSuffix = "-poison";

    public static string Poison(string queue) => queue + PoisonSuffix;
}
