using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Data;

public static class DatabaseServiceCollectionExtensions
{
    public const string DefaultSqliteConnectionString = "Data Source=headlessshop.db";

    /// <summary>
    /// Registers a pooled <see cref="IDbContextFactory{ShopDbContext}"/>: PostgreSQL in Production, SQLite in
    /// Embedded mode. Every consumer (loaders, services) creates a short-lived context per unit of work.
    /// </summary>
    public static IHostApplicationBuilder AddShopDatabase(this IHostApplicationBuilder builder)
    {
        var mode = builder.Configuration.GetSection(ShopOptions.SectionName).GetValue(nameof(ShopOptions.Mode), ShopMode.Embedded);
        var postgres = builder.Configuration.GetConnectionString("Postgres");
        if (mode == ShopMode.Production && string.IsNullOrWhiteSpace(postgres))
        {
            throw new InvalidOperationException(
                "HeadlessShop__Mode=Production needs a PostgreSQL connection string: set ConnectionStrings__Postgres, "
                + "e.g. \"Host=localhost;Database=headlessshop;Username=shop;Password=...\".");
        }
        var sqlite = builder.Configuration.GetConnectionString("Sqlite") ?? DefaultSqliteConnectionString;

        builder.Services.AddSingleton<SqlStatementCounter>();
        builder.Services.AddPooledDbContextFactory<ShopDbContext>((services, options) =>
        {
            if (mode == ShopMode.Production)
            {
                options.UseNpgsql(postgres, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"));
            }
            else
            {
                options.UseSqlite(sqlite);
            }
            options.UseSnakeCaseNamingConvention();
            options.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
            options.AddInterceptors(services.GetRequiredService<SqlStatementCounter>());
        });
        builder.Services.AddHostedService<DatabaseInitializer>();
        return builder;
    }
}
