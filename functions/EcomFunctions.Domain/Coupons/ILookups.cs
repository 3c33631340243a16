using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// A member's current tier, owned by the Members capability. Port, so coupons do not depend on how members are
/// stored. Implementations may cache briefly: a tier change taking effect a few seconds late is acceptable.
/// </summary>
public interface IMemberTierLookup
{
    /// <summary>The member's tier, or null when the member does not exist.</summary>
    Task<MemberTier?> GetTierAsync(string memberId, CancellationToken cancellationToken);
}

/// <summary>Whether a linked campaign lets coupons be claimed or redeemed right now.</summary>
public enum CampaignLiveness
{
    /// <summary>Live: claims and redemptions allowed.</summary>
    Live,

    /// <summary>Approved or scheduled but not started (or unknown to the campaign system): no claims.</summary>
    NotLive,

    /// <summary>Paused by operators or by the budget guard: no claims, no redemptions.</summary>
    Paused,

    /// <summary>Emergency-stopped: no claims, no redemptions.</summary>
    Killed,

    /// <summary>Ended: no claims; coupons already issued stay redeemable within their validity.</summary>
    Ended,
}

/// <summary>
/// The campaign kill switch as seen by coupons, owned by the Campaigns capability. DESIGN §5 asks that a pause or
/// kill takes effect on the claim and redemption paths within 1 s, so an implementation may cache for at most
/// about a second.
/// </summary>
public interface ICampaignStatusLookup
{
    /// <summary>The campaign's liveness; an unknown campaign is <see cref="CampaignLiveness.NotLive"/> (fail closed).</summary>
    Task<CampaignLiveness> GetLivenessAsync(string campaignId, CancellationToken cancellationToken);
}
