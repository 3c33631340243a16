using EcomFunctions.Domain.Members;

namespace EcomFunctions.Storage;

/// <summary>Publishes member tiers to the shared <see cref="MemberTierDirectory"/> read model (Coupons read it on claims).</summary>
public sealed class DirectoryTierPublisher(MemberTierDirectory directory) : IMemberTierPublisher
{
    public Task PublishAsync(string memberId, MemberTier tier, CancellationToken cancellationToken) =>
        directory.PublishAsync(memberId, tier, cancellationToken);

    public async Task RemoveAsync(string memberId, CancellationToken cancellationToken)
    {
        try
        {
            await directory.RemoveAsync(memberId, cancellationToken);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            // Never published, or removed by an earlier attempt of the same erasure.
        }
    }
}
