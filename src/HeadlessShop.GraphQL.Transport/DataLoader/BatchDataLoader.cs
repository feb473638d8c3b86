using GraphQL.DataLoader;

namespace HeadlessShop.GraphQL.Transport.DataLoader;

/// <summary>
/// Per-request batching loader: keys asked for while one execution level runs are fetched together in one
/// <see cref="LoadBatchAsync"/> call, and every key's answer is cached for the rest of the request.
/// Register subclasses as scoped services so each request (or subscription event) gets its own cache.
/// </summary>
/// <remarks>
/// GraphQL.NET runs a level's resolvers first and only then asks the returned <see cref="IDataLoaderResult"/>s
/// for their values; the first ask dispatches the batch that holds every key collected so far.
/// </remarks>
public abstract class BatchDataLoader<TKey, TValue>
    where TKey : notnull
{
    private readonly object _gate = new();
    private readonly Dictionary<TKey, IDataLoaderResult<TValue?>> _loads;
    private Batch? _open;

    protected BatchDataLoader(IEqualityComparer<TKey>? comparer = null)
    {
        _loads = new Dictionary<TKey, IDataLoaderResult<TValue?>>(comparer);
    }

    /// <summary>Fetches every key at once. Keys missing from the result get <see cref="ValueForMissingKey"/>.</summary>
    protected abstract Task<IReadOnlyDictionary<TKey, TValue>> LoadBatchAsync(IReadOnlyList<TKey> keys, CancellationToken cancellationToken);

    /// <summary>The answer for a key the batch did not return: null by default, an empty list for grouped loaders.</summary>
    protected virtual TValue? ValueForMissingKey(TKey key) => default;

    /// <summary>Called after each batch with its size; override for metrics.</summary>
    protected virtual void OnBatchLoaded(int keyCount)
    {
    }

    public IDataLoaderResult<TValue?> LoadAsync(TKey key)
    {
        lock (_gate)
        {
            if (_loads.TryGetValue(key, out var existing))
            {
                return existing;
            }
            _open ??= new Batch(this);
            _open.Keys.Add(key);
            var load = new PendingLoad(this, _open, key);
            _loads.Add(key, load);
            return load;
        }
    }

    /// <summary>
    /// Seeds the answer for a key that is already known (e.g. read from a cache), so loading it later in this request
    /// never reaches the batch. A key already asked for keeps its pending answer.
    /// </summary>
    public void Prime(TKey key, TValue value)
    {
        lock (_gate)
        {
            _loads.TryAdd(key, new PrimedLoad(value));
        }
    }

    /// <summary>
    /// Drops the cached answer for <paramref name="key"/>, so the next load fetches it again. A WebSocket connection is
    /// one scope, so a subscription calls this before each event that must see fresh data.
    /// </summary>
    public void Forget(TKey key)
    {
        lock (_gate)
        {
            _loads.Remove(key);
        }
    }

    /// <summary>Loads many keys in one batch; the result keeps the order of <paramref name="keys"/>.</summary>
    public IDataLoaderResult<IReadOnlyList<TValue?>> LoadManyAsync(IEnumerable<TKey> keys) =>
        keys.Select(LoadAsync).ToList().All();

    private sealed class Batch(BatchDataLoader<TKey, TValue> owner)
    {
        private readonly TaskCompletionSource<IReadOnlyDictionary<TKey, TValue>> _result =
            new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _started;

        public List<TKey> Keys { get; } = [];

        public Task<IReadOnlyDictionary<TKey, TValue>> RunAsync(CancellationToken cancellationToken)
        {
            TKey[] keys;
            lock (owner._gate)
            {
                if (_started)
                {
                    return _result.Task;
                }
                _started = true;
                // Close the batch: keys asked for from now on go into a new one.
                if (ReferenceEquals(owner._open, this))
                {
                    owner._open = null;
                }
                keys = Keys.ToArray();
            }
            _ = ExecuteAsync(keys, cancellationToken);
            return _result.Task;
        }

        private async Task ExecuteAsync(TKey[] keys, CancellationToken cancellationToken)
        {
            try
            {
                var values = await owner.LoadBatchAsync(keys, cancellationToken).ConfigureAwait(false);
                owner.OnBatchLoaded(keys.Length);
                _result.TrySetResult(values);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                _result.TrySetCanceled(cancellationToken);
            }
            catch (Exception ex)
            {
                _result.TrySetException(ex);
            }
        }
    }

    private sealed class PrimedLoad(TValue value) : IDataLoaderResult<TValue?>
    {
        public Task<TValue?> GetResultAsync(CancellationToken cancellationToken = default) => Task.FromResult<TValue?>(value);

        Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => Task.FromResult<object?>(value);
    }

    private sealed class PendingLoad(BatchDataLoader<TKey, TValue> owner, Batch batch, TKey key) : IDataLoaderResult<TValue?>
    {
        public async Task<TValue?> GetResultAsync(CancellationToken cancellationToken = default)
        {
            var values = await batch.RunAsync(cancellationToken).ConfigureAwait(false);
            return values.TryGetValue(key, out var value) ? value : owner.ValueForMissingKey(key);
        }

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken)
            => await GetResultAsync(cancellationToken).ConfigureAwait(false);
    }
}
