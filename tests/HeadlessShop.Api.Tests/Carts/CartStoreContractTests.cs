using HeadlessShop.Api.Carts;
using HeadlessShop.Api.Common;
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

    /// <summary>An add by an anonymous caller that does not check currency: what the tests of line rules need.</summary>
    private static readonly CartAddRules Anonymous = new(null, null);

    [Fact]
    public async Task Fifty_concurrent_adds_of_one_unit_leave_exactly_fifty()
    {
        var cart = await Store.CreateAsync(null, [], null, CancellationToken.None);
        using var start = new ManualResetEventSlim();
        var adds = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await Store.AddLinesAsync(cart.Key, [Line(7, 1)], Anonymous, CancellationToken.None);
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
        var cart = await Store.CreateAsync(null, [Line(1, 2), Line(2, 1)], null, CancellationToken.None);
        var result = await Store.AddLinesAsync(cart.Key, [Line(1, 3), Line(3, 1)], Anonymous, CancellationToken.None);

        Assert.Equal(CartWriteStatus.Ok, result.Status);
        var stored = await Store.GetAsync(cart.Key, CancellationToken.None);
        Assert.Equal([(1L, 5), (2L, 1), (3L, 1)], stored!.Lines.Select(l => (l.VariantId, l.Quantity)));
        Assert.Null(stored.OwnerId);
    }

    [Fact]
    public async Task A_line_over_its_maximum_refuses_the_whole_write()
    {
        var cart = await Store.CreateAsync(null, [Line(1, 4)], null, CancellationToken.None);
        var result = await Store.AddLinesAsync(cart.Key, [Line(2, 1), Line(1, 2, max: 5)], Anonymous, CancellationToken.None);

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
        var cart = await Store.CreateAsync(null, [Line(1, 4)], null, CancellationToken.None);
        var result = await Store.AddLinesAsync(cart.Key, [Line(1, 3, max: 5), Line(2, 2, max: 9)], Anonymous with { Clamp = true }, CancellationToken.None);

        Assert.Equal(CartWriteStatus.Ok, result.Status);
        Assert.Equal([0], result.CappedIndexes!);
        Assert.Equal([(1L, 5), (2L, 2)], result.Cart!.Lines.Select(l => (l.VariantId, l.Quantity)));
    }

    [Fact]
    public async Task More_lines_than_allowed_are_refused()
    {
        var cart = await Store.CreateAsync(null, [Line(1, 1), Line(2, 1)], null, CancellationToken.None);
        var result = await Store.AddLinesAsync(cart.Key, [Line(3, 1), Line(4, 1)], Anonymous, CancellationToken.None);

        Assert.Equal(CartWriteStatus.TooManyLines, result.Status);
        Assert.Equal(2, (await Store.GetAsync(cart.Key, CancellationToken.None))!.Lines.Count);
    }

    [Fact]
    public async Task Setting_quantity_zero_removes_the_line_and_unknown_lines_fail_everything()
    {
        var cart = await Store.CreateAsync(null, [Line(1, 1), Line(2, 2)], null, CancellationToken.None);

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
        var cart = await Store.CreateAsync(null, [], null, CancellationToken.None);
        await AgeAsync(cart.Key, TimeSpan.FromMinutes(1));
        Assert.True((await Store.GetAsync(cart.Key, CancellationToken.None))!.ExpiresAt < Now + TimeSpan.FromMinutes(2));

        var written = await Store.AddLinesAsync(cart.Key, [Line(1, 1)], Anonymous, CancellationToken.None);

        Assert.True(written.Cart!.ExpiresAt > Now + TimeSpan.FromMinutes(59));
        Assert.True((await Store.GetAsync(cart.Key, CancellationToken.None))!.ExpiresAt > Now + TimeSpan.FromMinutes(59));
    }

    [Fact]
    public async Task An_expired_cart_is_gone_for_every_operation()
    {
        var cart = await Store.CreateAsync(null, [Line(1, 1)], null, CancellationToken.None);
        await AgeAsync(cart.Key, TimeSpan.Zero);

        Assert.Null(await Store.GetAsync(cart.Key, CancellationToken.None));
        Assert.Equal(CartWriteStatus.CartNotFound, (await Store.AddLinesAsync(cart.Key, [Line(1, 1)], Anonymous, CancellationToken.None)).Status);
        Assert.Equal(CartWriteStatus.CartNotFound, (await Store.SetQuantitiesAsync(cart.Key, [Line(1, 1)], CancellationToken.None)).Status);
        Assert.Null(await Store.TakeAsync(cart.Key, null, CancellationToken.None));
        Assert.Null(await Store.GetAsync(cart.Key, CancellationToken.None));
    }

    [Fact]
    public async Task Of_concurrent_takes_exactly_one_gets_the_cart_and_restore_puts_it_back()
    {
        var cart = await Store.CreateAsync(42, [Line(1, 2)], null, CancellationToken.None);
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
        var afterRestore = await Store.AddLinesAsync(cart.Key, [Line(3, 1)], Anonymous with { CallerId = 42 }, CancellationToken.None);
        Assert.Equal([1L, 3L], afterRestore.Cart!.Lines.Select(l => l.VariantId));
    }

    [Fact]
    public async Task Take_with_a_stale_version_leaves_the_cart_alone()
    {
        var cart = await Store.CreateAsync(null, [Line(1, 1)], null, CancellationToken.None);
        await Store.AddLinesAsync(cart.Key, [Line(1, 1)], Anonymous, CancellationToken.None);

        Assert.Null(await Store.TakeAsync(cart.Key, cart.Version, CancellationToken.None));
        var current = await Store.GetAsync(cart.Key, CancellationToken.None);
        Assert.Equal(2, current!.Lines[0].Quantity);
        Assert.NotNull(await Store.TakeAsync(cart.Key, current.Version, CancellationToken.None));
    }

    [Fact]
    public async Task Setting_the_owner_makes_it_the_customers_current_cart()
    {
        var first = await Store.CreateAsync(null, [], null, CancellationToken.None);
        Assert.Null(await Store.GetCustomerCartAsync(7, CancellationToken.None));

        var owned = await Store.SetOwnerAsync(first.Key, 7, CancellationToken.None);
        Assert.Equal(7, owned!.OwnerId);
        Assert.Equal(first.Key, (await Store.GetCustomerCartAsync(7, CancellationToken.None))!.Key);

        var second = await Store.CreateAsync(7, [], null, CancellationToken.None);
        Assert.Equal(second.Key, (await Store.GetCustomerCartAsync(7, CancellationToken.None))!.Key);
        Assert.Null(await Store.GetCustomerCartAsync(8, CancellationToken.None));
    }

    [Fact]
    public async Task An_add_by_anyone_but_the_owner_answers_not_found_and_writes_nothing()
    {
        var cart = await Store.CreateAsync(5, [Line(1, 2)], CurrencyCode.USD, CancellationToken.None);
        await AgeAsync(cart.Key, TimeSpan.FromMinutes(10));

        foreach (var stranger in new long?[] { null, 6 })
        {
            var refused = await Store.AddLinesAsync(cart.Key, [Line(1, 1), Line(2, 1)], new CartAddRules(stranger, CurrencyCode.USD), CancellationToken.None);
            Assert.Equal(CartWriteStatus.CartNotFound, refused.Status);
            Assert.Null(refused.Cart);
        }

        var stored = (await Store.GetAsync(cart.Key, CancellationToken.None))!;
        Assert.Equal([(1L, 2)], stored.Lines.Select(l => (l.VariantId, l.Quantity)));
        Assert.Equal(cart.Version, stored.Version);
        Assert.True(stored.ExpiresAt < Now + TimeSpan.FromMinutes(11), "a refused add must not extend the cart's life");
        var own = await Store.AddLinesAsync(cart.Key, [Line(1, 1)], new CartAddRules(5, CurrencyCode.USD), CancellationToken.None);
        Assert.Equal(CartWriteStatus.Ok, own.Status);
        Assert.Equal(3, Assert.Single(own.Cart!.Lines).Quantity);
    }

    [Fact]
    public async Task An_add_in_another_currency_is_refused_whole_and_an_empty_cart_takes_any()
    {
        var cart = await Store.CreateAsync(null, [Line(1, 1)], CurrencyCode.USD, CancellationToken.None);
        Assert.Equal(CurrencyCode.USD, cart.Currency);

        var refused = await Store.AddLinesAsync(cart.Key, [Line(1, 1), Line(2, 1)], new CartAddRules(null, CurrencyCode.EUR), CancellationToken.None);

        Assert.Equal(CartWriteStatus.CurrencyMismatch, refused.Status);
        Assert.Equal(CurrencyCode.USD, refused.Cart!.Currency);
        var stored = (await Store.GetAsync(cart.Key, CancellationToken.None))!;
        Assert.Equal([(1L, 1)], stored.Lines.Select(l => (l.VariantId, l.Quantity)));
        Assert.Equal((cart.Version, CurrencyCode.USD), (stored.Version, stored.Currency));

        Assert.Equal(CartWriteStatus.Ok, (await Store.AddLinesAsync(cart.Key, [Line(2, 1)], new CartAddRules(null, CurrencyCode.USD), CancellationToken.None)).Status);
        await Store.RemoveLinesAsync(cart.Key, [1, 2], CancellationToken.None);
        Assert.Null((await Store.GetAsync(cart.Key, CancellationToken.None))!.Currency);
        var refilled = await Store.AddLinesAsync(cart.Key, [Line(3, 1)], new CartAddRules(null, CurrencyCode.EUR), CancellationToken.None);
        Assert.Equal((CartWriteStatus.Ok, CurrencyCode.EUR), (refilled.Status, refilled.Cart!.Currency));

        // The currency survives checkout's take and restore.
        var taken = (await Store.TakeAsync(cart.Key, null, CancellationToken.None))!;
        Assert.True(await Store.RestoreAsync(taken, CancellationToken.None));
        Assert.Equal(CartWriteStatus.CurrencyMismatch, (await Store.AddLinesAsync(cart.Key, [Line(1, 1)], new CartAddRules(null, CurrencyCode.USD), CancellationToken.None)).Status);
    }

    [Fact]
    public async Task A_cart_with_lines_but_no_stored_currency_is_checked_by_the_caller_then_stores_it()
    {
        // What a cart written before the store kept its currency looks like: lines, no currency.
        var cart = await Store.CreateAsync(null, [Line(1, 1)], null, CancellationToken.None);
        Assert.Null(cart.Currency);

        var unknown = await Store.AddLinesAsync(cart.Key, [Line(2, 1)], new CartAddRules(null, CurrencyCode.EUR), CancellationToken.None);
        Assert.Equal(CartWriteStatus.CurrencyUnknown, unknown.Status);
        Assert.Equal([1L], unknown.Cart!.Lines.Select(l => l.VariantId));
        Assert.Equal(cart.Version, (await Store.GetAsync(cart.Key, CancellationToken.None))!.Version);

        var verified = await Store.AddLinesAsync(cart.Key, [Line(2, 1)], new CartAddRules(null, CurrencyCode.EUR, CurrencyVerified: true), CancellationToken.None);
        Assert.Equal((CartWriteStatus.Ok, CurrencyCode.EUR), (verified.Status, verified.Cart!.Currency));

        // Stored now: the next adds are checked by the store alone, and even a "verified" add cannot override it.
        Assert.Equal(CartWriteStatus.CurrencyMismatch, (await Store.AddLinesAsync(cart.Key, [Line(3, 1)], new CartAddRules(null, CurrencyCode.USD), CancellationToken.None)).Status);
        Assert.Equal(CartWriteStatus.CurrencyMismatch, (await Store.AddLinesAsync(cart.Key, [Line(3, 1)], new CartAddRules(null, CurrencyCode.USD, CurrencyVerified: true), CancellationToken.None)).Status);
        Assert.Equal(CartWriteStatus.Ok, (await Store.AddLinesAsync(cart.Key, [Line(3, 1)], new CartAddRules(null, CurrencyCode.EUR), CancellationToken.None)).Status);
        var stored = (await Store.GetAsync(cart.Key, CancellationToken.None))!;
        Assert.Equal([(1L, 1), (2L, 1), (3L, 1)], stored.Lines.Select(l => (l.VariantId, l.Quantity)));
    }

    [Fact]
    public async Task Concurrent_adds_of_different_variants_keep_every_unit_and_other_currencies_out()
    {
        var cart = await Store.CreateAsync(7, [Line(1, 1)], CurrencyCode.GBP, CancellationToken.None);
        var expected = new Dictionary<long, int> { [1] = 1, [2] = 0, [3] = 0 };
        var requests = new List<(CartLineChange[] Lines, CurrencyCode Currency)>();
        for (var t = 0; t < 60; t++)
        {
            if (t % 10 == 9)
            {
                requests.Add(([Line(2, 1)], CurrencyCode.USD));
                continue;
            }
            var first = 1 + (t % 3);
            var second = 1 + ((t + 1) % 3);
            requests.Add(([Line(first, 1 + (t % 4)), Line(second, 2)], CurrencyCode.GBP));
            expected[first] += 1 + (t % 4);
            expected[second] += 2;
        }
        using var start = new ManualResetEventSlim();
        var adds = requests.Select(r => Task.Run(async () =>
        {
            start.Wait();
            return await Store.AddLinesAsync(cart.Key, r.Lines, new CartAddRules(7, r.Currency), CancellationToken.None);
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(adds);

        for (var t = 0; t < requests.Count; t++)
        {
            Assert.Equal(requests[t].Currency == CurrencyCode.GBP ? CartWriteStatus.Ok : CartWriteStatus.CurrencyMismatch, results[t].Status);
        }
        var stored = (await Store.GetAsync(cart.Key, CancellationToken.None))!;
        Assert.Equal(expected.OrderBy(e => e.Key).Select(e => (e.Key, e.Value)), stored.Lines.OrderBy(l => l.VariantId).Select(l => (l.VariantId, l.Quantity)));
        Assert.Equal(cart.Version + 54, stored.Version);
        Assert.Equal(CurrencyCode.GBP, stored.Currency);
    }

    [Fact]
    public async Task Cart_ids_are_random_and_round_trip_through_their_public_form()
    {
        var a = await Store.CreateAsync(null, [], null, CancellationToken.None);
        var b = await Store.CreateAsync(null, [], null, CancellationToken.None);

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

    [Fact]
    public async Task An_add_with_all_its_checks_is_one_redis_command()
    {
        var cart = await Store.CreateAsync(3, [new CartLineChange(1, 1, 9)], CurrencyCode.USD, CancellationToken.None);
        await Store.AddLinesAsync(cart.Key, [new CartLineChange(1, 1, 9)], new CartAddRules(3, CurrencyCode.USD), CancellationToken.None);
        var session = new StackExchange.Redis.Profiling.ProfilingSession();
        _redis.RegisterProfiler(() => session);

        var result = await Store.AddLinesAsync(cart.Key, [new CartLineChange(1, 1, 9), new CartLineChange(2, 1, 9)], new CartAddRules(3, CurrencyCode.USD), CancellationToken.None);

        _redis.RegisterProfiler(() => null);
        var commands = session.FinishProfiling().Select(c => c.Command).Where(c => c is not ("PING" or "ECHO")).ToList();
        Assert.Equal([(1L, 3), (2L, 1)], result.Cart!.Lines.Select(l => (l.VariantId, l.Quantity)));
        Assert.True(commands.Count == 1 && commands[0] is "EVALSHA" or "EVAL", "Redis commands: " + string.Join(", ", commands));
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
