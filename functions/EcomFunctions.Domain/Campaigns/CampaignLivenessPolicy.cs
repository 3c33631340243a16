using EcomFunctions.Domain.Coupons;

namespace EcomFunctions.Domain.Campaigns;

/// <summary>
/// How a campaign looks to the coupon claim and redemption paths (the shared kill-switch read model carries only a
/// <see cref="CampaignLiveness"/> per campaign). Live means coupons may be claimed; the budget guard's automatic pause
/// and an incident that pauses every coupon mechanic make a live campaign read as <see cref="CampaignLiveness.Paused"/>,
/// because the read model has no per-mechanic switch.
/// </summary>
public static class CampaignLivenessPolicy
{
    public static CampaignLiveness Of(Campaign campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return campaign.State switch
        {
            CampaignState.Live when CouponsHalted(campaign) => CampaignLiveness.Paused,
            CampaignState.Live => CampaignLiveness.Live,
            CampaignState.Paused => CampaignLiveness.Paused,
            CampaignState.Killed => CampaignLiveness.Killed,

            // A cancelled campaign closes like an ended one: nothing new is claimed, coupons already held stay valid.
            CampaignState.Ended or CampaignState.Evaluated or CampaignState.Cancelled => CampaignLiveness.Ended,
            _ => CampaignLiveness.NotLive,
        };
    }

    private static bool CouponsHalted(Campaign campaign)
    {
        var coupons = campaign.Plan.Mechanics.OfType<CouponMechanic>().ToList();
        var spending = campaign.Plan.Mechanics.Where(m => m.IsSpending).ToList();
        return (coupons.Count > 0 && coupons.All(m => campaign.IsMechanicPaused(m.Id))) ||
               (spending.Count > 0 && spending.All(m => campaign.IsMechanicPaused(m.Id)));
    }
}
