using HeadlessShop.Api.Infrastructure;
using HeadlessShop.Api.Infrastructure.PersistedQueries;
using HeadlessShop.Api.Tests.Infrastructure;
using HeadlessShop.GraphQL.Transport;
using HeadlessShop.GraphQL.Transport.PersistedQueries;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HeadlessShop.Api.Tests.PersistedQueries;

/// <summary>What every <see cref="IPersistedQueryStore"/> must do; run on the memory and the Redis store.</summary>
public abstract class PersistedQueryStoreContract
{
    protected abstract IPersistedQueryStore Store { get; }

    [Fact]
    public async Task A_missing_key_is_null_in_both_namespaces()
    {
        Assert.Null(await Store.GetAsync(PersistedQueryKind.Automatic, "absent", CancellationToken.None));
        Assert.Null(await Store.GetAsync(PersistedQueryKind.Trusted, "absent", CancellationToken.None));
    }

    [Fact]
    public async Task The_exact_text_comes_back_including_non_ASCII_and_newlines()
    {
        const string document = "query Ünïcode {\n  hello(name: \"café ☕\")\n}";
        await Store.SetAsync(PersistedQueryKind.Automatic, "k1", document, CancellationToken.None);
        Assert.Equal(document, await Store.GetAsync(PersistedQueryKind.Automatic, "k1", CancellationToken.None));
    }

    [Fact]
    public async Task Automatic_and_trusted_documents_never_see_each_other()
    {
        // An APQ registration must never be able to create or shadow a trusted document.
        await Store.SetAsync(PersistedQueryKind.Automatic, "shared", "{ a }", CancellationToken.None);
        Assert.Null(await Store.GetAsync(PersistedQueryKind.Trusted, "shared", CancellationToken.None));
        await Store.SetAsync(PersistedQueryKind.Trusted, "shared", "{ b }", CancellationToken.None);
        Assert.Equal("{ a }", await Store.GetAsync(PersistedQueryKind.Automatic, "shared", CancellationToken.None));
        Assert.Equal("{ b }", await Store.GetAsync(PersistedQueryKind.Trusted, "shared", CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_registrations_of_the_same_key_leave_one_whole_document()
    {
        var documents = Enumerable.Range(0, 32).Select(i => $"{{ field{i} }}").ToArray();
        await Task.WhenAll(documents.Select(d => Store.SetAsync(PersistedQueryKind.Automatic, "race", d, CancellationToken.None).AsTask()));
        Assert.Contains(await Store.GetAsync(PersistedQueryKind.Automatic, "race", CancellationToken.None), documents);
    }
}

public sealed class MemoryPersistedQueryStoreTests : PersistedQueryStoreContract, IDisposable
{
    private readonly MemoryPersistedQueryStore _store = new(Options.Create(new GraphQLTransportOptions()));

    protected override IPersistedQueryStore Store => _store;

    [Fact]
    public async Task Automatic_entries_are_bounded_by_size_but_trusted_ones_are_kept()
    {
        using var small = new MemoryPersistedQueryStore(Options.Create(new GraphQLTransportOptions { PersistedQueryCacheBytes = 100 }));
        await small.SetAsync(PersistedQueryKind.Trusted, "t", new string('x', 500), CancellationToken.None);
        await small.SetAsync(PersistedQueryKind.Automatic, "big", new string('y', 500), CancellationToken.None);
        Assert.Null(await small.GetAsync(PersistedQueryKind.Automatic, "big", CancellationToken.None));
        Assert.NotNull(await small.GetAsync(PersistedQueryKind.Trusted, "t", CancellationToken.None));
    }

    public void Dispose() => _store.Dispose();
}

public sealed class RedisPersistedQueryStoreTests : PersistedQueryStoreContract, IAsyncLifetime
{
    private ConnectionMultiplexer? _redis;
    private RedisPersistedQueryStore? _store;

    protected override IPersistedQueryStore Store => _store!;

    public async Task InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.ConnectionString);
        _store = new RedisPersistedQueryStore(_redis, Options.Create(new RedisOptions { KeyPrefix = $"hs-test:{Guid.NewGuid():N}:" }));
    }

    [Fact]
    public async Task Automatic_entries_expire_and_trusted_ones_do_not()
    {
        var prefix = $"hs-test:{Guid.NewGuid():N}:";
        var store = new RedisPersistedQueryStore(_redis!, Options.Create(new RedisOptions { KeyPrefix = prefix }));
        await store.SetAsync(PersistedQueryKind.Automatic, "a", "{ a }", CancellationToken.None);
        await store.SetAsync(PersistedQueryKind.Trusted, "t", "{ t }", CancellationToken.None);
        var db = _redis!.GetDatabase();
        Assert.NotNull(await db.KeyTimeToLiveAsync(prefix + "pq:apq:a"));
        Assert.Null(await db.KeyTimeToLiveAsync(prefix + "pq:doc:t"));
    }

    public async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
