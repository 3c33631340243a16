using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Coupons;

namespace EcomFunctions.App.Campaigns;

/// <summary>
/// What campaign planning needs of a coupon definition, read through the Coupons capability's own port
/// (<see cref="ICouponDefinitionStore"/>, registered by <c>AddCoupons</c>), so Campaigns never read the Coupons tables.
/// Without the Coupons capability registered every definition is unknown, and plans that link one are refused.
/// A definition with tier-based amounts reports its highest face value (the budget's worst case).
/// </summary>
public sealed class CouponDefinitionLookup(ICouponDefinitionStore? definitions) : ICouponDefinitionLookup
{
    public async Task<CouponDefinitionSummary?> FindAsync(string couponDefinitionId, CancellationToken cancellationToken)
    {
        if (definitions is null || !CouponKeys.IsValidId(couponDefinitionId))
        {
            return null;
        }

        var found = await definitions.GetAsync(couponDefinitionId, cancellationToken);
        if (found?.Value is not { } definition)
        {
            return null;
        }

        return new CouponDefinitionSummary(definition.Id, definition.CampaignId, definition.FaceValues.Count > 0 ? definition.FaceValues[^1] : null);
    }
}
