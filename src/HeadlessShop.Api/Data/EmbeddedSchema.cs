using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Data;

/// <summary>
/// The embedded SQLite database is created from the model (no migrations). When a newer version of the app changes
/// the model, an existing file would silently lack tables; instead, the file is moved aside as a backup and created
/// afresh (the demo catalog is seeded again), with a warning naming the backup.
/// </summary>
internal static partial class EmbeddedSchema
{
    private const string VersionTable = "embedded_schema_version";

    public static async Task EnsureCurrentAsync(ShopDbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        var expected = ModelHash(db);
        var created = await db.Database.EnsureCreatedAsync(cancellationToken);
        if (!created)
        {
            var stored = await StoredHashAsync(db, cancellationToken);
            if (stored == expected)
            {
                return;
            }
            var backup = await MoveAsideAsync(db, cancellationToken);
            LogRecreated(logger, backup);
            await db.Database.EnsureCreatedAsync(cancellationToken);
        }
        await Search.SqliteSearchSchema.EnsureCreatedAsync(db, cancellationToken);
        await db.Database.ExecuteSqlRawAsync($"CREATE TABLE IF NOT EXISTS {VersionTable} (hash TEXT NOT NULL)", cancellationToken);
        await db.Database.ExecuteSqlRawAsync($"DELETE FROM {VersionTable}", cancellationToken);
        await db.Database.ExecuteSqlAsync($"INSERT INTO embedded_schema_version (hash) VALUES ({expected})", cancellationToken);
    }

    internal static string ModelHash(ShopDbContext db) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(db.Database.GenerateCreateScript() + Search.SqliteSearchSchema.Script)))[..16];

    private static async Task<string?> StoredHashAsync(ShopDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            return (await db.Database.SqlQueryRaw<string>($"SELECT hash AS \"Value\" FROM {VersionTable}").ToListAsync(cancellationToken)).FirstOrDefault();
        }
        catch (SqliteException)
        {
            return null;
        }
    }

    private static async Task<string> MoveAsideAsync(ShopDbContext db, CancellationToken cancellationToken)
    {
        var file = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        await db.Database.CloseConnectionAsync();
        SqliteConnection.ClearAllPools();
        var backup = $"{file}.bak-{DateTime.UtcNow:yyyyMMddHHmmss}";
        File.Move(file, backup);
        foreach (var suffix in new[] { "-wal", "-shm" })
        {
            if (File.Exists(file + suffix))
            {
                File.Move(file + suffix, backup + suffix);
            }
        }
        return backup;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The embedded database was created by another version of HeadlessShop; it was moved to {Backup} and created afresh")]
    private static partial void LogRecreated(ILogger logger, string backup);
}
