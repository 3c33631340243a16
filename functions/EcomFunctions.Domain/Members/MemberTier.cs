namespace EcomFunctions.Domain.Members;

/// <summary>
/// Membership tiers, lowest first. The numeric order is the benefit order: a tier holds every benefit of the
/// tiers below it, so "at least Gold" is a plain comparison.
/// </summary>
public enum MemberTier
{
    Regular = 0,
    Silver = 1,
    Gold = 2,
    Platinum = 3,
    Diamond = 4,
}

public static class MemberTiers
{
    /// <summary>All tiers, lowest first.</summary>
    public static IReadOnlyList<MemberTier> All { get; } =
        [MemberTier.Regular, MemberTier.Silver, MemberTier.Gold, MemberTier.Platinum, MemberTier.Diamond];

    /// <summary>True when a member of <paramref name="tier"/> enjoys the benefits of <paramref name="required"/>.</summary>
    public static bool HasBenefitsOf(this MemberTier tier, MemberTier required) => tier >= required;

    /// <summary>The next tier up, or null for the top tier.</summary>
    public static MemberTier? Next(this MemberTier tier) => tier == MemberTier.Diamond ? null : tier + 1;

    /// <summary>The tier one level down (Regular stays Regular).</summary>
    public static MemberTier OneBelow(this MemberTier tier) => tier == MemberTier.Regular ? tier : tier - 1;

    public static bool IsDefined(MemberTier tier) => tier is >= MemberTier.Regular and <= MemberTier.Diamond;
}
