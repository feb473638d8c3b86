using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Infrastructure;

namespace HeadlessShop.Api.Carts;

public static class CartsServiceCollectionExtensions
{
    /// <summary>Carts in Redis (Production) or memory (embedded), their rules and GraphQL fields.</summary>
    public static IHostApplicationBuilder AddCarts(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CartOptions>().BindConfiguration(CartOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        if (RedisServiceCollectionExtensions.IsRedisEnabled(builder.Configuration))
        {
            services.AddSingleton<ICartStore, RedisCartStore>();
        }
        else
        {
            services.AddSingleton<ICartStore, MemoryCartStore>();
        }
        services.AddSingleton<CartLineHints>();
        services.AddScoped<CartService>();
        services.AddSingleton<IQueryFields, CartQueryFields>();
        services.AddSingleton<IOpaqueIdNodeResolver, CartNodeResolver>();
        services.AddSingleton<IMutationFields, CartMutationFields>();
        return builder;
    }
}
