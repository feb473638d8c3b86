using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using HeadlessShop.Api.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HeadlessShop.Api.Catalog.Caching;

/// <summary>Everything a product page shows, read in one go: what the cache keeps per product.</summary>
public sealed record ProductPage(
    Product Product,
    IReadOnlyList<ProductVariant> Variants,
    IReadOnlyList<ProductImage> Images,
    IReadOnlyList<ProductOption> Options,
    IReadOnlyList<Collection> Collections,
    Category? Category);

/// <summary>A cached page; <see cref="Fresh"/> is false once an invalidation arrived (kept only to ride out outages).</summary>
public sealed record CachedProductPage(ProductPage Page, bool Fresh);

/// <summary>Bound from the <c>ProductCache</c> section.</summary>
public sealed class ProductCacheOptions
{
    public const string SectionName = "ProductCache";

    /// <summary>Off: product reads always go to the database.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Longest a page is served without asking the database (bounds staleness should an event be lost).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan FreshFor { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a page is kept for outages after it was last read from the database.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan StaleFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Products whose listing snapshot (row, variants with stock, images, category) each instance keeps in memory
    /// (<see cref="ListingSnapshotCache"/>); 0 turns the snapshots off. About 3.2 KB each (heap dump of the 100,000-product
    /// bench catalog, 3 variants and 2 images per product: half strings, half objects), so about 64 MB at the default.
    /// </summary>
    [Range(0, 1_000_000)]
    public int ListingEntries { get; set; } = 20_000;

    /// <summary>A database read slower than this counts as an outage: the stale page answers instead.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan DatabaseTimeout { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// The product page cache, shared by every API instance (Redis in Production, memory in Embedded mode; both pass
/// one contract suite). Each product has a generation counter: <see cref="InvalidateAsync"/> bumps it and drops the
/// fresh copy, and <see cref="SetAsync"/> stores a page only if the generation is still the one read before the
/// database read, so a slow reader can never put back a page older than an invalidation it raced with.
/// </summary>
public interface IProductPageStore
{
    Task<CachedProductPage?> GetAsync(long productId, CancellationToken cancellationToken);

    /// <summary>The product id a slug pointed to when last cached (callers check the page's slug still matches).</summary>
    Task<long?> FindIdAsync(string slug, CancellationToken cancellationToken);

    Task<long> GenerationAsync(long productId, CancellationToken cancellationToken);

    /// <summary>Stores the page fresh and as the outage copy; false (nothing stored) when invalidated since <paramref name="generation"/>.</summary>
    Task<bool> SetAsync(ProductPage page, long generation, CancellationToken cancellationToken);

    /// <summary>The product changed: the fresh copy goes, the stale copy stays for outages.</summary>
    Task InvalidateAsync(long productId, CancellationToken cancellationToken);

    /// <summary>The product is gone from the storefront: both copies go.</summary>
    Task EvictAsync(long productId, CancellationToken cancellationToken);
}

internal static class ProductPageJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Serialize(ProductPage page) => JsonSerializer.Serialize(page, Options);

    public static ProductPage? Deserialize(string json) => JsonSerializer.Deserialize<ProductPage>(json, Options);
}

/// <summary>Embedded mode: one process, so the cache is a dictionary (pages kept as JSON so no two requests share objects).</summary>
internal sealed class MemoryProductPageStore(IOptions<ProductCacheOptions> options, TimeProvider time) : IProductPageStore
{
    private sealed record Entry(string? Fresh, DateTimeOffset FreshUntil, string? Stale, DateTimeOffset StaleUntil, long Generation);

    private readonly ConcurrentDictionary<long, Entry> _entries = new();
    private readonly ConcurrentDictionary<string, long> _slugs = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public Task<CachedProductPage?> GetAsync(long productId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!_entries.TryGetValue(productId, out var entry))
        {
            return Task.FromResult<CachedProductPage?>(null);
        }
        if (entry.Fresh is not null && entry.FreshUntil > now)
        {
            return Task.FromResult(Page(entry.Fresh, fresh: true));
        }
        return Task.FromResult(entry.Stale is not null && entry.StaleUntil > now ? Page(entry.Stale, fresh: false) : null);
    }

    public Task<long?> FindIdAsync(string slug, CancellationToken cancellationToken) =>
        Task.FromResult(_slugs.TryGetValue(slug, out var id) ? id : (long?)null);

    public Task<long> GenerationAsync(long productId, CancellationToken cancellationToken) =>
        Task.FromResult(_entries.TryGetValue(productId, out var entry) ? entry.Generation : 0L);

    public Task<bool> SetAsync(ProductPage page, long generation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var json = ProductPageJson.Serialize(page);
        var now = time.GetUtcNow();
        var settings = options.Value;
        lock (_gate)
        {
            var current = _entries.TryGetValue(page.Product.Id, out var entry) ? entry.Generation : 0L;
            if (current != generation)
            {
                return Task.FromResult(false);
            }
            _entries[page.Product.Id] = new Entry(json, now + settings.FreshFor, json, now + settings.StaleFor, generation);
            _slugs[page.Product.Slug] = page.Product.Id;
        }
        return Task.FromResult(true);
    }

    public Task InvalidateAsync(long productId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _entries[productId] = _entries.TryGetValue(productId, out var entry)
                ? entry with { Fresh = null, Generation = entry.Generation + 1 }
                : new Entry(null, default, null, default, 1);
        }
        return Task.CompletedTask;
    }

    public Task EvictAsync(long productId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var generation = _entries.TryGetValue(productId, out var entry) ? entry.Generation + 1 : 1;
            _entries[productId] = new Entry(null, default, null, default, generation);
        }
        return Task.CompletedTask;
    }

    private static CachedProductPage? Page(string json, bool fresh) =>
        ProductPageJson.Deserialize(json) is { } page ? new CachedProductPage(page, fresh) : null;
}

/// <summary>
/// Production: three keys per product in one hash slot (<c>pp:{id}:fresh</c>, <c>:stale</c>, <c>:gen</c>) plus
/// <c>pp-slug:{slug}</c>. Writes are Lua scripts, so the generation check and the write are one atomic step.
/// </summary>
internal sealed class RedisProductPageStore(IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, IOptions<ProductCacheOptions> options)
    : IProductPageStore
{
    private const string SetScript = """
        local g = redis.call('GET', KEYS[3]) or '0'
        if g ~= ARGV[1] then return 0 end
        redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[4])
        redis.call('PEXPIRE', KEYS[3], ARGV[4])
        return 1
        """;

    // ARGV[1]: 1 to drop the stale copy too (eviction).
    private const string InvalidateScript = """
        redis.call('INCR', KEYS[3])
        redis.call('PEXPIRE', KEYS[3], ARGV[2])
        redis.call('DEL', KEYS[1])
        if ARGV[1] == '1' then redis.call('DEL', KEYS[2]) end
        return 1
        """;

    private IDatabase Db => redis.GetDatabase();

    private string Prefix => redisOptions.Value.KeyPrefix;

    public async Task<CachedProductPage?> GetAsync(long productId, CancellationToken cancellationToken)
    {
        var keys = Keys(productId);
        var values = await Db.StringGetAsync([keys[0], keys[1]]);
        if (values[0].HasValue && ProductPageJson.Deserialize(values[0].ToString()) is { } fresh)
        {
            return new CachedProductPage(fresh, true);
        }
        return values[1].HasValue && ProductPageJson.Deserialize(values[1].ToString()) is { } stale ? new CachedProductPage(stale, false) : null;
    }

    public async Task<long?> FindIdAsync(string slug, CancellationToken cancellationToken)
    {
        var value = await Db.StringGetAsync(Prefix + "pp-slug:" + slug);
        return value.HasValue && long.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    public async Task<long> GenerationAsync(long productId, CancellationToken cancellationToken)
    {
        var value = await Db.StringGetAsync(Keys(productId)[2]);
        return value.HasValue && long.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var generation) ? generation : 0;
    }

    public async Task<bool> SetAsync(ProductPage page, long generation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var settings = options.Value;
        var stored = (long)await Db.ScriptEvaluateAsync(SetScript, Keys(page.Product.Id),
        [
            generation.ToString(CultureInfo.InvariantCulture),
            ProductPageJson.Serialize(page),
            (long)settings.FreshFor.TotalMilliseconds,
            (long)settings.StaleFor.TotalMilliseconds,
        ]);
        if (stored == 1)
        {
            await Db.StringSetAsync(Prefix + "pp-slug:" + page.Product.Slug, page.Product.Id.ToString(CultureInfo.InvariantCulture), settings.StaleFor);
        }
        return stored == 1;
    }

    public Task InvalidateAsync(long productId, CancellationToken cancellationToken) => DropAsync(productId, evict: false);

    public Task EvictAsync(long productId, CancellationToken cancellationToken) => DropAsync(productId, evict: true);

    private async Task DropAsync(long productId, bool evict) =>
        await Db.ScriptEvaluateAsync(InvalidateScript, Keys(productId),
            [evict ? "1" : "0", (long)options.Value.StaleFor.TotalMilliseconds]);

    private RedisKey[] Keys(long productId)
    {
        var slot = Prefix + "pp:{" + productId.ToString(CultureInfo.InvariantCulture) + "}";
        return [slot + ":fresh", slot + ":stale", slot + ":gen"];
    }
}
