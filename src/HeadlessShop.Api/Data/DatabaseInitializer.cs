using HeadlessShop.Api.Catalog.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HeadlessShop.Api.Data;

/// <summary>
/// Runs before the server accepts requests. Embedded mode creates the SQLite schema and seeds the demo catalog on
/// first start; Production refuses to start on a database that is behind the code's migrations.
/// </summary>
internal sealed partial class DatabaseInitializer(
    IDbContextFactory<ShopDbContext> contexts,
    CatalogSeeder seeder,
    IOptions<ShopOptions> options,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (options.Value.Mode == ShopMode.Production)
        {
            if (options.Value.SkipMigrationCheck)
            {
                return;
            }
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0)
            {
                throw new InvalidOperationException(
                    $"The PostgreSQL schema is {pending.Count} migration(s) behind ({string.Join(", ", pending)}). "
                    + "Run `HeadlessShop.Api migrate` (or the compose `migrate` service) first.");
            }
            return;
        }

        await EmbeddedSchema.EnsureCurrentAsync(db, logger, cancellationToken);
        if (!await db.Products.AnyAsync(cancellationToken))
        {
            var count = options.Value.DemoCatalogProducts;
            LogSeeding(logger, count);
            await seeder.SeedAsync(count, progress: null, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Empty embedded database: seeding a demo catalog of {Count} products")]
    private static partial void LogSeeding(ILogger logger, int count);
}
