using EcomFunctions.Domain.Members;

namespace EcomFunctions.Storage;

/// <summary>
/// Coupon grants through the Coupons capability's <see cref="QueueNames.CouponGrants"/> queue, packed
/// <see cref="CouponGrantBatch.MaxGrants"/> per message. Coupons issue at most once per grant id, so enqueuing a grant
/// again (a retried batch) issues nothing more. The offer's face value is not sent: the coupon definition decides it.
/// </summary>
public sealed class QueueCouponGrants(IQueueSender queue) : ICouponGrants
{
    public async Task EnqueueAsync(IReadOnlyList<CouponGrant> grants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grants);
        await Task.WhenAll(grants.Chunk(CouponGrantBatch.MaxGrants).Select(chunk => queue.SendAsync(QueueNames.CouponGrants,
            new CouponGrantBatch(chunk.Select(g => new CouponGrantRequest(g.GrantId, g.CouponDefinitionId, g.MemberId, g.Reason)).ToList()),
            cancellationToken: cancellationToken)));
    }
}
