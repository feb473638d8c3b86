using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace HeadlessShop.GraphQL.Transport.PersistedQueries;

/// <summary>
/// In-process store for embedded mode and tests. Automatic entries are bounded by total document size
/// (<see cref="GraphQLTransportOptions.PersistedQueryCacheBytes"/>) and may be evicted, which APQ clients handle by
/// resending the text; trusted documents are never evicted.
/// </summary>
public sealed class MemoryPersistedQueryStore : IPersistedQueryStore, IDisposable
{
    private readonly MemoryCache _automatic;
    private readonly ConcurrentDictionary<string, string> _trusted = new(StringComparer.Ordinal);

    public MemoryPersistedQueryStore(IOptions<GraphQLTransportOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _automatic = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.Value.PersistedQueryCacheBytes) });
    }

    public ValueTask<string?> GetAsync(PersistedQueryKind kind, string key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(kind == PersistedQueryKind.Trusted
            ? _trusted.GetValueOrDefault(key)
            : _automatic.TryGetValue(key, out string? document) ? document : null);

    public ValueTask SetAsync(PersistedQueryKind kind, string key, string document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (kind == PersistedQueryKind.Trusted)
        {
            _trusted[key] = document;
        }
        else
        {
            _automatic.Set(key, document, new MemoryCacheEntryOptions { Size = Math.Max(1, document.Length) });
        }
        return ValueTask.CompletedTask;
    }

    public void Dispose() => _automatic.Dispose();
}
