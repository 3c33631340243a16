using System.Globalization;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Coupons;

/// <summary>Stored state of an issued coupon. "Released" is not a state: a release returns the coupon to Issued (or Expired).</summary>
public enum CouponState
{
    Issued,
    Reserved,
    Redeemed,
    Expired,
}

/// <summary>How a coupon came to exist (DESIGN §6 issue paths).</summary>
public enum IssueSource
{
    Claim,
    Grant,
    Batch,
}

/// <summary>Why the system granted a coupon.</summary>
public enum GrantReason
{
    Reactivation,
    Birthday,
    TierUpgrade,
    ReviewReward,
}

/// <summary>A coupon held for an unpaid order until <see cref="ExpiresAt"/>.</summary>
public sealed record CouponReservation(string OrderId, string MemberId, DateTimeOffset ReservedAt, DateTimeOffset ExpiresAt, decimal Discount)
{
    public bool HasLapsed(DateTimeOffset now) => now >= ExpiresAt;
}

/// <summary>The result of a state-machine step: the coupon after it, and whether anything changed (false = idempotent repeat).</summary>
public sealed record CouponTransition(Coupon Coupon, bool Changed);

/// <summary>
/// An issued coupon and its redemption state machine:
/// Issued → Reserved(order, expiresAt) → Redeemed, or → released back to Issued (Expired if its validity ended
/// meanwhile). A coupon is redeemed at most once. All steps are pure and idempotent per order id; the store makes
/// them atomic with a conditional write on the coupon row.
/// </summary>
/// <remarks>
/// Decisions: a lapsed reservation counts as released even before the expiry sweep gets to it (so correctness
/// never depends on the timer); the same order re-reserving an unlapsed reservation gets the same reservation
/// (original discount and expiry); confirm is accepted while the coupon is still reserved for the order, even
/// after the reservation lapsed or the validity ended, because the order was placed while it was valid and no one
/// else has taken the coupon; releasing a coupon the order does not hold is a no-op success.
/// <see cref="MemberId"/> is null for bearer coupons (bulk codes), which any eligible member may redeem once.
/// </remarks>
public sealed record Coupon
{
    public required string Id { get; init; }

    /// <summary>Canonical code (see <see cref="CouponCode"/>). A bearer code is a secret: never put it in events or logs.</summary>
    public required string Code { get; init; }

    public required string DefinitionId { get; init; }

    /// <summary>The owner, or null for a bearer coupon from a bulk batch.</summary>
    public string? MemberId { get; init; }

    /// <summary>The benefit snapshot taken at issue (the member's tier then).</summary>
    public required CouponBenefit Benefit { get; init; }

    public required DateTimeOffset ValidFrom { get; init; }

    public required DateTimeOffset ValidUntil { get; init; }

    public required DateTimeOffset IssuedAt { get; init; }

    public required IssueSource Source { get; init; }

    public GrantReason? GrantReason { get; init; }

    public string? BatchId { get; init; }

    /// <summary>The coupon's position in its bulk batch (bearer coupons only).</summary>
    public int? BatchPosition { get; init; }

    public string? CampaignId { get; init; }

    /// <summary>The idempotency key it was issued under (claims and grants).</summary>
    public string? IssueKey { get; init; }

    public CouponState State { get; init; } = CouponState.Issued;

    public CouponReservation? Reservation { get; init; }

    public string? RedeemedOrderId { get; init; }

    public string? RedeemedBy { get; init; }

    public DateTimeOffset? RedeemedAt { get; init; }

    public decimal? RedeemedDiscount { get; init; }

    /// <summary>Counts state changes; part of event ids so that each change has its own stable id.</summary>
    public int Revision { get; init; }

    public decimal FaceValue => Benefit.FaceValue;

    public CouponWindow Window => new(ValidFrom, ValidUntil);

    public bool IsBearer => MemberId is null;

    /// <summary>A new coupon from an issue plan.</summary>
    public static Coupon Issue(
        string id,
        CouponCode code,
        CouponDefinition definition,
        string? memberId,
        CouponIssuePlan plan,
        DateTimeOffset issuedAt,
        IssueSource source,
        GrantReason? grantReason = null,
        string? batchId = null,
        string? issueKey = null)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(plan);
        return new Coupon
        {
            Id = id,
            Code = code.Value,
            DefinitionId = definition.Id,
            MemberId = memberId,
            Benefit = plan.Benefit,
            ValidFrom = plan.Window.ValidFrom,
            ValidUntil = plan.Window.ValidUntil,
            IssuedAt = issuedAt,
            Source = source,
            GrantReason = grantReason,
            BatchId = batchId,
            CampaignId = definition.CampaignId,
            IssueKey = issueKey,
        };
    }

    /// <summary>Whether an unlapsed reservation holds the coupon at <paramref name="now"/>.</summary>
    public bool IsHeld(DateTimeOffset now) => State == CouponState.Reserved && Reservation is { } r && !r.HasLapsed(now);

    /// <summary>Whether <paramref name="orderId"/> holds an unlapsed reservation.</summary>
    public bool IsHeldBy(string orderId, DateTimeOffset now) => IsHeld(now) && string.Equals(Reservation!.OrderId, orderId, StringComparison.Ordinal);

    /// <summary>The state a shopper should see at <paramref name="now"/> (lapsed reservations and ended validity applied).</summary>
    public CouponState EffectiveState(DateTimeOffset now) => State switch
    {
        CouponState.Redeemed => CouponState.Redeemed,
        CouponState.Reserved when IsHeld(now) => CouponState.Reserved,
        _ => now >= ValidUntil ? CouponState.Expired : CouponState.Issued,
    };

    /// <summary>Reserve for an order: idempotent for the same order; refused while another order holds it.</summary>
    public Result<CouponTransition> Reserve(string orderId, string memberId, decimal discount, DateTimeOffset now, TimeSpan expiry)
    {
        if (State == CouponState.Redeemed)
        {
            return string.Equals(RedeemedOrderId, orderId, StringComparison.Ordinal)
                ? Unchanged()
                : CouponProblems.For(RedemptionRefusal.AlreadyRedeemed, $"Coupon {Id} has been redeemed.");
        }

        if (MemberId is not null && !string.Equals(MemberId, memberId, StringComparison.Ordinal))
        {
            return CouponProblems.For(RedemptionRefusal.WrongMember, $"Coupon {Id} belongs to another member.");
        }

        if (IsHeld(now))
        {
            return IsHeldBy(orderId, now)
                ? Unchanged()
                : CouponProblems.For(RedemptionRefusal.ReservedByAnotherOrder, $"Coupon {Id} is reserved by another order until {Reservation!.ExpiresAt.ToString("O", CultureInfo.InvariantCulture)}.");
        }

        if (now < ValidFrom)
        {
            return CouponProblems.For(RedemptionRefusal.NotYetValid, $"Coupon {Id} is valid from {ValidFrom.ToString("O", CultureInfo.InvariantCulture)}.");
        }

        if (now >= ValidUntil)
        {
            return CouponProblems.For(RedemptionRefusal.Expired, $"Coupon {Id} expired at {ValidUntil.ToString("O", CultureInfo.InvariantCulture)}.");
        }

        return Changed(this with
        {
            State = CouponState.Reserved,
            Reservation = new CouponReservation(orderId, memberId, now, now + expiry, discount),
        });
    }

    /// <summary>Confirm the order's reservation on payment: Reserved(order) → Redeemed. Idempotent per order.</summary>
    public Result<CouponTransition> Confirm(string orderId, DateTimeOffset now)
    {
        if (State == CouponState.Redeemed)
        {
            return string.Equals(RedeemedOrderId, orderId, StringComparison.Ordinal)
                ? Unchanged()
                : CouponProblems.For(RedemptionRefusal.AlreadyRedeemed, $"Coupon {Id} has been redeemed by another order.");
        }

        if (State != CouponState.Reserved || Reservation is not { } reservation || !string.Equals(reservation.OrderId, orderId, StringComparison.Ordinal))
        {
            return CouponProblems.For(RedemptionRefusal.NotReserved, $"Coupon {Id} is no longer reserved for order {orderId} (released or expired).");
        }

        return Changed(this with
        {
            State = CouponState.Redeemed,
            Reservation = null,
            RedeemedOrderId = orderId,
            RedeemedBy = reservation.MemberId,
            RedeemedAt = now,
            RedeemedDiscount = reservation.Discount,
        });
    }

    /// <summary>
    /// Release the order's reservation (order cancelled): back to Issued, or Expired if the validity ended. A no-op
    /// when the order holds nothing; refused once the order has redeemed the coupon.
    /// </summary>
    public Result<CouponTransition> Release(string orderId, DateTimeOffset now)
    {
        if (State == CouponState.Redeemed)
        {
            return string.Equals(RedeemedOrderId, orderId, StringComparison.Ordinal)
                ? CouponProblems.For(RedemptionRefusal.AlreadyRedeemed, $"Coupon {Id} was redeemed by order {orderId}; it cannot be released.")
                : Unchanged();
        }

        return State == CouponState.Reserved && Reservation is { } r && string.Equals(r.OrderId, orderId, StringComparison.Ordinal)
            ? Changed(Released(now))
            : Unchanged();
    }

    /// <summary>The expiry sweep: a lapsed reservation is released; anything else is unchanged.</summary>
    public CouponTransition ExpireReservation(DateTimeOffset now) =>
        State == CouponState.Reserved && Reservation is { } r && r.HasLapsed(now)
            ? new CouponTransition(Released(now) with { Revision = Revision + 1 }, true)
            : new CouponTransition(this, false);

    private Coupon Released(DateTimeOffset now) => this with
    {
        State = now >= ValidUntil ? CouponState.Expired : CouponState.Issued,
        Reservation = null,
    };

    private Result<CouponTransition> Unchanged() => new CouponTransition(this, false);

    private static Result<CouponTransition> Changed(Coupon next) => new CouponTransition(next with { Revision = next.Revision + 1 }, true);
}
