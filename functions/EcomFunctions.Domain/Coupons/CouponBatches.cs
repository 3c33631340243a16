using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Coupons;

/// <summary>A batch after its request: the chunks still to generate (one queue message each).</summary>
public sealed record BatchRequested(CouponBatch Batch, IReadOnlyList<CouponBatchChunk> ChunksToGenerate);

/// <summary>
/// Bulk code batches (DESIGN §6 issue path "bulk codes"): request (reserves inventory all or nothing), generate
/// chunk by chunk from a queue, progress, and the code listing for the CSV download.
/// </summary>
/// <remarks>
/// Bulk codes are bearer coupons: not bound to a member, redeemable once by any member of at least the
/// definition's minimum tier, with the minimum tier's benefit. They count towards total quantity and budget, not
/// the per-member or daily limits (those pace member issuance), and are not gated by the campaign being live
/// (batches are usually prepared before a campaign starts; redemption still honours the kill switch).
/// </remarks>
public sealed class CouponBatches(
    ICouponDefinitionStore definitions,
    ICouponInventory inventory,
    ICouponBatchStore batches,
    IRandomSource random,
    TimeProvider time,
    CouponOptions options)
{
    private const int CodeSecretBytes = 32;

    /// <summary>
    /// Requests a batch (202 in the App). Idempotent per (definition, <paramref name="requestId"/>): a retry returns
    /// the same batch and the chunks not yet generated. 400 count/prefix; 404/409/410 definition state; 410 sold
    /// out or budget when the inventory cannot cover the whole batch; 422 when the request id was used with other
    /// parameters.
    /// </summary>
    public async Task<Result<BatchRequested>> RequestAsync(string definitionId, int count, string? prefix, string requestId, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .AddIf(!CouponKeys.IsValidId(definitionId), "definitionId", "Is not a valid id.")
            .AddIf(!CouponKeys.IsValidId(requestId, CouponKeys.MaxRequestIdLength), "idempotencyKey", "Is not a valid key.");
        if (errors.ToProblem() is { } invalid)
        {
            return invalid;
        }

        var batchId = CouponKeys.BatchIdFor(definitionId, requestId);
        var stored = await batches.GetAsync(batchId, cancellationToken);
        if (stored is null)
        {
            var definition = (await definitions.GetAsync(definitionId, cancellationToken))?.Value;
            if (definition is null)
            {
                return CouponProblems.For(ClaimRefusal.DefinitionNotFound, $"No coupon definition {definitionId}.");
            }

            var secret = new byte[CodeSecretBytes];
            random.Fill(secret);
            var requested = CouponBatch.Request(batchId, definition, count, prefix, time.GetUtcNow(), options, Convert.ToBase64String(secret));
            if (requested.Problem is { } refused)
            {
                return refused;
            }

            await batches.TryAddAsync(requested.Value!, cancellationToken);
            stored = await batches.GetAsync(batchId, cancellationToken)
                ?? throw new InvalidOperationException($"Batch {batchId} was not stored.");
        }

        var canonicalPrefix = CouponCodePrefix.Normalize(prefix, options.MaxCodePrefixLength);
        if (canonicalPrefix.Problem is not null || !stored.Value.IsSameRequest(definitionId, count, canonicalPrefix.Value!))
        {
            return CouponProblems.For(ClaimRefusal.IssueKeyReused, "This idempotency key was already used for a different batch.");
        }

        if (stored.Value.State == CouponBatchState.Requested)
        {
            var batch = stored.Value;
            var reservation = await inventory.TryReserveBulkAsync(batch.DefinitionId, batch.Id, batch.Count, batch.FaceValue, cancellationToken);
            var updated = await UpdateAsync(batch.Id, b => reservation.Reserved ? b.Accept() : b.Reject(reservation.Refusal!.Value), cancellationToken);
            if (updated.Problem is { } problem)
            {
                return problem;
            }

            stored = updated.Value!;
        }

        var current = stored.Value;
        if (current.State == CouponBatchState.Rejected)
        {
            return CouponProblems.For(current.Refusal ?? ClaimRefusal.SoldOut, $"Not enough inventory for {current.Count} codes.");
        }

        return new BatchRequested(current, [.. current.Chunks().Where(c => !current.CompletedChunks.Contains(c.Index))]);
    }

    /// <summary>
    /// Generates one chunk's codes (the queue function's work). Idempotent: a duplicate message derives the same codes
    /// for the same positions and inserts nothing twice; a completed chunk is a no-op. Colliding codes move to the next
    /// attempt; the last chunk completes the batch and writes CouponBatchCompleted to the outbox.
    /// </summary>
    public async Task<Result<CouponBatch>> GenerateChunkAsync(CouponBatchChunk chunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        if (await batches.GetAsync(chunk.BatchId, cancellationToken) is not { } stored)
        {
            return Problem.NotFound($"No coupon batch {chunk.BatchId}.");
        }

        var batch = stored.Value;
        if (chunk.Index < 0 || chunk.Index >= batch.ChunkCount || batch.ChunkOf(chunk.FirstPosition) != chunk)
        {
            return Problem.Validation("chunk", $"Chunk {chunk.Index} does not match batch {batch.Id}.");
        }

        if (batch.State == CouponBatchState.Completed)
        {
            return batch;
        }

        if (batch.State != CouponBatchState.Generating)
        {
            return Problem.Conflict("batch-not-generating", $"Batch {batch.Id} is {batch.State}.");
        }

        if (!batch.CompletedChunks.Contains(chunk.Index))
        {
            var attempts = new Dictionary<int, int>();
            var positions = Enumerable.Range(chunk.FirstPosition, chunk.Count).ToDictionary(p => CouponKeys.BatchCouponId(batch.Id, chunk.Index, p));
            var pending = positions.Values.Select(p => batch.CouponAt(chunk, p, batch.CodeAt(p))).ToList();
            for (var attempt = 1; pending.Count > 0; attempt++)
            {
                if (attempt > options.MaxCodeAttempts)
                {
                    return Problem.Unavailable($"Could not find free codes for {pending.Count} coupons of batch {batch.Id}; retry.");
                }

                var inserted = await batches.AddCouponsAsync(pending, cancellationToken);
                foreach (var id in inserted.CodeTaken)
                {
                    attempts[positions[id]] = attempt;
                }

                pending = [.. inserted.CodeTaken.Select(id => batch.CouponAt(chunk, positions[id], batch.CodeAt(positions[id], attempt)))];
            }

            await batches.MarkChunkGeneratedAsync(batch.Id, chunk.Index, attempts, cancellationToken);
        }

        var completed = await UpdateAsync(batch.Id, b => b.Complete(time.GetUtcNow()), cancellationToken);
        return completed.Map(v => v.Value);
    }

    public async Task<Result<CouponBatch>> GetAsync(string batchId, CancellationToken cancellationToken) =>
        CouponKeys.IsValidId(batchId) && await batches.GetAsync(batchId, cancellationToken) is { } found
            ? found.Value
            : Problem.NotFound($"No coupon batch {batchId}.");

    /// <summary>The batches requested for a definition, newest first (the operator's download list).</summary>
    public async Task<Result<IReadOnlyList<CouponBatch>>> ListAsync(string definitionId, CancellationToken cancellationToken) =>
        CouponKeys.IsValidId(definitionId)
            ? Result<IReadOnlyList<CouponBatch>>.Success(await batches.ListByDefinitionAsync(definitionId, cancellationToken))
            : Problem.NotFound($"No coupon definition {definitionId}.");

    /// <summary>Every code of the batch in position order, for the CSV download; 409 until the batch is completed.</summary>
    public async Task<Result<IReadOnlyList<BatchCode>>> ListCodesAsync(string batchId, CancellationToken cancellationToken)
    {
        var found = await GetAsync(batchId, cancellationToken);
        if (found.Problem is { } missing)
        {
            return missing;
        }

        var batch = found.Value!;
        if (batch.State != CouponBatchState.Completed)
        {
            return Problem.Conflict("batch-not-completed", $"Batch {batchId} is {batch.State} ({batch.Generated} of {batch.Count} codes).");
        }

        var codes = new List<BatchCode>(batch.Count);
        var secret = Convert.FromBase64String(batch.CodeSecret);
        foreach (var chunk in await batches.ListGeneratedChunksAsync(batchId, cancellationToken))
        {
            var range = batch.ChunkOf(chunk.Index * batch.CodesPerChunk);
            for (var position = range.FirstPosition; position < range.FirstPosition + range.Count; position++)
            {
                var code = CouponCodeGenerator.Derive(batch.Prefix, secret, batch.CodeLength, position, chunk.Attempts.GetValueOrDefault(position));
                codes.Add(new BatchCode(position, CouponKeys.BatchCouponId(batch.Id, chunk.Index, position), code.Value));
            }
        }

        return codes;
    }

    private async Task<Result<Versioned<CouponBatch>>> UpdateAsync(string batchId, Func<CouponBatch, CouponBatch> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < options.MaxConcurrencyRetries; attempt++)
        {
            var stored = await batches.GetAsync(batchId, cancellationToken)
                ?? throw new InvalidOperationException($"Batch {batchId} disappeared.");
            var next = change(stored.Value);
            if (ReferenceEquals(next, stored.Value))
            {
                return stored;
            }

            IReadOnlyList<DomainEvent> events = next.State == CouponBatchState.Completed && stored.Value.State != CouponBatchState.Completed
                ? [CouponBatchCompleted.Create(next)]
                : [];
            if (await batches.TryUpdateAsync(next, stored.Version, events, cancellationToken))
            {
                return (await batches.GetAsync(batchId, cancellationToken))!;
            }
        }

        return Problem.Unavailable($"Batch {batchId} is being changed concurrently; retry.");
    }
}
