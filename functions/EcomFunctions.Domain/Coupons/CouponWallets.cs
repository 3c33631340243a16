using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Coupons;

/// <summary>The member wallet use case (GET /api/members/{memberId}/coupons).</summary>
public sealed class CouponWallets(ICouponStore coupons, ICouponDefinitionStore definitions, TimeProvider time)
{
    /// <summary>The member's coupons with their state now, soonest expiry first (see <see cref="CouponWallet"/>).</summary>
    public async Task<Result<IReadOnlyList<WalletEntry>>> GetAsync(string memberId, bool includeHistory, CancellationToken cancellationToken)
    {
        if (!CouponKeys.IsValidId(memberId))
        {
            return Problem.Validation("memberId", "Is not a valid id.");
        }

        var held = await coupons.ListByMemberAsync(memberId, cancellationToken);
        var byId = new Dictionary<string, CouponDefinition>(StringComparer.Ordinal);
        foreach (var definitionId in held.Select(c => c.DefinitionId).Distinct(StringComparer.Ordinal))
        {
            if (await definitions.GetCachedAsync(definitionId, cancellationToken) is { } definition)
            {
                byId[definitionId] = definition.Value;
            }
        }

        return Result<IReadOnlyList<WalletEntry>>.Success(CouponWallet.Build(held, byId, time.GetUtcNow(), includeHistory));
    }
}
