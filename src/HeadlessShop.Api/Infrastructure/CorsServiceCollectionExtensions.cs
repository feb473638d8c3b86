using HeadlessShop.Api.Data;

namespace HeadlessShop.Api.Infrastructure;

public static class CorsServiceCollectionExtensions
{
    /// <summary>
    /// Browser storefronts call the API from their own origin. <c>Cors:AllowedOrigins</c> lists them (or "*");
    /// Embedded mode allows any origin so a local frontend works out of the box; Production allows none by default.
    /// </summary>
    public static IHostApplicationBuilder AddShopCors(this IHostApplicationBuilder builder)
    {
        var origins = builder.Configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [];
        var embedded = builder.Configuration.GetSection(ShopOptions.SectionName).GetValue(nameof(ShopOptions.Mode), ShopMode.Embedded) == ShopMode.Embedded;
        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            if (origins.Contains("*") || (embedded && origins.Length == 0))
            {
                policy.AllowAnyOrigin();
            }
            else
            {
                policy.WithOrigins(origins);
            }
            policy.WithMethods("GET", "POST")
                .WithHeaders("Content-Type", "Accept", "Authorization", "GraphQL-Require-Preflight", "X-Request-Id")
                .WithExposedHeaders("X-Request-Id")
                .SetPreflightMaxAge(TimeSpan.FromHours(1));
        }));
        return builder;
    }
}
