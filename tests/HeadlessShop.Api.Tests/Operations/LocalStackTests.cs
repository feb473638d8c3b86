using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HeadlessShop.Api.Tests.Bench;
using HeadlessShop.Api.Tests.GraphQL;
using HeadlessShop.Bench;

namespace HeadlessShop.Api.Tests.Operations;

/// <summary>scripts/stack.sh: the compose topology (two APIs behind nginx) on loopback, without containers.</summary>
[Collection(PublishCollection.Name)]
public sealed class LocalStackTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"hs-stack-{Guid.NewGuid():N}");
    private readonly Dictionary<string, string> _environment;
    private readonly int _port;
    private readonly int[] _apiPorts;

    public LocalStackTests()
    {
        _port = Random.Shared.Next(20000, 29000);
        _apiPorts = [_port + 1, _port + 2];
        _environment = new Dictionary<string, string>
        {
            ["HS_STACK_DIR"] = _directory,
            ["HS_STACK_PORT"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HS_STACK_API_PORTS"] = string.Join(' ', _apiPorts),
            ["HS_STACK_PRODUCTS"] = "30",
        };
    }

    public async Task InitializeAsync() => await RunScriptAsync("start", TimeSpan.FromMinutes(6));

    [Fact]
    public async Task Nginx_spreads_requests_over_both_instances_and_survives_losing_one()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}"), Timeout = TimeSpan.FromSeconds(10) };
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(5, (await ProductsAsync(http)).Count);
        }
        // nginx's access log names the upstream of each request: round robin used both instances.
        var access = await File.ReadAllTextAsync(Path.Combine(_directory, "nginx", "logs", "access.log"));
        Assert.All(_apiPorts, p => Assert.Contains($"upstream=127.0.0.1:{p}", access, StringComparison.Ordinal));

        var pidFile = Path.Combine(_directory, $"api-{_apiPorts[0]}.pid");
        using (var first = Process.GetProcessById(int.Parse(await File.ReadAllTextAsync(pidFile), System.Globalization.CultureInfo.InvariantCulture)))
        {
            first.Kill();
            await first.WaitForExitAsync();
        }
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(5, (await ProductsAsync(http)).Count);
        }
    }

    private static async Task<JsonArray> ProductsAsync(HttpClient http)
    {
        using var response = await http.PostAsJsonAsync("/graphql", new { query = "{ products(first: 5) { nodes { slug } } }" });
        response.EnsureSuccessStatusCode();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return body["data"]!["products"]!["nodes"]!.AsArray();
    }

    public async Task DisposeAsync()
    {
        await RunScriptAsync("stop", TimeSpan.FromMinutes(1));
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private async Task RunScriptAsync(string command, TimeSpan timeout) =>
        await ProcessRunner.RunAsync("bash", $"scripts/stack.sh {command}", timeout, _environment, SchemaTests.RepositoryRoot());
}
