using Azure.Data.Tables;
using EcomFunctions.Domain.Coupons;

namespace EcomFunctions.Storage;

/// <summary>
/// The campaign kill switch as other capabilities see it (table <see cref="TableNames.CampaignStatus"/>; PK = campaign
/// id, one point read). Campaigns publish every lifecycle change here in the same request/activity that makes it;
/// Coupons read it on every claim and redemption. DESIGN §5: a pause or kill takes effect on those paths within 1 s,
/// so the read cache lives for at most <see cref="CacheFor"/>.
/// </summary>
public sealed class CampaignStatusDirectory(StorageClients storage, TimeProvider time) : ICampaignStatusLookup
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromMilliseconds(500);
    private const string RowKey = "status";
    private readonly TimedCache<string, CampaignLiveness> cache = new(CacheFor, time);

    public async Task PublishAsync(string campaignId, CampaignLiveness liveness, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.CampaignStatus, cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(campaignId, RowKey) { ["Liveness"] = liveness.ToString(), ["UpdatedAt"] = time.GetUtcNow() },
            TableUpdateMode.Replace, cancellationToken);
        cache.Set(campaignId, liveness);
    }

    /// <summary>
    /// Publishes the liveness of campaign version <paramref name="version"/> unless a later version is already there,
    /// so a slow or retried writer holding an older campaign can never undo a kill or a pause. Returns whether it wrote.
    /// </summary>
    public async Task<bool> PublishAsync(string campaignId, CampaignLiveness liveness, long version, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.CampaignStatus, cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(campaignId, RowKey, ["Liveness", "Version"], cancellationToken);
            var entity = new TableEntity(campaignId, RowKey) { ["Liveness"] = liveness.ToString(), ["Version"] = version, ["UpdatedAt"] = time.GetUtcNow() };
            try
            {
                if (row.HasValue && row.Value is { } stored)
                {
                    if ((stored.GetInt64("Version") ?? 0) >= version)
                    {
                        return false;
                    }

                    await table.UpdateEntityAsync(entity, stored.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await table.AddEntityAsync(entity, cancellationToken);
                }

                cache.Set(campaignId, liveness);
                return true;
            }
            catch (Azure.RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 10)
            {
                // Another writer got there first: re-read and compare versions again.
            }
        }
    }

    public async Task<CampaignLiveness> GetLivenessAsync(string campaignId, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(campaignId))
        {
            return CampaignLiveness.NotLive;
        }

        if (cache.TryGet(campaignId, out var cached))
        {
            return cached;
        }

        var table = await storage.TableAsync(TableNames.CampaignStatus, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(campaignId, RowKey, ["Liveness"], cancellationToken);
        // Unknown campaign: fail closed (no claims), as the port requires.
        var liveness = row.HasValue && row.Value is { } entity && Enum.TryParse<CampaignLiveness>(entity.GetString("Liveness"), out var parsed)
            ? parsed
            : CampaignLiveness.NotLive;
        cache.Set(campaignId, liveness);
        return liveness;
    }
}
