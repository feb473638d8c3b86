namespace HeadlessShop.GraphQL.Transport.PersistedQueries;

/// <summary>Which namespace a persisted document lives in.</summary>
public enum PersistedQueryKind
{
    /// <summary>Registered by any client through Automatic Persisted Queries; keyed by the SHA-256 hex of the text.</summary>
    Automatic,

    /// <summary>Registered by the operator ahead of time (trusted documents); keyed by <c>documentId</c>.</summary>
    Trusted,
}

/// <summary>
/// Where persisted GraphQL documents live: Redis in production (shared by every instance), memory in embedded mode.
/// Implementations must treat keys as opaque and return exactly the text stored.
/// </summary>
public interface IPersistedQueryStore
{
    ValueTask<string?> GetAsync(PersistedQueryKind kind, string key, CancellationToken cancellationToken);

    ValueTask SetAsync(PersistedQueryKind kind, string key, string document, CancellationToken cancellationToken);
}
