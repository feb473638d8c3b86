using System.Globalization;
using System.Text;
using HeadlessShop.Api.Catalog.Caching;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Catalog;

public sealed record ProductFilter(
    string? CategorySlug = null,
    string? CollectionSlug = null,
    IReadOnlyList<string>? Brand = null,
    bool? AvailableForSale = null,
    long? PriceMin = null,
    long? PriceMax = null);

public enum ProductSortKey
{
    /// <summary>Outside search there is no query to rank by: catalog order (oldest first).</summary>
    Relevance,
    Name,
    Price,
    CreatedAt,
}

public sealed record ProductSort(ProductSortKey Key = ProductSortKey.Relevance, bool Reverse = false);

/// <summary>
/// Keyset-paginated product lists. Each sort key orders by (key, id), the cursor holds both, and every page is one
/// indexed range scan however deep the client pages: cost stays flat as the catalog grows. The scan returns ids only;
/// the products (with what the page shows of them) come from this instance's listing snapshots where it holds them.
/// An unfiltered page is that range scan whatever the cursor and page size, so it runs on <see cref="LookupContexts"/>
/// (planned once per connection); a filtered one is planned for its values, because how selective a brand, category or
/// price range is decides between walking the sort index and sorting the matches.
/// </summary>
public sealed class ProductListing(IDbContextFactory<ShopDbContext> contexts, LookupContexts lookups, ListingSnapshotReader snapshots)
{
    public async Task<Connection<Product>> ListAsync(ProductFilter filter, ProductSort sort, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(sort);
        ArgumentNullException.ThrowIfNull(page);
        var position = page.Cursor is null ? null : ProductCursor.Decode(page.Cursor, sort.Key, page.Backward ? "before" : "after");
        // Backward pages walk the sort order in reverse and are flipped back by the connection.
        var descending = sort.Reverse ^ page.Backward;

        await using var db = await (Narrows(filter) ? contexts : lookups).CreateDbContextAsync(cancellationToken);
        var categoryIds = await CategoryIdsAsync(db, filter.CategorySlug, cancellationToken);
        var filtered = ApplyFilter(db, db.Products, filter, categoryIds);
        var ids = page.Size == 0
            ? []
            : await Order(After(filtered, sort.Key, descending, position), sort.Key, descending)
                .Take(page.Size + 1)
                .Select(p => p.Id)
                .ToListAsync(cancellationToken);
        // A product deleted between the two reads is left out of the page.
        var rows = ids.Count == 0 ? [] : (await snapshots.ProductsAsync(ids, cancellationToken)).OfType<Product>().ToList();

        return Connection<Product>.FromSlice(
            rows,
            page,
            product => ProductCursor.Encode(sort.Key, product),
            async ct =>
            {
                await using var countDb = await contexts.CreateDbContextAsync(ct);
                return await ApplyFilter(countDb, countDb.Products, filter, categoryIds).CountAsync(ct);
            });
    }

    private static bool Narrows(ProductFilter filter) =>
        filter.CategorySlug is not null || filter.CollectionSlug is not null || filter.Brand is { Count: > 0 }
        || filter.AvailableForSale is not null || filter.PriceMin is not null || filter.PriceMax is not null;

    /// <summary>The category and all its descendants; null when no category filter applies.</summary>
    private static async Task<HashSet<long>?> CategoryIdsAsync(ShopDbContext db, string? slug, CancellationToken cancellationToken)
    {
        if (slug is null)
        {
            return null;
        }
        var all = await db.Categories.Select(c => new { c.Id, c.ParentId, c.Slug }).ToListAsync(cancellationToken);
        var ids = all.Where(c => c.Slug == slug).Select(c => c.Id).ToHashSet();
        var added = true;
        while (added)
        {
            added = false;
            foreach (var c in all)
            {
                if (c.ParentId is { } parent && ids.Contains(parent) && ids.Add(c.Id))
                {
                    added = true;
                }
            }
        }
        return ids;
    }

    private static IQueryable<Product> ApplyFilter(ShopDbContext db, IQueryable<Product> query, ProductFilter filter, HashSet<long>? categoryIds)
    {
        // Soft-deleted products stay for order history only.
        query = query.Where(p => p.DeletedAt == null);
        if (categoryIds is not null)
        {
            var ids = categoryIds.ToList();
            query = query.Where(p => p.CategoryId != null && ids.Contains(p.CategoryId.Value));
        }
        if (filter.CollectionSlug is { } collectionSlug)
        {
            query = query.Where(p => db.ProductCollections.Any(pc => pc.ProductId == p.Id
                && db.Collections.Any(c => c.Id == pc.CollectionId && c.Slug == collectionSlug)));
        }
        if (filter.Brand is { Count: > 0 } brands)
        {
            var list = brands.ToList();
            query = query.Where(p => p.Brand != null && list.Contains(p.Brand));
        }
        if (filter.AvailableForSale is { } available)
        {
            query = query.Where(p => db.ProductVariants.Any(v => v.ProductId == p.Id && v.Stock!.OnHand - v.Stock.Reserved > 0) == available);
        }
        // A product matches a price range when any of its variants does: its [min, max] overlaps the range.
        if (filter.PriceMin is { } min)
        {
            query = query.Where(p => p.PriceMaxMinor >= min);
        }
        if (filter.PriceMax is { } max)
        {
            query = query.Where(p => p.PriceMinMinor <= max);
        }
        return query;
    }

    private static IQueryable<Product> After(IQueryable<Product> query, ProductSortKey key, bool descending, ProductCursor? cursor)
    {
        if (cursor is null)
        {
            return query;
        }
        var id = cursor.Id;
        // Each position is "key at or past the cursor's key, and past its id on a tie". The first half is a plain range
        // on the (key, id) index, so the scan starts at the cursor however deep it is; written as one OR, PostgreSQL
        // walks the index from the start of the list and filters (listing-deep at 100,000 products: 38 req/s).
        return (key, descending) switch
        {
            (ProductSortKey.Name, false) => query.Where(p => p.Name.CompareTo(cursor.Text) >= 0 && (p.Name.CompareTo(cursor.Text) > 0 || p.Id > id)),
            (ProductSortKey.Name, true) => query.Where(p => p.Name.CompareTo(cursor.Text) <= 0 && (p.Name.CompareTo(cursor.Text) < 0 || p.Id < id)),
            (ProductSortKey.Price, false) => query.Where(p => p.PriceMinMinor >= cursor.Number && (p.PriceMinMinor > cursor.Number || p.Id > id)),
            (ProductSortKey.Price, true) => query.Where(p => p.PriceMinMinor <= cursor.Number && (p.PriceMinMinor < cursor.Number || p.Id < id)),
            (ProductSortKey.CreatedAt, false) => query.Where(p => p.CreatedAt >= cursor.Time && (p.CreatedAt > cursor.Time || p.Id > id)),
            (ProductSortKey.CreatedAt, true) => query.Where(p => p.CreatedAt <= cursor.Time && (p.CreatedAt < cursor.Time || p.Id < id)),
            (_, false) => query.Where(p => p.Id > id),
            (_, true) => query.Where(p => p.Id < id),
        };
    }

    private static IQueryable<Product> Order(IQueryable<Product> query, ProductSortKey key, bool descending) => (key, descending) switch
    {
        (ProductSortKey.Name, false) => query.OrderBy(p => p.Name).ThenBy(p => p.Id),
        (ProductSortKey.Name, true) => query.OrderByDescending(p => p.Name).ThenByDescending(p => p.Id),
        (ProductSortKey.Price, false) => query.OrderBy(p => p.PriceMinMinor).ThenBy(p => p.Id),
        (ProductSortKey.Price, true) => query.OrderByDescending(p => p.PriceMinMinor).ThenByDescending(p => p.Id),
        (ProductSortKey.CreatedAt, false) => query.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id),
        (ProductSortKey.CreatedAt, true) => query.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id),
        (_, false) => query.OrderBy(p => p.Id),
        (_, true) => query.OrderByDescending(p => p.Id),
    };
}

/// <summary>A position in a product list: the sort key it belongs to, the row's key value and its id.</summary>
internal sealed record ProductCursor(ProductSortKey Key, string Text, long Number, DateTime Time, long Id)
{
    public static string Encode(ProductSortKey key, Product product)
    {
        var value = key switch
        {
            ProductSortKey.Name => product.Name,
            ProductSortKey.Price => product.PriceMinMinor.ToString(CultureInfo.InvariantCulture),
            ProductSortKey.CreatedAt => product.CreatedAt.Ticks.ToString(CultureInfo.InvariantCulture),
            _ => "",
        };
        return OpaqueToken.Encode(Encoding.UTF8.GetBytes($"p1|{(int)key}|{product.Id}|{value}"));
    }

    /// <summary>Decodes a cursor issued for <paramref name="key"/>; any other cursor is BAD_USER_INPUT.</summary>
    public static ProductCursor Decode(string cursor, ProductSortKey key, string argument)
    {
        if (OpaqueToken.TryDecode(cursor, out var payload))
        {
            var parts = Encoding.UTF8.GetString(payload).Split('|', 4);
            if (parts.Length == 4 && parts[0] == "p1"
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k == (int)key
                && long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id))
            {
                var value = parts[3];
                long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number);
                var time = key == ProductSortKey.CreatedAt && number is >= 0 && number <= DateTime.MaxValue.Ticks
                    ? new DateTime(number, DateTimeKind.Utc)
                    : default;
                return new ProductCursor(key, value, number, time, id);
            }
        }
        throw new BadUserInputException(
            $"\"{argument}\" is not a cursor of this list. Use a cursor returned by the same field with the same sort.", argument);
    }
}
