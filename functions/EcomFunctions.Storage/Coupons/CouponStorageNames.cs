namespace EcomFunctions.Storage;

/// <summary>The coupon capability's tables (partition keys are documented on the adapter that owns each table).</summary>
public static partial class TableNames
{
    /// <summary>Coupon definitions: PK = definition id (<see cref="Coupons.TableCouponDefinitionStore"/>).</summary>
    public const string CouponDefinitions = "coupondefinitions";

    /// <summary>Inventory shards and their receipts: PK = definition id + shard index (<see cref="Coupons.TableCouponInventory"/>).</summary>
    public const string CouponInventory = "couponinventory";

    /// <summary>Members' coupons, member slots, issue keys and grant ids: PK = member id or grant (<see cref="Coupons.TableCouponInventory"/>).</summary>
    public const string Coupons = "coupons";

    /// <summary>The global code index and bearer coupons: PK = code bucket, RK = code (<see cref="Coupons.TableCouponStore"/>).</summary>
    public const string CouponCodes = "couponcodes";

    /// <summary>Which coupons an order ever reserved: PK = order id (<see cref="Coupons.TableCouponStore"/>).</summary>
    public const string CouponOrders = "couponorders";

    /// <summary>Reservation expiry index for the sweep: PK = UTC minute of expiry (<see cref="Coupons.TableCouponStore"/>).</summary>
    public const string CouponExpiries = "couponexpiries";

    /// <summary>Bulk code batches and their generated chunks: PK = batch id (<see cref="Coupons.TableCouponBatchStore"/>).</summary>
    public const string CouponBatches = "couponbatches";

    /// <summary>Redeemed coupons per definition, for the operator's figures: PK = definition id, RK = coupon id (<see cref="Coupons.TableCouponRedemptionTally"/>).</summary>
    public const string CouponRedemptions = "couponredemptions";
}

/// <summary>The coupon capability's queues.</summary>
public static partial class QueueNames
{
    /// <summary>Bulk code generation, one chunk (up to 1 000 codes) per message.</summary>
    public const string CouponBatchChunks = "coupon-batch-chunks";

    /// <summary>Campaign end-of-life events delivered to coupons (EventDelivery): close linked definitions, release inventory.</summary>
    public const string CouponCampaignEvents = "coupon-campaign-events";

    /// <summary>CouponRedeemed events delivered to the redemption tally (EventDelivery).</summary>
    public const string CouponRedemptionTally = "coupon-redemption-tally";
}
