using System.Collections.Concurrent;

namespace HeadlessShop.Api.Common;

/// <summary>
/// A concurrent dictionary with an age limit per entry and a bound on the number of entries: at the bound, about a
/// tenth of the entries go (dictionary order, so effectively at random), which keeps memory flat without an LRU's
/// bookkeeping on every read. The caches built on it decide when entries are invalid; this only holds them.
/// </summary>
internal sealed class BoundedCache<TKey, TValue>(TimeProvider time) where TKey : notnull where TValue : class
{
    // A class, not a record: conditional removal compares entries by reference.
    private sealed class Entry(TValue value, DateTimeOffset freshUntil)
    {
        public TValue Value { get; } = value;
        public DateTimeOffset FreshUntil { get; } = freshUntil;
    }

    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public bool TryGet(TKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry) && entry.FreshUntil > time.GetUtcNow())
        {
            value = entry.Value;
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>Stores the value and returns an undo that removes exactly this store (not a later one).</summary>
    public Action Set(TKey key, TValue value, TimeSpan freshFor, int maxEntries)
    {
        if (Count >= maxEntries)
        {
            Shrink(Math.Max(1, maxEntries / 10));
        }
        var entry = new Entry(value, time.GetUtcNow() + freshFor);
        var added = false;
        _entries.AddOrUpdate(key, _ => { added = true; return entry; }, (_, _) => { added = false; return entry; });
        if (added)
        {
            Interlocked.Increment(ref _count);
        }
        return () =>
        {
            if (_entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry)))
            {
                Interlocked.Decrement(ref _count);
            }
        };
    }

    public void Remove(TKey key)
    {
        if (_entries.TryRemove(key, out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    public void Clear() => Shrink(int.MaxValue);

    private void Shrink(int drop)
    {
        foreach (var key in _entries.Keys)
        {
            if (drop-- <= 0)
            {
                break;
            }
            Remove(key);
        }
    }
}
