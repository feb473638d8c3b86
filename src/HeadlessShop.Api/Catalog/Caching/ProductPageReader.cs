using HeadlessShop.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HeadlessShop.Api.Catalog.Caching;

/// <summary>
/// <c>product(id:)</c> and <c>product(slug:)</c> through the page cache. A fresh cached page answers without the
/// database; otherwise the page is read from the database and cached. When the database is down or slower than
/// <see cref="ProductCacheOptions.DatabaseTimeout"/>, the last cached copy answers (stale beats an error). Either way the
/// request's catalog loaders are primed with the page, so the product's variants, images, options, collections and
/// category resolve from it without another query.
/// </summary>
public sealed partial class ProductPageReader(
    LookupContexts contexts,
    IProductPageStore store,
    IOptions<ProductCacheOptions> options,
    ProductByIdDataLoader products,
    ProductBySlugDataLoader productsBySlug,
    VariantsByProductIdDataLoader variants,
    ImagesByProductIdDataLoader images,
    OptionsByProductIdDataLoader productOptions,
    CollectionsByProductIdDataLoader collections,
    CategoryByIdDataLoader categories,
    ILogger<ProductPageReader> logger)
{
    public async Task<Product?> ByIdAsync(long productId, CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return await products.LoadAsync(productId).GetResultAsync(cancellationToken);
        }
        var cached = await CachedAsync(productId, cancellationToken);
        return await ResolveAsync(productId, cached, cancellationToken);
    }

    public async Task<Product?> BySlugAsync(string slug, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slug);
        if (!options.Value.Enabled)
        {
            return await productsBySlug.LoadAsync(slug).GetResultAsync(cancellationToken);
        }
        CachedProductPage? cached = null;
        if (await StoreAsync(() => store.FindIdAsync(slug, cancellationToken)) is { } knownId)
        {
            cached = await CachedAsync(knownId, cancellationToken);
            if (cached is not null && cached.Page.Product.Slug != slug)
            {
                cached = null;
            }
            if (cached is { Fresh: true })
            {
                return Serve(cached.Page);
            }
        }
        long? id;
        try
        {
            id = await WithTimeoutAsync(async (db, ct) =>
                await db.Products.Where(p => p.Slug == slug && p.DeletedAt == null).Select(p => (long?)p.Id).FirstOrDefaultAsync(ct), cancellationToken);
        }
        catch (Exception ex) when (IsOutage(ex, cancellationToken) && cached is not null)
        {
            LogServedStale(logger, cached.Page.Product.Id, ex.Message);
            return Serve(cached.Page);
        }
        return id is { } found ? await ResolveAsync(found, cached?.Page.Product.Id == found ? cached : null, cancellationToken) : null;
    }

    private async Task<Product?> ResolveAsync(long productId, CachedProductPage? cached, CancellationToken cancellationToken)
    {
        if (cached is { Fresh: true })
        {
            return Serve(cached.Page);
        }
        var generation = await StoreAsync(async () => (long?)await store.GenerationAsync(productId, cancellationToken));
        ProductPage? page;
        try
        {
            page = await WithTimeoutAsync((db, ct) => LoadAsync(db, productId, ct), cancellationToken);
        }
        catch (Exception ex) when (IsOutage(ex, cancellationToken) && cached is not null)
        {
            LogServedStale(logger, productId, ex.Message);
            return Serve(cached.Page);
        }
        if (page is null)
        {
            return null;
        }
        if (generation is { } g)
        {
            await StoreAsync(async () => (bool?)await store.SetAsync(page, g, cancellationToken));
        }
        return Serve(page);
    }

    private static async Task<ProductPage?> LoadAsync(ShopDbContext db, long productId, CancellationToken cancellationToken)
    {
        var product = await db.Products.FirstOrDefaultAsync(p => p.Id == productId && p.DeletedAt == null, cancellationToken);
        if (product is null)
        {
            return null;
        }
        // The same rows, in the same order, as the catalog loaders return them.
        var variantRows = await db.ProductVariants.Include(v => v.Stock).Where(v => v.ProductId == productId).OrderBy(v => v.Position).ToListAsync(cancellationToken);
        var imageRows = await db.ProductImages.Where(i => i.ProductId == productId).OrderBy(i => i.Position).ToListAsync(cancellationToken);
        var optionRows = await db.ProductOptions.Where(o => o.ProductId == productId).OrderBy(o => o.Position).ToListAsync(cancellationToken);
        var collectionRows = await (
            from link in db.ProductCollections
            join collection in db.Collections on link.CollectionId equals collection.Id
            where link.ProductId == productId
            orderby collection.Name
            select collection).ToListAsync(cancellationToken);
        var category = product.CategoryId is { } categoryId ? await db.Categories.FirstOrDefaultAsync(c => c.Id == categoryId, cancellationToken) : null;
        return new ProductPage(product, variantRows, imageRows, optionRows, collectionRows, category);
    }

    private Product Serve(ProductPage page)
    {
        var product = page.Product;
        products.Prime(product.Id, product);
        productsBySlug.Prime(product.Slug, product);
        variants.Prime(product.Id, page.Variants);
        images.Prime(product.Id, page.Images);
        productOptions.Prime(product.Id, page.Options);
        collections.Prime(product.Id, page.Collections);
        if (page.Category is { } category)
        {
            categories.Prime(category.Id, category);
        }
        return product;
    }

    private async Task<CachedProductPage?> CachedAsync(long productId, CancellationToken cancellationToken) =>
        await StoreAsync(() => store.GetAsync(productId, cancellationToken));

    private async Task<T> WithTimeoutAsync<T>(Func<ShopDbContext, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.DatabaseTimeout);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(timeout.Token);
            return await read(db, timeout.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The database did not answer within {options.Value.DatabaseTimeout.TotalMilliseconds} ms.", ex);
        }
    }

    private static bool IsOutage(Exception exception, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && DatabaseOutage.IsOutage(exception);

    /// <summary>The cache is an optimisation: when it fails, reads go to the database as if it were empty.</summary>
    private async Task<T?> StoreAsync<T>(Func<Task<T?>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            LogCacheUnavailable(logger, ex);
            return default;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unavailable ({Reason}); served product {ProductId} from the stale page cache")]
    private static partial void LogServedStale(ILogger logger, long productId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Product page cache unavailable; reading from the database")]
    private static partial void LogCacheUnavailable(ILogger logger, Exception exception);
}
