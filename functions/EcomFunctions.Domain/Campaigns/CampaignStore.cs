using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Campaigns;

/// <summary>Load → apply a domain operation → save, shared by the application services.</summary>
internal static class CampaignStore
{
    /// <summary>Attempts for operations without an If-Match: a concurrent write is re-read and the operation re-validated.</summary>
    private const int Attempts = 3;

    public static async Task<Result<Campaign>> LoadAsync(ICampaignRepository campaigns, string campaignId, CancellationToken cancellationToken)
    {
        if (!CampaignPlanRules.IsValidCampaignId(campaignId))
        {
            return Problem.NotFound($"Campaign '{campaignId}'.");
        }

        var campaign = await campaigns.GetAsync(campaignId, cancellationToken);
        return campaign is null ? Problem.NotFound($"Campaign '{campaignId}'.") : campaign;
    }

    /// <summary>
    /// With <paramref name="expectedVersion"/> (an operator's If-Match) a stale version fails with PreconditionFailed.
    /// Without it (orchestrator activities, storefront-driven checks) a lost race is retried on the fresh campaign,
    /// which is safe because the operation is validated again against what is now stored.
    /// </summary>
    public static async Task<Result<Campaign>> ApplyAsync(
        ICampaignRepository campaigns,
        string campaignId,
        long? expectedVersion,
        Func<Campaign, Result<CampaignChange>> operation,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var loaded = await LoadAsync(campaigns, campaignId, cancellationToken);
            if (!loaded.IsSuccess)
            {
                return loaded;
            }

            var campaign = loaded.Value!;
            if (expectedVersion is { } expected && expected != campaign.Version)
            {
                return Problem.PreconditionFailed($"Campaign '{campaignId}' is at version {campaign.Version}, not {expected}.");
            }

            var change = operation(campaign);
            if (!change.IsSuccess)
            {
                return change.Problem!;
            }

            if (change.Value!.IsNoOp)
            {
                return change.Value.Campaign;
            }

            var saved = await campaigns.SaveAsync(change.Value, cancellationToken);
            if (saved.IsSuccess || saved.Problem!.Kind != ProblemKind.PreconditionFailed || expectedVersion is not null || attempt == Attempts)
            {
                return saved;
            }
        }
    }
}

/// <summary>Checks a plan with what it depends on: the coupon definitions it links and the campaigns it may compete with.</summary>
public sealed class CampaignPlanChecker(ICouponDefinitionLookup couponDefinitions, ICampaignCalendar calendar, CampaignOptions options)
{
    public async Task<CampaignPlanCheck> CheckAsync(string campaignId, CampaignPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var definitions = new Dictionary<string, CouponDefinitionSummary>(StringComparer.Ordinal);
        var linked = (plan.Mechanics ?? [])
            .OfType<CouponMechanic>()
            .Select(m => m.CouponDefinitionId)
            .Where(id => !string.IsNullOrWhiteSpace(id) && id.Length <= MechanicCheck.MaxIdLength)
            .Distinct(StringComparer.Ordinal)
            .Take(CampaignPlanRules.MaxMechanics);
        foreach (var id in linked)
        {
            if (await couponDefinitions.FindAsync(id, cancellationToken) is { } definition)
            {
                definitions[id] = definition;
            }
        }

        var schedule = plan.Schedule;
        IReadOnlyList<CampaignCalendarEntry> others = schedule is not null && schedule.Start != default && schedule.End > schedule.PreheatOrStart
            ? await calendar.ListOverlappingAsync(schedule.Overall, cancellationToken)
            : [];
        return CampaignPlanRules.Check(campaignId, plan, new CampaignPlanContext(definitions, others), options);
    }

    /// <summary>The plan as it will be stored (see <see cref="CampaignPlanRules.Normalize"/>).</summary>
    public CampaignPlan Normalize(CampaignPlan plan) => CampaignPlanRules.Normalize(plan, options);
}
