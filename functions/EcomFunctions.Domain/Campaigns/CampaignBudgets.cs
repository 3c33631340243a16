using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Campaigns;

/// <summary>What recording spend did: entries new and already known, the budget after it and the guard's verdict.</summary>
public sealed record SpendRecorded(int Recorded, int Duplicates, BudgetStatus Budget, BudgetCheck Check, Campaign Campaign);

/// <summary>A budget check: status, verdict and the campaign after alerts and automatic pauses were applied.</summary>
public sealed record BudgetChecked(BudgetStatus Budget, BudgetCheck Check, Campaign Campaign);

/// <summary>
/// Spend, live budget status, audited reallocation and the budget guard (alerts, auto-pause at 100 %). The guard runs
/// after every recorded batch — the hourly monitoring tick alone would let a hot coupon overspend for up to an hour.
/// </summary>
public sealed class CampaignBudgets(ICampaignRepository campaigns, IBudgetLedger ledger, CampaignOptions options, TimeProvider time)
{
    public const int MaxBatch = 1000;

    /// <summary>A batch of entries for one campaign (e.g. the redemptions of one queue message); duplicates are ignored.</summary>
    public async Task<Result<SpendRecorded>> RecordSpendAsync(string campaignId, IReadOnlyList<SpendEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var loaded = await CampaignStore.LoadAsync(campaigns, campaignId, cancellationToken);
        if (!loaded.IsSuccess)
        {
            return loaded.Problem!;
        }

        if (entries.Count > MaxBatch)
        {
            return new Problem(ProblemKind.TooLarge, "Too large.", $"At most {MaxBatch} entries per batch.", Code: "batch-too-large");
        }

        var errors = new FieldErrors();
        for (var i = 0; i < entries.Count; i++)
        {
            errors.Merge(entries[i].Validate(loaded.Value!), $"entries[{i}]");
        }

        if (errors.ToProblem() is { } invalid)
        {
            return invalid;
        }

        int recorded = 0, duplicates = 0;
        foreach (var entry in entries)
        {
            if (await ledger.RecordAsync(entry, cancellationToken))
            {
                recorded++;
            }
            else
            {
                duplicates++;
            }
        }

        var checkedBudget = await CheckAsync(campaignId, cancellationToken);
        return checkedBudget.IsSuccess
            ? new SpendRecorded(recorded, duplicates, checkedBudget.Value!.Budget, checkedBudget.Value.Check, checkedBudget.Value.Campaign)
            : checkedBudget.Problem!;
    }

    /// <summary>A coupon of the campaign was redeemed (CouponRedeemed): spend at face value on the mechanic spend line.</summary>
    public Task<Result<SpendRecorded>> RecordCouponRedemptionAsync(
        string campaignId, string couponId, decimal faceValue, DateTimeOffset redeemedAt, string? mechanicId, CampaignChannel? channel, string? variant,
        CancellationToken cancellationToken) =>
        RecordSpendAsync(campaignId, [SpendEntry.ForCouponRedemption(campaignId, couponId, faceValue, redeemedAt, options, mechanicId, channel, variant)], cancellationToken);

    public async Task<Result<BudgetStatus>> StatusAsync(string campaignId, CancellationToken cancellationToken)
    {
        var loaded = await CampaignStore.LoadAsync(campaigns, campaignId, cancellationToken);
        return loaded.IsSuccess
            ? BudgetStatus.Compute(loaded.Value!, await ledger.SummarizeAsync(campaignId, cancellationToken))
            : loaded.Problem!;
    }

    /// <summary>Runs the guard and applies its verdict (alerts once per crossing, pause at 100 %, resume after reallocation).</summary>
    public async Task<Result<BudgetChecked>> CheckAsync(string campaignId, CancellationToken cancellationToken)
    {
        var spend = await ledger.SummarizeAsync(campaignId, cancellationToken);
        BudgetStatus? status = null;
        BudgetCheck? check = null;
        var applied = await CampaignStore.ApplyAsync(campaigns, campaignId, null, campaign =>
        {
            status = BudgetStatus.Compute(campaign, spend);
            check = BudgetGuard.Check(campaign, status, options);
            return CampaignLifecycle.IsAllowed(campaign.State, CampaignAction.CheckBudget)
                ? campaign.ApplyBudgetCheck(check, CampaignActor.System, time.GetUtcNow())
                : CampaignChange.NoChange(campaign);
        }, cancellationToken);
        return applied.IsSuccess ? new BudgetChecked(status!, check!, applied.Value!) : applied.Problem!;
    }

    /// <summary>Moves money between lines (audited); a line never gives away more than it has left.</summary>
    public async Task<Result<BudgetChecked>> ReallocateAsync(
        string campaignId, BudgetLineKind from, BudgetLineKind to, decimal amount, string reason, long? expectedVersion, CampaignActor actor,
        CancellationToken cancellationToken)
    {
        var spend = await ledger.SummarizeAsync(campaignId, cancellationToken);
        var reallocated = await CampaignStore.ApplyAsync(campaigns, campaignId, expectedVersion,
            c => c.ReallocateBudget(from, to, amount, reason, BudgetStatus.Compute(c, spend), actor, time.GetUtcNow()), cancellationToken);

        // The guard runs at once so that mechanics it paused come back as soon as the money is there.
        return reallocated.IsSuccess ? await CheckAsync(campaignId, cancellationToken) : reallocated.Problem!;
    }
}
