using System.Globalization;
using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Catalog.Caching;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Infrastructure.Events;
using HeadlessShop.Api.Orders;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Admin;

/// <summary>
/// Staff edits of products, variants, categories and collections. Each mutation validates everything first (typed
/// userErrors, nothing written), then changes the rows and writes <c>catalog.product_changed</c> for every product it
/// touched in the same transaction, so search, caches and subscriptions follow. Variant edits lock the product row
/// first, so concurrent edits of one product recompute its denormalized price range one after the other.
/// </summary>
public sealed class CatalogAdministration(
    IDbContextFactory<ShopDbContext> contexts, IProductPageStore pages, ListingSnapshotCache snapshots, OutboxSignal outbox, TimeProvider time)
{
    public const int MaxNameLength = 300;
    public const int MaxGroupNameLength = 200;
    public const int MaxDescriptionLength = 20_000;
    public const int MaxBrandLength = 100;
    public const int MaxSkuLength = 100;
    public const int MaxOptionNameLength = 100;
    public const int MaxOptions = 10;
    public const int MaxOptionValues = 100;
    public const int MaxVariants = 100;
    public const long MaxPriceMinor = 100_000_000_000;

    // ---------- products ----------

    public async Task<AdminResult<Product>> CreateProductAsync(ProductCreateInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new List<UserError>();
        CheckName(errors, input.Name, MaxNameLength, "name");
        CheckSlug(errors, input.Slug);
        CheckText(errors, input.Description, MaxDescriptionLength, "description");
        CheckText(errors, input.Brand, MaxBrandLength, "brand");
        var options = input.Options ?? [];
        CheckOptions(errors, options);
        var variants = input.Variants ?? [];
        if (variants.Count > MaxVariants)
        {
            errors.Add(UserError.Invalid($"A product has at most {MaxVariants} variants.", "input", "variants"));
        }
        for (var i = 0; i < variants.Count; i++)
        {
            CheckVariant(errors, variants[i], options, creating: true, "input", "variants", Index(i));
        }
        var skus = variants.Select(v => v.Sku?.Trim()).OfType<string>().ToList();
        if (skus.Count != skus.Distinct(StringComparer.Ordinal).Count())
        {
            errors.Add(UserError.Invalid("Each variant needs its own SKU.", "input", "variants"));
        }
        if (variants.Select(v => v.Price?.CurrencyCode).Distinct().Count() > 1)
        {
            errors.Add(UserError.Invalid("All variants of a product are priced in one currency.", "input", "variants"));
        }
        var categoryId = DecodeOptional(errors, input.CategoryId, NodeKind.Category, "categoryId");
        var collectionIds = new List<long>();
        for (var i = 0; i < (input.CollectionIds?.Count ?? 0); i++)
        {
            if (Decode(input.CollectionIds![i], NodeKind.Collection) is { } id)
            {
                collectionIds.Add(id);
            }
            else
            {
                errors.Add(UserError.Invalid("Not a collection id.", "input", "collectionIds", Index(i)));
            }
        }
        if (errors.Count > 0)
        {
            return AdminResult<Product>.Refused(errors);
        }

        var now = Now();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (categoryId is { } category && !await db.Categories.AnyAsync(c => c.Id == category, cancellationToken))
        {
            errors.Add(UserError.NotFound("No such category.", "input", "categoryId"));
        }
        var distinctCollections = collectionIds.Distinct().ToList();
        if (await db.Collections.CountAsync(c => distinctCollections.Contains(c.Id), cancellationToken) != distinctCollections.Count)
        {
            errors.Add(UserError.NotFound("One of the collections does not exist.", "input", "collectionIds"));
        }
        await CheckSkusFreeAsync(db, errors, skus, exceptVariantId: null, ["input", "variants"], cancellationToken);
        var slug = await ProductSlugAsync(db, errors, input.Slug, input.Name, cancellationToken);
        if (errors.Count > 0)
        {
            return AdminResult<Product>.Refused(errors);
        }
        var product = new Product
        {
            Slug = slug,
            Name = input.Name.Trim(),
            Description = input.Description?.Trim() ?? "",
            Brand = Blank(input.Brand),
            CategoryId = categoryId,
            CreatedAt = now,
            UpdatedAt = now,
            Options = options.Select((o, i) => new ProductOption { Name = o.Name.Trim(), Position = i, Values = o.Values.Select(v => v.Trim()).ToList() }).ToList(),
            Variants = variants.Select((v, i) => NewVariant(v, input.Name.Trim(), i)).ToList(),
        };
        product.RefreshPriceRange();
        db.Products.Add(product);
        if (!await SaveAsync(db, errors, cancellationToken))
        {
            return AdminResult<Product>.Refused(errors);
        }
        foreach (var collection in distinctCollections)
        {
            var last = await db.ProductCollections.Where(pc => pc.CollectionId == collection).MaxAsync(pc => (int?)pc.Position, cancellationToken) ?? -1;
            db.ProductCollections.Add(new ProductCollection { ProductId = product.Id, CollectionId = collection, Position = last + 1 });
        }
        db.EnqueueProductChanged(product.Id, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await AfterCommitAsync([product.Id], cancellationToken);
        return AdminResult<Product>.Ok(product);
    }

    public async Task<AdminResult<Product>> UpdateProductAsync(ProductUpdateInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new List<UserError>();
        var id = Decode(input.Id, NodeKind.Product);
        if (id is null)
        {
            return AdminResult<Product>.Refused(UserError.Invalid("Not a product id.", "input", "id"));
        }
        if (input.Name is not null)
        {
            CheckName(errors, input.Name, MaxNameLength, "name");
        }
        CheckSlug(errors, input.Slug);
        CheckText(errors, input.Description, MaxDescriptionLength, "description");
        CheckText(errors, input.Brand, MaxBrandLength, "brand");
        if (input.Options is { } newOptions)
        {
            CheckOptions(errors, newOptions);
        }
        var categoryId = input.HasCategoryId ? DecodeOptional(errors, input.CategoryId, NodeKind.Category, "categoryId") : null;
        if (errors.Count > 0)
        {
            return AdminResult<Product>.Refused(errors);
        }

        var now = Now();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await LockProductAsync(db, id.Value, now, cancellationToken))
        {
            return AdminResult<Product>.Refused(UserError.NotFound("No such product.", "input", "id"));
        }
        var product = await db.Products.AsTracking().Include(p => p.Options).Include(p => p.Variants).FirstAsync(p => p.Id == id, cancellationToken);
        if (categoryId is { } category && !await db.Categories.AnyAsync(c => c.Id == category, cancellationToken))
        {
            errors.Add(UserError.NotFound("No such category.", "input", "categoryId"));
        }
        if (input.Slug is { } slug && slug != product.Slug && await db.Products.AnyAsync(p => p.Slug == slug, cancellationToken))
        {
            errors.Add(UserError.Invalid("Another product has this slug.", "input", "slug"));
        }
        if (input.Options is { } options)
        {
            var allowed = options.ToDictionary(o => o.Name.Trim(), o => o.Values.Select(v => v.Trim()).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
            if (product.Variants.Any(v => v.OptionValues.Any(o => !allowed.TryGetValue(o.Name, out var values) || !values.Contains(o.Value))))
            {
                errors.Add(UserError.Invalid("Some variants use option values these options no longer offer; update those variants first.", "input", "options"));
            }
        }
        if (errors.Count > 0)
        {
            return AdminResult<Product>.Refused(errors);
        }
        if (input.Name is not null)
        {
            product.Name = input.Name.Trim();
        }
        if (input.Slug is not null)
        {
            product.Slug = input.Slug;
        }
        if (input.Description is not null)
        {
            product.Description = input.Description.Trim();
        }
        if (input.HasBrand)
        {
            product.Brand = Blank(input.Brand);
        }
        if (input.HasCategoryId)
        {
            product.CategoryId = categoryId;
        }
        if (input.Options is { } replaced)
        {
            db.ProductOptions.RemoveRange(product.Options);
            product.Options = replaced.Select((o, i) => new ProductOption { Name = o.Name.Trim(), Position = i, Values = o.Values.Select(v => v.Trim()).ToList() }).ToList();
        }
        product.UpdatedAt = now;
        db.EnqueueProductChanged(product.Id, now);
        if (!await SaveAsync(db, errors, cancellationToken))
        {
            return AdminResult<Product>.Refused(errors);
        }
        await transaction.CommitAsync(cancellationToken);
        await AfterCommitAsync([product.Id], cancellationToken);
        return AdminResult<Product>.Ok(product);
    }

    /// <summary>
    /// Soft delete: the product leaves every storefront read (lists, product, node, carts, checkout) and the search
    /// index; its rows stay, so orders keep their lines. It keeps its slug and SKUs, so old links never show another product.
    /// </summary>
    public async Task<DeleteResult> DeleteProductAsync(DeleteInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Decode(input.Id, NodeKind.Product) is not { } id)
        {
            return DeleteResult.Refused(UserError.Invalid("Not a product id.", "input", "id"));
        }
        var now = Now();
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var deleted = await db.Products.Where(p => p.Id == id && p.DeletedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.DeletedAt, now).SetProperty(p => p.UpdatedAt, now), cancellationToken);
            if (deleted == 0)
            {
                return DeleteResult.Refused(UserError.NotFound("No such product.", "input", "id"));
            }
            db.EnqueueProductChanged(id, now);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        outbox.Notify();
        snapshots.Invalidate(id);
        await pages.EvictAsync(id, cancellationToken);
        return new DeleteResult(input.Id, []);
    }

    // ---------- variants ----------

    public async Task<AdminResult<ProductVariant>> CreateVariantAsync(VariantCreateInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Decode(input.ProductId, NodeKind.Product) is not { } productId)
        {
            return AdminResult<ProductVariant>.Refused(UserError.Invalid("Not a product id.", "input", "productId"));
        }
        var now = Now();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await LockProductAsync(db, productId, now, cancellationToken))
        {
            return AdminResult<ProductVariant>.Refused(UserError.NotFound("No such product.", "input", "productId"));
        }
        var product = await db.Products.AsTracking().Include(p => p.Options).Include(p => p.Variants).FirstAsync(p => p.Id == productId, cancellationToken);
        var options = product.Options.OrderBy(o => o.Position).Select(o => new ProductOptionInput(o.Name, o.Values)).ToList();
        var errors = new List<UserError>();
        CheckVariant(errors, input.Fields, options, creating: true, "input");
        if (product.Variants.Count >= MaxVariants)
        {
            errors.Add(UserError.Invalid($"A product has at most {MaxVariants} variants.", "input", "productId"));
        }
        if (input.Fields.Price is { } price && product.Variants.Count > 0 && price.CurrencyCode != product.Currency)
        {
            errors.Add(UserError.Invalid($"This product is priced in {product.Currency}.", "input", "price", "currencyCode"));
        }
        if (input.Fields.Sku?.Trim() is { Length: > 0 } sku)
        {
            await CheckSkusFreeAsync(db, errors, [sku], exceptVariantId: null, ["input", "sku"], cancellationToken);
        }
        if (errors.Count > 0)
        {
            return AdminResult<ProductVariant>.Refused(errors);
        }
        var position = product.Variants.Count == 0 ? 0 : product.Variants.Max(v => v.Position) + 1;
        var variant = NewVariant(input.Fields, product.Name, position);
        product.Variants.Add(variant);
        product.RefreshPriceRange();
        product.UpdatedAt = now;
        if (!await SaveAsync(db, errors, cancellationToken))
        {
            return AdminResult<ProductVariant>.Refused(errors);
        }
        db.EnqueueProductChanged(productId, now);
        db.EnqueueAvailabilityChanged(productId, variant.Id, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await AfterCommitAsync([productId], cancellationToken);
        return AdminResult<ProductVariant>.Ok(variant);
    }

    public async Task<AdminResult<ProductVariant>> UpdateVariantAsync(VariantUpdateInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Decode(input.Id, NodeKind.ProductVariant) is not { } variantId)
        {
            return AdminResult<ProductVariant>.Refused(UserError.Invalid("Not a product variant id.", "input", "id"));
        }
        var now = Now();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var productId = await db.ProductVariants.Where(v => v.Id == variantId).Select(v => (long?)v.ProductId).FirstOrDefaultAsync(cancellationToken);
        if (productId is null || !await LockProductAsync(db, productId.Value, now, cancellationToken))
        {
            return AdminResult<ProductVariant>.Refused(UserError.NotFound("No such product variant.", "input", "id"));
        }
        var product = await db.Products.AsTracking().Include(p => p.Options).Include(p => p.Variants).ThenInclude(v => v.Stock)
            .FirstAsync(p => p.Id == productId, cancellationToken);
        var variant = product.Variants.First(v => v.Id == variantId);
        var options = product.Options.OrderBy(o => o.Position).Select(o => new ProductOptionInput(o.Name, o.Values)).ToList();
        var errors = new List<UserError>();
        var fields = input.Fields;
        CheckVariant(errors, fields, options, creating: false, "input");
        if (fields.OnHand is not null)
        {
            errors.Add(UserError.Invalid("Change stock with stockAdjust (it keeps the audit trail).", "input", "onHand"));
        }
        var currency = fields.Price?.CurrencyCode ?? variant.Currency;
        if ((fields.Price is not null && product.Variants.Any(v => v.Id != variantId && v.Currency != currency))
            || (fields.CompareAtPrice is { } compare && compare.CurrencyCode != currency))
        {
            errors.Add(UserError.Invalid($"This product is priced in {variant.Currency}.", "input", "price", "currencyCode"));
        }
        if (fields.Sku?.Trim() is { Length: > 0 } sku && sku != variant.Sku)
        {
            await CheckSkusFreeAsync(db, errors, [sku], exceptVariantId: variantId, ["input", "sku"], cancellationToken);
        }
        if (errors.Count > 0)
        {
            return AdminResult<ProductVariant>.Refused(errors);
        }
        if (fields.Sku is not null)
        {
            variant.Sku = fields.Sku.Trim();
        }
        if (fields.Name is not null)
        {
            variant.Name = fields.Name.Trim();
        }
        if (fields.Price is { } newPrice)
        {
            variant.PriceMinor = newPrice.MinorUnits;
            variant.Currency = newPrice.CurrencyCode;
        }
        if (fields.HasCompareAtPrice)
        {
            variant.CompareAtPriceMinor = fields.CompareAtPrice?.MinorUnits;
        }
        if (fields.SelectedOptions is { } selected)
        {
            variant.OptionValues = selected.Select(o => new SelectedOption(o.Name.Trim(), o.Value.Trim())).ToList();
        }
        product.RefreshPriceRange();
        product.UpdatedAt = now;
        db.EnqueueProductChanged(product.Id, now);
        if (!await SaveAsync(db, errors, cancellationToken))
        {
            return AdminResult<ProductVariant>.Refused(errors);
        }
        await transaction.CommitAsync(cancellationToken);
        await AfterCommitAsync([product.Id], cancellationToken);
        return AdminResult<ProductVariant>.Ok(variant);
    }

    /// <summary>Removes a variant for good; orders keep their lines (the snapshot of sku, name and price) without the link.</summary>
    public async Task<DeleteResult> DeleteVariantAsync(DeleteInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Decode(input.Id, NodeKind.ProductVariant) is not { } variantId)
        {
            return DeleteResult.Refused(UserError.Invalid("Not a product variant id.", "input", "id"));
        }
        var now = Now();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var productId = await db.ProductVariants.Where(v => v.Id == variantId).Select(v => (long?)v.ProductId).FirstOrDefaultAsync(cancellationToken);
        if (productId is null || !await LockProductAsync(db, productId.Value, now, cancellationToken))
        {
            return DeleteResult.Refused(UserError.NotFound("No such product variant.", "input", "id"));
        }
        var reserved = await db.StockLevels.Where(s => s.VariantId == variantId).Select(s => s.Reserved).FirstOrDefaultAsync(cancellationToken);
        if (reserved > 0)
        {
            return DeleteResult.Refused(UserError.Invalid(
                $"{reserved} unit(s) are reserved by unpaid orders; delete the variant once they are paid or cancelled.", "input", "id"));
        }
        await db.StockLevels.Where(s => s.VariantId == variantId).ExecuteDeleteAsync(cancellationToken);
        await db.ProductVariants.Where(v => v.Id == variantId).ExecuteDeleteAsync(cancellationToken);
        var product = await db.Products.AsTracking().Include(p => p.Variants).FirstAsync(p => p.Id == productId, cancellationToken);
        product.Variants = product.Variants.OrderBy(v => v.Position).ToList();
        product.RefreshPriceRange();
        product.UpdatedAt = now;
        db.EnqueueProductChanged(product.Id, now);
        db.EnqueueAvailabilityChanged(product.Id, variantId, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await AfterCommitAsync([product.Id], cancellationToken);
        return new DeleteResult(input.Id, []);
    }

    // ---------- categories ----------

    public async Task<AdminResult<Category>> SaveCategoryAsync(CategoryInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var creating = input.Id is null;
        var errors = new List<UserError>();
        long? id = null;
        if (!creating && (id = Decode(input.Id!, NodeKind.Category)) is null)
        {
            return AdminResult<Category>.Refused(UserError.Invalid("Not a category id.", "input", "id"));
        }
        if (creating || input.Name is not null)
        {
            CheckName(errors, input.Name, MaxGroupNameLength, "name");
        }
        CheckSlug(errors, input.Slug);
        var parentId = input.HasParentId ? DecodeOptional(errors, input.ParentId, NodeKind.Category, "parentId") : null;
        if (input.Position is < 0 or > 1_000_000)
        {
            errors.Add(UserError.Invalid("position must be between 0 and 1000000.", "input", "position"));
        }
        if (errors.Count > 0)
        {
            return AdminResult<Category>.Refused(errors);
        }
        var now = Now();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var tree = await db.Categories.Select(c => new { c.Id, c.ParentId }).ToDictionaryAsync(c => c.Id, c => c.ParentId, cancellationToken);
        Category category;
        if (creating)
        {
            category = new Category { Name = "", Slug = "" };
            db.Categories.Add(category);
        }
        else if (await db.Categories.AsTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is { } found)
        {
            category = found;
        }
        else
        {
            return AdminResult<Category>.Refused(UserError.NotFound("No such category.", "input", "id"));
        }
        if (parentId is { } parent)
        {
            if (!tree.ContainsKey(parent))
            {
                errors.Add(UserError.NotFound("No such parent category.", "input", "parentId"));
            }
            else if (!creating && IsSelfOrDescendant(tree, parent, category.Id))
            {
                errors.Add(UserError.Invalid("A category cannot move under itself or one of its descendants.", "input", "parentId"));
            }
        }
        var slug = input.Slug;
        if (slug is not null && slug != category.Slug && await db.Categories.AnyAsync(c => c.Slug == slug, cancellationToken))
        {
            errors.Add(UserError.Invalid("Another category has this slug.", "input", "slug"));
        }
        if (errors.Count > 0)
        {
            return AdminResult<Category>.Refused(errors);
        }
        if (input.Name is not null)
        {
            category.Name = input.Name.Trim();
        }
        category.Slug = slug ?? (creating ? await Slugs.FirstFreeAsync(db.Categories.Select(c => c.Slug), Slugs.FromName(input.Name!), cancellationToken) : category.Slug);
        if (input.HasParentId || creating)
        {
            category.ParentId = parentId;
        }
        if (input.Position is { } position)
        {
            category.Position = position;
        }
        if (!await SaveAsync(db, errors, cancellationToken))
        {
            return AdminResult<Category>.Refused(errors);
        }
        List<long> touched = creating ? [] : await ProductsInTreeAsync(db, category.Id, cancellationToken);
        Enqueue(db, touched, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await AfterCommitAsync(touched, cancellationToken);
        return AdminResult<Category>.Ok(category);
    }

    /// <summary>Deletes an empty-of-subcategories category; its products lose their category (they stay for sale).</summary>
    public async Task<DeleteResult> DeleteCategoryAsync(DeleteInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Decode(input.Id, NodeKind.Category) is not { } id)
        {
            return DeleteResult.Refused(UserError.Invalid("Not a category id.", "input", "id"));
        }
        var now = Now();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await db.Categories.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return DeleteResult.Refused(UserError.NotFound("No such category.", "input", "id"));
        }
        if (await db.Categories.AnyAsync(c => c.ParentId == id, cancellationToken))
        {
            return DeleteResult.Refused(UserError.Invalid("Move or delete its subcategories first.", "input", "id"));
        }
        var touched = await db.Products.Where(p => p.CategoryId == id).Select(p => p.Id).ToListAsync(cancellationToken);
        await db.Products.Where(p => p.CategoryId == id)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.CategoryId, (long?)null).SetProperty(p => p.UpdatedAt, now), cancellationToken);
        await db.Categories.Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken);
        Enqueue(db, touched, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await AfterCommitAsync(touched, cancellationToken);
        return new DeleteResult(input.Id, []);
    }

    // ---------- collections ----------

    public async Task<AdminResult<Collection>> SaveCollectionAsync(CollectionInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var creating = input.Id is null;
        var errors = new List<UserError>();
        long? id = null;
        if (!creating && (id = Decode(input.Id!, NodeKind.Collection)) is null)
        {
            return AdminResult<Collection>.Refused(UserError.Invalid("Not a collection id.", "input", "id"));
        }
        if (creating || input.Name is not null)
        {
            CheckName(errors, input.Name, MaxGroupNameLength, "name");
        }
        CheckSlug(errors, input.Slug);
        if (errors.Count > 0)
        {
            return AdminResult<Collection>.Refused(errors);
        }
        var now = Now();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        Collection collection;
        if (creating)
        {
            collection = new Collection { Name = "", Slug = "" };
            db.Collections.Add(collection);
        }
        else if (await db.Collections.AsTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is { } found)
        {
            collection = found;
        }
        else
        {
            return AdminResult<Collection>.Refused(UserError.NotFound("No such collection.", "input", "id"));
        }
        var slug = input.Slug;
        if (slug is not null && slug != collection.Slug && await db.Collections.AnyAsync(c => c.Slug == slug, cancellationToken))
        {
            return AdminResult<Collection>.Refused(UserError.Invalid("Another collection has this slug.", "input", "slug"));
        }
        if (input.Name is not null)
        {
            collection.Name = input.Name.Trim();
        }
        collection.Slug = slug ?? (creating ? await Slugs.FirstFreeAsync(db.Collections.Select(c => c.Slug), Slugs.FromName(input.Name!), cancellationToken) : collection.Slug);
        if (!await SaveAsync(db, errors, cancellationToken))
        {
            return AdminResult<Collection>.Refused(errors);
        }
        var collectionId = collection.Id;
        List<long> touched = creating ? [] : await db.ProductCollections.Where(pc => pc.CollectionId == collectionId).Select(pc => pc.ProductId).ToListAsync(cancellationToken);
        Enqueue(db, touched, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await AfterCommitAsync(touched, cancellationToken);
        return AdminResult<Collection>.Ok(collection);
    }

    public async Task<DeleteResult> DeleteCollectionAsync(DeleteInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Decode(input.Id, NodeKind.Collection) is not { } id)
        {
            return DeleteResult.Refused(UserError.Invalid("Not a collection id.", "input", "id"));
        }
        var now = Now();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var touched = await db.ProductCollections.Where(pc => pc.CollectionId == id).Select(pc => pc.ProductId).ToListAsync(cancellationToken);
        await db.ProductCollections.Where(pc => pc.CollectionId == id).ExecuteDeleteAsync(cancellationToken);
        if (await db.Collections.Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return DeleteResult.Refused(UserError.NotFound("No such collection.", "input", "id"));
        }
        Enqueue(db, touched, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await AfterCommitAsync(touched, cancellationToken);
        return new DeleteResult(input.Id, []);
    }

    /// <summary>Adds products to the end of a collection (already-present ones stay where they are) or removes them.</summary>
    public async Task<AdminResult<Collection>> ChangeMembersAsync(CollectionProductsInput input, bool add, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new List<UserError>();
        var collectionId = Decode(input.CollectionId, NodeKind.Collection);
        if (collectionId is null)
        {
            errors.Add(UserError.Invalid("Not a collection id.", "input", "collectionId"));
        }
        if (input.ProductIds.Count is 0 or > PageRequest.MaxSize)
        {
            errors.Add(UserError.Invalid($"Give 1-{PageRequest.MaxSize} product ids.", "input", "productIds"));
        }
        var productIds = new List<long>();
        for (var i = 0; i < input.ProductIds.Count; i++)
        {
            if (Decode(input.ProductIds[i], NodeKind.Product) is { } productId)
            {
                productIds.Add(productId);
            }
            else
            {
                errors.Add(UserError.Invalid("Not a product id.", "input", "productIds", Index(i)));
            }
        }
        if (errors.Count > 0)
        {
            return AdminResult<Collection>.Refused(errors);
        }
        productIds = productIds.Distinct().ToList();
        var now = Now();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var collection = await db.Collections.FirstOrDefaultAsync(c => c.Id == collectionId, cancellationToken);
        if (collection is null)
        {
            return AdminResult<Collection>.Refused(UserError.NotFound("No such collection.", "input", "collectionId"));
        }
        List<long> touched;
        if (add)
        {
            var live = await db.Products.Where(p => productIds.Contains(p.Id) && p.DeletedAt == null).Select(p => p.Id).ToListAsync(cancellationToken);
            if (live.Count != productIds.Count)
            {
                var missing = productIds.FindIndex(p => !live.Contains(p));
                return AdminResult<Collection>.Refused(UserError.NotFound("No such product.", "input", "productIds", Index(missing)));
            }
            var present = await db.ProductCollections.Where(pc => pc.CollectionId == collection.Id && productIds.Contains(pc.ProductId))
                .Select(pc => pc.ProductId).ToListAsync(cancellationToken);
            var next = (await db.ProductCollections.Where(pc => pc.CollectionId == collection.Id).MaxAsync(pc => (int?)pc.Position, cancellationToken) ?? -1) + 1;
            touched = productIds.Except(present).ToList();
            foreach (var productId in touched)
            {
                db.ProductCollections.Add(new ProductCollection { CollectionId = collection.Id, ProductId = productId, Position = next++ });
            }
        }
        else
        {
            touched = await db.ProductCollections.Where(pc => pc.CollectionId == collection.Id && productIds.Contains(pc.ProductId))
                .Select(pc => pc.ProductId).ToListAsync(cancellationToken);
            await db.ProductCollections.Where(pc => pc.CollectionId == collection.Id && productIds.Contains(pc.ProductId)).ExecuteDeleteAsync(cancellationToken);
        }
        Enqueue(db, touched, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await AfterCommitAsync(touched, cancellationToken);
        return AdminResult<Collection>.Ok(collection);
    }

    // ---------- shared ----------

    private DateTime Now() => time.GetUtcNow().UtcDateTime;

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static long? Decode(string id, NodeKind kind) =>
        GlobalId.TryDecode(id, out var actual, out var key) && actual == kind ? key : null;

    private static long? DecodeOptional(List<UserError> errors, string? id, NodeKind kind, string field)
    {
        if (id is null)
        {
            return null;
        }
        var key = Decode(id, kind);
        if (key is null)
        {
            errors.Add(UserError.Invalid($"Not a {kind.ToString().ToLowerInvariant()} id.", "input", field));
        }
        return key;
    }

    private static void CheckName(List<UserError> errors, string? name, int max, string field)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > max)
        {
            errors.Add(UserError.Invalid($"Give a name of 1-{max} characters.", "input", field));
        }
    }

    private static void CheckText(List<UserError> errors, string? text, int max, string field)
    {
        if (text?.Length > max)
        {
            errors.Add(UserError.Invalid($"At most {max} characters.", "input", field));
        }
    }

    private static void CheckSlug(List<UserError> errors, string? slug)
    {
        if (slug is not null && !Slugs.IsValid(slug))
        {
            errors.Add(UserError.Invalid($"A slug is lower-case letters and digits in hyphen-separated words (at most {Slugs.MaxLength} characters), e.g. \"trail-runner-2\".", "input", "slug"));
        }
    }

    private static void CheckOptions(List<UserError> errors, IReadOnlyList<ProductOptionInput> options)
    {
        if (options.Count > MaxOptions)
        {
            errors.Add(UserError.Invalid($"A product has at most {MaxOptions} options.", "input", "options"));
        }
        if (options.Select(o => o.Name.Trim()).Distinct(StringComparer.Ordinal).Count() != options.Count)
        {
            errors.Add(UserError.Invalid("Option names must differ.", "input", "options"));
        }
        for (var i = 0; i < options.Count; i++)
        {
            var option = options[i];
            if (string.IsNullOrWhiteSpace(option.Name) || option.Name.Trim().Length > MaxOptionNameLength)
            {
                errors.Add(UserError.Invalid($"Give the option a name of 1-{MaxOptionNameLength} characters.", "input", "options", Index(i), "name"));
            }
            var values = option.Values.Select(v => v.Trim()).ToList();
            if (values.Count is 0 or > MaxOptionValues || values.Any(v => v.Length is 0 or > MaxOptionNameLength)
                || values.Distinct(StringComparer.Ordinal).Count() != values.Count)
            {
                errors.Add(UserError.Invalid($"Give 1-{MaxOptionValues} different values of 1-{MaxOptionNameLength} characters.", "input", "options", Index(i), "values"));
            }
        }
    }

    private static void CheckVariant(List<UserError> errors, VariantFields fields, IReadOnlyList<ProductOptionInput> options, bool creating, params string[] at)
    {
        string[] Field(params string[] path) => [.. at, .. path];
        if ((creating || fields.Sku is not null) && (string.IsNullOrWhiteSpace(fields.Sku) || fields.Sku.Trim().Length > MaxSkuLength))
        {
            errors.Add(UserError.Invalid($"Give a SKU of 1-{MaxSkuLength} characters.", Field("sku")));
        }
        if (fields.Name is not null && (string.IsNullOrWhiteSpace(fields.Name) || fields.Name.Trim().Length > MaxNameLength))
        {
            errors.Add(UserError.Invalid($"Give a name of 1-{MaxNameLength} characters.", Field("name")));
        }
        if (creating && fields.Price is null)
        {
            errors.Add(UserError.Invalid("Give the variant a price.", Field("price")));
        }
        if (fields.Price is { MinorUnits: < 0 or > MaxPriceMinor })
        {
            errors.Add(UserError.Invalid($"A price is between 0 and {MaxPriceMinor} minor units.", Field("price", "minorUnits")));
        }
        if (fields.CompareAtPrice is { } compare)
        {
            if (compare.MinorUnits is < 0 or > MaxPriceMinor)
            {
                errors.Add(UserError.Invalid($"A price is between 0 and {MaxPriceMinor} minor units.", Field("compareAtPrice", "minorUnits")));
            }
            else if (fields.Price is { } price && compare.CurrencyCode != price.CurrencyCode)
            {
                errors.Add(UserError.Invalid("The compare-at price is in the variant's currency.", Field("compareAtPrice", "currencyCode")));
            }
        }
        if (fields.OnHand is < 0 or > StockAdjustments.MaxOnHand)
        {
            errors.Add(UserError.Invalid($"onHand is between 0 and {StockAdjustments.MaxOnHand}.", Field("onHand")));
        }
        if (fields.SelectedOptions is not null || creating)
        {
            IReadOnlyList<SelectedOption> selected = fields.SelectedOptions ?? [];
            var names = selected.Select(s => s.Name.Trim()).ToList();
            var valid = names.Count == options.Count
                && names.Distinct(StringComparer.Ordinal).Count() == names.Count
                && selected.All(s => options.Any(o => o.Name.Trim() == s.Name.Trim() && o.Values.Any(v => v.Trim() == s.Value.Trim())));
            if (!valid)
            {
                var expected = options.Count == 0 ? "none (the product has no options)" : string.Join(", ", options.Select(o => o.Name.Trim()));
                errors.Add(UserError.Invalid($"Pick one value of each of the product's options: {expected}.", Field("selectedOptions")));
            }
        }
    }

    private static ProductVariant NewVariant(VariantFields fields, string productName, int position)
    {
        var selected = (fields.SelectedOptions ?? []).Select(o => new SelectedOption(o.Name.Trim(), o.Value.Trim())).ToList();
        var name = Blank(fields.Name) ?? (selected.Count == 0 ? productName : string.Join(" / ", selected.Select(o => o.Value)));
        return new ProductVariant
        {
            Sku = fields.Sku!.Trim(),
            Name = name,
            PriceMinor = fields.Price!.MinorUnits,
            Currency = fields.Price.CurrencyCode,
            CompareAtPriceMinor = fields.CompareAtPrice?.MinorUnits,
            Position = position,
            OptionValues = selected,
            Stock = new StockLevel { OnHand = fields.OnHand ?? 0 },
        };
    }

    private static async Task CheckSkusFreeAsync(
        ShopDbContext db, List<UserError> errors, IReadOnlyList<string> skus, long? exceptVariantId, string[] field, CancellationToken cancellationToken)
    {
        if (skus.Count == 0)
        {
            return;
        }
        var list = skus.ToList();
        var taken = await db.ProductVariants.Where(v => list.Contains(v.Sku) && v.Id != exceptVariantId).Select(v => v.Sku).ToListAsync(cancellationToken);
        if (taken.Count > 0)
        {
            errors.Add(UserError.Invalid($"SKU already in use: {string.Join(", ", taken)}.", field));
        }
    }

    private static async Task<string> ProductSlugAsync(ShopDbContext db, List<UserError> errors, string? slug, string name, CancellationToken cancellationToken)
    {
        if (slug is null)
        {
            return await Slugs.FirstFreeAsync(db.Products.Select(p => p.Slug), Slugs.FromName(name), cancellationToken);
        }
        if (await db.Products.AnyAsync(p => p.Slug == slug, cancellationToken))
        {
            errors.Add(UserError.Invalid("Another product has this slug.", "input", "slug"));
        }
        return slug;
    }

    /// <summary>Takes the product's row lock for this transaction; false when the product does not exist or is deleted.</summary>
    private static async Task<bool> LockProductAsync(ShopDbContext db, long productId, DateTime now, CancellationToken cancellationToken) =>
        await db.Products.Where(p => p.Id == productId && p.DeletedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.UpdatedAt, now), cancellationToken) == 1;

    /// <summary>Saves; a unique index that a concurrent edit won (slug or SKU) becomes a userError, not a 500.</summary>
    private static async Task<bool> SaveAsync(ShopDbContext db, List<UserError> errors, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException ex) when (IsUniqueViolation(ex))
        {
            errors.Add(UserError.Invalid("A slug or SKU in this input was just taken by another edit; pick another.", "input"));
            return false;
        }
    }

    private static bool IsUniqueViolation(DbUpdateException ex) =>
        ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation }
        || ex.InnerException is Microsoft.Data.Sqlite.SqliteException { SqliteExtendedErrorCode: 2067 };

    private static async Task<List<long>> ProductsInTreeAsync(ShopDbContext db, long categoryId, CancellationToken cancellationToken)
    {
        var tree = await db.Categories.Select(c => new { c.Id, c.ParentId }).ToListAsync(cancellationToken);
        var ids = new HashSet<long> { categoryId };
        for (var added = true; added;)
        {
            added = false;
            foreach (var c in tree)
            {
                if (c.ParentId is { } parent && ids.Contains(parent) && ids.Add(c.Id))
                {
                    added = true;
                }
            }
        }
        var list = ids.ToList();
        return await db.Products.Where(p => p.CategoryId != null && list.Contains(p.CategoryId.Value) && p.DeletedAt == null).Select(p => p.Id).ToListAsync(cancellationToken);
    }

    private static bool IsSelfOrDescendant(Dictionary<long, long?> tree, long candidate, long categoryId)
    {
        // Walk up from the candidate parent; meeting the category itself means the move would close a cycle.
        var seen = new HashSet<long>();
        long? at = candidate;
        while (at is { } node && seen.Add(node))
        {
            if (node == categoryId)
            {
                return true;
            }
            at = tree.GetValueOrDefault(node);
        }
        return false;
    }

    private static void Enqueue(ShopDbContext db, IEnumerable<long> productIds, DateTime now)
    {
        foreach (var productId in productIds)
        {
            db.EnqueueProductChanged(productId, now);
        }
    }

    private async Task AfterCommitAsync(IReadOnlyCollection<long> productIds, CancellationToken cancellationToken)
    {
        outbox.Notify();
        // The events invalidate the cache too; doing it now as well means this caller's next read is already fresh.
        foreach (var productId in productIds)
        {
            snapshots.Invalidate(productId);
            await pages.InvalidateAsync(productId, cancellationToken);
        }
    }
}
