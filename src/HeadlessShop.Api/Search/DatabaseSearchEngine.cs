using HeadlessShop.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Search;

/// <summary>
/// The database engine: PostgreSQL full text + pg_trgm in Production, SQLite FTS5 in embedded mode. It answers when
/// no search cluster is configured and when the cluster fails. Its index is kept by the database itself (triggers),
/// so it needs no <see cref="ISearchIndexer"/>.
/// </summary>
public sealed class DatabaseSearchEngine : ISearchEngine
{
    private readonly Func<SearchQuery, CancellationToken, Task<SearchHits>> _search;

    public DatabaseSearchEngine(IDbContextFactory<ShopDbContext> contexts, SearchResultCache cache)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        using var db = contexts.CreateDbContext();
        if (db.Database.IsNpgsql())
        {
            _search = new PostgresSearchEngine(contexts, cache).SearchAsync;
        }
        else
        {
            _search = new SqliteSearchEngine(contexts).SearchAsync;
        }
    }

    public SearchEngineKind Kind => SearchEngineKind.Database;

    public Task<SearchHits> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return _search(query, cancellationToken);
    }
}
