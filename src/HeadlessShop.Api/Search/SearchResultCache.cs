using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using HeadlessShop.Api.Common;
using Microsoft.Extensions.Options;

namespace HeadlessShop.Api.Search;

/// <summary>Bound from the <c>Search</c> section.</summary>
public sealed class SearchOptions
{
    public const string SectionName = "Search";

    /// <summary>
    /// Distinct searches whose results each instance keeps for the PostgreSQL engine (<see cref="SearchResultCache"/>);
    /// 0 turns the cache off. A few KB each.
    /// </summary>
    [Range(0, 100_000)]
    public int ResultCacheEntries { get; set; } = 2_000;

    /// <summary>How long an unused result is kept. Freshness does not depend on it: see <see cref="SearchResultCache"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ResultCacheFor { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// This instance's copy of recent database search results, each stored with the search generation it was computed
/// at (migration AddSearchGenerations: 16 stripes that move whenever a transaction that wrote products commits).
/// A search reads the generation first, in its own snapshot, and is answered from here only if the result was stored
/// at that same generation, so it can never trail a commit it could see: a write is visible to the next search on
/// every instance, with no event in between (unlike the listing snapshots).
/// <para>
/// A result is computed after its generation was read, so it is never older than that generation; a concurrent
/// commit can make it newer, which is harmless. Held results are shared by concurrent requests: never modify one.
/// </para>
/// </summary>
public sealed class SearchResultCache(IOptions<SearchOptions> options, TimeProvider time)
{
    private sealed record Held(string Generation, SearchHits Hits);

    private readonly BoundedCache<string, Held> _entries = new(time);

    public bool Enabled => options.Value.ResultCacheEntries > 0;

    /// <summary>Results held now (tests).</summary>
    public int Count => _entries.Count;

    /// <summary>The cache key of a search: every input that shapes its result.</summary>
    public static string KeyOf(SearchQuery query) => JsonSerializer.Serialize(query);

    public bool TryGet(string key, string generation, out SearchHits hits)
    {
        if (Enabled && _entries.TryGet(key, out var held) && held.Generation == generation)
        {
            hits = held.Hits;
            return true;
        }
        hits = null!;
        return false;
    }

    public void Clear() => _entries.Clear();

    public void Store(string key, string generation, SearchHits hits)
    {
        if (Enabled)
        {
            _entries.Set(key, new Held(generation, hits), options.Value.ResultCacheFor, options.Value.ResultCacheEntries);
        }
    }
}
