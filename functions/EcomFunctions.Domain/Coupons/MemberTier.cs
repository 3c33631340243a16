namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// Member tiers in ascending order. Each tier inherits the benefits of the tiers below it (DESIGN §7), which is
/// why comparisons (<c>tier &gt;= minimum</c>) are meaningful and the numeric values must stay ordered.
/// </summary>
/// <remarks>
/// Defined here because coupons need it first; the Members capability owns the concept and may move it to
/// EcomFunctions.Domain.Members when it lands (keep the names and order).
/// </remarks>
public enum MemberTier
{
    Regular = 0,
    Silver = 1,
    Gold = 2,
    Platinum = 3,
    Diamond = 4,
}
