using HeadlessShop.Api.Data;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Data;

/// <summary>
/// Key lookups (every DataLoader, the product page, checkout) run on the pool whose connections plan a prepared statement
/// once; everything else keeps PostgreSQL's choice, a fresh plan for the values sent. Read from PostgreSQL itself:
/// <c>pg_prepared_statements</c> counts the generic and custom plans each prepared statement of a connection was given.
/// </summary>
public sealed class LookupPlanTests(ShopApiFactory factory) : IClassFixture<ShopApiFactory>
{
    private const int Executions = 8;

    [Fact]
    public async Task Key_lookups_get_one_generic_plan_while_other_statements_keep_custom_plans()
    {
        var lookups = await PlansAsync(factory.Services.GetRequiredService<LookupContexts>(), "lookup-pool-probe");
        var general = await PlansAsync(factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>(), "general-pool-probe");

        // Npgsql prepares a statement on its second use (AutoPrepareMinUsages = 2); every execution after that is counted.
        Assert.True(lookups.Generic >= Executions - 2 && lookups.Custom == 0, $"lookup pool: {lookups}");
        Assert.True(general.Custom >= 5, $"general pool: {general}");
    }

    [Fact]
    public async Task The_loaders_the_product_page_and_checkout_take_their_contexts_from_the_lookup_pool()
    {
        // The constructor is the routing: a loader cannot be given the general factory by mistake.
        var lookupTypes = new[]
        {
            typeof(DbBatchDataLoader<,>), typeof(DbGroupedDataLoader<,,>), typeof(Api.Catalog.Caching.ProductPageReader), typeof(Api.Checkout.CheckoutService),
        };
        foreach (var type in lookupTypes)
        {
            var parameters = type.GetConstructors(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)
                .Single().GetParameters().Select(p => p.ParameterType).ToList();
            Assert.Contains(typeof(LookupContexts), parameters);
            Assert.DoesNotContain(typeof(IDbContextFactory<ShopDbContext>), parameters);
        }
        await using var db = await factory.Services.GetRequiredService<LookupContexts>().CreateDbContextAsync();
        Assert.Equal("force_generic_plan", await db.Database.SqlQueryRaw<string>("SELECT current_setting('plan_cache_mode') AS \"Value\"").SingleAsync());
    }

    private static async Task<PlanCounts> PlansAsync(IDbContextFactory<ShopDbContext> contexts, string probe)
    {
        await using var db = await contexts.CreateDbContextAsync();
        // In a transaction every statement runs on one physical connection, the one pg_prepared_statements describes.
        await using var transaction = await db.Database.BeginTransactionAsync();
        var ids = await db.ProductVariants.OrderBy(v => v.Id).Select(v => v.Id).Take(3).ToArrayAsync();
        Assert.Equal(3, ids.Length);
        for (var i = 0; i < Executions; i++)
        {
            var keys = ids.Take(1 + (i % 3)).ToArray();
            Assert.Equal(keys.Length, await db.ProductVariants.TagWith(probe).Where(v => keys.Contains(v.Id)).CountAsync());
        }
        return await db.Database.SqlQueryRaw<PlanCounts>(
                "SELECT generic_plans AS generic, custom_plans AS custom FROM pg_prepared_statements WHERE statement LIKE {0}", $"%{probe}%")
            .SingleAsync();
    }

    private sealed record PlanCounts(long Generic, long Custom);
}
