using HeadlessShop.Api.Infrastructure;
using HeadlessShop.Api.Infrastructure.Events;

namespace HeadlessShop.Api.Catalog.Caching;

/// <summary>
/// Drops a product's fresh cached page when it or its stock changes. The cache is per cluster (one Redis), so one
/// consumer group for all instances is enough; invalidating twice is harmless, so redeliveries need no bookkeeping.
/// </summary>
internal sealed class ProductPageInvalidator(IProductPageStore store) : IEventConsumer
{
    public string Group => "product-page-cache";

    public async Task HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.Type is not (CatalogEvents.ProductChanged or StockEvents.AvailabilityChanged))
        {
            return;
        }
        if (StockEvents.ProductIdOf(envelope.Key) is { } productId)
        {
            await store.InvalidateAsync(productId, cancellationToken);
        }
    }
}

public static class ProductCacheServiceCollectionExtensions
{
    /// <summary>The product page cache: Redis in Production, memory in Embedded mode, invalidated by catalog and stock events.</summary>
    public static IServiceCollection AddProductPageCache(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProductCacheOptions>().BindConfiguration(ProductCacheOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        if (RedisServiceCollectionExtensions.IsRedisEnabled(configuration))
        {
            services.AddSingleton<IProductPageStore, RedisProductPageStore>();
        }
        else
        {
            services.AddSingleton<IProductPageStore, MemoryProductPageStore>();
        }
        services.AddSingleton<IEventConsumer, ProductPageInvalidator>();
        services.AddScoped<ProductPageReader>();
        services.AddSingleton<ListingSnapshotCache>();
        services.AddSingleton<IEventObserver>(sp => sp.GetRequiredService<ListingSnapshotCache>());
        services.AddScoped<ListingSnapshotReader>();
        return services;
    }
}
