using GraphQL;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;

namespace HeadlessShop.Api.Admin;

public static class AdminServiceCollectionExtensions
{
    /// <summary>Staff accounts, catalog and stock mutations, order and customer lists; every field admin-only.</summary>
    public static IHostApplicationBuilder AddAdmin(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<StaffAccounts>();
        services.AddScoped<CatalogAdministration>();
        services.AddScoped<StockAdjustments>();
        services.AddSingleton<AdminQueries>();
        services.AddSingleton<IQueryFields, AdminQueryFields>();
        services.AddSingleton<IMutationFields, AdminMutationFields>();
        // A database outage inside any resolver becomes SERVICE_UNAVAILABLE instead of an internal error.
        services.AddGraphQL(graphQL => graphQL.ConfigureExecution<DatabaseOutageErrors>());
        return builder;
    }
}
