using HeadlessShop.Api.Catalog.Caching;
using HeadlessShop.Api.Catalog.Seeding;
using HeadlessShop.Api.GraphQL;

namespace HeadlessShop.Api.Catalog;

public static class CatalogServiceCollectionExtensions
{
    /// <summary>Catalog queries, their loaders, node kinds and the seeder. Graph types are found by assembly scan.</summary>
    public static IHostApplicationBuilder AddCatalog(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddScoped<ProductListing>();
        services.AddProductPageCache(builder.Configuration);
        services.AddSingleton<CatalogSeeder>();
        services.AddSingleton<IQueryFields, CatalogQueryFields>();
        services.AddSingleton<ISubscriptionFields, CatalogSubscriptionFields>();

        services.AddScoped<ProductByIdDataLoader>();
        services.AddScoped<ProductBySlugDataLoader>();
        services.AddScoped<VariantsByProductIdDataLoader>();
        services.AddScoped<VariantByIdDataLoader>();
        services.AddScoped<ImagesByProductIdDataLoader>();
        services.AddScoped<OptionsByProductIdDataLoader>();
        services.AddScoped<CategoryByIdDataLoader>();
        services.AddScoped<CategoryBySlugDataLoader>();
        services.AddScoped<CategoriesByParentIdDataLoader>();
        services.AddScoped<CollectionByIdDataLoader>();
        services.AddScoped<CollectionBySlugDataLoader>();
        services.AddScoped<CollectionsByProductIdDataLoader>();

        services.AddSingleton<INodeResolver>(new LoaderNodeResolver<ProductByIdDataLoader, Product>(NodeKind.Product));
        services.AddSingleton<INodeResolver>(new LoaderNodeResolver<VariantByIdDataLoader, ProductVariant>(NodeKind.ProductVariant));
        services.AddSingleton<INodeResolver>(new LoaderNodeResolver<CategoryByIdDataLoader, Category>(NodeKind.Category));
        services.AddSingleton<INodeResolver>(new LoaderNodeResolver<CollectionByIdDataLoader, Collection>(NodeKind.Collection));
        return builder;
    }
}
