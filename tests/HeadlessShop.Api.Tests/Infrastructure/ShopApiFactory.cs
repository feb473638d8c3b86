using HeadlessShop.Api.Catalog.Seeding;
using HeadlessShop.Api.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Infrastructure;

public enum TestDatabaseKind
{
    Postgres,
    Sqlite,
}

/// <summary>
/// The real application in-process, on its own database: PostgreSQL (Production mode, migrated) or a temporary
/// SQLite file (Embedded mode). Seeds <see cref="Products"/> demo products before the first test.
/// </summary>
public class ShopApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private PostgresTestDatabase? _postgres;
    private string? _sqliteFile;

    public virtual TestDatabaseKind Database => TestDatabaseKind.Postgres;
    public virtual int Products => 120;

    /// <summary>Exactly this many variants per product when set; the demo catalog's mix otherwise.</summary>
    public virtual int? VariantsPerProduct => null;

    public string ConnectionString { get; private set; } = "";

    public string RedisKeyPrefix { get; } = $"hs-test:{Guid.NewGuid():N}:";

    public async Task InitializeAsync()
    {
        if (Database == TestDatabaseKind.Postgres)
        {
            _postgres = await PostgresTestDatabase.CreateAsync();
            ConnectionString = _postgres.ConnectionString;
        }
        else
        {
            _sqliteFile = Path.Combine(Path.GetTempPath(), $"hs-test-{Guid.NewGuid():N}.db");
            ConnectionString = $"Data Source={_sqliteFile};Pooling=False";
        }

        var contexts = Services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            if (Database == TestDatabaseKind.Postgres)
            {
                await db.Database.MigrateAsync();
            }
            else
            {
                await db.Database.EnsureCreatedAsync();
            }
        }
        await Services.GetRequiredService<CatalogSeeder>().SeedAsync(Products, VariantsPerProduct, null, CancellationToken.None);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Testing");
        builder.UseSetting("Diagnostics:SqlStatementCountHeader", "true");
        if (Database == TestDatabaseKind.Postgres)
        {
            builder.UseSetting("HeadlessShop:Mode", "Production");
            // Production defaults to Stripe; the tests that need it point it at a stand-in themselves.
            builder.UseSetting("Payments:Gateway", "Test");
            builder.UseSetting("ConnectionStrings:Postgres", ConnectionString);
            builder.UseSetting("ConnectionStrings:Redis", TestRedis.ConnectionString);
            // Every factory writes under its own prefix on the shared test Redis: no test sees another's keys.
            builder.UseSetting("Redis:KeyPrefix", RedisKeyPrefix);
            // The schema is migrated by InitializeAsync before the first request, after the host is built.
            builder.UseSetting("HeadlessShop:SkipMigrationCheck", "true");
            builder.UseSetting("Jwt:SigningKey", "test-signing-key-of-at-least-32-bytes-" + RedisKeyPrefix);
        }
        else
        {
            builder.UseSetting("HeadlessShop:Mode", "Embedded");
            builder.UseSetting("HeadlessShop:DemoCatalogProducts", "0");
            builder.UseSetting("ConnectionStrings:Sqlite", ConnectionString);
        }
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
        if (_sqliteFile is not null)
        {
            File.Delete(_sqliteFile);
        }
    }
}

public sealed class SqliteShopApiFactory : ShopApiFactory
{
    public override TestDatabaseKind Database => TestDatabaseKind.Sqlite;
}
