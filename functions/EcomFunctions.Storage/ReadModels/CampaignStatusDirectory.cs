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
