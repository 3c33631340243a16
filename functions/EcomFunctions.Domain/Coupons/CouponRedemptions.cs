using EcomFunctions.Domain.Platform;

using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Coupons;

/// <summary>One coupon held for an order.</summary>
public sealed record ReservedCoupon(string CouponId, string Code, decimal Discount, bool OnShipping, DateTimeOffset ExpiresAt);

/// <summary>The coupons an order holds after a reserve call.</summary>
public sealed record OrderReservation(string OrderId, IReadOnlyList<ReservedCoupon> Coupons)
{
    public decimal TotalDiscount => Coupons.Sum(c => c.Discount);

    /// <summary>When the first of the order's reservations lapses.</summary>
    public DateTimeOffset ExpiresAt => Coupons.Min(c => c.ExpiresAt);
}

/// <summary>One coupon redeemed by an order.</summary>
public sealed record RedeemedCoupon(string CouponId, string Code, decimal Discount);

/// <summary>The coupons an order redeemed on confirm.</summary>
public sealed record OrderRedemption(string OrderId, IReadOnlyList<RedeemedCoupon> Coupons)
{
    public decimal TotalDiscount => Coupons.Sum(c => c.Discount);
}

/// <summary>The coupons a release returned (to the wallet, or to Expired).</summary>
public sealed record OrderRelease(string OrderId, IReadOnlyList<string> ReleasedCouponIds);

/// <summary>
/// Redemption use cases (DESIGN §6): validate against a cart → reserve for an order (idempotent per order id) →
/// confirm on payment or release on cancel/timeout. Every state change is a pure <see cref="Coupon"/> transition
/// written with <see cref="ICouponStore.TryUpdateAsync"/>; on a version conflict the coupon is re-read and the
/// transition re-applied, so concurrent requests serialise on the coupon row and only one order can win it.
/// </summary>
public sealed class CouponRedemptions(
    ICouponDefinitionStore definitions,
    ICouponStore coupons,
    IMemberTierLookup tiers,
    ICampaignStatusLookup campaigns,
    TimeProvider time,
    CouponOptions options)
{
    /// <summary>
    /// The discount each code gives on the cart, or the reason it does not apply (per code, in the evaluation).
    /// Problems only for invalid input (400: malformed or duplicate codes, too many codes).
    /// </summary>
    public async Task<Result<CartEvaluation>> ValidateAsync(string memberId, IReadOnlyList<string> codes, Cart cart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cart);
        var parsed = ParseInput(memberId, orderId: null, codes);
        if (parsed.Problem is { } invalid)
        {
            return invalid;
        }

        var loaded = await LoadAsync(memberId, parsed.Value!, cancellationToken);
        var context = await ContextAsync(memberId, null, loaded, cancellationToken);
        return RedemptionRules.Evaluate(loaded.Select(l => l.Candidate).ToList(), cart, context);
    }

    /// <summary>
    /// Reserves the coupons for an order, all or nothing. The call states the order's complete set: coupons the
    /// order held before but no longer lists are released; re-reserving the same set is a no-op returning the same
    /// reservations. Problems: 400 input; 404 coupon not found; 403 wrong member/tier; 409 reserved by another order
    /// or already redeemed; 410 expired/retired; 422 not applicable (min spend, stacking, …); 423 campaign.
    /// </summary>
    public async Task<Result<OrderReservation>> ReserveAsync(string memberId, string orderId, IReadOnlyList<string> codes, Cart cart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cart);
        var parsed = ParseInput(memberId, orderId, codes);
        if (parsed.Problem is { } invalid)
        {
            return invalid;
        }

        var loaded = await LoadAsync(memberId, parsed.Value!, cancellationToken);
        var context = await ContextAsync(memberId, orderId, loaded, cancellationToken);
        var evaluation = RedemptionRules.Evaluate(loaded.Select(l => l.Candidate).ToList(), cart, context);
        if (evaluation.FirstRefused is { } refused)
        {
            return CouponProblems.For(refused.Refusal!.Value, $"{refused.Code}: {refused.Detail}");
        }

        var now = context.Now;
        var reserved = new List<(Coupon Coupon, bool Changed)>();
        for (var i = 0; i < loaded.Count; i++)
        {
            var discount = evaluation.Coupons[i].Discount;
            var step = await ApplyAsync(
                loaded[i].Stored!,
                c => c.Reserve(orderId, memberId, discount, now, options.ReservationExpiry),
                (_, after) => [CouponReserved.Create(after)],
                cancellationToken);
            if (step.Problem is { } problem)
            {
                // All or nothing: give back what this call reserved; reservations held before the call stay.
                foreach (var (coupon, changed) in reserved.Where(r => r.Changed))
                {
                    await ReleaseOneAsync(coupon, orderId, ReleaseReason.Cancelled, cancellationToken);
                }

                return problem;
            }

            reserved.Add((step.Value!.Coupon, step.Value.Changed));
        }

        var keep = reserved.Select(r => r.Coupon.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var previous in await coupons.ListByOrderAsync(orderId, cancellationToken))
        {
            if (!keep.Contains(previous.Value.Id) && previous.Value.IsHeldBy(orderId, now))
            {
                await ReleaseOneAsync(previous.Value, orderId, ReleaseReason.Cancelled, cancellationToken);
            }
        }

        return new OrderReservation(
            orderId,
            [.. reserved.Select(r => new ReservedCoupon(r.Coupon.Id, r.Coupon.Code, ReservationDiscount(r.Coupon), r.Coupon.Benefit.AppliesToShipping, r.Coupon.Reservation?.ExpiresAt ?? now))]);
    }

    /// <summary>
    /// Redeems every coupon still reserved for the order (payment succeeded). Idempotent: coupons already redeemed
    /// by this order are returned again without a second event. 404 when the order never reserved anything; 409
    /// not-reserved when its reservations were all released or taken over since.
    /// </summary>
    public async Task<Result<OrderRedemption>> ConfirmAsync(string orderId, CancellationToken cancellationToken)
    {
        if (!CouponKeys.IsValidId(orderId))
        {
            return Problem.Validation("orderId", "Is not a valid id.");
        }

        var ofOrder = await coupons.ListByOrderAsync(orderId, cancellationToken);
        if (ofOrder.Count == 0)
        {
            return CouponProblems.For(RedemptionRefusal.ReservationNotFound, $"Order {orderId} holds no coupon.");
        }

        var now = time.GetUtcNow();
        var redeemed = new List<RedeemedCoupon>();
        foreach (var stored in ofOrder.Where(s => IsOrders(s.Value, orderId)))
        {
            var step = await ApplyAsync(stored, c => c.Confirm(orderId, now), (_, after) => [CouponRedeemed.Create(after)], cancellationToken);
            if (step.Value is { } done)
            {
                redeemed.Add(new RedeemedCoupon(done.Coupon.Id, done.Coupon.Code, done.Coupon.RedeemedDiscount ?? 0m));
            }
            else if (step.Problem is { Kind: ProblemKind.Unavailable } unavailable)
            {
                return unavailable;
            }
        }

        return redeemed.Count > 0
            ? new OrderRedemption(orderId, redeemed)
            : CouponProblems.For(RedemptionRefusal.NotReserved, $"Order {orderId}'s coupons were released (reservation expired or cancelled).");
    }

    /// <summary>
    /// Releases every coupon the order holds (order cancelled). Idempotent: an order holding nothing releases
    /// nothing. 409 already-redeemed when the order has redeemed a coupon (refunds are not a release).
    /// </summary>
    public async Task<Result<OrderRelease>> ReleaseAsync(string orderId, CancellationToken cancellationToken)
    {
        if (!CouponKeys.IsValidId(orderId))
        {
            return Problem.Validation("orderId", "Is not a valid id.");
        }

        var ofOrder = await coupons.ListByOrderAsync(orderId, cancellationToken);
        if (ofOrder.FirstOrDefault(s => s.Value.State == CouponState.Redeemed && string.Equals(s.Value.RedeemedOrderId, orderId, StringComparison.Ordinal)) is { } spent)
        {
            return CouponProblems.For(RedemptionRefusal.AlreadyRedeemed, $"Order {orderId} has redeemed coupon {spent.Value.Id}.");
        }

        var now = time.GetUtcNow();
        var released = new List<string>();
        foreach (var stored in ofOrder)
        {
            var step = await ApplyAsync(stored, c => c.Release(orderId, now), (before, after) => [CouponReleased.Create(before, after, ReleaseReason.Cancelled, now)], cancellationToken);
            if (step.Problem is { } problem)
            {
                return problem;
            }

            if (step.Value!.Changed)
            {
                released.Add(stored.Value.Id);
            }
        }

        return new OrderRelease(orderId, released);
    }

    /// <summary>
    /// The expiry sweep (timer): releases up to <see cref="CouponOptions.ExpirySweepBatchSize"/> lapsed reservations
    /// and returns how many it released. Lapsed reservations are already treated as released by every rule, so the
    /// sweep only makes the wallet and the events catch up; running it twice is harmless.
    /// </summary>
    public async Task<int> ExpireReservationsAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var released = 0;
        foreach (var stored in await coupons.ListLapsedReservationsAsync(now, options.ExpirySweepBatchSize, cancellationToken))
        {
            var step = await ApplyAsync(
                stored,
                c => c.ExpireReservation(now),
                (before, after) => [CouponReleased.Create(before, after, ReleaseReason.ReservationExpired, now)],
                cancellationToken);
            released += step.Value is { Changed: true } ? 1 : 0;
        }

        return released;
    }

    private static bool IsOrders(Coupon coupon, string orderId) =>
        (coupon.State == CouponState.Reserved && string.Equals(coupon.Reservation?.OrderId, orderId, StringComparison.Ordinal))
        || (coupon.State == CouponState.Redeemed && string.Equals(coupon.RedeemedOrderId, orderId, StringComparison.Ordinal));

    private static decimal ReservationDiscount(Coupon coupon) =>
        coupon.State == CouponState.Redeemed ? coupon.RedeemedDiscount ?? 0m : coupon.Reservation?.Discount ?? 0m;

    private async Task ReleaseOneAsync(Coupon coupon, string orderId, ReleaseReason reason, CancellationToken cancellationToken)
    {
        if (await coupons.ReloadAsync(coupon, cancellationToken) is { } stored)
        {
            var now = time.GetUtcNow();
            await ApplyAsync(stored, c => c.Release(orderId, now), (before, after) => [CouponReleased.Create(before, after, reason, now)], cancellationToken);
        }
    }

    /// <summary>Applies a transition with optimistic concurrency: on a lost race, re-read and re-apply.</summary>
    private async Task<Result<CouponTransition>> ApplyAsync(
        Versioned<Coupon> stored,
        Func<Coupon, Result<CouponTransition>> transition,
        Func<Coupon, Coupon, IReadOnlyList<DomainEvent>> events,
        CancellationToken cancellationToken)
    {
        var current = stored;
        for (var attempt = 0; attempt < options.MaxConcurrencyRetries; attempt++)
        {
            var step = transition(current.Value);
            if (step.Problem is not null || !step.Value!.Changed)
            {
                return step;
            }

            if (await coupons.TryUpdateAsync(step.Value.Coupon, current.Version, events(current.Value, step.Value.Coupon), cancellationToken))
            {
                return step;
            }

            current = await coupons.ReloadAsync(current.Value, cancellationToken)
                ?? throw new InvalidOperationException($"Coupon {current.Value.Id} disappeared during an update.");
        }

        return Problem.Unavailable($"Coupon {stored.Value.Id} is being changed concurrently; retry.");
    }

    private Result<IReadOnlyList<CouponCode>> ParseInput(string memberId, string? orderId, IReadOnlyList<string> codes)
    {
        var errors = new FieldErrors()
            .AddIf(!CouponKeys.IsValidId(memberId), "memberId", "Is not a valid id.")
            .AddIf(orderId is not null && !CouponKeys.IsValidId(orderId), "orderId", "Is not a valid id.");
        if (codes is null || codes.Count == 0 || codes.Count > options.MaxCouponsPerOrder)
        {
            errors.Add("codes", $"Give 1 to {options.MaxCouponsPerOrder} codes.");
            return errors.ToProblem()!;
        }

        var parsed = new List<CouponCode>();
        for (var i = 0; i < codes.Count; i++)
        {
            var code = CouponCode.Parse(codes[i]);
            if (code.Problem is { } problem)
            {
                errors.Add($"codes[{i}]", problem.Errors?.Values.FirstOrDefault()?.FirstOrDefault() ?? "Is not a valid code.");
            }
            else if (parsed.Contains(code.Value!))
            {
                errors.Add($"codes[{i}]", "Is given twice.");
            }
            else
            {
                parsed.Add(code.Value!);
            }
        }

        return errors.ToProblem() is { } invalid ? invalid : parsed;
    }

    private async Task<List<(RedemptionCandidate Candidate, Versioned<Coupon>? Stored)>> LoadAsync(string memberId, IReadOnlyList<CouponCode> codes, CancellationToken cancellationToken)
    {
        var loaded = new List<(RedemptionCandidate, Versioned<Coupon>?)>();
        var definitionCache = new Dictionary<string, CouponDefinition?>(StringComparer.Ordinal);
        foreach (var code in codes)
        {
            var stored = await coupons.FindByCodeAsync(memberId, code.Value, cancellationToken);
            CouponDefinition? definition = null;
            if (stored is not null && !definitionCache.TryGetValue(stored.Value.DefinitionId, out definition))
            {
                definition = (await definitions.GetCachedAsync(stored.Value.DefinitionId, cancellationToken))?.Value;
                definitionCache[stored.Value.DefinitionId] = definition;
            }

            loaded.Add((new RedemptionCandidate(code.Value, stored?.Value, definition), stored));
        }

        return loaded;
    }

    private async Task<RedemptionContext> ContextAsync(
        string memberId,
        string? orderId,
        List<(RedemptionCandidate Candidate, Versioned<Coupon>? Stored)> loaded,
        CancellationToken cancellationToken)
    {
        // The tier only matters for bearer codes; the campaign only for linked coupons.
        MemberTier? tier = loaded.Any(l => l.Candidate.Coupon is { IsBearer: true })
            ? await tiers.GetTierAsync(memberId, cancellationToken)
            : null;
        var liveness = new Dictionary<string, CampaignLiveness>(StringComparer.Ordinal);
        foreach (var campaignId in loaded.Select(l => l.Candidate.Coupon?.CampaignId).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            liveness[campaignId] = await campaigns.GetLivenessAsync(campaignId, cancellationToken);
        }

        return new RedemptionContext(memberId, tier, orderId, time.GetUtcNow(), liveness);
    }
}
