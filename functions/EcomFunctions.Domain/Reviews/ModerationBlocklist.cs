using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Reviews;

/// <summary>
/// The operator-managed blocklist, hot-reloaded. Every instance keeps the compiled list in an <see cref="ActiveBlocklist"/>:
/// a save on this instance compiles and swaps it in at once; every other instance compares the stored version at most
/// once per <see cref="ReviewOptions.BlocklistRefreshInterval"/> and loads and compiles a newer one when it finds it. The
/// first use on an empty store saves <see cref="DefaultBlocklist"/> as version 1. Screening in flight keeps the list it
/// started with.
/// </summary>
public sealed class ModerationBlocklist(IBlocklistStore store, ActiveBlocklist active, ReviewOptions options, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private long checkedAtTicks = long.MinValue;
    private volatile bool loaded;

    /// <summary>The list to screen with and its stored version.</summary>
    public async Task<(Blocklist Blocklist, long Version)> CurrentAsync(CancellationToken cancellationToken)
    {
        if (loaded && !IsDue())
        {
            return active.Read();
        }

        if (loaded && !gate.Wait(0, CancellationToken.None))
        {
            // Another caller is checking right now: screen with the list we have rather than queue behind a storage read.
            return active.Read();
        }

        if (!loaded)
        {
            await gate.WaitAsync(cancellationToken);
        }

        try
        {
            if (!loaded || IsDue())
            {
                await RefreshAsync(cancellationToken);
            }

            return active.Read();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The stored list for operators (seeding the default on first use).</summary>
    public async Task<StoredBlocklist> GetAsync(CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync(cancellationToken);
        if (stored is not null)
        {
            return stored;
        }

        await SeedAsync(cancellationToken);
        return await store.GetAsync(cancellationToken) ?? throw new InvalidOperationException("The blocklist store lost the seeded list.");
    }

    /// <summary>
    /// Replaces the list. Validation errors come per entry (<c>entries[3].term</c>); with <paramref name="expectedVersion"/>
    /// (an If-Match) a list changed meanwhile fails with PreconditionFailed. On success this instance screens with the new
    /// list from the next review on.
    /// </summary>
    public async Task<Result<StoredBlocklist>> ReplaceAsync(IReadOnlyList<BlocklistEntry> entries, long? expectedVersion, string updatedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var compiled = Blocklist.Compile(entries);
        if (!compiled.IsSuccess)
        {
            return compiled.Problem!;
        }

        Result<StoredBlocklist> saved;
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.GetVersionAsync(cancellationToken);
            if (expectedVersion is { } expected && expected != current)
            {
                return Problem.PreconditionFailed($"The blocklist is at version {current}, not {expected}.");
            }

            saved = await store.SaveAsync(entries, current, updatedBy, time.GetUtcNow(), cancellationToken);
            // Without an If-Match the operator asked for "this list now": a save racing ours is simply overwritten.
            if (saved.IsSuccess || saved.Problem!.Kind != ProblemKind.PreconditionFailed || expectedVersion is not null || attempt == options.SaveAttempts)
            {
                break;
            }
        }

        if (saved.IsSuccess)
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                if (saved.Value!.Version > active.Version || !loaded)
                {
                    active.Replace(compiled.Value!, saved.Value.Version);
                    loaded = true;
                }
            }
            finally
            {
                gate.Release();
            }
        }

        return saved;
    }

    public void Dispose() => gate.Dispose();

    private bool IsDue() => time.GetUtcNow().UtcTicks - Interlocked.Read(ref checkedAtTicks) >= options.BlocklistRefreshInterval.Ticks;

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var checkedAt = time.GetUtcNow();
        var version = await store.GetVersionAsync(cancellationToken);
        if (version == 0)
        {
            await SeedAsync(cancellationToken);
            version = await store.GetVersionAsync(cancellationToken);
        }

        if (!loaded || version != active.Version)
        {
            var stored = await store.GetAsync(cancellationToken) ?? throw new InvalidOperationException("The blocklist version exists but its list does not.");
            // A stored list was valid when saved; compiling it again can only fail after an incompatible code change,
            // which must not silently screen with no list at all.
            active.Replace(Blocklist.Compile(stored.Entries).GetValueOrThrow(), stored.Version);
            loaded = true;
        }

        Interlocked.Exchange(ref checkedAtTicks, checkedAt.UtcTicks);
    }

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        // Concurrent first uses on several instances: one save wins, the others see PreconditionFailed and read it.
        await store.SaveAsync(DefaultBlocklist.Entries, 0, "system:default-blocklist", time.GetUtcNow(), cancellationToken);
    }
}
