namespace HeadlessShop.Api.Catalog.Caching;

/// <summary>
/// Turns the product ids of a list page into products whose variants, stock, images and category resolve without
/// another query: snapshots this instance holds prime the request's loaders; the rest are read through the same
/// loaders (one statement each for products, variants with stock, images and categories, however many are missing)
/// and kept as snapshots for the next page.
/// </summary>
public sealed class ListingSnapshotReader(
    ListingSnapshotCache cache,
    ProductByIdDataLoader products,
    VariantsByProductIdDataLoader variants,
    ImagesByProductIdDataLoader images,
    CategoryByIdDataLoader categories)
{
    /// <summary>The products of <paramref name="ids"/>, position by position; null for a product deleted meanwhile.</summary>
    public async Task<IReadOnlyList<Product?>> ProductsAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var found = new Dictionary<long, Product>(ids.Count);
        List<long>? missing = null;
        foreach (var id in ids)
        {
            if (found.ContainsKey(id))
            {
                continue;
            }
            if (cache.TryGet(id, out var snapshot))
            {
                found[id] = Serve(snapshot);
            }
            else
            {
                (missing ??= []).Add(id);
            }
        }
        if (missing is not null)
        {
            await LoadAsync(missing, found, cancellationToken);
        }
        var ordered = new Product?[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            ordered[i] = found.GetValueOrDefault(ids[i]);
        }
        return ordered;
    }

    private async Task LoadAsync(List<long> ids, Dictionary<long, Product> found, CancellationToken cancellationToken)
    {
        // Stamps first: an invalidation that lands while we read keeps our (possibly older) rows out of the cache.
        var stamps = ids.ConvertAll(cache.Stamp);
        var productRows = products.LoadManyAsync(ids).GetResultAsync(cancellationToken);
        var variantRows = variants.LoadManyAsync(ids).GetResultAsync(cancellationToken);
        var imageRows = images.LoadManyAsync(ids).GetResultAsync(cancellationToken);
        await Task.WhenAll(productRows, variantRows, imageRows);
        var loaded = await productRows;
        var categoryIds = loaded.Select(p => p?.CategoryId).OfType<long>().Distinct().ToList();
        var categoryRows = categoryIds.Count == 0 ? [] : await categories.LoadManyAsync(categoryIds).GetResultAsync(cancellationToken);
        var categoryById = categoryRows.OfType<Category>().ToDictionary(c => c.Id);
        var variantLists = await variantRows;
        var imageLists = await imageRows;
        for (var i = 0; i < ids.Count; i++)
        {
            if (loaded[i] is not { } product)
            {
                continue;
            }
            found[product.Id] = product;
            var category = product.CategoryId is { } categoryId ? categoryById.GetValueOrDefault(categoryId) : null;
            cache.TryStore(new ListingSnapshot(product, variantLists[i] ?? [], imageLists[i] ?? [], category), stamps[i]);
        }
    }

    private Product Serve(ListingSnapshot snapshot)
    {
        var product = snapshot.Product;
        products.Prime(product.Id, product);
        variants.Prime(product.Id, snapshot.Variants);
        images.Prime(product.Id, snapshot.Images);
        if (snapshot.Category is { } category)
        {
            categories.Prime(category.Id, category);
        }
        return product;
    }
}
