using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HeadlessShop.Api.Tests.Bench;
using HeadlessShop.Api.Tests.Events;
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
    public async Task Nginx_spreads_requests_over_both_instances_upgrades_subscriptions_and_survives_losing_one()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}"), Timeout = TimeSpan.FromSeconds(10) };
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(5, (await ProductsAsync(http)).Count);
        }

        // A graphql-ws subscriber through nginx's WebSocket upgrade follows an order placed through nginx (round
        // robin: the socket and the checkout may land on different instances).
        var token = await http.RegisterAsync($"stack-{Guid.NewGuid():N}@example.com");
        using (var subscriber = new NodeOrderSubscriber($"ws://127.0.0.1:{_port}/graphql", token))
        {
            Assert.Equal(true, (await subscriber.NextAsync(TimeSpan.FromSeconds(15)))["connected"]?.GetValue<bool>());
            await WaitForSubscriptionAsync();
            using var customer = new HttpClient { BaseAddress = http.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
            customer.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var orderId = await customer.PaidOrderAsync();
            var pending = await subscriber.NextEventAsync(TimeSpan.FromSeconds(15));
            var paid = await subscriber.NextEventAsync(TimeSpan.FromSeconds(15));
            Assert.Equal([("PENDING_PAYMENT", orderId), ("PAID", orderId)], new[] { (pending.Status, pending.OrderId), (paid.Status, paid.OrderId) });
        }
        // nginx logs the upgraded request (101) when the socket closes.
        var upgraded = false;
        for (var i = 0; i < 100 && !upgraded; i++)
        {
            upgraded = (await File.ReadAllTextAsync(Path.Combine(_directory, "nginx", "logs", "access.log"))).Contains("GET /graphql HTTP/1.1\" 101", StringComparison.Ordinal);
            await Task.Delay(upgraded ? 0 : 50);
        }
        Assert.True(upgraded, "nginx did not log the WebSocket upgrade of /graphql");
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

    /// <summary>The subscription is attached on whichever instance nginx picked: one of them counts it.</summary>
    private async Task WaitForSubscriptionAsync()
    {
        for (var i = 0; i < 200; i++)
        {
            foreach (var port in _apiPorts)
            {
                if (await new ApiProcess("stack", port, "").SubscribersAsync() > 0)
                {
                    return;
                }
            }
            await Task.Delay(50);
        }
        Assert.Fail("no instance behind nginx counts the subscription");
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
