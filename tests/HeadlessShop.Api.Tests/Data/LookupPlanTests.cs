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
public sealed class LookupPlanTests(LookupPlanTests.Factory factory) : IClassFixture<LookupPlanTests.Factory>
{
    /// <summary>The bench's smallest catalog: its 3,000 stock rows are where a generic plan chose to hash the table.</summary>
    public sealed class Factory : ShopApiFactory
    {
        public override int Products => 1000;

        public override int? VariantsPerProduct => 3;
    }

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
        Assert.Equal("force_generic_plan off off", await db.Database.SqlQueryRaw<string>(
            "SELECT concat_ws(' ', current_setting('plan_cache_mode'), current_setting('enable_hashjoin'), current_setting('enable_mergejoin')) AS \"Value\"").SingleAsync());
    }

    [Fact]
    public async Task A_generic_lookup_plan_probes_indexes_instead_of_hashing_a_small_table()
    {
        await using (var db = await factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>().CreateDbContextAsync())
        {
            // Statistics as autovacuum would have them (a fresh test database has none).
            await db.Database.ExecuteSqlRawAsync("ANALYZE product_variants, stock_levels, products");
        }
        // The cart's variant lookup (variants + stock + the soft-delete check), prepared, as the plan the connection
        // keeps. Costed for 10 keys on 3,000 stock rows, hashing all of stock_levels looks cheaper than 10 probes.
        var plan = await GenericPlanAsync(factory.Services.GetRequiredService<LookupContexts>(), """
            SELECT v.id, s.on_hand FROM product_variants v LEFT JOIN stock_levels s ON s.variant_id = v.id
            WHERE v.id = ANY($1) AND EXISTS (SELECT 1 FROM products p WHERE p.id = v.product_id AND p.deleted_at IS NULL)
            """);

        Assert.DoesNotContain("Hash", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan on stock_levels", plan, StringComparison.Ordinal);
        Assert.Contains("Index Scan using pk_stock_levels", plan, StringComparison.Ordinal);
        Assert.Contains("ANY ($1)", plan, StringComparison.Ordinal);
    }

    private static async Task<string> GenericPlanAsync(IDbContextFactory<ShopDbContext> contexts, string statement)
    {
        await using var db = await contexts.CreateDbContextAsync();
        // One transaction, one physical connection: the prepared statement and its EXPLAIN meet on the same session.
        await using var transaction = await db.Database.BeginTransactionAsync();
        var connection = (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
        await using (var prepare = new Npgsql.NpgsqlCommand($"PREPARE lookup_plan_probe(bigint[]) AS {statement}", connection))
        {
            await prepare.ExecuteNonQueryAsync();
        }
        var lines = new List<string>();
        await using (var explain = new Npgsql.NpgsqlCommand("EXPLAIN EXECUTE lookup_plan_probe('{1}')", connection))
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }
        }
        await using (var deallocate = new Npgsql.NpgsqlCommand("DEALLOCATE lookup_plan_probe", connection))
        {
            await deallocate.ExecuteNonQueryAsync();
        }
        return string.Join('\n', lines);
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
