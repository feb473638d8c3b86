using GraphQL;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using HeadlessShop.Api.Catalog.Caching;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Catalog;

internal sealed class CatalogQueryFields : IQueryFields
{
    private const int MaxBrandsPerFilter = 50;

    public void AddTo(ObjectGraphType query)
    {
        query.Field<ProductGraphType>("product")
            .Description("One product by global id or by slug (exactly one of the two).")
            .Argument<IdGraphType>("id")
            .Argument<StringGraphType>("slug")
            .Resolve().WithService<ProductPageReader>()
            .ResolveAsync(async (ctx, pages) =>
            {
                var id = ctx.GetArgument<string?>("id");
                var slug = ctx.GetArgument<string?>("slug");
                return (id, slug) switch
                {
                    (not null, null) => await pages.ByIdAsync(GlobalId.Decode(id, NodeKind.Product, "id"), ctx.CancellationToken),
                    (null, not null) => await pages.BySlugAsync(slug, ctx.CancellationToken),
                    _ => throw new BadUserInputException("Pass exactly one of \"id\" and \"slug\".", id is null ? "slug" : "id"),
                };
            });

        query.Field<NonNullGraphType<ProductConnectionGraphType>>("products")
            .Description("The storefront's product list, filtered and sorted, as a cursor connection.")
            .Arguments(ProductConnectionGraphType.PageArguments())
            .Argument<ProductFilterInputGraphType>("filter")
            .Argument<ProductSortInputGraphType>("sort")
            .Resolve().WithService<ProductListing>()
            .ResolveAsync(async (ctx, listing) =>
            {
                var filter = ctx.GetArgument<ProductFilter?>("filter") ?? new ProductFilter();
                if (filter.PriceMin > filter.PriceMax)
                {
                    throw new BadUserInputException("\"filter.priceMin\" is greater than \"filter.priceMax\".", "filter");
                }
                if (filter.Brand is { Count: > MaxBrandsPerFilter })
                {
                    throw new BadUserInputException($"\"filter.brand\" takes at most {MaxBrandsPerFilter} brands; got {filter.Brand.Count}.", "filter");
                }
                var sort = ctx.GetArgument<ProductSort?>("sort") ?? new ProductSort();
                return await listing.ListAsync(filter, sort, PageRequest.From(ctx), ctx.CancellationToken);
            });

        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<CategoryGraphType>>>>("categories")
            .Description("The top level of the category tree; walk down with `children`.")
            .Resolve().WithService<IDbContextFactory<ShopDbContext>>()
            .ResolveAsync(async (ctx, contexts) =>
            {
                await using var db = await contexts.CreateDbContextAsync(ctx.CancellationToken);
                return await db.Categories.Where(c => c.ParentId == null).OrderBy(c => c.Position).ThenBy(c => c.Id).ToListAsync(ctx.CancellationToken);
            });

        query.Field<CategoryGraphType>("category")
            .Argument<NonNullGraphType<StringGraphType>>("slug")
            .Resolve().WithService<CategoryBySlugDataLoader>()
            .Resolve((ctx, loader) => loader.LoadAsync(ctx.GetArgument<string>("slug")));

        query.Field<CollectionGraphType>("collection")
            .Argument<NonNullGraphType<StringGraphType>>("slug")
            .Resolve().WithService<CollectionBySlugDataLoader>()
            .Resolve((ctx, loader) => loader.LoadAsync(ctx.GetArgument<string>("slug")));
    }
}
