using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Coupons;

/// <summary>Why a coupon could not be issued to a member (claim or grant).</summary>
public enum ClaimRefusal
{
    /// <summary>No such definition. 404 definition-not-found.</summary>
    DefinitionNotFound,

    /// <summary>The member is unknown to the tier lookup. 404 member-not-found.</summary>
    MemberNotFound,

    /// <summary>The definition is still a Draft. 409 definition-not-active.</summary>
    NotActive,

    /// <summary>The definition was retired. 410 definition-retired.</summary>
    Retired,

    /// <summary>The fixed validity window has ended; no coupon issued now could be used. 410 definition-expired.</summary>
    Expired,

    /// <summary>The linked campaign is paused, killed, ended or not started. 423 campaign-not-live.</summary>
    CampaignNotLive,

    /// <summary>Claims were closed for good because the linked campaign ended or was killed. 423 claims-closed.</summary>
    ClaimsClosed,

    /// <summary>The member's tier is below the definition's minimum tier. 403 tier-not-eligible.</summary>
    TierNotEligible,

    /// <summary>The member holds the per-member limit already. 409 member-limit.</summary>
    MemberLimitReached,

    /// <summary>Today's (store-local) issue limit is used up; try tomorrow. 409 daily-limit.</summary>
    DailyLimitReached,

    /// <summary>Total quantity issued. 410 sold-out.</summary>
    SoldOut,

    /// <summary>The money budget cannot cover another coupon. 410 budget-exhausted.</summary>
    BudgetExhausted,

    /// <summary>The idempotency key (or grant id) was already used for a different definition or member. 422 issue-key-reused.</summary>
    IssueKeyReused,
}

/// <summary>Why a coupon does not apply to a cart, or a redemption step was refused.</summary>
public enum RedemptionRefusal
{
    /// <summary>No coupon with that code. 404 coupon-not-found.</summary>
    CouponNotFound,

    /// <summary>The coupon belongs to another member. 403 wrong-member.</summary>
    WrongMember,

    /// <summary>A bearer (bulk) code whose definition needs a higher tier. 403 tier-not-eligible.</summary>
    TierNotEligible,

    /// <summary>Before the coupon's ValidFrom. 422 not-yet-valid.</summary>
    NotYetValid,

    /// <summary>At or after the coupon's ValidUntil. 410 coupon-expired.</summary>
    Expired,

    /// <summary>The eligible goods do not reach the minimum spend (or the first full-reduction step). 422 min-spend-not-met.</summary>
    MinimumSpendNotMet,

    /// <summary>No cart item is in the coupon's scope. 422 no-eligible-items.</summary>
    NoEligibleItems,

    /// <summary>The coupon would take nothing off (e.g. free shipping on an order without a shipping fee). 422 nothing-to-discount.</summary>
    NothingToDiscount,

    /// <summary>Another coupon of the same stacking group is on the order. 422 stacking-conflict.</summary>
    StackingConflict,

    /// <summary>Already redeemed (by another order). 409 already-redeemed.</summary>
    AlreadyRedeemed,

    /// <summary>Reserved by another order whose reservation has not expired. 409 coupon-reserved.</summary>
    ReservedByAnotherOrder,

    /// <summary>Confirm/release for an order that holds no reservation of this coupon any more. 409 not-reserved.</summary>
    NotReserved,

    /// <summary>No coupon was ever reserved for the order. 404 reservation-not-found.</summary>
    ReservationNotFound,

    /// <summary>The definition was retired. 410 definition-retired.</summary>
    DefinitionRetired,

    /// <summary>The linked campaign is paused or killed (kill switch on the redemption path). 423 campaign-not-live.</summary>
    CampaignNotLive,
}

/// <summary>Maps coupon refusals to <see cref="Problem"/>s with distinct codes (the App turns them into problem details).</summary>
public static class CouponProblems
{
    public static Problem For(ClaimRefusal refusal, string? detail = null) => refusal switch
    {
        ClaimRefusal.DefinitionNotFound => new(ProblemKind.NotFound, "Coupon definition not found.", detail, Code: "definition-not-found"),
        ClaimRefusal.MemberNotFound => new(ProblemKind.NotFound, "Member not found.", detail, Code: "member-not-found"),
        ClaimRefusal.NotActive => new(ProblemKind.Conflict, "Coupon not active yet.", detail, Code: "definition-not-active"),
        ClaimRefusal.Retired => DefinitionRetired(detail),
        ClaimRefusal.Expired => new(ProblemKind.Gone, "Coupon expired.", detail, Code: "definition-expired"),
        ClaimRefusal.CampaignNotLive => new(ProblemKind.Locked, "Campaign not live.", detail, Code: "campaign-not-live"),
        ClaimRefusal.ClaimsClosed => new(ProblemKind.Locked, "Claims closed.", detail, Code: "claims-closed"),
        ClaimRefusal.TierNotEligible => new(ProblemKind.Forbidden, "Member tier not eligible.", detail, Code: "tier-not-eligible"),
        ClaimRefusal.MemberLimitReached => new(ProblemKind.Conflict, "Member limit reached.", detail, Code: "member-limit"),
        ClaimRefusal.DailyLimitReached => new(ProblemKind.Conflict, "Daily limit reached.", detail, Code: "daily-limit"),
        ClaimRefusal.SoldOut => new(ProblemKind.Gone, "Sold out.", detail, Code: "sold-out"),
        ClaimRefusal.BudgetExhausted => new(ProblemKind.Gone, "Coupon budget exhausted.", detail, Code: "budget-exhausted"),
        ClaimRefusal.IssueKeyReused => new(ProblemKind.Unprocessable, "Idempotency key reused.", detail, Code: "issue-key-reused"),
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, null),
    };

    public static Problem For(RedemptionRefusal refusal, string? detail = null) => refusal switch
    {
        RedemptionRefusal.CouponNotFound => new(ProblemKind.NotFound, "Coupon not found.", detail, Code: "coupon-not-found"),
        RedemptionRefusal.WrongMember => new(ProblemKind.Forbidden, "Coupon belongs to another member.", detail, Code: "wrong-member"),
        RedemptionRefusal.TierNotEligible => new(ProblemKind.Forbidden, "Member tier not eligible.", detail, Code: "tier-not-eligible"),
        RedemptionRefusal.NotYetValid => new(ProblemKind.Unprocessable, "Coupon not valid yet.", detail, Code: "not-yet-valid"),
        RedemptionRefusal.Expired => new(ProblemKind.Gone, "Coupon expired.", detail, Code: "coupon-expired"),
        RedemptionRefusal.MinimumSpendNotMet => new(ProblemKind.Unprocessable, "Minimum spend not met.", detail, Code: "min-spend-not-met"),
        RedemptionRefusal.NoEligibleItems => new(ProblemKind.Unprocessable, "No eligible items.", detail, Code: "no-eligible-items"),
        RedemptionRefusal.NothingToDiscount => new(ProblemKind.Unprocessable, "Nothing to discount.", detail, Code: "nothing-to-discount"),
        RedemptionRefusal.StackingConflict => new(ProblemKind.Unprocessable, "Coupons do not stack.", detail, Code: "stacking-conflict"),
        RedemptionRefusal.AlreadyRedeemed => new(ProblemKind.Conflict, "Coupon already redeemed.", detail, Code: "already-redeemed"),
        RedemptionRefusal.ReservedByAnotherOrder => new(ProblemKind.Conflict, "Coupon reserved by another order.", detail, Code: "coupon-reserved"),
        RedemptionRefusal.NotReserved => new(ProblemKind.Conflict, "Coupon not reserved for this order.", detail, Code: "not-reserved"),
        RedemptionRefusal.ReservationNotFound => new(ProblemKind.NotFound, "No reservation for this order.", detail, Code: "reservation-not-found"),
        RedemptionRefusal.DefinitionRetired => DefinitionRetired(detail),
        RedemptionRefusal.CampaignNotLive => new(ProblemKind.Locked, "Campaign not live.", detail, Code: "campaign-not-live"),
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, null),
    };

    internal static Problem DefinitionRetired(string? detail) =>
        new(ProblemKind.Gone, "Coupon definition retired.", detail, Code: "definition-retired");
}
