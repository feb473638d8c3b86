using HeadlessShop.Api.Infrastructure;
using HeadlessShop.GraphQL.Transport.DataLoader;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Data;

/// <summary>A 1:1 loader answered by one query over a fresh, short-lived context per batch (a key lookup: see <see cref="LookupContexts"/>).</summary>
public abstract class DbBatchDataLoader<TKey, TValue>(LookupContexts contexts) : BatchDataLoader<TKey, TValue>
    where TKey : notnull
{
    protected abstract IQueryable<TValue> Query(ShopDbContext db, IReadOnlyList<TKey> keys);

    protected abstract TKey KeyOf(TValue value);

    /// <summary>The batch's rows: <see cref="Query"/> by default; hot loaders override it with a compiled query.</summary>
    protected virtual IAsyncEnumerable<TValue> Rows(ShopDbContext db, TKey[] keys) => Query(db, keys).AsAsyncEnumerable();

    protected override void OnBatchLoaded(int keyCount) => ShopMetrics.DataLoaderBatchSize.Record(keyCount, new KeyValuePair<string, object?>("loader", GetType().Name));

    protected sealed override async Task<IReadOnlyDictionary<TKey, TValue>> LoadBatchAsync(IReadOnlyList<TKey> keys, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var result = new Dictionary<TKey, TValue>(keys.Count);
        await foreach (var row in Rows(db, keys as TKey[] ?? [.. keys]).WithCancellation(cancellationToken))
        {
            result.TryAdd(KeyOf(row), row);
        }
        return result;
    }
}

/// <summary>A 1:N loader answered by one query; rows keep the query's order within each key.</summary>
public abstract class DbGroupedDataLoader<TKey, TRow, TValue>(LookupContexts contexts) : GroupedDataLoader<TKey, TValue>
    where TKey : notnull
{
    protected abstract IQueryable<TRow> Query(ShopDbContext db, IReadOnlyList<TKey> keys);

    protected abstract TKey KeyOf(TRow row);

    protected abstract TValue ValueOf(TRow row);

    /// <summary>The batch's rows: <see cref="Query"/> by default; hot loaders override it with a compiled query.</summary>
    protected virtual IAsyncEnumerable<TRow> Rows(ShopDbContext db, TKey[] keys) => Query(db, keys).AsAsyncEnumerable();

    protected override void OnBatchLoaded(int keyCount) => ShopMetrics.DataLoaderBatchSize.Record(keyCount, new KeyValuePair<string, object?>("loader", GetType().Name));

    protected sealed override async Task<IReadOnlyDictionary<TKey, IReadOnlyList<TValue>>> LoadBatchAsync(
        IReadOnlyList<TKey> keys, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var groups = new Dictionary<TKey, IReadOnlyList<TValue>>(keys.Count);
        await foreach (var row in Rows(db, keys as TKey[] ?? [.. keys]).WithCancellation(cancellationToken))
        {
            var key = KeyOf(row);
            if (!groups.TryGetValue(key, out var list))
            {
                list = new List<TValue>();
                groups.Add(key, list);
            }
            ((List<TValue>)list).Add(ValueOf(row));
        }
        return groups;
    }
}

/// <summary>A 1:N loader whose rows are the values themselves.</summary>
public abstract class DbGroupedDataLoader<TKey, TValue>(LookupContexts contexts)
    : DbGroupedDataLoader<TKey, TValue, TValue>(contexts)
    where TKey : notnull
{
    protected sealed override TValue ValueOf(TValue row) => row;
}
