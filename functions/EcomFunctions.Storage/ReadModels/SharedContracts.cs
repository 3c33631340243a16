using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Members;

namespace EcomFunctions.Storage;

/// <summary>Queues one capability writes and another reads; their message contracts are below.</summary>
public static partial class QueueNames
{
    /// <summary>System coupon grants (reactivation, birthday, tier upgrade, review reward), packed: <see cref="CouponGrantBatch"/>. Read by Coupons.</summary>
    public const string CouponGrants = "coupon-grants";

    /// <summary>Member activities (login, purchase, approved review, share, task), packed: <see cref="MemberActivityBatch"/>. Read by Members.</summary>
    public const string MemberActivity = "member-activity";
}

/// <summary>Read models one capability publishes for the others (owner writes, others read; no shared schemas beyond these).</summary>
public static partial class TableNames
{
    /// <summary>Each member's current tier, written by Members, read on the coupon claim path. PK = member id, RK = "tier".</summary>
    public const string MemberTiers = "membertiers";

    /// <summary>Each campaign's liveness (the kill switch), written by Campaigns, read by Coupons. PK = campaign id, RK = "status".</summary>
    public const string CampaignStatus = "campaignstatus";

    /// <summary>Orders reported by storefronts, written by Campaigns' event intake, read by Reviews (verified purchase). PK = member id, RK = order id.</summary>
    public const string Orders = "orders";
}

/// <summary>One system grant: issue a coupon of <see cref="DefinitionId"/> to <see cref="MemberId"/>, at most once per <see cref="GrantId"/>.</summary>
public sealed record CouponGrantRequest(string GrantId, string DefinitionId, string MemberId, GrantReason Reason);

/// <summary>Grants travel packed (up to <see cref="MaxGrants"/> per message) to keep the queue shallow.</summary>
public sealed record CouponGrantBatch(IReadOnlyList<CouponGrantRequest> Grants, int Version = 1) : IVersionedMessage
{
    /// <summary>Keeps a message well under the 64 KiB queue limit even with long ids.</summary>
    public const int MaxGrants = 200;
}

/// <summary>One member activity; <see cref="ActivityId"/> is the idempotency key (applied at most once per member).</summary>
public sealed record MemberActivityReport(
    string MemberId,
    string ActivityId,
    ActivityKind Kind,
    DateTimeOffset OccurredAt,
    decimal AmountPaid = 0,
    bool WithPhoto = false,
    string? TaskCode = null);

public sealed record MemberActivityBatch(IReadOnlyList<MemberActivityReport> Activities, int Version = 1) : IVersionedMessage
{
    public const int MaxActivities = 200;
}
