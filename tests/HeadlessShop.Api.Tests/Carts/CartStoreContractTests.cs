using HeadlessShop.Api.Carts;
using HeadlessShop.Api.Infrastructure;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HeadlessShop.Api.Tests.Carts;

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>The guarantees every <see cref="ICartStore"/> gives; run against Redis and against memory.</summary>
public abstract class CartStoreContractTests
{
    protected static readonly CartOptions Options = new() { TimeToLive = TimeSpan.FromHours(1), MaxLines = 3, MaxQuantityPerLine = 999 };

    protected abstract ICartStore Store { get; }

    /// <summary>Makes the cart behave as if only <paramref name="remaining"/> of its life were left (zero: expired).</summary>
    protected abstract Task AgeAsync(CartKey key, TimeSpan remaining);

    protected abstract DateTimeOffset Now { get; }

    private static CartLineChange Line(long variant, int quantity, int max = 999) => new(variant, quantity, max);

    [Fact]
    public async Task Fifty_concurrent_adds_of_one_unit_leave_exactly_fifty()
    {
        var cart = await Store.CreateAsync(null, [], CancellationToken.None);
        using var start = new ManualResetEventSlim();
        var adds = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await Store.AddLinesAsync(cart.Key, [Line(7, 1)], clamp: false, CancellationToken.None);
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(adds);

        Assert.All(results, r => Assert.Equal(CartWriteStatus.Ok, r.Status));
        var stored = await Store.GetAsync(cart.Key, CancellationToken.None);
        Assert.Equal(50, Assert.Single(stored!.Lines).Quantity);
        Assert.Equal(51, stored.Version);
    }

    [Fact]
    public async Task Adding_a_variant_again_increments_its_line_and_keeps_line_order()
    {
        var cart = await Store.CreateAsync(null, [Line(1, 2), Line(2, 1)], CancellationToken.None);
        var result = await Store.AddLinesAsync(cart.Key, [Line(1, 3), Line(3, 1)], clamp: false, CancellationToken.None);

        Assert.Equal(CartWriteStatus.Ok, result.Status);
        var stored = await Store.GetAsync(cart.Key, CancellationToken.None);
        Assert.Equal([(1L, 5), (2L, 1), (3L, 1)], stored!.Lines.Select(l => (l.VariantId, l.Quantity)));
        Assert.Null(stored.OwnerId);
    }

    [Fact]
    public async Task A_line_over_its_maximum_refuses_the_whole_write()
    {
        var cart = await Store.CreateAsync(null, [Line(1, 4)], CancellationToken.None);
        var result = await Store.AddLinesAsync(cart.Key, [Line(2, 1), Line(1, 2, max: 5)], clamp: false, CancellationToken.None);

        Assert.Equal(CartWriteStatus.OverMaximum, result.Status);
        Assert.Equal(1, result.FailedIndex);
        Assert.Equal(4, result.CurrentQuantity);
        var stored = await Store.GetAsync(cart.Key, CancellationToken.None);
        Assert.Equal([(1L, 4)], stored!.Lines.Select(l => (l.VariantId, l.Quantity)));
        Assert.Equal(cart.Version, stored.Version);
    }

    [Fact]
    public async Task A_clamping_add_caps_lines_at_their_maximum_and_says_which()
    {
        var cart = await Store.CreateAsync(null, [Line(1, 4)], CancellationToken.None);
        var result = await Store.AddLinesAsync(cart.Key, [Line(1, 3, max: 5), Line(2, 2, max: 9)], clamp: true, CancellationToken.None);

        Assert.Equal(CartWriteStatus.Ok, result.Status);
        Assert.Equal([0], result.CappedIndexes!);
        Assert.Equal([(1L, 5), (2L, 2)], result.Cart!.Lines.Select(l => (l.VariantId, l.Quantity)));
    }

    [Fact]
    public async Task More_lines_than_allowed_are_refused()
    {
        var cart = await Store.CreateAsync(null, [Line(1, 1), Line(2, 1)], CancellationToken.None);
        var result = await Store.AddLinesAsync(cart.Key, [Line(3, 1), Line(4, 1)], clamp: false, CancellationToken.None);

        Assert.Equal(CartWriteStatus.TooManyLines, result.Status);
        Assert.Equal(2, (await Store.GetAsync(cart.Key, CancellationToken.None))!.Lines.Count);
    }

    [Fact]
    public async Task Setting_quantity_zero_removes_the_line_and_unknown_lines_fail_everything()
    {
        var cart = await Store.CreateAsync(null, [Line(1, 1), Line(2, 2)], CancellationToken.None);

        var unknown = await Store.SetQuantitiesAsync(cart.Key, [Line(1, 0), Line(9, 1)], CancellationToken.None);
        Assert.Equal(CartWriteStatus.LineNotFound, unknown.Status);
        Assert.Equal(1, unknown.FailedIndex);

        var set = await Store.SetQuantitiesAsync(cart.Key, [Line(1, 0), Line(2, 7)], CancellationToken.None);
        Assert.Equal(CartWriteStatus.Ok, set.Status);
        Assert.Equal([(2L, 7)], (await Store.GetAsync(cart.Key, CancellationToken.None))!.Lines.Select(l => (l.VariantId, l.Quantity)));

        var removed = await Store.RemoveLinesAsync(cart.Key, [2], CancellationToken.None);
        Assert.Empty(removed.Cart!.Lines);
        Assert.Equal(CartWriteStatus.LineNotFound, (await Store.RemoveLinesAsync(cart.Key, [2], CancellationToken.None)).Status);
    }

    [Fact]
    public async Task Every_write_slides_the_expiry_forward()
    {
        var cart = await Store.CreateAsync(null, [], CancellationToken.None);
        await AgeAsync(cart.Key, TimeSpan.FromMinutes(1));
        Assert.True((await Store.GetAsync(cart.Key, CancellationToken.None))!.ExpiresAt < Now + TimeSpan.FromMinutes(2));

        var written = await Store.AddLinesAsync(cart.Key, [Line(1, 1)], clamp: false, CancellationToken.None);

        Assert.True(written.Cart!.ExpiresAt > Now + TimeSpan.FromMinutes(59));
        Assert.True((await Store.GetAsync(cart.Key, CancellationToken.None))!.ExpiresAt > Now + TimeSpan.FromMinutes(59));
    }

    [Fact]
    public async Task An_expired_cart_is_gone_for_every_operation()
    {
        var cart = await Store.CreateAsync(null, [Line(1, 1)], CancellationToken.None);
        await AgeAsync(cart.Key, TimeSpan.Zero);

        Assert.Null(await Store.GetAsync(cart.Key, CancellationToken.None));
        Assert.Equal(CartWriteStatus.CartNotFound, (await Store.AddLinesAsync(cart.Key, [Line(1, 1)], false, CancellationToken.None)).Status);
        Assert.Equal(CartWriteStatus.CartNotFound, (await Store.SetQuantitiesAsync(cart.Key, [Line(1, 1)], CancellationToken.None)).Status);
        Assert.Null(await Store.TakeAsync(cart.Key, null, CancellationToken.None));
        Assert.Null(await Store.GetAsync(cart.Key, CancellationToken.None));
    }

    [Fact]
    public async Task Of_concurrent_takes_exactly_one_gets_the_cart_and_restore_puts_it_back()
    {
        var cart = await Store.CreateAsync(42, [Line(1, 2)], CancellationToken.None);
        var takes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Store.TakeAsync(cart.Key, null, CancellationToken.None))));

        var taken = Assert.Single(takes, t => t is not null)!;
        Assert.Equal(42, taken.OwnerId);
        Assert.Null(await Store.GetAsync(cart.Key, CancellationToken.None));
        Assert.Null(await Store.GetCustomerCartAsync(42, CancellationToken.None));

        Assert.True(await Store.RestoreAsync(taken, CancellationToken.None));
        Assert.False(await Store.RestoreAsync(taken, CancellationToken.None));
        var restored = await Store.GetCustomerCartAsync(42, CancellationToken.None);
        Assert.Equal(taken.Version, restored!.Version);
        Assert.Equal([(1L, 2)], restored.Lines.Select(l => (l.VariantId, l.Quantity)));
        var afterRestore = await Store.AddLinesAsync(cart.Key, [Line(3, 1)], false, CancellationToken.None);
        Assert.Equal([1L, 3L], afterRestore.Cart!.Lines.Select(l => l.VariantId));
    }

    [Fact]
    public async Task Take_with_a_stale_version_leaves_the_cart_alone()
    {
        var cart = await Store.CreateAsync(null, [Line(1, 1)], CancellationToken.None);
        await Store.AddLinesAsync(cart.Key, [Line(1, 1)], false, CancellationToken.None);

        Assert.Null(await Store.TakeAsync(cart.Key, cart.Version, CancellationToken.None));
        var current = await Store.GetAsync(cart.Key, CancellationToken.None);
        Assert.Equal(2, current!.Lines[0].Quantity);
        Assert.NotNull(await Store.TakeAsync(cart.Key, current.Version, CancellationToken.None));
    }

    [Fact]
    public async Task Setting_the_owner_makes_it_the_customers_current_cart()
    {
        var first = await Store.CreateAsync(null, [], CancellationToken.None);
        Assert.Null(await Store.GetCustomerCartAsync(7, CancellationToken.None));

        var owned = await Store.SetOwnerAsync(first.Key, 7, CancellationToken.None);
        Assert.Equal(7, owned!.OwnerId);
        Assert.Equal(first.Key, (await Store.GetCustomerCartAsync(7, CancellationToken.None))!.Key);

        var second = await Store.CreateAsync(7, [], CancellationToken.None);
        Assert.Equal(second.Key, (await Store.GetCustomerCartAsync(7, CancellationToken.None))!.Key);
        Assert.Null(await Store.GetCustomerCartAsync(8, CancellationToken.None));
    }

    [Fact]
    public async Task Cart_ids_are_random_and_round_trip_through_their_public_form()
    {
        var a = await Store.CreateAsync(null, [], CancellationToken.None);
        var b = await Store.CreateAsync(null, [], CancellationToken.None);

        Assert.NotEqual(a.Key, b.Key);
        Assert.Equal(32, a.Key.Value.Length);
        Assert.True(CartKey.TryParse(a.Key.ToGlobalId(), out var parsed));
        Assert.Equal(a.Key, parsed);
        Assert.False(CartKey.TryParse(a.Key.ToGlobalId()[..^2] + "AA", out _));
    }
}

public sealed class MemoryCartStoreTests : CartStoreContractTests
{
    private readonly ManualTimeProvider _time = new();

    public MemoryCartStoreTests() => Store = new MemoryCartStore(Microsoft.Extensions.Options.Options.Create(Options), _time);

    protected override ICartStore Store { get; }

    protected override DateTimeOffset Now => _time.GetUtcNow();

    protected override Task AgeAsync(CartKey key, TimeSpan remaining)
    {
        _time.Advance(Options.TimeToLive - remaining);
        return Task.CompletedTask;
    }
}

public sealed class RedisCartStoreTests : CartStoreContractTests, IDisposable
{
    private readonly ConnectionMultiplexer _redis = ConnectionMultiplexer.Connect(TestRedis.ConnectionString);
    private readonly string _prefix = $"hs-test:{Guid.NewGuid():N}:";

    public RedisCartStoreTests() =>
        Store = new RedisCartStore(_redis, Microsoft.Extensions.Options.Options.Create(new RedisOptions { KeyPrefix = _prefix }), Microsoft.Extensions.Options.Options.Create(Options), TimeProvider.System);

    protected override ICartStore Store { get; }

    protected override DateTimeOffset Now => DateTimeOffset.UtcNow;

    protected override async Task AgeAsync(CartKey key, TimeSpan remaining)
    {
        var redisKey = (RedisKey)(_prefix + "cart:" + key.Value);
        if (remaining == TimeSpan.Zero)
        {
            // An expiry in the past makes Redis drop the key at once: the same path as a cart reaching its TTL.
            Assert.True(await _redis.GetDatabase().KeyExpireAsync(redisKey, DateTime.UtcNow.AddSeconds(-1)));
        }
        else
        {
            Assert.True(await _redis.GetDatabase().KeyExpireAsync(redisKey, remaining));
        }
    }

    public void Dispose()
    {
        var server = _redis.GetServers()[0];
        foreach (var key in server.Keys(pattern: _prefix + "*"))
        {
            _redis.GetDatabase().KeyDelete(key);
        }
        _redis.Dispose();
    }
}
