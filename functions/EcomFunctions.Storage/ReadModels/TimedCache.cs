using System.Collections.Concurrent;

namespace EcomFunctions.Storage;

/// <summary>A tiny per-process read cache with a fixed time to live (values may be null).</summary>
internal sealed class TimedCache<TKey, TValue>(TimeSpan timeToLive, TimeProvider time) where TKey : notnull
{
    // Bounded so a scan over millions of ids cannot grow it without limit; clearing is cheap and rare.
    private const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<TKey, (TValue Value, DateTimeOffset Until)> entries = new();

    public bool TryGet(TKey key, out TValue value)
    {
        if (entries.TryGetValue(key, out var entry) && entry.Until > time.GetUtcNow())
        {
            value = entry.Value;
            return true;
        }

        value = default!;
        return false;
    }

    public void Set(TKey key, TValue value)
    {
        if (entries.Count >= MaxEntries)
        {
            entries.Clear();
        }

        entries[key] = (value, time.GetUtcNow() + timeToLive);
    }
}
