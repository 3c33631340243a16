using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Campaigns;

/// <summary>Whether new users (members who signed up recently or have not yet bought) are in the audience.</summary>
public enum NewUserPolicy
{
    /// <summary>New and existing members alike.</summary>
    Include,

    /// <summary>New users only (a new-user campaign).</summary>
    Only,

    /// <summary>Existing members only.</summary>
    Exclude,
}

/// <summary>
/// Who a campaign is for. <see cref="Tiers"/> empty = every tier; otherwise a member qualifies when their tier is at
/// or above one of the listed tiers (tier inheritance: a Silver offer is a Gold member's offer too).
/// <see cref="Segments"/> empty = every member; otherwise the member must belong to at least one of them.
/// </summary>
public sealed record CampaignAudience
{
    public IReadOnlyList<MemberTier> Tiers { get; init; } = [];

    public IReadOnlyList<string> Segments { get; init; } = [];

    public NewUserPolicy NewUsers { get; init; } = NewUserPolicy.Include;

    public static CampaignAudience Everyone { get; } = new();

    /// <summary>The lowest tier that qualifies (inheritance makes every tier above it qualify too).</summary>
    public MemberTier LowestTier => Tiers.Count == 0 ? MemberTier.Regular : Tiers.Min();

    public bool Includes(ShopperProfile shopper)
    {
        ArgumentNullException.ThrowIfNull(shopper);
        if (shopper.Tier < LowestTier)
        {
            return false;
        }

        if (NewUsers == NewUserPolicy.Only && !shopper.IsNewUser)
        {
            return false;
        }

        if (NewUsers == NewUserPolicy.Exclude && shopper.IsNewUser)
        {
            return false;
        }

        return Segments.Count == 0 || Segments.Any(s => shopper.Segments.Contains(s, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Whether some member could be in both audiences (used to warn about campaigns competing for the same shoppers).</summary>
    public bool Overlaps(CampaignAudience other)
    {
        ArgumentNullException.ThrowIfNull(other);

        // Both tier ranges run up to Diamond, so they always share the higher of the two lowest tiers.
        var newUsersCompatible = !((NewUsers == NewUserPolicy.Only && other.NewUsers == NewUserPolicy.Exclude) ||
                                   (NewUsers == NewUserPolicy.Exclude && other.NewUsers == NewUserPolicy.Only));
        var segmentsShared = Segments.Count == 0 || other.Segments.Count == 0 ||
                             Segments.Intersect(other.Segments, StringComparer.OrdinalIgnoreCase).Any();
        return newUsersCompatible && segmentsShared;
    }
}

/// <summary>What the storefront knows about the shopper asking for offers.</summary>
public sealed record ShopperProfile(string MemberId, MemberTier Tier, IReadOnlyCollection<string> Segments, bool IsNewUser);

public enum CampaignChannel
{
    App,
    Web,
    MiniProgram,
    Social,
    Email,
    Sms,
    Push,
    LiveStream,
}
