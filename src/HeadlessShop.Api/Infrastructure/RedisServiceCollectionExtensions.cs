using HeadlessShop.Api.Data;
using StackExchange.Redis;

namespace HeadlessShop.Api.Infrastructure;

/// <summary>Bound from the <c>Redis</c> section.</summary>
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>Prefix of every key this deployment writes; lets several shops (or test runs) share one server.</summary>
    public string KeyPrefix { get; set; } = "hs:";
}

public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Production: one shared <see cref="IConnectionMultiplexer"/> from <c>ConnectionStrings:Redis</c> (required; the
    /// app refuses to start without it). Embedded: nothing, and every Redis-backed store uses its in-memory twin.
    /// Stores check <see cref="IsRedisEnabled"/> to pick their implementation.
    /// </summary>
    public static IHostApplicationBuilder AddShopRedis(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.SectionName);
        if (!IsRedisEnabled(builder.Configuration))
        {
            return builder;
        }
        var configuration = builder.Configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(configuration))
        {
            throw new InvalidOperationException(
                "HeadlessShop__Mode=Production needs Redis (carts, persisted queries, rate limits, events): set "
                + "ConnectionStrings__Redis, e.g. \"localhost:6379\".");
        }
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var options = ConfigurationOptions.Parse(configuration);
            // Keep retrying in the background instead of failing start-up on a blip; health checks report the state.
            options.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(options);
        });
        return builder;
    }

    public static bool IsRedisEnabled(IConfiguration configuration) =>
        configuration.GetSection(ShopOptions.SectionName).GetValue(nameof(ShopOptions.Mode), ShopMode.Embedded) == ShopMode.Production;
}
