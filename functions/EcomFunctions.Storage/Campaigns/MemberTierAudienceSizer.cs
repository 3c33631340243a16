using Azure.Data.Tables;
using EcomFunctions.Domain.Campaigns;
using EcomFunctions.Domain.Members;

namespace EcomFunctions.Storage.Campaigns;

/// <summary>
/// Counts a campaign audience's eligible members (<see cref="IAudienceSizer"/>) from the tier read model the Members
/// capability publishes (<see cref="TableNames.MemberTiers"/>, one row per member). Tier inheritance applies: an audience
/// of Silver counts Silver and every tier above. Segments and the new-user policy are not in that read model, so an
/// audience that uses them has no known size (null: coverage is then reported as unknown rather than guessed). The
/// count is a scan of the tier rows (tier column only), cached for <see cref="CacheFor"/> because reports ask often
/// and membership moves slowly.
/// </summary>
public sealed class MemberTierAudienceSizer(StorageClients storage, TimeProvider time) : IAudienceSizer
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);
    private readonly TimedCache<MemberTier, long?> cache = new(CacheFor, time);

    public async Task<long?> CountEligibleAsync(CampaignAudience audience, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audience);
        if (audience.Segments.Count > 0 || audience.NewUsers != NewUserPolicy.Include)
        {
            return null;
        }

        var lowest = audience.LowestTier;
        if (cache.TryGet(lowest, out var cached))
        {
            return cached;
        }

        var table = await storage.TableAsync(TableNames.MemberTiers, cancellationToken);
        long count = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(select: ["Tier"], cancellationToken: cancellationToken))
        {
            if (Enum.TryParse<MemberTier>(row.GetString("Tier"), out var tier) && tier >= lowest)
            {
                count++;
            }
        }

        cache.Set(lowest, count);
        return count;
    }
}
