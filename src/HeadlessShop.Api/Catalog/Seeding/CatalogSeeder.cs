using HeadlessShop.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Catalog.Seeding;

/// <summary>
/// Writes products 1..N of <see cref="DemoCatalog"/> in batches. Idempotent: categories, collections and products
/// are matched by slug, so running it again (or with a larger N) only adds what is missing.
/// </summary>
public sealed class CatalogSeeder(IDbContextFactory<ShopDbContext> contexts, TimeProvider time)
{
    public const int BatchSize = 500;

    /// <summary>Seeds products 1..<paramref name="count"/>; reports the number of products processed so far.</summary>
    public async Task<int> SeedAsync(int count, IProgress<int>? progress, CancellationToken cancellationToken) =>
        await SeedAsync(count, variantsPerProduct: null, progress, cancellationToken);

    /// <summary>As above, with exactly <paramref name="variantsPerProduct"/> variants per product when given.</summary>
    public async Task<int> SeedAsync(int count, int? variantsPerProduct, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var categoryIds = await EnsureCategoriesAsync(cancellationToken);
        var collectionIds = await EnsureCollectionsAsync(cancellationToken);
        var added = 0;
        for (var start = 1; start <= count; start += BatchSize)
        {
            var seeds = Enumerable.Range(start, Math.Min(BatchSize, count - start + 1)).Select(n => DemoCatalog.Product(n, variantsPerProduct)).ToList();
            added += await InsertMissingAsync(seeds, categoryIds, collectionIds, cancellationToken);
            progress?.Report(start - 1 + seeds.Count);
        }
        return added;
    }

    private async Task<int> InsertMissingAsync(
        List<DemoCatalog.ProductSeed> seeds,
        Dictionary<string, long> categoryIds,
        Dictionary<string, long> collectionIds,
        CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var slugs = seeds.Select(s => s.Slug).ToList();
        var existing = (await db.Products.Where(p => slugs.Contains(p.Slug)).Select(p => p.Slug).ToListAsync(cancellationToken)).ToHashSet();
        var now = time.GetUtcNow().UtcDateTime;
        var products = seeds.Where(s => !existing.Contains(s.Slug)).Select(s => ToEntity(s, categoryIds, collectionIds, now)).ToList();
        if (products.Count == 0)
        {
            return 0;
        }
        db.Products.AddRange(products);
        await db.SaveChangesAsync(cancellationToken);
        return products.Count;
    }

    private static Product ToEntity(
        DemoCatalog.ProductSeed seed,
        Dictionary<string, long> categoryIds,
        Dictionary<string, long> collectionIds,
        DateTime now)
    {
        var product = new Product
        {
            Slug = seed.Slug,
            Name = seed.Name,
            Description = seed.Description,
            Brand = seed.Brand,
            CategoryId = categoryIds[seed.CategorySlug],
            CreatedAt = seed.CreatedAt,
            UpdatedAt = now,
            Variants = seed.Variants.Select((v, i) => new ProductVariant
            {
                Sku = v.Sku,
                Name = v.Name,
                PriceMinor = v.PriceMinor,
                CompareAtPriceMinor = v.CompareAtPriceMinor,
                Position = i,
                OptionValues = v.Options.ToList(),
                Stock = new StockLevel { OnHand = v.OnHand },
            }).ToList(),
            Images = seed.ImageUrls.Select((url, i) => new ProductImage
            {
                Url = url,
                AltText = $"{seed.Name}, picture {i + 1}",
                Width = 800,
                Height = 800,
                Position = i,
            }).ToList(),
            Options = seed.Options.Select((o, i) => new ProductOption { Name = o.Name, Values = o.Values.ToList(), Position = i }).ToList(),
            Collections = seed.CollectionSlugs.Select(slug => new ProductCollection { CollectionId = collectionIds[slug], Position = seed.Number }).ToList(),
        };
        product.RefreshPriceRange();
        return product;
    }

    private async Task<Dictionary<string, long>> EnsureCategoriesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var ids = await db.Categories.ToDictionaryAsync(c => c.Slug, c => c.Id, cancellationToken);
        // Parents come before children in the seed list, so one pass resolves every parent id.
        foreach (var (seed, position) in DemoCatalog.Categories.Select((c, i) => (c, i)))
        {
            if (ids.ContainsKey(seed.Slug))
            {
                continue;
            }
            var category = new Category
            {
                Slug = seed.Slug,
                Name = seed.Name,
                ParentId = seed.ParentSlug is null ? null : ids[seed.ParentSlug],
                Position = position,
            };
            db.Categories.Add(category);
            await db.SaveChangesAsync(cancellationToken);
            ids[seed.Slug] = category.Id;
        }
        return ids;
    }

    private async Task<Dictionary<string, long>> EnsureCollectionsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var existing = await db.Collections.Select(c => c.Slug).ToListAsync(cancellationToken);
        var missing = DemoCatalog.Collections.Where(c => !existing.Contains(c.Slug)).Select(c => new Collection { Slug = c.Slug, Name = c.Name }).ToList();
        if (missing.Count > 0)
        {
            db.Collections.AddRange(missing);
            await db.SaveChangesAsync(cancellationToken);
        }
        return await db.Collections.ToDictionaryAsync(c => c.Slug, c => c.Id, cancellationToken);
    }
}
