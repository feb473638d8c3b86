using GraphQL;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using HeadlessShop.Api.Common;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.GraphQL.Transport.DataLoader;

namespace HeadlessShop.Api.Catalog;

public sealed class ProductGraphType : ObjectGraphType<Product>
{
    public ProductGraphType()
    {
        Name = "Product";
        Description = "A sellable item with one or more variants.";
        Interface<NodeInterface>();
        IsTypeOf = o => o is Product;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => GlobalId.Encode(NodeKind.Product, ctx.Source.Id));
        Field(p => p.Slug);
        Field(p => p.Name);
        Field(p => p.Description);
        Field(p => p.Brand, nullable: true);
        Field<CategoryGraphType>("category")
            .Resolve().WithService<CategoryByIdDataLoader>()
            .Resolve((ctx, loader) => ctx.Source.CategoryId is { } id ? loader.LoadAsync(id) : null);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CollectionGraphType>>>>("collections")
            .Resolve().WithService<CollectionsByProductIdDataLoader>()
            .Resolve((ctx, loader) => loader.LoadAsync(ctx.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ImageGraphType>>>>("images")
            .Resolve().WithService<ImagesByProductIdDataLoader>()
            .Resolve((ctx, loader) => loader.LoadAsync(ctx.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ProductOptionGraphType>>>>("options")
            .Resolve().WithService<OptionsByProductIdDataLoader>()
            .Resolve((ctx, loader) => loader.LoadAsync(ctx.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ProductVariantGraphType>>>>("variants")
            .Resolve().WithService<VariantsByProductIdDataLoader>()
            .Resolve((ctx, loader) => loader.LoadAsync(ctx.Source.Id));
        Field<NonNullGraphType<MoneyRangeGraphType>>("priceRange")
            .Description("Lowest and highest variant price.")
            .Resolve(ctx => new MoneyRange(new Money(ctx.Source.PriceMinMinor, ctx.Source.Currency), new Money(ctx.Source.PriceMaxMinor, ctx.Source.Currency)));
        Field<NonNullGraphType<BooleanGraphType>>("availableForSale")
            .Description("True when at least one variant can be bought now.")
            .Resolve().WithService<VariantsByProductIdDataLoader>()
            .Resolve((ctx, loader) => loader.LoadAsync(ctx.Source.Id).Then(variants => variants?.Any(v => v.Stock?.Available > 0) ?? false));
        Field<NonNullGraphType<DateTimeGraphType>>("createdAt").Resolve(ctx => ctx.Source.CreatedAt);
        Field<NonNullGraphType<DateTimeGraphType>>("updatedAt").Resolve(ctx => ctx.Source.UpdatedAt);
    }
}

public sealed class ProductVariantGraphType : ObjectGraphType<ProductVariant>
{
    public ProductVariantGraphType()
    {
        Name = "ProductVariant";
        Description = "One purchasable combination of a product's options, with its own SKU, price and stock.";
        Interface<NodeInterface>();
        IsTypeOf = o => o is ProductVariant;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => GlobalId.Encode(NodeKind.ProductVariant, ctx.Source.Id));
        Field(v => v.Sku);
        Field(v => v.Name);
        Field<NonNullGraphType<ProductGraphType>>("product")
            .Resolve().WithService<ProductByIdDataLoader>()
            .Resolve((ctx, loader) => loader.LoadAsync(ctx.Source.ProductId));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<SelectedOptionGraphType>>>>("selectedOptions").Resolve(ctx => ctx.Source.OptionValues);
        Field<NonNullGraphType<MoneyGraphType>>("price").Resolve(ctx => new Money(ctx.Source.PriceMinor, ctx.Source.Currency));
        Field<MoneyGraphType>("compareAtPrice")
            .Description("The former price when the variant is on sale.")
            .Resolve(ctx => ctx.Source.CompareAtPriceMinor is { } minor ? new Money(minor, ctx.Source.Currency) : null);
        Field<NonNullGraphType<IntGraphType>>("quantityAvailable")
            .Description("Units that can still be bought now: on hand minus reserved. Never negative.")
            .Resolve(ctx => ctx.Source.Stock?.Available ?? 0);
        Field<NonNullGraphType<BooleanGraphType>>("availableForSale").Resolve(ctx => ctx.Source.Stock?.Available > 0);
    }
}

public sealed class ProductOptionGraphType : ObjectGraphType<ProductOption>
{
    public ProductOptionGraphType()
    {
        Name = "ProductOption";
        Field(o => o.Name);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("values").Resolve(ctx => ctx.Source.Values);
    }
}

public sealed class SelectedOptionGraphType : ObjectGraphType<SelectedOption>
{
    public SelectedOptionGraphType()
    {
        Name = "SelectedOption";
        Field(o => o.Name);
        Field(o => o.Value);
    }
}

public sealed class ImageGraphType : ObjectGraphType<ProductImage>
{
    public ImageGraphType()
    {
        Name = "Image";
        Field(i => i.Url);
        Field(i => i.AltText, nullable: true);
        Field(i => i.Width, nullable: true);
        Field(i => i.Height, nullable: true);
    }
}

public sealed class CategoryGraphType : ObjectGraphType<Category>
{
    public CategoryGraphType()
    {
        Name = "Category";
        Description = "A node of the category tree.";
        Interface<NodeInterface>();
        IsTypeOf = o => o is Category;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => GlobalId.Encode(NodeKind.Category, ctx.Source.Id));
        Field(c => c.Slug);
        Field(c => c.Name);
        Field<CategoryGraphType>("parent")
            .Resolve().WithService<CategoryByIdDataLoader>()
            .Resolve((ctx, loader) => ctx.Source.ParentId is { } id ? loader.LoadAsync(id) : null);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CategoryGraphType>>>>("children")
            .Resolve().WithService<CategoriesByParentIdDataLoader>()
            .Resolve((ctx, loader) => loader.LoadAsync(ctx.Source.Id));
        Field<NonNullGraphType<ProductConnectionGraphType>>("products")
            .Description("Products in this category and its descendants.")
            .Arguments(ProductConnectionGraphType.PageArguments())
            .Resolve().WithService<ProductListing>()
            .ResolveAsync(async (ctx, listing) =>
                await listing.ListAsync(new ProductFilter(CategorySlug: ctx.Source.Slug), new ProductSort(), PageRequest.From(ctx), ctx.CancellationToken));
    }
}

public sealed class CollectionGraphType : ObjectGraphType<Collection>
{
    public CollectionGraphType()
    {
        Name = "Collection";
        Description = "A merchandised group of products (\"New arrivals\", \"Sale\").";
        Interface<NodeInterface>();
        IsTypeOf = o => o is Collection;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => GlobalId.Encode(NodeKind.Collection, ctx.Source.Id));
        Field(c => c.Slug);
        Field(c => c.Name);
        Field<NonNullGraphType<ProductConnectionGraphType>>("products")
            .Arguments(ProductConnectionGraphType.PageArguments())
            .Resolve().WithService<ProductListing>()
            .ResolveAsync(async (ctx, listing) =>
                await listing.ListAsync(new ProductFilter(CollectionSlug: ctx.Source.Slug), new ProductSort(), PageRequest.From(ctx), ctx.CancellationToken));
    }
}

public sealed class ProductConnectionGraphType() : ConnectionGraphType<ProductGraphType, ProductEdgeGraphType, Product>("Product")
{
    /// <summary>first/after/last/before, documented once for every product list.</summary>
    public static QueryArguments PageArguments() => new(
        new QueryArgument<IntGraphType> { Name = "first", Description = $"Page size going forward (0-{PageRequest.MaxSize}, default {PageRequest.DefaultSize})." },
        new QueryArgument<StringGraphType> { Name = "after", Description = "Cursor to continue forward from." },
        new QueryArgument<IntGraphType> { Name = "last", Description = $"Page size going backward (0-{PageRequest.MaxSize})." },
        new QueryArgument<StringGraphType> { Name = "before", Description = "Cursor to continue backward from." });
}

public sealed class ProductEdgeGraphType() : EdgeGraphType<ProductGraphType, Product>("Product");

public sealed class ProductFilterInputGraphType : InputObjectGraphType<ProductFilter>
{
    public ProductFilterInputGraphType()
    {
        Name = "ProductFilter";
        Field<StringGraphType>("categorySlug").Description("Products in this category or any of its descendants.");
        Field<StringGraphType>("collectionSlug");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("brand").Description("Any of these brands.");
        Field<BooleanGraphType>("availableForSale");
        Field<LongGraphType>("priceMin").Description("Minor units; products with any variant at or above.");
        Field<LongGraphType>("priceMax").Description("Minor units; products with any variant at or below.");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new ProductFilter(
            value.TryGetValue("categorySlug", out var category) ? (string?)category : null,
            value.TryGetValue("collectionSlug", out var collection) ? (string?)collection : null,
            value.TryGetValue("brand", out var brand) && brand is IEnumerable<object?> brands ? brands.OfType<string>().ToList() : null,
            value.TryGetValue("availableForSale", out var available) ? (bool?)available : null,
            value.TryGetValue("priceMin", out var min) ? (long?)min : null,
            value.TryGetValue("priceMax", out var max) ? (long?)max : null);
    }
}

public sealed class ProductSortKeyGraphType : EnumerationGraphType<ProductSortKey>
{
    public ProductSortKeyGraphType() => Name = "ProductSortKey";
}

public sealed class ProductSortInputGraphType : InputObjectGraphType<ProductSort>
{
    public ProductSortInputGraphType()
    {
        Name = "ProductSort";
        Field<NonNullGraphType<ProductSortKeyGraphType>>("key");
        Field<BooleanGraphType>("reverse").DefaultValue(false);
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new ProductSort(
            (ProductSortKey)value["key"]!,
            value.TryGetValue("reverse", out var reverse) && reverse is true);
    }
}
