using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Catalog.Caching;
using HeadlessShop.Api.Common;
using HeadlessShop.Api.Infrastructure;
using HeadlessShop.Api.Tests.Carts;
using HeadlessShop.Api.Tests.Infrastructure;
using ConnectionMultiplexer = StackExchange.Redis.ConnectionMultiplexer;
using Opts = Microsoft.Extensions.Options.Options;

namespace HeadlessShop.Api.Tests.Admin;

/// <summary>The guarantees every <see cref="IProductPageStore"/> gives; run against Redis and against memory.</summary>
public abstract class ProductPageStoreContractTests
{
    protected static readonly ProductCacheOptions Settings = new() { FreshFor = TimeSpan.FromMinutes(5), StaleFor = TimeSpan.FromHours(1) };

    protected abstract IProductPageStore Store { get; }

    private static ProductPage Page(long id, string slug, long price = 1999) => new(
        new Product { Id = id, Slug = slug, Name = "Chair " + id, PriceMinMinor = price, PriceMaxMinor = price, CreatedAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
        [new ProductVariant { Id = id * 10, ProductId = id, Sku = "SKU-" + id, Name = "One", PriceMinor = price, Currency = CurrencyCode.EUR, OptionValues = [new("Size", "M")], Stock = new StockLevel { VariantId = id * 10, OnHand = 5, Reserved = 2 } }],
        [new ProductImage { Id = 1, ProductId = id, Url = "https://img.example/1.jpg" }],
        [new ProductOption { Id = 1, ProductId = id, Name = "Size", Values = ["M"] }],
        [new Collection { Id = 3, Slug = "new", Name = "New" }],
        new Category { Id = 4, Slug = "chairs", Name = "Chairs" });

    private static long NewId() => Random.Shared.NextInt64(1, long.MaxValue / 100);

    [Fact]
    public async Task A_stored_page_comes_back_fresh_and_whole_and_its_slug_finds_it()
    {
        var id = NewId();
        Assert.True(await Store.SetAsync(Page(id, $"chair-{id}"), await Store.GenerationAsync(id, default), default));

        var cached = await Store.GetAsync(id, default);
        Assert.True(cached!.Fresh);
        Assert.Equal(($"chair-{id}", 1999L), (cached.Page.Product.Slug, cached.Page.Product.PriceMinMinor));
        var variant = Assert.Single(cached.Page.Variants);
        Assert.Equal((CurrencyCode.EUR, 3, "M"), (variant.Currency, variant.Stock!.Available, variant.OptionValues[0].Value));
        Assert.Equal(("chairs", "new"), (cached.Page.Category!.Slug, cached.Page.Collections[0].Slug));
        Assert.Equal(id, await Store.FindIdAsync($"chair-{id}", default));
    }

    [Fact]
    public async Task Invalidation_drops_the_fresh_copy_but_keeps_the_stale_one_for_outages()
    {
        var id = NewId();
        await Store.SetAsync(Page(id, $"chair-{id}"), await Store.GenerationAsync(id, default), default);
        await Store.InvalidateAsync(id, default);

        var cached = await Store.GetAsync(id, default);
        Assert.False(cached!.Fresh);
        Assert.Equal(id, cached.Page.Product.Id);
    }

    [Fact]
    public async Task A_reader_that_started_before_an_invalidation_cannot_put_its_older_page_back()
    {
        var id = NewId();
        var generation = await Store.GenerationAsync(id, default);
        // The reader reads the database (old price), then the product changes and is invalidated, then the reader writes.
        await Store.InvalidateAsync(id, default);
        Assert.False(await Store.SetAsync(Page(id, $"chair-{id}", price: 1000), generation, default));
        Assert.Null(await Store.GetAsync(id, default));

        Assert.True(await Store.SetAsync(Page(id, $"chair-{id}", price: 2000), await Store.GenerationAsync(id, default), default));
        Assert.Equal(2000, (await Store.GetAsync(id, default))!.Page.Product.PriceMinMinor);
    }

    [Fact]
    public async Task Eviction_drops_both_copies()
    {
        var id = NewId();
        await Store.SetAsync(Page(id, $"chair-{id}"), await Store.GenerationAsync(id, default), default);
        await Store.EvictAsync(id, default);

        Assert.Null(await Store.GetAsync(id, default));
    }
}

public sealed class MemoryProductPageStoreTests : ProductPageStoreContractTests
{
    private readonly ManualTimeProvider _time = new();

    public MemoryProductPageStoreTests() => Store = new MemoryProductPageStore(Opts.Create(Settings), _time);

    protected override IProductPageStore Store { get; }

    [Fact]
    public async Task A_fresh_page_turns_stale_after_fresh_for_and_disappears_after_stale_for()
    {
        await Store.SetAsync(new ProductPage(new Product { Id = 1, Slug = "a", Name = "A" }, [], [], [], [], null), 0, default);
        _time.Advance(Settings.FreshFor + TimeSpan.FromSeconds(1));
        Assert.False((await Store.GetAsync(1, default))!.Fresh);
        _time.Advance(Settings.StaleFor);
        Assert.Null(await Store.GetAsync(1, default));
    }
}

public sealed class RedisProductPageStoreTests : ProductPageStoreContractTests, IDisposable
{
    private readonly ConnectionMultiplexer _redis = ConnectionMultiplexer.Connect(TestRedis.ConnectionString);

    public RedisProductPageStoreTests() =>
        Store = new RedisProductPageStore(_redis, Opts.Create(new RedisOptions { KeyPrefix = $"hs-test:{Guid.NewGuid():N}:" }), Opts.Create(Settings));

    protected override IProductPageStore Store { get; }

    public void Dispose() => _redis.Dispose();
}
