using HeadlessShop.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Catalog;

/// <summary>Storefront products: soft-deleted ones are absent (so product, node and variant.product never show them).</summary>
public sealed class ProductByIdDataLoader(LookupContexts contexts) : DbBatchDataLoader<long, Product>(contexts)
{
    protected override IQueryable<Product> Query(ShopDbContext db, IReadOnlyList<long> keys) => db.Products.Where(p => keys.Contains(p.Id) && p.DeletedAt == null);
    protected override long KeyOf(Product value) => value.Id;
}

public sealed class ProductBySlugDataLoader(LookupContexts contexts) : DbBatchDataLoader<string, Product>(contexts)
{
    protected override IQueryable<Product> Query(ShopDbContext db, IReadOnlyList<string> keys) => db.Products.Where(p => keys.Contains(p.Slug) && p.DeletedAt == null);
    protected override string KeyOf(Product value) => value.Slug;
}

/// <summary>Variants with their stock level (joined in the same statement), in display order.</summary>
public sealed class VariantsByProductIdDataLoader(LookupContexts contexts) : DbGroupedDataLoader<long, ProductVariant>(contexts)
{
    // Every listing and product page runs this: compiled, so EF skips the per-call expression cache lookup.
    private static readonly CompiledKeysQuery<ProductVariant> Shape = new((db, keys) =>
        db.ProductVariants.Include(v => v.Stock).Where(v => keys.Contains(v.ProductId)).OrderBy(v => v.ProductId).ThenBy(v => v.Position));

    protected override IQueryable<ProductVariant> Query(ShopDbContext db, IReadOnlyList<long> keys) => Shape.Query(db, [.. keys]);
    protected override IAsyncEnumerable<ProductVariant> Rows(ShopDbContext db, long[] keys) => Shape.Rows(db, keys);
    protected override long KeyOf(ProductVariant row) => row.ProductId;
}

/// <summary>Variants of products still sold: carts drop, and cart additions refuse, variants of deleted products.</summary>
public sealed class VariantByIdDataLoader(LookupContexts contexts) : DbBatchDataLoader<long, ProductVariant>(contexts)
{
    // Every cart mutation runs this (price and live stock of the lines): compiled, like the listing's loaders.
    private static readonly CompiledKeysQuery<ProductVariant> Shape = new((db, keys) =>
        db.ProductVariants.Include(v => v.Stock).Where(v => keys.Contains(v.Id) && db.Products.Any(p => p.Id == v.ProductId && p.DeletedAt == null)));

    protected override IQueryable<ProductVariant> Query(ShopDbContext db, IReadOnlyList<long> keys) => Shape.Query(db, [.. keys]);
    protected override IAsyncEnumerable<ProductVariant> Rows(ShopDbContext db, long[] keys) => Shape.Rows(db, keys);
    protected override long KeyOf(ProductVariant value) => value.Id;
}

public sealed class ImagesByProductIdDataLoader(LookupContexts contexts) : DbGroupedDataLoader<long, ProductImage>(contexts)
{
    private static readonly CompiledKeysQuery<ProductImage> Shape = new((db, keys) =>
        db.ProductImages.Where(i => keys.Contains(i.ProductId)).OrderBy(i => i.ProductId).ThenBy(i => i.Position));

    protected override IQueryable<ProductImage> Query(ShopDbContext db, IReadOnlyList<long> keys) => Shape.Query(db, [.. keys]);
    protected override IAsyncEnumerable<ProductImage> Rows(ShopDbContext db, long[] keys) => Shape.Rows(db, keys);
    protected override long KeyOf(ProductImage row) => row.ProductId;
}

public sealed class OptionsByProductIdDataLoader(LookupContexts contexts) : DbGroupedDataLoader<long, ProductOption>(contexts)
{
    protected override IQueryable<ProductOption> Query(ShopDbContext db, IReadOnlyList<long> keys) =>
        db.ProductOptions.Where(o => keys.Contains(o.ProductId)).OrderBy(o => o.ProductId).ThenBy(o => o.Position);
    protected override long KeyOf(ProductOption row) => row.ProductId;
}

public sealed class CategoryByIdDataLoader(LookupContexts contexts) : DbBatchDataLoader<long, Category>(contexts)
{
    private static readonly CompiledKeysQuery<Category> Shape = new((db, keys) => db.Categories.Where(c => keys.Contains(c.Id)));

    protected override IQueryable<Category> Query(ShopDbContext db, IReadOnlyList<long> keys) => Shape.Query(db, [.. keys]);
    protected override IAsyncEnumerable<Category> Rows(ShopDbContext db, long[] keys) => Shape.Rows(db, keys);
    protected override long KeyOf(Category value) => value.Id;
}

public sealed class CategoryBySlugDataLoader(LookupContexts contexts) : DbBatchDataLoader<string, Category>(contexts)
{
    protected override IQueryable<Category> Query(ShopDbContext db, IReadOnlyList<string> keys) => db.Categories.Where(c => keys.Contains(c.Slug));
    protected override string KeyOf(Category value) => value.Slug;
}

public sealed class CategoriesByParentIdDataLoader(LookupContexts contexts) : DbGroupedDataLoader<long, Category>(contexts)
{
    protected override IQueryable<Category> Query(ShopDbContext db, IReadOnlyList<long> keys) =>
        db.Categories.Where(c => c.ParentId != null && keys.Contains(c.ParentId.Value)).OrderBy(c => c.Position).ThenBy(c => c.Id);
    protected override long KeyOf(Category row) => row.ParentId!.Value;
}

public sealed class CollectionByIdDataLoader(LookupContexts contexts) : DbBatchDataLoader<long, Collection>(contexts)
{
    protected override IQueryable<Collection> Query(ShopDbContext db, IReadOnlyList<long> keys) => db.Collections.Where(c => keys.Contains(c.Id));
    protected override long KeyOf(Collection value) => value.Id;
}

public sealed class CollectionBySlugDataLoader(LookupContexts contexts) : DbBatchDataLoader<string, Collection>(contexts)
{
    protected override IQueryable<Collection> Query(ShopDbContext db, IReadOnlyList<string> keys) => db.Collections.Where(c => keys.Contains(c.Slug));
    protected override string KeyOf(Collection value) => value.Slug;
}

/// <summary>The collections a product belongs to, by name: one statement joining the link table.</summary>
public sealed class CollectionsByProductIdDataLoader(LookupContexts contexts)
    : DbGroupedDataLoader<long, CollectionsByProductIdDataLoader.Row, Collection>(contexts)
{
    public sealed record Row(long ProductId, Collection Collection);

    protected override IQueryable<Row> Query(ShopDbContext db, IReadOnlyList<long> keys) =>
        from link in db.ProductCollections
        join collection in db.Collections on link.CollectionId equals collection.Id
        where keys.Contains(link.ProductId)
        orderby link.ProductId, collection.Name
        select new Row(link.ProductId, collection);

    protected override long KeyOf(Row row) => row.ProductId;
    protected override Collection ValueOf(Row row) => row.Collection;
}
