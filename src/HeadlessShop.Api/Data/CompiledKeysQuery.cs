using System.Collections.Concurrent;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace HeadlessShop.Api.Data;

/// <summary>
/// A hot loader's query by key list, compiled once per EF model: a compiled query must only run against the model it was
/// compiled for, and one process can hold both the PostgreSQL and the SQLite model (the test suite does).
/// </summary>
public sealed class CompiledKeysQuery<T>(Expression<Func<ShopDbContext, long[], IQueryable<T>>> shape)
    where T : class
{
    private readonly ConcurrentDictionary<IModel, Func<ShopDbContext, long[], IAsyncEnumerable<T>>> _compiled = new();
    private readonly Func<ShopDbContext, long[], IQueryable<T>> _build = shape.Compile();

    public IQueryable<T> Query(ShopDbContext db, long[] keys) => _build(db, keys);

    public IAsyncEnumerable<T> Rows(ShopDbContext db, long[] keys)
    {
        ArgumentNullException.ThrowIfNull(db);
        return _compiled.GetOrAdd(db.Model, _ => EF.CompileAsyncQuery(shape))(db, keys);
    }
}
