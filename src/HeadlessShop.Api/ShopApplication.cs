using HeadlessShop.Api.Carts;
using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Checkout;
using HeadlessShop.Api.Customers;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Infrastructure;
using HeadlessShop.Api.Payments;
using HeadlessShop.Api.Search;
using HeadlessShop.Api.Search.Typesense;
using HeadlessShop.Api.Infrastructure.Events;
using HeadlessShop.GraphQL.Transport;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HeadlessShop.Api;

/// <summary>Builds the web application: one line per feature, like a table of contents.</summary>
public static class ShopApplication
{
    public const string DefaultUrl = "http://localhost:5080";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        builder.Services.AddOptions<ShopOptions>().BindConfiguration(ShopOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.AddShopObservability();
        builder.AddShopDatabase();
        builder.AddShopRedis();
        builder.AddShopEvents();
        builder.AddShopHealth();
        builder.AddShopCors();
        builder.AddShopGraphQL();
        builder.AddCatalog();
        builder.AddSearch();
        builder.AddCarts();
        builder.AddCustomers();
        builder.AddCheckout();
        // After the database search engine: with Typesense:Url set, Typesense answers and the database is the fallback.
        builder.AddTypesenseSearch();
        // Until authentication registers its own, every caller is anonymous.
        builder.Services.TryAddScoped<ICurrentCustomer, AnonymousCustomer>();

        var app = builder.Build();
        app.UseSqlStatementCountHeader();
        app.UseCors();
        app.UseCustomerAuthentication();
        app.MapShopHealth();
        app.MapShopObservability();
        app.MapGet("/", () => Results.Redirect("/graphql"));
        app.MapGraphQLEndpoint();
        app.MapStripeWebhooks();
        return app;
    }
}
