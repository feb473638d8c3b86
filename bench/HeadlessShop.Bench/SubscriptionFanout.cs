using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HeadlessShop.Bench;

/// <summary>Fan-out of one event to every subscriber: latency per client (change stamp to receipt), and memory per connection.</summary>
public sealed record FanoutEvent(string Status, int Received, int Missing, double P50Ms, double P99Ms, double MaxMs, double SpreadMs, double FirstMs, double MutationMs);

public sealed record SubscriptionFanoutOutcome(int Subscriptions, int Ready, int Failed, double RssBeforeMb, double RssAfterMb, double KbPerConnection,
    List<FanoutEvent> Events, double ConnectSeconds);

/// <summary>
/// N graphql-ws clients (bench/scenarios/subscription-fanout.mjs, one WebSocket each) follow one paid order with
/// orderStatusChanged; staff then ship and deliver it, and each status change is one event fanned out to all N. The
/// selection (status, at) needs no database read per subscriber, so this measures the hub, the per-connection
/// GraphQL execution and the WebSocket writes. RSS (VmRSS) is read before connecting and once all are attached.
/// </summary>
internal static class SubscriptionFanout
{
    public const int DefaultSubscriptions = 2000;

    /// <summary>bench/run.sh subscriptions [--count N] [--results DIR]: this scenario alone, on its own database.</summary>
    public static async Task<int> MainAsync(string[] args)
    {
        var count = args.Contains("--count") ? int.Parse(args[Array.IndexOf(args, "--count") + 1], CultureInfo.InvariantCulture) : DefaultSubscriptions;
        var root = FindRoot();
        var results = args.Contains("--results") ? args[Array.IndexOf(args, "--results") + 1] : Path.Combine(root, "bench", "results");
        var work = Path.Combine(root, "bench", ".work");
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(results);
        var exports = (await ProcessRunner.RunAsync("bash", "scripts/services.sh start", TimeSpan.FromMinutes(10), workingDirectory: root))
            .Split('\n').Where(l => l.StartsWith("export ", StringComparison.Ordinal))
            .Select(l => l["export ".Length..].Split('=', 2)).ToDictionary(p => p[0], p => p[1].Trim('\'', '"'));
        var admin = exports["HEADLESSSHOP_TEST_POSTGRES"];
        string Setting(string name) => admin.Split(';').Select(p => p.Split('=', 2)).First(p => p[0].Equals(name, StringComparison.OrdinalIgnoreCase))[1];
        const string Database = "hs_bench_subscriptions";
        async Task<string> PsqlAsync(string database, string sql) => await ProcessRunner.RunAsync("psql",
            $"-h {Setting("Host")} -p {Setting("Port")} -U postgres -d {database} -tAc \"{sql.Replace("\"", "\\\"", StringComparison.Ordinal)}\"", TimeSpan.FromSeconds(60));
        if ((await PsqlAsync("postgres", $"SELECT 1 FROM pg_database WHERE datname = '{Database}'")).Trim() != "1")
        {
            await PsqlAsync("postgres", $"CREATE DATABASE {Database}");
        }

        var publish = Path.Combine(work, "publish");
        await ProcessRunner.RunAsync("dotnet", $"publish src/HeadlessShop.Api/HeadlessShop.Api.csproj -c Release -o \"{publish}\" -p:UseAppHost=false",
            TimeSpan.FromMinutes(10), workingDirectory: root);
        var api = Path.Combine(publish, "HeadlessShop.Api.dll");
        var environment = new Dictionary<string, string>
        {
            ["HeadlessShop__Mode"] = "Production",
            ["ConnectionStrings__Postgres"] = $"Host={Setting("Host")};Port={Setting("Port")};Username=postgres;Database={Database};Maximum Pool Size=64",
            ["ConnectionStrings__Redis"] = exports["HEADLESSSHOP_TEST_REDIS"],
            ["Redis__KeyPrefix"] = "hs-bench:subscriptions:",
            ["Payments__Gateway"] = "Test",
            ["Jwt__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)),
            ["Logging__LogLevel__Default"] = "Warning",
        };
        await ProcessRunner.RunAsync("dotnet", $"\"{api}\" migrate", TimeSpan.FromMinutes(5), environment);
        await ProcessRunner.RunAsync("dotnet", $"\"{api}\" seed --products 20", TimeSpan.FromMinutes(5), environment);
        await using var server = await ApiServer.StartAsync(api, environment, Path.Combine(work, "api-subscriptions.log"));
        var outcome = await RunAsync(server.BaseAddress, server.Process.Id, count, sql => PsqlAsync(Database, sql), root);

        var commit = (await ProcessRunner.RunAsync("git", "rev-parse --short HEAD", TimeSpan.FromSeconds(10), workingDirectory: root)).Trim();
        var stem = Path.Combine(results, $"{DateTime.UtcNow:yyyy-MM-dd}-{commit}-subscriptions-{count}");
        var markdown = $"# HeadlessShop benchmark: subscription fan-out, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, commit {commit}\n\n" + Markdown(outcome);
        await File.WriteAllTextAsync(stem + ".md", markdown);
        await File.WriteAllTextAsync(stem + ".json", JsonSerializer.Serialize(outcome, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
        Console.WriteLine(markdown);
        Console.WriteLine($"results: {stem}.md, {stem}.json");
        return outcome.Events.All(e => e.Missing == 0) && outcome.Failed == 0 ? 0 : 1;
    }

    public static async Task<SubscriptionFanoutOutcome> RunAsync(Uri api, int pid, int count, Func<string, Task<string>> psql, string root)
    {
        using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(60) };
        var first = (await PostAsync(http, "{ products(first: 1) { nodes { variants { id sku } } } }", null))["data"]!["products"]!["nodes"]![0]!["variants"]![0]!;
        var variant = first["id"]!.GetValue<string>();
        await psql($"UPDATE stock_levels SET on_hand = on_hand + 10 WHERE variant_id = (SELECT id FROM product_variants WHERE sku = '{first["sku"]!.GetValue<string>()}')");
        var cart = (await PostAsync(http, "mutation($i: CartCreateInput) { cartCreate(input: $i) { cart { id } } }",
            new { i = new { lines = new[] { new { variantId = variant, quantity = 1 } } } }))["data"]!["cartCreate"]!["cart"]!["id"]!.GetValue<string>();
        var checkout = (await PostAsync(http, "mutation($i: CheckoutCompleteInput!) { checkoutComplete(input: $i) { order { id status } orderAccessToken } }", new
        {
            i = new
            {
                cartId = cart, idempotencyKey = Guid.NewGuid().ToString("N"), email = "fanout@example.com", paymentMethod = "pm_card_visa",
                shippingAddress = new { name = "Fan Out", line1 = "1 Loop Road", city = "Berlin", postalCode = "10115", country = "DE" },
            },
        }))["data"]!["checkoutComplete"]!;
        var orderId = checkout["order"]!["id"]!.GetValue<string>();
        var orderToken = checkout["orderAccessToken"]!.GetValue<string>();
        using var staff = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(60) };
        staff.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await AdminTokenAsync(http, psql));

        var rssBefore = RssMb(pid);
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        foreach (var argument in new[] { Path.Combine(root, "bench", "scenarios", "subscription-fanout.mjs"), new Uri(api, "/graphql").ToString().Replace("http://", "ws://", StringComparison.Ordinal),
                     count.ToString(CultureInfo.InvariantCulture), orderId, orderToken, "SHIPPED,DELIVERED" })
        {
            start.ArgumentList.Add(argument);
        }
        using var node = Process.Start(start) ?? throw new InvalidOperationException("cannot start node");
        var stderr = node.StandardError.ReadToEndAsync();
        var connecting = Stopwatch.StartNew();
        var ready = await ReadLineAsync(node, l => l["ready"] is not null, TimeSpan.FromMinutes(5), stderr);
        var connectSeconds = connecting.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(2)); // let the server settle (GC) before reading its RSS
        var rssAfter = RssMb(pid);

        var events = new List<FanoutEvent>();
        foreach (var (status, mutation) in new[]
                 {
                     ("SHIPPED", "mutation($i: OrderShipInput!) { orderShip(input: $i) { order { status } } }"),
                     ("DELIVERED", "mutation($i: OrderDeliverInput!) { orderDeliver(input: $i) { order { status } } }"),
                 })
        {
            object input = status == "SHIPPED" ? new { orderId, carrier = "DHL", trackingNumber = "00340434161234567890" } : new { orderId };
            var mutating = Stopwatch.StartNew();
            var changed = await PostAsync(staff, mutation, new { i = input });
            var mutationMs = mutating.Elapsed.TotalMilliseconds;
            if (changed["errors"] is not null)
            {
                throw new InvalidOperationException($"{status}: {changed.ToJsonString()}");
            }
            var line = await ReadLineAsync(node, l => l["status"]?.GetValue<string>() == status, TimeSpan.FromSeconds(90), stderr);
            var latencies = line["latencies"]!.AsArray().Select(v => v!.GetValue<double>()).Order().ToList();
            events.Add(new FanoutEvent(status, latencies.Count, line["missing"]!.GetValue<int>(), Percentile(latencies, 0.50), Percentile(latencies, 0.99),
                latencies.Count == 0 ? 0 : latencies[^1], latencies.Count == 0 ? 0 : latencies[^1] - latencies[0],
                latencies.Count == 0 ? 0 : latencies[0], Math.Round(mutationMs, 1)));
        }
        if (!node.WaitForExit(30_000))
        {
            node.Kill(entireProcessTree: true);
        }
        var attached = ready["ready"]!.GetValue<int>();
        return new SubscriptionFanoutOutcome(count, attached, ready["failed"]!.GetValue<int>(), Math.Round(rssBefore, 1), Math.Round(rssAfter, 1),
            attached == 0 ? 0 : Math.Round((rssAfter - rssBefore) * 1024 / attached, 1), events, Math.Round(connectSeconds, 1));
    }

    public static string Markdown(SubscriptionFanoutOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var md = new StringBuilder();
        string F(double value, int digits = 1) => value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        md.Append(CultureInfo.InvariantCulture, $"## Subscription fan-out: {outcome.Subscriptions:N0} graphql-ws connections on one instance\n\n");
        md.Append(CultureInfo.InvariantCulture, $"{outcome.Ready:N0} attached ({outcome.Failed} failed) in {F(outcome.ConnectSeconds)} s, each following one order with orderStatusChanged. ");
        md.Append(CultureInfo.InvariantCulture, $"Server RSS {F(outcome.RssBeforeMb)} MB before, {F(outcome.RssAfterMb)} MB with all attached: {F(outcome.KbPerConnection)} KB per connection.\n\n");
        md.Append("| event | received | missing | first ms | p50 ms | p99 ms | max ms | first-to-last ms | staff mutation round trip ms |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var e in outcome.Events)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {e.Status} | {e.Received:N0} | {e.Missing} | {F(e.FirstMs)} | {F(e.P50Ms)} | {F(e.P99Ms)} | {F(e.MaxMs)} | {F(e.SpreadMs)} | {F(e.MutationMs)} |\n");
        }
        md.Append("\nLatency per client: its receive time minus the event's `at` (stamped by the server when it made the change, same host clock): " +
                  "commit, outbox relay, Redis Stream, the hub's fan-out, one GraphQL execution per subscriber and the WebSocket write.\n\n");
        return md.ToString();
    }

    private static async Task<string> AdminTokenAsync(HttpClient http, Func<string, Task<string>> psql)
    {
        var email = $"bench-staff-{Guid.NewGuid():N}@example.com";
        await PostAsync(http, "mutation($i: CustomerRegisterInput!) { customerRegister(input: $i) { accessToken } }", new { i = new { email, password = "bench horse 1" } });
        await psql($"UPDATE customers SET is_admin = true WHERE email = '{email}'");
        var login = await PostAsync(http, "mutation($i: CustomerLoginInput!) { customerLogin(input: $i) { accessToken } }", new { i = new { email, password = "bench horse 1" } });
        return login["data"]!["customerLogin"]!["accessToken"]!.GetValue<string>();
    }

    private static async Task<JsonNode> ReadLineAsync(Process node, Func<JsonNode, bool> wanted, TimeSpan timeout, Task<string> stderr)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            string? text;
            try
            {
                text = await node.StandardOutput.ReadLineAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"subscription-fanout.mjs said nothing expected within {timeout}");
            }
            if (text is null)
            {
                throw new InvalidOperationException($"subscription-fanout.mjs ended early: {await stderr}");
            }
            if (JsonNode.Parse(text) is { } line && wanted(line))
            {
                return line;
            }
        }
    }

    private static async Task<JsonNode> PostAsync(HttpClient http, string query, object? variables)
    {
        using var response = await http.PostAsJsonAsync("/graphql", new { query, variables });
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static double RssMb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "HeadlessShop.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("HeadlessShop.sln not found");
    }
}
