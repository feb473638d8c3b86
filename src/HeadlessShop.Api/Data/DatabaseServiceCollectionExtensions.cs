using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Data;

public static class DatabaseServiceCollectionExtensions
{
    public const string DefaultSqliteConnectionString = "Data Source=headlessshop.db";

    /// <summary>
    /// The same few statements run millions of times from many concurrent requests: unless the operator chose
    /// otherwise, let Npgsql prepare the frequent ones on each pooled connection (PostgreSQL plans them once) and
    /// multiplex commands of concurrent requests over fewer connections and socket writes (measured +20-25% listing
    /// throughput on 2 cores, where loopback send/receive syscalls were a third of the API's CPU).
    /// </summary>
    internal static string WithServingDefaults(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }
        // NpgsqlConnectionStringBuilder knows every keyword; a plain builder tells what the operator actually wrote.
        if (!new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.ContainsKey("Multiplexing"))
        {
            builder.Multiplexing = true;
        }
        return builder.ConnectionString;
    }

    /// <summary>
    /// How lookup connections plan. One generic plan per prepared statement; and no hash or merge joins, because a
    /// generic plan is costed for 10 keys, which on a small table (3,000 stock rows at 1,000 products) made hashing
    /// the whole table look cheaper than 10 index probes: 0.54 ms for the cart's one-key variant lookup instead of
    /// 0.03 ms. A lookup joins a few rows per key, so nested loops over indexes are the right plan for any batch.
    /// </summary>
    private static readonly (string Setting, string Value)[] LookupSettings =
        [("plan_cache_mode", "force_generic_plan"), ("enable_hashjoin", "off"), ("enable_mergejoin", "off")];

    /// <summary>
    /// The serving connection string as two pools: the general one, and the one <see cref="LookupContexts"/> uses, whose
    /// connections plan prepared statements once (<see cref="LookupSettings"/>, each unless the operator's <c>Options</c>
    /// already set it). The operator's <c>Maximum Pool Size</c> is shared between them, so the API never
    /// opens more connections than it allows; a pool of one connection is not split (and lookups plan as usual).
    /// </summary>
    internal static (string General, string Lookups) SplitForLookups(string connectionString)
    {
        var general = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (general.MaxPoolSize < 2)
        {
            return (connectionString, connectionString);
        }
        var lookups = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var lookupShare = general.MaxPoolSize / 2;
        general.MaxPoolSize -= lookupShare;
        lookups.MaxPoolSize = lookupShare;
        general.MinPoolSize = Math.Min(general.MinPoolSize, general.MaxPoolSize);
        lookups.MinPoolSize = Math.Min(lookups.MinPoolSize, lookups.MaxPoolSize);
        foreach (var (setting, value) in LookupSettings)
        {
            if (lookups.Options?.Contains(setting, StringComparison.Ordinal) != true)
            {
                lookups.Options = string.IsNullOrWhiteSpace(lookups.Options) ? $"-c {setting}={value}" : $"{lookups.Options} -c {setting}={value}";
            }
        }
        return (general.ConnectionString, lookups.ConnectionString);
    }

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
        if (mode == ShopMode.Production)
        {
            postgres = WithServingDefaults(postgres!);
        }

        builder.Services.AddSingleton<SqlStatementCounter>();
        void Configure(IServiceProvider services, DbContextOptionsBuilder options, string? connectionString)
        {
            if (mode == ShopMode.Production)
            {
                options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"));
            }
            else
            {
                options.UseSqlite(sqlite);
            }
            options.UseSnakeCaseNamingConvention();
            options.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
            options.AddInterceptors(services.GetRequiredService<SqlStatementCounter>());
        }
        var (general, lookups) = mode == ShopMode.Production ? SplitForLookups(postgres!) : (null, null);
        builder.Services.AddPooledDbContextFactory<ShopDbContext>((services, options) => Configure(services, options, general));
        builder.Services.AddSingleton(services =>
        {
            if (lookups is null || lookups == general)
            {
                return new LookupContexts(services.GetRequiredService<IDbContextFactory<ShopDbContext>>());
            }
            var options = new DbContextOptionsBuilder<ShopDbContext>();
            Configure(services, options, lookups);
            return new LookupContexts(new Microsoft.EntityFrameworkCore.Infrastructure.PooledDbContextFactory<ShopDbContext>(options.Options));
        });
        builder.Services.AddHostedService<DatabaseInitializer>();
        return builder;
    }
}
