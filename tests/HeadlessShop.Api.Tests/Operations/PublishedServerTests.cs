using System.Diagnostics;
using HeadlessShop.Bench;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using HeadlessShop.Api.Tests.GraphQL;
using HeadlessShop.Api.Tests.Infrastructure;

namespace HeadlessShop.Api.Tests.Operations;

/// <summary>
/// The Dockerfile's published output, run as a plain process (no container) in Production mode against the local
/// PostgreSQL and a Redis server of its own, so the test can stop that Redis without touching other tests.
/// </summary>
[Collection(HeadlessShop.Api.Tests.Bench.PublishCollection.Name)]
public sealed class PublishedServerTests : IAsyncLifetime
{
    private readonly string _publishDirectory = Path.Combine(Path.GetTempPath(), $"hs-publish-{Guid.NewGuid():N}");
    private PostgresTestDatabase? _database;
    private Process? _redis;
    private Process? _server;
    private Microsoft.AspNetCore.Builder.WebApplication? _typesenseApp;
    private int _redisPort;
    private Uri _baseAddress = new("http://127.0.0.1");

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        await ProcessRunner.RunAsync("dotnet", $"publish src/HeadlessShop.Api/HeadlessShop.Api.csproj -c Release -o \"{_publishDirectory}\" -p:UseAppHost=false",
            TimeSpan.FromMinutes(4), workingDirectory: SchemaTests.RepositoryRoot());

        _redisPort = FreePort();
        _redis = ProcessRunner.Start("redis-server", $"--bind 127.0.0.1 --port {_redisPort} --save \"\" --appendonly no",
            new Dictionary<string, string>(), _publishDirectory + "-redis.log");
        await WaitUntilAsync(async () => await CanConnectAsync(_redisPort), TimeSpan.FromSeconds(20), "redis-server did not start");

        // A stand-in that answers Typesense's health endpoint, so the test can take search down on purpose.
        var typesensePort = FreePort();
        var stubBuilder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        stubBuilder.WebHost.UseUrls($"http://127.0.0.1:{typesensePort}");
        _typesenseApp = stubBuilder.Build();
        _typesenseApp.MapGet("/health", () => Microsoft.AspNetCore.Http.Results.Json(new { ok = true }));
        await _typesenseApp.StartAsync();

        var environment = new Dictionary<string, string>
        {
            ["Typesense__Url"] = $"http://127.0.0.1:{typesensePort}",
            ["Typesense__ApiKey"] = "test-key",
            ["HeadlessShop__Mode"] = "Production",
            ["ConnectionStrings__Postgres"] = _database.ConnectionString,
            ["ConnectionStrings__Redis"] = $"127.0.0.1:{_redisPort},connectTimeout=1000,syncTimeout=1000",
            ["Jwt__SigningKey"] = "published-server-test-signing-key-0123456789abcdef",
            ["Payments__Gateway"] = "Test",
        };
        await ProcessRunner.RunAsync("dotnet", $"\"{Path.Combine(_publishDirectory, "HeadlessShop.Api.dll")}\" migrate", TimeSpan.FromMinutes(2),
            environment, _publishDirectory);

        var port = FreePort();
        _baseAddress = new Uri($"http://127.0.0.1:{port}");
        environment["ASPNETCORE_URLS"] = _baseAddress.ToString();
        _server = ProcessRunner.Start("dotnet", $"\"{Path.Combine(_publishDirectory, "HeadlessShop.Api.dll")}\"", environment,
            _publishDirectory + "-server.log", _publishDirectory);
    }

    [Fact]
    public async Task Readyz_is_healthy_then_reports_redis_when_it_stops()
    {
        using var http = new HttpClient { BaseAddress = _baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        JsonNode? ready = null;
        await WaitUntilAsync(async () =>
        {
            try
            {
                var response = await http.GetAsync("/readyz");
                ready = JsonNode.Parse(await response.Content.ReadAsStringAsync());
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), "the published server never became ready");

        Assert.Equal("Healthy", ready!["status"]!.GetValue<string>());
        Assert.Equal("Healthy", ready["checks"]!["database"]!["status"]!.GetValue<string>());
        Assert.Equal("Healthy", ready["checks"]!["redis"]!["status"]!.GetValue<string>());
        Assert.Equal("Healthy", ready["checks"]!["typesense"]!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);

        // Search down: degraded, still ready (search falls back to the database).
        await _typesenseApp!.StopAsync();
        JsonNode? searchDown = null;
        await WaitUntilAsync(async () =>
        {
            var response = await http.GetAsync("/readyz");
            searchDown = JsonNode.Parse(await response.Content.ReadAsStringAsync());
            return response.StatusCode == HttpStatusCode.OK && searchDown!["status"]!.GetValue<string>() == "Degraded";
        }, TimeSpan.FromSeconds(30), "/readyz did not report Typesense as degraded");
        Assert.Equal("Degraded", searchDown!["checks"]!["typesense"]!["status"]!.GetValue<string>());

        _redis!.Kill();
        await _redis.WaitForExitAsync();

        HttpResponseMessage? degraded = null;
        await WaitUntilAsync(async () =>
        {
            degraded = await http.GetAsync("/readyz");
            return degraded.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, TimeSpan.FromSeconds(30), "/readyz did not notice Redis stopping");
        var report = JsonNode.Parse(await degraded!.Content.ReadAsStringAsync())!;
        Assert.Equal("Unhealthy", report["checks"]!["redis"]!["status"]!.GetValue<string>());
        Assert.Equal("Healthy", report["checks"]!["database"]!["status"]!.GetValue<string>());
        // Liveness does not depend on Redis: the process is fine, only not ready.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
    }

    public async Task DisposeAsync()
    {
        if (_typesenseApp is not null)
        {
            await _typesenseApp.DisposeAsync();
        }
        foreach (var process in new[] { _server, _redis })
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            process?.Dispose();
        }
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
        if (Directory.Exists(_publishDirectory))
        {
            Directory.Delete(_publishDirectory, recursive: true);
        }
        File.Delete(_publishDirectory + "-redis.log");
        File.Delete(_publishDirectory + "-server.log");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> CanConnectAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string failure)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(200);
        }
        Assert.Fail(failure);
    }
}
