using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using HeadlessShop.Api.Admin;
using HeadlessShop.Api.Catalog.Caching;
using HeadlessShop.Api.Catalog.Seeding;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Admin;

/// <summary>
/// A PostgreSQL cluster of this test's own (initdb into a temporary folder, a free port), so it can be stopped without
/// touching the server the other tests share. Runs the server as the postgres user when the tests run as root.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"hs-private-pg-{Guid.NewGuid():N}");
    private bool _running;

    private PrivatePostgres(string bin, int port)
    {
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=3;Command Timeout=5";

    private string Data => Path.Combine(_root, "data");

    public static async Task<PrivatePostgres> StartAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new InvalidOperationException("PostgreSQL binaries not found under /usr/lib/postgresql (scripts/services.sh start installs them).");
        var server = new PrivatePostgres(bin, FreePort());
        Directory.CreateDirectory(server._root);
        if (IsRoot)
        {
            await RunAsync("chown", "-R", "postgres:postgres", server._root);
        }
        await server.AsPostgresAsync("initdb", "-D", server.Data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
        await server.AsPostgresAsync("pg_ctl", "-D", server.Data, "-l", Path.Combine(server._root, "server.log"), "-w", "-t", "60", "start",
            "-o", $"-h 127.0.0.1 -p {server.Port} -k {server._root} -c fsync=off -c synchronous_commit=off -c max_connections=50");
        server._running = true;
        return server;
    }

    /// <summary>Stops the server the hard way (no shutdown checkpoint), like a crash or a pulled cable.</summary>
    public async Task StopAsync()
    {
        if (_running)
        {
            await AsPostgresAsync("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");
            _running = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_root, recursive: true);
    }

    private static bool IsRoot => Environment.UserName == "root";

    private Task AsPostgresAsync(string tool, params string[] arguments) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. arguments]) : RunAsync(Path.Combine(_bin, tool), arguments);

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {await output} {await error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The production app on a private PostgreSQL (migrated, 5 demo products) and the shared Redis.</summary>
public sealed class OutageFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public PrivatePostgres Postgres { get; private set; } = null!;

    public string RedisKeyPrefix { get; } = $"hs-test:{Guid.NewGuid():N}:";

    public async Task InitializeAsync()
    {
        Postgres = await PrivatePostgres.StartAsync();
        await using (var db = await Services.GetRequiredService<IDbContextFactory<ShopDbContext>>().CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
        }
        await Services.GetRequiredService<CatalogSeeder>().SeedAsync(5, null, CancellationToken.None);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Testing");
        builder.UseSetting("HeadlessShop:Mode", "Production");
        builder.UseSetting("ConnectionStrings:Postgres", Postgres.ConnectionString);
        builder.UseSetting("ConnectionStrings:Redis", TestRedis.ConnectionString);
        builder.UseSetting("Redis:KeyPrefix", RedisKeyPrefix);
        builder.UseSetting("HeadlessShop:SkipMigrationCheck", "true");
        builder.UseSetting("Jwt:SigningKey", "test-signing-key-of-at-least-32-bytes-" + RedisKeyPrefix);
        // Production defaults to Stripe on main; this test takes no payments.
        builder.UseSetting("Payments:Gateway", "Test");
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Npgsql.NpgsqlConnection.ClearAllPools();
        await Postgres.DisposeAsync();
    }
}

public sealed class ProductCacheOutageTests(OutageFactory factory) : IClassFixture<OutageFactory>
{
    private const string BySlug = "query($s: String!) { product(slug: $s) { id name priceRange { min { minorUnits } } variants { sku quantityAvailable } images { url } options { name } category { slug } collections { slug } } }";
    private const string Update = "mutation($i: ProductUpdateInput!) { productUpdate(input: $i) { product { id } userErrors { code } } }";

    [Fact]
    public async Task With_postgres_stopped_recently_read_products_answer_from_cache_and_mutations_fail_with_service_unavailable()
    {
        var client = factory.CreateClient();
        var email = $"staff-{Guid.NewGuid():N}@example.com";
        await factory.Services.GetRequiredService<StaffAccounts>().CreateOrPromoteAsync(email, AdminFactory.StaffPassword, default);
        var token = (await client.GraphQLAsync(AdminFactory.Login, new { i = new { email, password = AdminFactory.StaffPassword } }))
            .OkData()["customerLogin"]!["accessToken"]!.GetValue<string>();
        var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var slugs = await ReadSlugsAsync();

        // Read two products while the database is up; then one of them changes (its fresh copy is invalidated).
        var fresh = (await client.GraphQLAsync(BySlug, new { s = slugs[0] })).OkData()["product"]!;
        var changed = (await client.GraphQLAsync(BySlug, new { s = slugs[1] })).OkData()["product"]!;
        GlobalId.TryDecode(changed["id"]!.GetValue<string>(), out _, out var changedKey);
        await factory.Services.GetRequiredService<IProductPageStore>().InvalidateAsync(changedKey, default);

        await factory.Postgres.StopAsync();

        var freshAgain = await client.GraphQLAsync(BySlug, new { s = slugs[0] });
        var staleAgain = await client.GraphQLAsync(BySlug, new { s = slugs[1] });
        var unknown = await client.GraphQLAsync(BySlug, new { s = "never-read-" + Guid.NewGuid().ToString("N") });
        var mutation = await admin.GraphQLAsync(Update, new { i = new { id = fresh["id"]!.GetValue<string>(), name = "Renamed during outage" } });

        Assert.Equal(fresh.ToJsonString(), freshAgain.OkData()["product"]!.ToJsonString());
        Assert.Equal(changed.ToJsonString(), staleAgain.OkData()["product"]!.ToJsonString());
        Assert.NotEmpty(fresh["variants"]!.AsArray());
        // Nothing cached and no database: a clear outage error, never a 500 or an internal error.
        Assert.Equal("SERVICE_UNAVAILABLE", unknown.FirstErrorCode());
        Assert.Equal("SERVICE_UNAVAILABLE", mutation.FirstErrorCode());
        Assert.NotEqual(HttpStatusCode.InternalServerError, mutation.Http.StatusCode);
        Assert.NotEqual(HttpStatusCode.InternalServerError, unknown.Http.StatusCode);
    }

    private async Task<List<string>> ReadSlugsAsync()
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>().CreateDbContextAsync();
        return await db.Products.OrderBy(p => p.Id).Select(p => p.Slug).Take(2).ToListAsync();
    }
}
