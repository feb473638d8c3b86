using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Search.Typesense;

/// <summary>
/// Builds <see cref="SearchDocument"/>s from the catalog tables, a batch at a time (products, their variants and
/// stock, their categories: three queries per batch). Soft-deleted products are never read as documents.
/// </summary>
public sealed class SearchDocumentReader(IDbContextFactory<ShopDbContext> contexts)
{
    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Products.CountAsync(p => p.DeletedAt == null, cancellationToken);
    }

    /// <summary>Every live product, in id order (keyset pages, so rows added meanwhile are not skipped or repeated).</summary>
    public async IAsyncEnumerable<IReadOnlyList<SearchDocument>> ReadAllAsync(
        int batchSize, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var after = 0L;
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var products = await Products(db)
                .Where(p => p.Id > after)
                .OrderBy(p => p.Id)
                .Take(batchSize)
                .ToListAsync(cancellationToken);
            if (products.Count == 0)
            {
                yield break;
            }
            after = products[^1].Id;
            yield return await ToDocumentsAsync(db, products, cancellationToken);
            if (products.Count < batchSize)
            {
                yield break;
            }
        }
    }

    /// <summary>The documents of these products; ids that are unknown or soft-deleted come back in <c>Gone</c>.</summary>
    public async Task<(IReadOnlyList<SearchDocument> Documents, IReadOnlyList<long> Gone)> ReadAsync(
        IReadOnlyCollection<long> productIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(productIds);
        var ids = productIds.Distinct().ToList();
        if (ids.Count == 0)
        {
            return ([], []);
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var products = await Products(db).Where(p => ids.Contains(p.Id)).OrderBy(p => p.Id).ToListAsync(cancellationToken);
        var documents = await ToDocumentsAsync(db, products, cancellationToken);
        var found = products.Select(p => p.Id).ToHashSet();
        return (documents, ids.Where(id => !found.Contains(id)).Order().ToList());
    }

    /// <summary>Live products changed at or after <paramref name="since"/>, and the ids of products deleted since then.</summary>
    public async Task<(IReadOnlyList<long> Changed, IReadOnlyList<long> Deleted)> ChangedSinceAsync(DateTime since, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var changed = await db.Products.AsNoTracking()
            .Where(p => p.DeletedAt == null && p.UpdatedAt >= since).Select(p => p.Id).ToListAsync(cancellationToken);
        var deleted = await db.Products.AsNoTracking()
            .Where(p => p.DeletedAt != null && p.DeletedAt >= since).Select(p => p.Id).ToListAsync(cancellationToken);
        return (changed, deleted);
    }

    private static IQueryable<Product> Products(ShopDbContext db) =>
        db.Products.AsNoTracking().AsSplitQuery()
            .Where(p => p.DeletedAt == null)
            .Include(p => p.Variants).ThenInclude(v => v.Stock);

    private static async Task<IReadOnlyList<SearchDocument>> ToDocumentsAsync(ShopDbContext db, List<Product> products, CancellationToken cancellationToken)
    {
        var categoryIds = products.Where(p => p.CategoryId is not null).Select(p => p.CategoryId!.Value).Distinct().ToList();
        var categories = categoryIds.Count == 0
            ? new Dictionary<long, Category>()
            : await db.Categories.AsNoTracking().Where(c => categoryIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
        return products.Select(p =>
        {
            var category = p.CategoryId is { } id && categories.TryGetValue(id, out var c) ? c : null;
            return new SearchDocument(
                p.Id,
                p.Slug,
                p.Name,
                p.Description,
                p.Brand,
                category?.Slug,
                category?.Name,
                SearchDocument.ValuesOf(p.Variants, "color"),
                SearchDocument.ValuesOf(p.Variants, "size"),
                p.Variants.OrderBy(v => v.Position).Select(v => v.Sku).ToList(),
                p.PriceMinMinor,
                p.PriceMaxMinor,
                p.Currency,
                p.Variants.Any(v => v.Stock?.Available > 0),
                p.CreatedAt);
        }).ToList();
    }
}
