using Npgsql;

namespace HeadlessShop.Api.Tests.Infrastructure;

/// <summary>
/// A fresh PostgreSQL database per fixture, created on the server named by HEADLESSSHOP_TEST_POSTGRES and dropped
/// afterwards, so tests own their data and never see another class's rows.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string EnvironmentVariable = "HEADLESSSHOP_TEST_POSTGRES";

    private readonly string _adminConnectionString;

    private PostgresTestDatabase(string adminConnectionString, string name, string connectionString)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }
    public string ConnectionString { get; }

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var admin = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            throw new InvalidOperationException(
                $"These tests need a real PostgreSQL server. Set {EnvironmentVariable} to an admin connection string, e.g. "
                + "'Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres', or run scripts/test.sh, which starts one.");
        }
        var name = "hs_test_" + Guid.NewGuid().ToString("N")[..16];
        try
        {
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException ex)
        {
            throw new InvalidOperationException(
                $"Cannot reach PostgreSQL through {EnvironmentVariable}='{admin}': {ex.Message}. "
                + "Start it with scripts/services.sh start (or run scripts/test.sh).", ex);
        }
        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true, MaxPoolSize = 100 };
        return new PostgresTestDatabase(admin, name, builder.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
