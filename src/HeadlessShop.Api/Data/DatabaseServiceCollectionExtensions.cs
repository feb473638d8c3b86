using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Data;

public static class DatabaseServiceCollectionExtensions
{
    public const string DefaultSqliteConnectionString = "Data Source=headlessshop.db";

    /// <summary>
    /// Registers a pooled <see cref="IDbContextFactory{ShopDbContext}"/>: PostgreSQL in Production, SQLite in
    /// Embedded mode. Every consumer (loaders, services) creates a short-lived context per unit of work.
    /// </summary>
    /// <summary>
    /// The same few statements run millions of times: unless the operator chose otherwise, let Npgsql prepare the
    /// frequent ones on each pooled connection so PostgreSQL plans them once instead of on every request.
    /// </summary>
    internal static string WithAutoPrepare(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }
        return builder.ConnectionString;
    }

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
        if (mode == ShopMode.Production)
        {
            postgres = WithAutoPrepare(postgres!);
        }

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
