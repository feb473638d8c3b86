using System.Net;
using System.Security.Cryptography;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Infrastructure;
using HeadlessShop.GraphQL.Transport.WebSockets;
using Microsoft.AspNetCore.HttpOverrides;

namespace HeadlessShop.Api.Customers;

public static class CustomersServiceCollectionExtensions
{
    /// <summary>
    /// Customers, JWT access tokens, refresh tokens and login throttling. The signing key comes from <c>Jwt:SigningKey</c>:
    /// required in Production (start-up fails with a clear message), generated per run in embedded mode.
    /// </summary>
    public static IHostApplicationBuilder AddCustomers(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var production = builder.Configuration.GetSection(ShopOptions.SectionName).GetValue(nameof(ShopOptions.Mode), ShopMode.Embedded) == ShopMode.Production;
        var configuredKey = builder.Configuration[$"{JwtOptions.SectionName}:{nameof(JwtOptions.SigningKey)}"];
        if (production && (string.IsNullOrWhiteSpace(configuredKey) || System.Text.Encoding.UTF8.GetByteCount(configuredKey) < JwtOptions.MinimumKeyBytes))
        {
            throw new InvalidOperationException(
                $"HeadlessShop__Mode=Production needs a JWT signing key of at least {JwtOptions.MinimumKeyBytes} bytes: set Jwt__SigningKey, "
                + "e.g. the output of `openssl rand -base64 48`. Every instance must share it.");
        }
        // Embedded mode: a fresh key per run, so tokens die with the process and nobody ships a well-known key.
        var generatedKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.SectionName).ValidateDataAnnotations().ValidateOnStart()
            .PostConfigure(o => o.SigningKey = string.IsNullOrWhiteSpace(o.SigningKey) ? generatedKey : o.SigningKey);
        services.AddOptions<LoginThrottlingOptions>().BindConfiguration(LoginThrottlingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        services.AddHttpContextAccessor();
        services.AddSingleton<AccessTokenService>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<CustomerAccounts>();
        if (RedisServiceCollectionExtensions.IsRedisEnabled(builder.Configuration))
        {
            services.AddSingleton<IRateLimitStore, RedisRateLimitStore>();
        }
        else
        {
            services.AddSingleton<IRateLimitStore, MemoryRateLimitStore>();
        }
        services.AddScoped<HttpCurrentCustomer>();
        services.AddScoped<ICurrentCustomer>(sp => sp.GetRequiredService<HttpCurrentCustomer>());
        services.AddSingleton<IWebSocketAuthenticator, JwtWebSocketAuthenticator>();
        services.AddScoped<CustomerByIdDataLoader>();
        services.AddSingleton<INodeResolver, CustomerNodeResolver>();
        services.AddSingleton<IQueryFields, CustomerQueryFields>();
        services.AddSingleton<IMutationFields, CustomerMutationFields>();

        // Behind nginx the client address is X-Forwarded-For; trust it only from loopback and the proxies configured
        // in ForwardedHeaders:KnownProxies / KnownNetworks, so a client cannot pick its own address to dodge login throttling.
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = 1;
            foreach (var proxy in builder.Configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [])
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in builder.Configuration.GetSection("ForwardedHeaders:KnownNetworks").Get<string[]>() ?? [])
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return builder;
    }

    /// <summary>Client address from trusted proxies, then the caller from its bearer token. Call after UseCors.</summary>
    public static IApplicationBuilder UseCustomerAuthentication(this IApplicationBuilder app)
    {
        app.UseForwardedHeaders();
        return app.Use(async (context, next) =>
        {
            await context.RequestServices.GetRequiredService<HttpCurrentCustomer>()
                .InitializeAsync(context, context.RequestServices.GetRequiredService<AccessTokenService>());
            await next(context);
        });
    }
}
