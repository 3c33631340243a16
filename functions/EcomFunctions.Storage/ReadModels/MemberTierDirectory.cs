using Azure.Data.Tables;
using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Members;

namespace EcomFunctions.Storage;

/// <summary>
/// The published tier of every member (table <see cref="TableNames.MemberTiers"/>; PK = member id so a claim's tier
/// check is one point read). The Members capability writes it whenever a tier is set or changes; Coupons read it.
/// A short in-process cache keeps a flash-sale stampede of claims off the table: tiers change monthly, so a few
/// seconds of staleness cannot mis-price a coupon in practice.
/// </summary>
public sealed class MemberTierDirectory(StorageClients storage, TimeProvider time) : IMemberTierLookup
{
    private const string RowKey = "tier";
    private readonly TimedCache<string, MemberTier?> cache = new(TimeSpan.FromSeconds(5), time);

    public async Task PublishAsync(string memberId, MemberTier tier, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.MemberTiers, cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(memberId, RowKey) { ["Tier"] = tier.ToString(), ["UpdatedAt"] = time.GetUtcNow() },
            TableUpdateMode.Replace, cancellationToken);
        cache.Set(memberId, tier);
    }

    /// <summary>Removes an erased member: coupons can no longer be claimed for them.</summary>
    public async Task RemoveAsync(string memberId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.MemberTiers, cancellationToken);
        await table.DeleteEntityAsync(memberId, RowKey, cancellationToken: cancellationToken);
        cache.Set(memberId, null);
    }

    public async Task<MemberTier?> GetTierAsync(string memberId, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(memberId))
        {
            return null;
        }

        if (cache.TryGet(memberId, out var cached))
        {
            return cached;
        }

        var table = await storage.TableAsync(TableNames.MemberTiers, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(memberId, RowKey, ["Tier"], cancellationToken);
        MemberTier? tier = row.HasValue && row.Value is { } entity && Enum.TryParse<MemberTier>(entity.GetString("Tier"), out var parsed) ? parsed : null;
        cache.Set(memberId, tier);
        return tier;
    }
}
