using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace EcomFunctions.Domain.Campaigns;

/// <summary>An A/B variant of a campaign and its share of members in percent (all weights add up to 100).</summary>
public sealed record CampaignVariant(string Name, int Weight);

/// <summary>
/// Assigns a member to a variant: stable for a (campaign, member) pair in every process, on every machine and
/// across .NET versions, because it is a SHA-256 of the ids rather than <c>string.GetHashCode</c> (randomised per
/// process). Including the campaign id keeps a member from landing in "variant A" of every campaign.
/// </summary>
public static class VariantAssignment
{
    /// <summary>The member's bucket in [0, 100): the SHA-256 prefix scaled to 100 (unbiased, no modulo skew).</summary>
    public static int BucketOf(string campaignId, string memberId)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        ArgumentNullException.ThrowIfNull(memberId);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{campaignId}\n{memberId}"), hash);
        var value = BinaryPrimitives.ReadUInt64BigEndian(hash);
        return (int)Math.BigMul(value, 100UL, out _);
    }

    /// <summary>The variant name for the member, or null when the campaign has no variants.</summary>
    public static string? Assign(string campaignId, string memberId, IReadOnlyList<CampaignVariant> variants)
    {
        ArgumentNullException.ThrowIfNull(variants);
        if (variants.Count == 0)
        {
            return null;
        }

        var bucket = BucketOf(campaignId, memberId);
        var upper = 0;
        foreach (var variant in variants)
        {
            upper += variant.Weight;
            if (bucket < upper)
            {
                return variant.Name;
            }
        }

        // Only reachable when weights add up to less than 100, which validation forbids; the last variant takes the rest.
        return variants[^1].Name;
    }
}
