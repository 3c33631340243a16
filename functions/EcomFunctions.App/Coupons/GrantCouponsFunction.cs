using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EcomFunctions.App.Coupons;

/// <summary>
/// System grants from queue <see cref="QueueNames.CouponGrants"/> (reactivation, birthday, tier upgrade, review
/// reward), packed as <see cref="CouponGrantBatch"/>. Idempotent per grant id: a duplicate message grants nothing twice.
/// </summary>
/// <remarks>
/// Outcomes per grant: issued or replayed → done; refused by a rule (sold out, member limit, campaign not live …) →
/// final for that grant, logged; invalid (bad ids, unknown reason) → that grant alone is parked with the reason; storage
/// unavailable → the whole message is retried after the others were processed (they replay as no-ops).
/// </remarks>
public sealed class GrantCouponsFunction(CouponGrants grants, CouponOptions options, DeadLetters deadLetters, ILogger<GrantCouponsFunction> logger)
{
    [Function("GrantCoupons")]
    public async Task Run([QueueTrigger(QueueNames.CouponGrants)] string message, CancellationToken cancellationToken)
    {
        var batch = QueueMessages.Read<CouponGrantBatch>(message);
        if (batch.Problem is { } unreadable)
        {
            await deadLetters.ParkAsync(QueueNames.CouponGrants, message, QueueMessages.Reason(unreadable), cancellationToken);
            return;
        }

        var requests = batch.Value!.Grants;
        if (requests.Count > CouponGrantBatch.MaxGrants)
        {
            await deadLetters.ParkAsync(QueueNames.CouponGrants, message, $"A message holds at most {CouponGrantBatch.MaxGrants} grants, not {requests.Count}.", cancellationToken);
            return;
        }

        var retry = 0;
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = options.GrantConcurrency, CancellationToken = cancellationToken }, async (grant, ct) =>
        {
            if (grant is null)
            {
                await deadLetters.ParkAsync(QueueNames.CouponGrants, message, "A grant entry is null.", ct);
                return;
            }

            var outcome = await grants.GrantAsync(grant.GrantId, grant.DefinitionId, grant.MemberId, grant.Reason, ct);
            switch (outcome.Problem)
            {
                case null:
                    logger.LogDebug("Grant {GrantId}: coupon {CouponId}{Replay}.", grant.GrantId, outcome.Value!.Coupon.Id, outcome.Value.Replayed ? " (already granted)" : string.Empty);
                    break;
                case { Kind: ProblemKind.Validation } invalid:
                    await deadLetters.ParkAsync(QueueNames.CouponGrants, EcomJson.Serialize(new CouponGrantBatch([grant])), QueueMessages.Reason(invalid), ct);
                    break;
                case { Kind: ProblemKind.Unavailable }:
                    Interlocked.Increment(ref retry);
                    break;
                case { } refused:
                    logger.LogInformation("Grant {GrantId} of {DefinitionId} to {MemberId} refused: {Code} ({Detail}).", grant.GrantId, grant.DefinitionId, grant.MemberId, refused.Code, refused.Detail);
                    break;
            }
        });

        if (retry > 0)
        {
            // The host retries the message; the grants already made replay as no-ops.
            throw new InvalidOperationException($"{retry} grant(s) could not be completed now; the message will be retried.");
        }
    }
}
