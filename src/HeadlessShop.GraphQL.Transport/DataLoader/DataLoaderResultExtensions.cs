using GraphQL.DataLoader;

namespace HeadlessShop.GraphQL.Transport.DataLoader;

public static class DataLoaderResultExtensions
{
    /// <summary>Maps a pending result without dispatching it early: the batch still runs with the rest of the level.</summary>
    public static IDataLoaderResult<TResult> Then<T, TResult>(this IDataLoaderResult<T> result, Func<T, TResult> map) =>
        new Mapped<T, TResult>(result, map);

    /// <summary>Combines pending results into one list result, in order (for list fields such as <c>nodes</c>).</summary>
    public static IDataLoaderResult<IReadOnlyList<T>> All<T>(this IEnumerable<IDataLoaderResult<T>> results) =>
        new Combined<T>(results.ToList());

    private sealed class Mapped<T, TResult>(IDataLoaderResult<T> inner, Func<T, TResult> map) : IDataLoaderResult<TResult>
    {
        public async Task<TResult> GetResultAsync(CancellationToken cancellationToken = default) =>
            map(await inner.GetResultAsync(cancellationToken).ConfigureAwait(false));

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) =>
            await GetResultAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed class Combined<T>(List<IDataLoaderResult<T>> results) : IDataLoaderResult<IReadOnlyList<T>>
    {
        public async Task<IReadOnlyList<T>> GetResultAsync(CancellationToken cancellationToken = default)
        {
            var values = new T[results.Count];
            for (var i = 0; i < results.Count; i++)
            {
                values[i] = await results[i].GetResultAsync(cancellationToken).ConfigureAwait(false);
            }
            return values;
        }

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) =>
            await GetResultAsync(cancellationToken).ConfigureAwait(false);
    }
}
