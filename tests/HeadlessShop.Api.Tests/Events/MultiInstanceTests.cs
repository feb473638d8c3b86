using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using HeadlessShop.Api.Infrastructure.Events;
using HeadlessShop.Api.Tests.Bench;
using HeadlessShop.Api.Tests.GraphQL;
using HeadlessShop.Api.Tests.Infrastructure;
using HeadlessShop.Bench;
using Npgsql;
using StackExchange.Redis;

namespace HeadlessShop.Api.Tests.Events;

/// <summary>
/// The published API (the Dockerfile's output) as real processes sharing one PostgreSQL database and one Redis key
/// prefix, on loopback ports: what two instances behind a load balancer are.
/// </summary>
public sealed partial class MultiInstanceFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"hs-multi-{Guid.NewGuid():N}");
    private readonly List<ApiProcess> _processes = [];
    private PostgresTestDatabase? _database;

    public string RedisKeyPrefix { get; } = $"hs-test:{Guid.NewGuid():N}:";

    public string ConnectionString => _database!.ConnectionString;

    private string PublishDirectory => Path.Combine(_directory, "publish");

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        Directory.CreateDirectory(_directory);
        await ProcessRunner.RunAsync("dotnet", $"publish src/HeadlessShop.Api/HeadlessShop.Api.csproj -c Release -o \"{PublishDirectory}\" -p:UseAppHost=false",
            TimeSpan.FromMinutes(4), workingDirectory: SchemaTests.RepositoryRoot());
        var dll = $"\"{Path.Combine(PublishDirectory, "HeadlessShop.Api.dll")}\"";
        await ProcessRunner.RunAsync("dotnet", $"{dll} migrate", TimeSpan.FromMinutes(2), Environment(), PublishDirectory);
        await ProcessRunner.RunAsync("dotnet", $"{dll} seed --products 5", TimeSpan.FromMinutes(2), Environment(), PublishDirectory);
        await ExecuteAsync("UPDATE stock_levels SET on_hand = 1000, reserved = 0");
    }

    private Dictionary<string, string> Environment() => new()
    {
        ["HeadlessShop__Mode"] = "Production",
        ["ConnectionStrings__Postgres"] = ConnectionString,
        ["ConnectionStrings__Redis"] = TestRedis.ConnectionString,
        ["Redis__KeyPrefix"] = RedisKeyPrefix,
        ["Jwt__SigningKey"] = "multi-instance-test-signing-key-0123456789abcdef",
        ["Payments__Gateway"] = "Test",
        ["Logging__LogLevel__Default"] = "Information",
    };

    /// <summary>Starts an API instance on a free loopback port and waits until it is ready.</summary>
    public async Task<ApiProcess> StartAsync(string name, IReadOnlyDictionary<string, string>? settings = null, int? port = null)
    {
        var environment = Environment();
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }
        var api = new ApiProcess(name, port ?? FreePort(), Path.Combine(_directory, $"{name}.log"));
        environment["ASPNETCORE_URLS"] = api.BaseAddress.ToString();
        api.Process = ProcessRunner.Start("dotnet", $"\"{Path.Combine(PublishDirectory, "HeadlessShop.Api.dll")}\"", environment, api.LogFile, PublishDirectory);
        _processes.Add(api);
        await api.WaitReadyAsync();
        return api;
    }

    /// <summary>Runs an operator command of the published executable (e.g. <c>events dead-letters</c>) against this deployment.</summary>
    public async Task<string> CliAsync(string arguments) =>
        await ProcessRunner.RunAsync("dotnet", $"\"{Path.Combine(PublishDirectory, "HeadlessShop.Api.dll")}\" {arguments}", TimeSpan.FromMinutes(2), Environment(), PublishDirectory);

    public async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }

    public async Task<List<object?[]>> QueryAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>
    /// The order's outbox rows once all are marked published (the relay marks a batch right after publishing it, so
    /// a subscriber can see an event a moment before its row is marked); fails if they are not within 10 s.
    /// </summary>
    public async Task<List<object?[]>> WaitForOutboxAsync(long orderId, int expected)
    {
        List<object?[]> rows = [];
        for (var i = 0; i < 100; i++)
        {
            rows = await QueryAsync($"SELECT id, published_at FROM outbox_messages WHERE key = 'order:{orderId}' ORDER BY id");
            if (rows.Count == expected && rows.All(r => r[1] is not null))
            {
                return rows;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"order {orderId}: outbox rows not all published: {string.Join(", ", rows.Select(r => $"{r[0]}={r[1] ?? "null"}"))}");
        return rows;
    }

    /// <summary>Stream entries carrying the event id <paramref name="eventId"/> (more than one: it was published again).</summary>
    public async Task<int> StreamCopiesAsync(string eventId)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.ConnectionString);
        var entries = await redis.GetDatabase().StreamRangeAsync(RedisKeyPrefix + "events");
        return entries.Count(e => e.Values.Any(v => v.Name == "id" && v.Value == eventId));
    }

    public async Task DisposeAsync()
    {
        foreach (var api in _processes)
        {
            api.Kill();
        }
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.ConnectionString))
        {
            var server = redis.GetServers()[0];
            await foreach (var key in server.KeysAsync(pattern: RedisKeyPrefix + "*"))
            {
                await redis.GetDatabase().KeyDeleteAsync(key);
            }
        }
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed partial class ApiProcess(string name, int port, string logFile)
{
    public string Name { get; } = name;
    public Uri BaseAddress { get; } = new($"http://127.0.0.1:{port}");
    public string WebSocketUrl => $"ws://127.0.0.1:{BaseAddress.Port}/graphql";
    public string LogFile { get; } = logFile;
    public Process? Process { get; set; }

    public HttpClient Client(string? accessToken = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }
        return client;
    }

    public async Task WaitReadyAsync()
    {
        using var http = Client();
        for (var i = 0; i < 300; i++)
        {
            Assert.False(Process!.HasExited, $"{Name} exited during start-up; see {LogFile}");
            try
            {
                if ((await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        Assert.Fail($"{Name} never became ready; see {LogFile}");
    }

    /// <summary>Live event subscriptions on this instance, from its Prometheus endpoint.</summary>
    public async Task<int> SubscribersAsync()
    {
        using var http = Client();
        var metrics = await http.GetStringAsync("/metrics");
        var match = SubscribersMetric().Match(metrics);
        return match.Success ? (int)double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    public async Task WaitForSubscribersAsync(int count)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await SubscribersAsync() >= count)
            {
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"{Name} never had {count} live subscription(s)");
    }

    /// <summary>kill -9: no shutdown hooks, no outbox flush.</summary>
    public void Kill()
    {
        if (Process is { HasExited: false })
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }
    }

    [GeneratedRegex(@"^events_subscribers(?:_ratio)?(?:\{[^}]*\})? ([0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex SubscribersMetric();
}

/// <summary>tests/referees/order-updates.mjs: the npm graphql-ws client following myOrderUpdates, one JSON line per message.</summary>
public sealed class NodeOrderSubscriber : IDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonNode> _lines = Channel.CreateUnbounded<JsonNode>();

    public NodeOrderSubscriber(string url, string accessToken)
    {
        var referees = Path.Combine(SchemaTests.RepositoryRoot(), "tests", "referees");
        Assert.True(Directory.Exists(Path.Combine(referees, "node_modules")), "tests/referees/node_modules is missing: run scripts/test.sh (it runs npm ci there).");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = referees,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("order-updates.mjs");
        start.ArgumentList.Add(url);
        start.ArgumentList.Add(accessToken);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                _lines.Writer.TryWrite(JsonNode.Parse(line)!);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                _lines.Writer.TryWrite(new JsonObject { ["stderr"] = line });
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public async Task<JsonNode> NextAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            return await _lines.Reader.ReadAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the graphql-ws subscriber printed nothing within {timeout}");
        }
    }

    /// <summary>The next myOrderUpdates event; anything else (errors, a close) fails the test.</summary>
    public async Task<(string Status, string OrderId, double LatencyMs)> NextEventAsync(TimeSpan timeout)
    {
        var line = await NextAsync(timeout);
        Assert.True(line["event"] is not null, $"expected an event, got {line.ToJsonString()}");
        var change = line["event"]!;
        var at = DateTimeOffset.Parse(change["at"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        return (change["status"]!.GetValue<string>(), change["order"]!["id"]!.GetValue<string>(), line["receivedAt"]!.GetValue<double>() - at.ToUnixTimeMilliseconds());
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }
}

/// <summary>Shop operations over HTTP against one instance, as a storefront and a back office would call them.</summary>
internal static class Storefront
{
    public static async Task<JsonNode> GraphQLDataAsync(this HttpClient client, string query, object? variables = null)
    {
        using var response = await client.PostAsJsonAsync("/graphql", new { query, variables });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(body["errors"] is null, body.ToJsonString());
        return body["data"]!;
    }

    public static async Task<string> RegisterAsync(this HttpClient client, string email)
    {
        var data = await client.GraphQLDataAsync("mutation($i: CustomerRegisterInput!) { customerRegister(input: $i) { accessToken userErrors { code } } }",
            new { i = new { email, password = "correct horse 1" } });
        return data["customerRegister"]!["accessToken"]!.GetValue<string>();
    }

    public static async Task<string> AdminTokenAsync(this HttpClient client, MultiInstanceFixture fixture)
    {
        var email = $"staff-{Guid.NewGuid():N}@example.com";
        await client.RegisterAsync(email);
        Assert.Equal(1, await fixture.ExecuteAsync($"UPDATE customers SET is_admin = true WHERE email = '{email}'"));
        var data = await client.GraphQLDataAsync("mutation($i: CustomerLoginInput!) { customerLogin(input: $i) { accessToken } }",
            new { i = new { email, password = "correct horse 1" } });
        return data["customerLogin"]!["accessToken"]!.GetValue<string>();
    }

    /// <summary>Cart of one unit of the first variant, checked out with the test gateway's succeeding card: PENDING_PAYMENT then PAID.</summary>
    public static async Task<string> PaidOrderAsync(this HttpClient client)
    {
        var variant = (await client.GraphQLDataAsync("{ products(first: 1) { nodes { variants { id } } } }"))["products"]!["nodes"]![0]!["variants"]![0]!["id"]!.GetValue<string>();
        var cart = await client.GraphQLDataAsync("mutation($i: CartCreateInput) { cartCreate(input: $i) { cart { id } userErrors { code } } }",
            new { i = new { lines = new[] { new { variantId = variant, quantity = 1 } } } });
        var cartId = cart["cartCreate"]!["cart"]!["id"]!.GetValue<string>();
        var checkout = await client.GraphQLDataAsync(HeadlessShop.Api.Tests.Checkout.Checkouts.Complete,
            HeadlessShop.Api.Tests.Checkout.Checkouts.Input(cartId, $"multi-{Guid.NewGuid():N}"));
        var order = checkout["checkoutComplete"]!["order"]!;
        Assert.Equal("PAID", order["status"]!.GetValue<string>());
        return order["id"]!.GetValue<string>();
    }

    public static async Task ShipAsync(this HttpClient admin, string orderId)
    {
        var data = await admin.GraphQLDataAsync("mutation($i: OrderShipInput!) { orderShip(input: $i) { order { status } userErrors { code } } }",
            new { i = new { orderId, carrier = "DHL", trackingNumber = "00340434161234567890" } });
        Assert.Equal("SHIPPED", data["orderShip"]!["order"]!["status"]!.GetValue<string>());
    }
}

/// <summary>
/// Issue 8's acceptance on two real API processes: a change made through instance B reaches a graphql-ws subscriber
/// on instance A in order within a second, and a relaying instance killed with -9 loses and repeats nothing.
/// </summary>
[Collection(PublishCollection.Name)]
public sealed class MultiInstanceTests(MultiInstanceFixture fixture) : IClassFixture<MultiInstanceFixture>
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(15);
    private static readonly Dictionary<string, string> NoRelay = new() { ["Events__Relay"] = "false" };

    [Fact]
    public async Task A_subscriber_on_instance_A_gets_pending_paid_shipped_made_through_B_in_order_each_within_a_second()
    {
        // A never relays, so everything it delivers came from B's commits through PostgreSQL, B's relay and Redis.
        var a = await fixture.StartAsync("cross-a", NoRelay);
        var b = await fixture.StartAsync("cross-b");
        using var admin = b.Client(await b.Client().AdminTokenAsync(fixture));
        // Round 1 warms both processes (JIT, EF query compilation, pools) as production instances are; round 2 is timed.
        var warmUp = await FollowOneOrderAsync(a, b, admin);
        var timed = await FollowOneOrderAsync(a, b, admin);

        Console.WriteLine($"cross-instance latency ms (cold, then warm): {string.Join(", ", warmUp.Concat(timed).Select(r => $"{r.Status} {r.LatencyMs:F0}"))}");
        Assert.All(timed, r => Assert.True(r.LatencyMs < 1000, $"{r.Status} arrived {r.LatencyMs:F0} ms after the change"));
    }

    /// <summary>A new customer subscribes on A, buys and is shipped through B; returns what A delivered, with latencies.</summary>
    private async Task<List<(string Status, string OrderId, double LatencyMs)>> FollowOneOrderAsync(ApiProcess a, ApiProcess b, HttpClient admin)
    {
        using var shopper = b.Client();
        var token = await shopper.RegisterAsync($"cross-{Guid.NewGuid():N}@example.com");
        using var subscriber = new NodeOrderSubscriber(a.WebSocketUrl, token);
        Assert.Equal(true, (await subscriber.NextAsync(EventTimeout))["connected"]?.GetValue<bool>());
        await a.WaitForSubscribersAsync(1);

        using var customer = b.Client(token);
        var orderId = await customer.PaidOrderAsync();
        await admin.ShipAsync(orderId);

        var received = new List<(string Status, string OrderId, double LatencyMs)>();
        for (var i = 0; i < 3; i++)
        {
            received.Add(await subscriber.NextEventAsync(EventTimeout));
        }
        Assert.Equal(["PENDING_PAYMENT", "PAID", "SHIPPED"], received.Select(r => r.Status));
        Assert.All(received, r => Assert.Equal(orderId, r.OrderId));
        var key = OrderKey(orderId);
        var outbox = await fixture.WaitForOutboxAsync(key, 3);
        Assert.Equal(3, outbox.Count);
        var history = await fixture.QueryAsync($"SELECT sequence FROM order_status_history WHERE order_id = {key} ORDER BY sequence");
        Assert.Equal([1, 2, 3], history.Select(h => Convert.ToInt32(h[0], CultureInfo.InvariantCulture)));
        return received;
    }

    [Fact]
    public async Task Killing_the_relaying_instance_after_publish_and_after_commit_loses_nothing_and_delivers_each_change_once()
    {
        var a = await fixture.StartAsync("kill-a", NoRelay);
        // B relays, but holds each published batch before marking it sent: a kill lands in that window every time.
        var b = await fixture.StartAsync("kill-b", new Dictionary<string, string> { ["Events__RelayHoldAfterPublish"] = "00:10:00" });
        using var shopper = b.Client();
        var token = await shopper.RegisterAsync($"kill-{Guid.NewGuid():N}@example.com");
        var adminToken = await b.Client().AdminTokenAsync(fixture);
        using var subscriber = new NodeOrderSubscriber(a.WebSocketUrl, token);
        Assert.Equal(true, (await subscriber.NextAsync(EventTimeout))["connected"]?.GetValue<bool>());
        await a.WaitForSubscribersAsync(1);

        using var customer = b.Client(token);
        var orderId = await customer.PaidOrderAsync();
        var key = OrderKey(orderId);
        // The first batch is out (the subscriber sees PENDING_PAYMENT) and B's relay now holds it unmarked.
        Assert.Equal("PENDING_PAYMENT", (await subscriber.NextEventAsync(EventTimeout)).Status);
        // Committed while the relay holds: in the outbox, not on the stream.
        using (var admin = b.Client(adminToken))
        {
            await admin.ShipAsync(orderId);
        }
        var before = await fixture.QueryAsync($"SELECT id, published_at FROM outbox_messages WHERE key = 'order:{key}' ORDER BY id");
        Assert.Equal(3, before.Count);
        Assert.All(before, row => Assert.Null(row[1]));
        var shippedEvent = "outbox-" + Convert.ToString(before[2][0], CultureInfo.InvariantCulture);
        Assert.Equal(0, await fixture.StreamCopiesAsync(shippedEvent));

        b.Kill();
        await fixture.StartAsync("kill-b-restarted", port: b.BaseAddress.Port);

        // Each change exactly once and in order: the republished first batch is dropped by its per-order sequence.
        var rest = new List<string>();
        while (rest.Count == 0 || rest[^1] != "SHIPPED")
        {
            rest.Add((await subscriber.NextEventAsync(EventTimeout)).Status);
            Assert.True(rest.Count <= 3, string.Join(", ", rest));
        }
        // PAID may have been in the held batch (then it arrived before the kill) or not: either way once, before SHIPPED.
        Assert.Equal(["PAID", "SHIPPED"], rest);

        // The data: the first event really went out twice, every row is marked once, the history is 1, 2, 3.
        var firstEvent = "outbox-" + Convert.ToString(before[0][0], CultureInfo.InvariantCulture);
        Assert.Equal(2, await fixture.StreamCopiesAsync(firstEvent));
        Assert.Equal(1, await fixture.StreamCopiesAsync(shippedEvent));
        Assert.Equal(3, (await fixture.WaitForOutboxAsync(key, 3)).Count);
        var history = await fixture.QueryAsync($"SELECT sequence, status FROM order_status_history WHERE order_id = {key} ORDER BY sequence");
        Assert.Equal([1, 2, 3], history.Select(h => Convert.ToInt32(h[0], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task A_poison_event_is_dead_lettered_after_five_attempts_and_the_events_command_lists_and_replays_it_once()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.ConnectionString);
        await using var bus = new RedisEventBus(redis, Microsoft.Extensions.Options.Options.Create(new HeadlessShop.Api.Infrastructure.RedisOptions { KeyPrefix = fixture.RedisKeyPrefix }), TimeProvider.System);
        var consumer = new PoisonedConsumer();
        var host = new EventConsumerHost([consumer], bus, Microsoft.Extensions.Options.Options.Create(new EventsOptions
        {
            MaxAttempts = 5,
            RetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(5),
            PollInterval = TimeSpan.FromMilliseconds(20),
        }), Microsoft.Extensions.Logging.Abstractions.NullLogger<EventConsumerHost>.Instance);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var running = host.RunAsync(consumer, stop.Token);
        var poison = new EventEnvelope($"p-{Guid.NewGuid().ToString("N")[..6]}", "test.poison", "poison:1", "{}", DateTimeOffset.UtcNow);
        await bus.PublishAsync(poison, stop.Token);

        DeadLetter? letter = null;
        for (var i = 0; i < 300 && letter is null; i++)
        {
            letter = (await bus.ListDeadLettersAsync(100, stop.Token)).SingleOrDefault(l => l.Group == consumer.Group && l.Event.Id == poison.Id);
            await Task.Delay(letter is null ? 50 : 0, stop.Token);
        }
        Assert.NotNull(letter);
        Assert.Equal(5, consumer.Attempts);
        Assert.Equal(5, letter.Attempts);
        var listed = await fixture.CliAsync("events dead-letters");
        Assert.Contains(consumer.Group, listed, StringComparison.Ordinal);
        Assert.Contains(poison.Id, listed, StringComparison.Ordinal);

        // The fault is fixed; the operator replays: the consumer handles the event once, nothing is left dead.
        consumer.Broken = false;
        Assert.Contains("Replayed 1 dead letter", await fixture.CliAsync("events replay --all"), StringComparison.Ordinal);
        var handled = await consumer.Handled.Task.WaitAsync(stop.Token);
        Assert.Equal(poison.Id, handled.Id);
        Assert.DoesNotContain(await bus.ListDeadLettersAsync(100, stop.Token), l => l.Event.Id == poison.Id);
        Assert.Contains("No dead letters", await fixture.CliAsync("events dead-letters"), StringComparison.Ordinal);
        await stop.CancelAsync();
        await running;
        Assert.Equal(6, consumer.Attempts);
    }

    private sealed class PoisonedConsumer : IEventConsumer
    {
        private int _attempts;

        public string Group => "poisoned";
        public volatile bool Broken = true;
        public int Attempts => Volatile.Read(ref _attempts);
        public TaskCompletionSource<EventEnvelope> Handled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken)
        {
            if (envelope.Type != "test.poison")
            {
                return Task.CompletedTask;
            }
            Interlocked.Increment(ref _attempts);
            if (Broken)
            {
                throw new InvalidOperationException("the consumer always throws until it is fixed");
            }
            Handled.TrySetResult(envelope);
            return Task.CompletedTask;
        }
    }

    private static long OrderKey(string orderId) => HeadlessShop.Api.GraphQL.GlobalId.Decode(orderId, HeadlessShop.Api.GraphQL.NodeKind.Order, "id");
}
