using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Coupons;

/// <summary>
/// Operator use cases for coupon definitions: create, get, list, revise ("update while unused"), activate, retire.
/// Results carry the stored version so the App can expose it as an ETag and accept If-Match.
/// </summary>
public sealed class CouponDefinitions(
    ICouponDefinitionStore store,
    ICouponInventory inventory,
    IRandomSource random,
    TimeProvider time,
    CouponOptions options)
{
    public const int MaxPageSize = 200;

    /// <summary>
    /// Creates a Draft. With <paramref name="definitionId"/> given (e.g. from an Idempotency-Key) a retry with the
    /// same terms returns the existing definition; different terms under a taken id → 409 definition-exists.
    /// Missing time zone and stacking group are filled from <see cref="CouponOptions"/>.
    /// </summary>
    public async Task<Result<Versioned<CouponDefinition>>> CreateAsync(CouponTerms terms, string? definitionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var id = definitionId ?? CouponKeys.NewId("cd", random);
        var completed = WithDefaults(terms);
        var created = CouponDefinition.Create(id, completed, time.GetUtcNow());
        if (created.Problem is { } invalid)
        {
            return invalid;
        }

        if (await store.TryAddAsync(created.Value!, cancellationToken) is { } version)
        {
            return new Versioned<CouponDefinition>(created.Value!, version);
        }

        var existing = await store.GetAsync(id, cancellationToken);
        return existing is not null && existing.Value.Terms.Equals(completed)
            ? existing
            : Problem.Conflict("definition-exists", $"A different coupon definition {id} exists.");
    }

    public async Task<Result<Versioned<CouponDefinition>>> GetAsync(string definitionId, CancellationToken cancellationToken) =>
        CouponKeys.IsValidId(definitionId) && await store.GetAsync(definitionId, cancellationToken) is { } found
            ? found
            : CouponProblems.For(ClaimRefusal.DefinitionNotFound, $"No coupon definition {definitionId}.");

    public async Task<Result<Page<CouponDefinition>>> ListAsync(CouponDefinitionState? state, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        if (pageSize is < 1 or > MaxPageSize)
        {
            return Problem.Validation("pageSize", $"Must be between 1 and {MaxPageSize}.");
        }

        return await store.ListAsync(state, pageSize, continuationToken, cancellationToken);
    }

    /// <summary>
    /// New terms under <see cref="CouponDefinition.Revise"/>'s rule. <paramref name="expectedVersion"/> (If-Match)
    /// makes it conditional (412 when stale); without it the change is re-applied to the latest version. For an
    /// Active definition the inventory is then raised to the new quantity/budget — also when the terms were
    /// already saved by an earlier attempt, so a retry repairs a crash between the two steps.
    /// </summary>
    public Task<Result<Versioned<CouponDefinition>>> ReviseAsync(string definitionId, CouponTerms terms, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var completed = WithDefaults(terms);
        return ChangeAsync(definitionId, expectedVersion, (d, now) => d.Revise(completed, now), cancellationToken);
    }

    /// <summary>Allocates the sharded inventory, then makes the definition Active (claims start).</summary>
    public Task<Result<Versioned<CouponDefinition>>> ActivateAsync(string definitionId, CancellationToken cancellationToken) =>
        ActivateAsync(definitionId, null, cancellationToken);

    /// <summary>Activation, conditional on <paramref name="expectedVersion"/> (If-Match) when given.</summary>
    public Task<Result<Versioned<CouponDefinition>>> ActivateAsync(string definitionId, string? expectedVersion, CancellationToken cancellationToken) =>
        ChangeAsync(definitionId, expectedVersion, (d, now) => d.Activate(now), cancellationToken, allocateBeforeSave: true);

    /// <summary>Retires the definition: no more issues, and issued coupons stop being redeemable.</summary>
    public Task<Result<Versioned<CouponDefinition>>> RetireAsync(string definitionId, CancellationToken cancellationToken) =>
        RetireAsync(definitionId, null, cancellationToken);

    /// <summary>Retirement, conditional on <paramref name="expectedVersion"/> (If-Match) when given.</summary>
    public Task<Result<Versioned<CouponDefinition>>> RetireAsync(string definitionId, string? expectedVersion, CancellationToken cancellationToken) =>
        ChangeAsync(definitionId, expectedVersion, (d, now) => d.Retire(now), cancellationToken);

    /// <summary>The definition's inventory now (allocated, issued, released, money issued), for operators.</summary>
    public async Task<Result<InventorySummary>> InventoryAsync(string definitionId, CancellationToken cancellationToken)
    {
        var found = await GetAsync(definitionId, cancellationToken);
        return found.Problem is { } missing ? missing : await inventory.GetSummaryAsync(definitionId, cancellationToken);
    }

    /// <summary>
    /// The linked campaign ended or was killed (<paramref name="reason"/>, e.g. "Campaign c-618 ended"): every
    /// definition linked to it gives up its unused inventory for good and closes its claims; coupons already issued stay
    /// redeemable. Releases before closing so that CouponDefinitionClosed can carry the released count, which is
    /// cumulative in the shards and therefore right even when a crash made this run twice. Idempotent: a duplicate event
    /// releases nothing more and publishes nothing.
    /// </summary>
    public async Task<Result<IReadOnlyList<CampaignClosure>>> CloseForCampaignAsync(string campaignId, string reason, CancellationToken cancellationToken)
    {
        if (!CouponKeys.IsValidId(campaignId))
        {
            return Problem.Validation("campaignId", "Is not a valid id.");
        }

        var closures = new List<CampaignClosure>();
        foreach (var linked in await store.ListByCampaignAsync(campaignId, cancellationToken))
        {
            var released = await inventory.ReleaseUnusedAsync(linked.Id, cancellationToken);
            var closed = await ChangeAsync(
                linked.Id,
                null,
                (d, now) => d.Close(now, reason),
                cancellationToken,
                events: (before, after) => before.State != after.State && after.State == CouponDefinitionState.Closed
                    ? [CouponDefinitionClosed.Create(after, released.Summary)]
                    : []);
            if (closed.Problem is { } problem)
            {
                return problem;
            }

            closures.Add(new CampaignClosure(linked.Id, closed.Value!.Value.State, released.ReleasedNow, released.Summary));
        }

        return closures;
    }

    private async Task<Result<Versioned<CouponDefinition>>> ChangeAsync(
        string definitionId,
        string? expectedVersion,
        Func<CouponDefinition, DateTimeOffset, Result<CouponDefinition>> change,
        CancellationToken cancellationToken,
        bool allocateBeforeSave = false,
        Func<CouponDefinition, CouponDefinition, IReadOnlyList<DomainEvent>>? events = null)
    {
        for (var attempt = 0; attempt < options.MaxConcurrencyRetries; attempt++)
        {
            var current = await GetAsync(definitionId, cancellationToken);
            if (current.Problem is { } missing)
            {
                return missing;
            }

            var stored = current.Value!;
            if (expectedVersion is not null && !string.Equals(expectedVersion, stored.Version, StringComparison.Ordinal))
            {
                return Problem.PreconditionFailed($"Definition {definitionId} has changed since version {expectedVersion}.");
            }

            var next = change(stored.Value, time.GetUtcNow());
            if (next.Problem is { } refused)
            {
                return refused;
            }

            var changed = next.Value!;
            var activeAfter = changed.State == CouponDefinitionState.Active;

            // Activation: shards must exist before the first claim can see Active. Revision: the definition is saved
            // first so inventory never exceeds what the saved terms allow.
            if (activeAfter && allocateBeforeSave)
            {
                await inventory.EnsureAllocatedAsync(changed.Id, InventoryPlan.For(changed, options), cancellationToken);
            }

            Versioned<CouponDefinition> saved;
            if (ReferenceEquals(changed, stored.Value))
            {
                saved = stored;
            }
            else if (await store.TryReplaceAsync(changed, stored.Version, events?.Invoke(stored.Value, changed) ?? [], cancellationToken) is { } version)
            {
                saved = new Versioned<CouponDefinition>(changed, version);
            }
            else if (expectedVersion is not null)
            {
                return Problem.PreconditionFailed($"Definition {definitionId} has changed since version {expectedVersion}.");
            }
            else
            {
                continue;
            }

            if (activeAfter && !allocateBeforeSave)
            {
                await inventory.EnsureAllocatedAsync(changed.Id, InventoryPlan.For(changed, options), cancellationToken);
            }

            return saved;
        }

        return Problem.Unavailable($"Definition {definitionId} is being changed concurrently; retry.");
    }

    private CouponTerms WithDefaults(CouponTerms terms) => terms with
    {
        TimeZoneId = terms.TimeZoneId ?? options.StoreTimeZoneId,
        StackingGroup = terms.StackingGroup ?? options.DefaultStackingGroup,
    };
}

/// <summary>What closing one linked definition did: its state after, units released by this call, and its inventory.</summary>
public sealed record CampaignClosure(string DefinitionId, CouponDefinitionState State, int ReleasedNow, InventorySummary Inventory);
