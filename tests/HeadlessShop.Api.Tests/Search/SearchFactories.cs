using System.Collections.Concurrent;
using HeadlessShop.Api.Search;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Search;

/// <summary>An indexer that records what it was asked to upsert and signals each call (stands in for a cluster index).</summary>
public sealed class RecordingSearchIndexer : ISearchIndexer
{
    private readonly ConcurrentQueue<long> _upserted = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyCollection<long> Upserted => _upserted;

    public Task UpsertAsync(IReadOnlyCollection<long> productIds, CancellationToken cancellationToken)
    {
        foreach (var id in productIds)
        {
            _upserted.Enqueue(id);
        }
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return Task.CompletedTask;
    }

    public Task DeleteAsync(IReadOnlyCollection<long> productIds, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ReindexAsync(IProgress<ReindexProgress>? progress, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Completes when <paramref name="productId"/> has been upserted; fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForAsync(long productId, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (!_upserted.Contains(productId))
        {
            var next = Volatile.Read(ref _changed).Task;
            if (_upserted.Contains(productId))
            {
                return;
            }
            await next.WaitAsync(cancel.Token);
        }
    }
}

/// <summary>300 demo products plus a recording indexer, per database engine.</summary>
public class SearchApiFactory : ShopApiFactory
{
    public RecordingSearchIndexer Indexer { get; } = new();

    public override int Products => 300;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<ISearchIndexer>(Indexer));
    }
}

public sealed class PostgresSearchApiFactory : SearchApiFactory;

public sealed class SqliteSearchApiFactory : SearchApiFactory
{
    public override TestDatabaseKind Database => TestDatabaseKind.Sqlite;
}
