using System.Collections.Concurrent;

namespace EcomFunctions.Storage.Coupons;

/// <summary>
/// A per-process read-through cache with a fixed time to live that also coalesces concurrent loads of one key: when a
/// flash sale opens, a thousand claims that miss the cache together cause one storage read, not a thousand.
/// </summary>
internal sealed class RecentValues<TValue>(TimeSpan timeToLive, TimeProvider time)
{
    // Bounded so a scan over millions of keys cannot grow it without limit; clearing is cheap and rare.
    private const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<string, (TValue Value, DateTimeOffset Until)> entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<TValue>>> loading = new(StringComparer.Ordinal);

    public async Task<TValue> GetAsync(string key, Func<Task<TValue>> load)
    {
        if (TryGet(key, out var cached))
        {
            return cached;
        }

        var started = loading.GetOrAdd(key, _ => new Lazy<Task<TValue>>(load, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            var value = await started.Value;
            Set(key, value);
            return value;
        }
        finally
        {
            loading.TryRemove(new KeyValuePair<string, Lazy<Task<TValue>>>(key, started));
        }
    }

    public bool TryGet(string key, out TValue value)
    {
        if (timeToLive > TimeSpan.Zero && entries.TryGetValue(key, out var entry) && entry.Until > time.GetUtcNow())
        {
            value = entry.Value;
            return true;
        }

        value = default!;
        return false;
    }

    public void Set(string key, TValue value)
    {
        if (timeToLive <= TimeSpan.Zero)
        {
            return;
        }

        if (entries.Count >= MaxEntries)
        {
            entries.Clear();
        }

        entries[key] = (value, time.GetUtcNow() + timeToLive);
    }

    public void Forget(string key) => entries.TryRemove(key, out _);
}
