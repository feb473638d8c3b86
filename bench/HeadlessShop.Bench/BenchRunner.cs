using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HeadlessShop.Bench;

/// <summary>
/// One command, bounded in time: starts PostgreSQL and Redis (scripts/services.sh), publishes and seeds, starts the
/// API in Production mode, loads each scenario with wrk on loopback, then the in-memory ceilings, and writes
/// bench/results/&lt;date&gt;-&lt;commit&gt;.md and .json (plus a PNG plot when gnuplot is installed).
/// </summary>
internal sealed class BenchRunner(BenchOptions options)
{
    private readonly string _root = FindRoot();
    private readonly List<Measurement> _measurements = [];
    private readonly List<string> _notes = [];
    // Scenarios this build cannot run (no such field or mutation), as opposed to scenarios --only did not select.
    private readonly SortedSet<string> _unavailable = new(StringComparer.Ordinal);
    private Dictionary<string, string> _services = [];
    private double _peakRssMb;
    private FlashSaleOutcome? _flashSale;
    private SubscriptionFanoutOutcome? _subscriptions;
    private string _work = "";

    public async Task<int> RunAsync()
    {
        var started = DateTime.UtcNow;
        _work = Path.Combine(_root, "bench", ".work");
        Directory.CreateDirectory(_work);
        var resultsDirectory = options.ResultsDirectory ?? Path.Combine(_root, "bench", "results");
        Directory.CreateDirectory(resultsDirectory);

        Step("services");
        _services = ParseExports(await ProcessRunner.RunAsync("bash", "scripts/services.sh start", TimeSpan.FromMinutes(10), workingDirectory: _root));
        var api = options.ApiDll ?? await PublishAsync();
        if (options.Only is not null || options.ApiDll is not null)
        {
            _notes.Add($"partial run: scenarios {(options.Only is null ? "all" : string.Join(", ", options.Only))}; API {(options.ApiDll ?? "published from this tree")}");
        }
        if (options.Only is null && options.Profile == "quick")
        {
            _notes.Add("small-http, small-inprocess (the transport-overhead pair), the micro benchmark and the subscription fan-out: full run only (--quick stays under 5 minutes)");
        }

        string? listingPayload = null;
        foreach (var size in options.CatalogSizes)
        {
            var environment = await PrepareDatabaseAsync(api, size);
            await using var server = await ApiServer.StartAsync(api, environment, Path.Combine(_work, $"api-{size}.log"));
            var available = await DiscoverScenariosAsync(server.BaseAddress, size);
            var scenarios = available.Where(s => options.Includes(s.Name)).ToList();
            if (available.Find(s => s.Name == "listing-20") is { } hottest)
            {
                await WarmUntilSteadyAsync(new Uri(server.BaseAddress, "/graphql"), server.Process.Id, hottest, $"API @ {size}");
            }
            // The high-water mark after each step says which scenario raised the process's peak RSS.
            var highWater = new List<string> { HighWater("warm-up", server.Process.Id) };
            foreach (var scenario in scenarios)
            {
                var measurement = await MeasureAsync(server.BaseAddress, server.Process.Id, scenario, size);
                if (measurement is not null)
                {
                    _measurements.Add(measurement);
                }
                highWater.Add(HighWater(scenario.Name, server.Process.Id));
            }
            if (options.Includes("flash-sale") && !_unavailable.Contains("flash-sale"))
            {
                Step($"flash-sale @ {size}");
                var units = options.Profile == "smoke" ? 20 : 1000;
                var (measurement, outcome) = await FlashSale.RunAsync(server.BaseAddress, server.Process.Id, size, units, sql => PsqlAsync(size, sql));
                _measurements.Add(measurement);
                _flashSale = outcome;
                highWater.Add(HighWater("flash-sale", server.Process.Id));
                _notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"flash sale @ {size}: {units} units, {units * 3} one-unit carts, {FlashSale.Clients} clients: {outcome.Paid} paid, {outcome.SoldOut} sold out, {outcome.Unexpected} other; afterwards on hand {outcome.OnHandAfter}, reserved {outcome.ReservedAfter}, paid units {outcome.PaidUnits}, oversells {outcome.Oversells}; SQL statements per checkout: paid {outcome.SqlPerPaid?.ToString("F1", CultureInfo.InvariantCulture) ?? "-"}, sold out {outcome.SqlPerSoldOut?.ToString("F1", CultureInfo.InvariantCulture) ?? "-"}"));
            }
            var scenariosPeakMb = ProcessRunner.PeakRssMb(server.Process.Id);
            _notes.Add($"RSS high-water mark of the API @ {size} after each step (MB): {string.Join(", ", highWater)}");
            if (_subscriptions is null && options.IncludesExtra("subscriptions") && Directory.Exists(Path.Combine(_root, "tests", "referees", "node_modules")))
            {
                _notes.Add(string.Create(CultureInfo.InvariantCulture, $"peak RSS of the API @ {size} before the subscription fan-out: {scenariosPeakMb:F1} MB"));
                Step($"subscription fan-out @ {size}");
                _subscriptions = await SubscriptionFanout.RunAsync(server.BaseAddress, server.Process.Id, SubscriptionFanout.DefaultSubscriptions, sql => PsqlAsync(size, sql), _root);
            }
            listingPayload ??= await CapturePayloadAsync(server.BaseAddress);
            var sizePeakMb = ProcessRunner.PeakRssMb(server.Process.Id);
            _notes.Add(string.Create(CultureInfo.InvariantCulture, $"peak RSS of the API @ {size}: {sizePeakMb:F1} MB (scenarios alone: {scenariosPeakMb:F1} MB)"));
            _peakRssMb = Math.Max(_peakRssMb, sizePeakMb);
            if (size == OverheadCatalogSize && options.Includes("small-inprocess") && available.Find(s => s.Name == "small-http") is { } small)
            {
                await MeasureInProcessAsync(environment, small, size, server.Process.Id);
            }
        }

        if (listingPayload is not null && (options.Includes("ref-engine") || options.Includes("ref-json")))
        {
            await MeasureReferencesAsync(listingPayload);
        }

        var micro = options.IncludesExtra("micro") ? await MicroBenchmarksAsync() : null;
        var vendure = await VendureFigures.LoadAsync(_root, options.RunVendure, _notes);
        var report = new BenchReport(options.Profile, started, await CommitAsync(), await MachineAsync(), options.Connections,
            options.DurationSeconds, _measurements, Math.Round(_peakRssMb, 1), _notes, vendure, micro, _flashSale, _subscriptions)
        {
            Only = options.Only,
            Unavailable = [.. _unavailable],
        };
        var files = await ResultsWriter.WriteAsync(report, resultsDirectory);
        Console.WriteLine();
        Console.WriteLine(await File.ReadAllTextAsync(files.Markdown));
        Console.WriteLine($"results: {files.Markdown}, {files.Json}{(files.Plot is null ? "" : ", " + files.Plot)}");
        return 0;
    }

    private async Task<string> PublishAsync()
    {
        Step("publish");
        var publish = Path.Combine(_work, "publish");
        await ProcessRunner.RunAsync("dotnet", $"publish src/HeadlessShop.Api/HeadlessShop.Api.csproj -c Release -o \"{publish}\" -p:UseAppHost=false",
            TimeSpan.FromMinutes(10), workingDirectory: _root);
        return Path.Combine(publish, "HeadlessShop.Api.dll");
    }

    private static string HighWater(string step, int pid) =>
        string.Create(CultureInfo.InvariantCulture, $"{step} {ProcessRunner.PeakRssMb(pid):F1}");

    private async Task<Dictionary<string, string>> PrepareDatabaseAsync(string api, int size)
    {
        var database = $"hs_bench_{size}_v3";
        Step($"catalog of {size} products ({database})");
        var admin = _services["HEADLESSSHOP_TEST_POSTGRES"];
        var host = Setting(admin, "Host");
        var port = Setting(admin, "Port");
        var exists = await ProcessRunner.RunAsync("psql",
            $"-h {host} -p {port} -U postgres -d postgres -tAc \"SELECT 1 FROM pg_database WHERE datname = '{database}'\"", TimeSpan.FromSeconds(30));
        if (exists.Trim() != "1")
        {
            await ProcessRunner.RunAsync("psql", $"-h {host} -p {port} -U postgres -d postgres -qc \"CREATE DATABASE {database}\"", TimeSpan.FromSeconds(30));
        }
        var environment = new Dictionary<string, string>
        {
            ["HeadlessShop__Mode"] = "Production",
            ["ConnectionStrings__Postgres"] = $"Host={host};Port={port};Username=postgres;Database={database};Maximum Pool Size=64",
            ["ConnectionStrings__Redis"] = _services["HEADLESSSHOP_TEST_REDIS"],
            ["Redis__KeyPrefix"] = $"hs-bench:{size}:",
            ["Payments__Gateway"] = "Test",
            ["Jwt__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)),
            ["Diagnostics__SqlStatementCountHeader"] = "true",
            // cart-add hits one line for the whole run: lift the per-line cap so the scenario measures writes, not refusals.
            ["Carts__MaxQuantityPerLine"] = "1000000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        await ProcessRunner.RunAsync("dotnet", $"\"{api}\" migrate", TimeSpan.FromMinutes(5), environment);
        var seeding = Stopwatch.StartNew();
        await ProcessRunner.RunAsync("dotnet", $"\"{api}\" seed --products {size} --variants 3", TimeSpan.FromMinutes(20), environment);
        _notes.Add(string.Create(CultureInfo.InvariantCulture, $"catalog {size}: seed (or verify) took {seeding.Elapsed.TotalSeconds:F1} s"));
        // Fresh rows would otherwise be analysed by autovacuum in the middle of the first scenarios.
        await ProcessRunner.RunAsync("psql", $"-h {host} -p {port} -U postgres -d {database} -qc \"VACUUM ANALYZE\"", TimeSpan.FromMinutes(10));
        return environment;
    }

    private async Task<List<Scenario>> DiscoverScenariosAsync(Uri api, int size)
    {
        using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(120) };
        var fields = (await PostAsync(http, "{ __schema { queryType { fields { name } } mutationType { fields { name } } } }"))["data"]!["__schema"]!;
        var queryFields = fields["queryType"]!["fields"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()).ToHashSet();
        var slug = (await PostAsync(http, "{ products(first: 1) { nodes { slug } } }"))["data"]!["products"]!["nodes"]![0]!["slug"]!.GetValue<string>();

        var scenarios = new List<Scenario>();
        foreach (var first in options.PageSizes)
        {
            scenarios.Add(new Scenario($"listing-{first}", "listing", $"category page: products(first: {first}) with variants, prices, stock, images, category",
                Body(Documents.Listing, new { first })));
        }
        scenarios.Add(new Scenario("listing-deep", "listing", "page 20 products after the middle of the catalog, sorted by name (keyset)",
            Body(Documents.ListingDeep, new { after = await MiddleCursorAsync(http, size) })));
        scenarios.Add(new Scenario("detail", "detail", "product page: product(slug:) with everything a product page shows", Body(Documents.Detail, new { slug })));
        if (size == OverheadCatalogSize && options.IncludesOverheadPair)
        {
            scenarios.Add(new Scenario("small-http", "overhead", "small catalog query (5 products: id, slug, name) over HTTP",
                Body(Documents.Small, new { first = 5 })));
        }
        scenarios.Add(new Scenario("peer-products", "peer", "Vendure a-products twin", Body(Documents.PeerProducts, null)));
        scenarios.Add(new Scenario("peer-product", "peer", "Vendure c-product twin", Body(Documents.PeerProduct, new { slug })));
        if (queryFields.Contains("search"))
        {
            scenarios.Add(new Scenario("search", "search", "query + two facet selections + price range", Body(Documents.Search, null)));
            scenarios.Add(new Scenario("search-uncached", "search", "the same search with a changing fourth brand no product has: never the same search twice, so never from the result cache",
                Body(Documents.SearchUncached, null), VaryToken: Scenario.Token));
            scenarios.Add(new Scenario("peer-search", "peer", "Vendure b-search twin", Body(Documents.PeerSearch, null)));
        }
        else
        {
            _unavailable.UnionWith(["search", "peer-search"]);
            if (size == options.CatalogSizes[0])
            {
                _notes.Add("search, peer-search: not available in this build (the schema has no `search` field)");
            }
        }
        if (await PersistedListingScenarioAsync(http, size) is { } persisted)
        {
            scenarios.Add(persisted);
        }
        var mutations = fields["mutationType"]?["fields"]?.AsArray().Select(f => f!["name"]!.GetValue<string>()).ToHashSet() ?? [];
        if (mutations.Contains("cartLinesAdd"))
        {
            scenarios.Add(await CartAddScenarioAsync(http, size));
        }
        else
        {
            _unavailable.Add("cart-add");
        }
        if (!mutations.Contains("cartLinesAdd") || !mutations.Contains("checkoutComplete"))
        {
            _unavailable.Add("flash-sale");
        }
        return scenarios;
    }

    /// <summary>
    /// The listing-20 document as an Automatic Persisted Query: registered once by POST (text + sha256Hash), then
    /// loaded by GET with the hash only, as a CDN-fronted storefront sends it. The preflight checks that the GET
    /// executes (20 products, SQL statements counted) and records the Cache-Control it gets.
    /// </summary>
    private async Task<Scenario?> PersistedListingScenarioAsync(HttpClient http, int size)
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Documents.Listing)));
        var extensions = JsonSerializer.Serialize(new { persistedQuery = new { version = 1, sha256Hash = hash } });
        using var register = await http.PostAsync("/graphql", new StringContent(
            $$"""{"query":{{JsonSerializer.Serialize(Documents.Listing)}},"variables":{"first":20},"extensions":{{extensions}}}""",
            System.Text.Encoding.UTF8, "application/json"));
        var registered = await register.Content.ReadAsStringAsync();
        if (!register.IsSuccessStatusCode || registered.Contains("\"errors\"", StringComparison.Ordinal))
        {
            _unavailable.Add("listing-persisted");
            if (size == options.CatalogSizes[0])
            {
                _notes.Add($"listing-persisted: not available in this build (APQ registration answered HTTP {(int)register.StatusCode}: {registered[..Math.Min(200, registered.Length)]})");
            }
            return null;
        }
        var path = "/graphql?operationName=Listing&variables=" + Uri.EscapeDataString("""{"first":20}""") + "&extensions=" + Uri.EscapeDataString(extensions);
        return new Scenario("listing-persisted", "listing", "listing-20 as a persisted-query GET by sha256 hash (APQ, registered once before the run)",
            GetPath: path);
    }

    private async Task<string> PsqlAsync(int size, string sql)
    {
        var admin = _services["HEADLESSSHOP_TEST_POSTGRES"];
        return await ProcessRunner.RunAsync("psql",
            $"-h {Setting(admin, "Host")} -p {Setting(admin, "Port")} -U postgres -d hs_bench_{size}_v3 -tAc \"{sql.Replace("\"", "\\\"", StringComparison.Ordinal)}\"",
            TimeSpan.FromSeconds(60));
    }

    /// <summary>cartLinesAdd of one unit to one cart in Redis: stock check (PostgreSQL) + one Lua write + the cart read back.</summary>
    private async Task<Scenario> CartAddScenarioAsync(HttpClient http, int size)
    {
        var variant = (await PostAsync(http, "{ products(first: 1) { nodes { variants { id } } } }"))["data"]!["products"]!["nodes"]![0]!["variants"]![0]!["id"]!.GetValue<string>();
        var key = GlobalIdKey(variant);
        var admin = _services["HEADLESSSHOP_TEST_POSTGRES"];
        await ProcessRunner.RunAsync("psql",
            $"-h {Setting(admin, "Host")} -p {Setting(admin, "Port")} -U postgres -d hs_bench_{size}_v3 -qc \"UPDATE stock_levels SET on_hand = 100000000, reserved = 0 WHERE variant_id = {key}\"",
            TimeSpan.FromSeconds(30));
        var cart = (await PostAsync(http, "mutation { cartCreate { cart { id } } }"))["data"]!["cartCreate"]!["cart"]!["id"]!.GetValue<string>();
        return new Scenario("cart-add", "cart", "cartLinesAdd of 1 unit to one cart in Redis (Lua write) with live stock check and the cart read back",
            Body(Documents.CartLinesAdd, new { input = new { cartId = cart, lines = new[] { new { variantId = variant, quantity = 1 } } } }));
    }

    // Global ids are base64url of [kind, int64 big-endian, 4-byte checksum].
    private static long GlobalIdKey(string id)
    {
        var base64 = id.Replace('-', '+').Replace('_', '/');
        var bytes = Convert.FromBase64String(base64 + new string('=', (4 - (base64.Length % 4)) % 4));
        return System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1, 8));
    }

    private async Task<string?> MiddleCursorAsync(HttpClient http, int size)
    {
        // Walk by name in pages of 100 to the middle (bounded: at most 500 requests), the position a deep link lands on.
        string? cursor = null;
        for (var seen = 0; seen < size / 2 && seen < 50_000; seen += 100)
        {
            var page = (await PostAsync(http, "query($after: String) { products(first: 100, after: $after, sort: { key: NAME }) { pageInfo { endCursor hasNextPage } } }",
                new { after = cursor }))["data"]!["products"]!["pageInfo"]!;
            cursor = page["endCursor"]?.GetValue<string>();
            if (!page["hasNextPage"]!.GetValue<bool>())
            {
                break;
            }
        }
        return cursor;
    }

    private async Task<Measurement?> MeasureAsync(Uri baseAddress, int pid, Scenario scenario, int size, string path = "/graphql")
    {
        Step($"{scenario.Name} @ {size}");
        var url = new Uri(baseAddress, path);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var preflight = await SendAsync(http, url, scenario);
        var text = await preflight.Content.ReadAsStringAsync();
        if (preflight.StatusCode != HttpStatusCode.OK || text.Contains("\"errors\"", StringComparison.Ordinal))
        {
            _notes.Add($"{scenario.Name} @ {size}: preflight failed (HTTP {(int)preflight.StatusCode}): {text[..Math.Min(300, text.Length)]}");
            return null;
        }
        int? sql = preflight.Headers.TryGetValues("X-Sql-Statements", out var values) ? int.Parse(values.First(), CultureInfo.InvariantCulture) : null;
        var cacheControl = preflight.Headers.CacheControl?.ToString();
        if (scenario.GetPath is not null)
        {
            // A persisted GET must really execute (not be answered from somewhere else) and be cacheable by a CDN.
            var products = JsonNode.Parse(text)?["data"]?["products"]?["nodes"]?.AsArray().Count ?? 0;
            _notes.Add($"{scenario.Name} @ {size}: GET by hash executed ({products} products, {sql?.ToString(CultureInfo.InvariantCulture) ?? "?"} SQL statements), Cache-Control: {cacheControl ?? "(none)"}");
        }

        var warmup = await WarmScenarioAsync(url, pid, scenario);
        _notes.Add($"warm-up of {scenario.Name} @ {size}: {warmup.Describe()}");
        // SQL/req is read from a warm request: the preflight can be the process's first of its kind (e.g. a cold
        // product page cache), which it was for detail once each scenario stopped being loaded before its preflight.
        using (var warm = await SendAsync(http, url, scenario))
        {
            await warm.Content.ReadAsByteArrayAsync();
            if (warm.Headers.TryGetValues("X-Sql-Statements", out var warmValues)
                && int.Parse(warmValues.First(), CultureInfo.InvariantCulture) is var warmSql && warmSql != sql)
            {
                _notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{scenario.Name} @ {size}: {sql?.ToString(CultureInfo.InvariantCulture) ?? "?"} SQL statements on the first request, {warmSql} warm (SQL/req)"));
                sql = warmSql;
            }
        }
        var unloaded = await UnloadedMillisecondsAsync(http, url, scenario);
        var cpuBefore = ProcessRunner.CpuSeconds(pid);
        var clock = Stopwatch.StartNew();
        var load = WrkOutput.Parse(await WrkAsync(url, scenario, options.DurationSeconds, latency: true));
        var cores = (ProcessRunner.CpuSeconds(pid) - cpuBefore) / clock.Elapsed.TotalSeconds;
        Print(load, sql);
        return new Measurement(scenario.Name, scenario.Group, size, load, sql, text.Length, Math.Round(cores, 2), unloaded, cacheControl);
    }

    private static void Print(WrkResult load, int? sql) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"    {load.RequestsPerSecond,10:F1} req/s  p50 {load.P50Ms:F2} ms  p99 {load.P99Ms:F2} ms  errors {load.Errors}  sql {sql?.ToString(CultureInfo.InvariantCulture) ?? "-"}"));

    /// <summary>One request as wrk sends it: POST of the body, or GET of the scenario's path.</summary>
    private static Task<HttpResponseMessage> SendAsync(HttpClient http, Uri url, Scenario scenario)
    {
        if (scenario.GetPath is { } getPath)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, getPath));
            request.Headers.Accept.ParseAdd("application/graphql-response+json, application/json");
            return http.SendAsync(request);
        }
        var body = scenario.Body ?? "";
        if (scenario.VaryToken is { } token)
        {
            body = body.Replace(token, NextVaryNumber(1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }
        return http.PostAsync(url, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
    }

    // Numbers for varied requests: the harness's own requests take one each, a wrk run a block of VaryBlock (wrk counts
    // up from the block's start), so no number repeats within one harness process.
    private const long VaryBlock = 10_000_000;
    private static long _varyNext = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000;

    private static long NextVaryNumber(long count) => Interlocked.Add(ref _varyNext, count) - count;

    /// <summary>
    /// The transport-overhead pair: the same small query as <c>small-http</c>, executed in a separate process with
    /// the API's application and database but no HTTP (<see cref="InProcessRunner"/>), warmed to a steady state.
    /// </summary>
    private async Task MeasureInProcessAsync(Dictionary<string, string> environment, Scenario small, int size, int apiPid)
    {
        Step($"small-inprocess @ {size}");
        var bodyFile = Path.Combine(_work, "small-inprocess.json");
        await File.WriteAllTextAsync(bodyFile, small.Body ?? "");
        var window = Math.Max(3, options.WarmupSeconds);
        // A fresh process needs 20-40 s of load until its tier-up JIT is quiet (SteadyState); the bound keeps --quick short.
        var rounds = options.Profile == "smoke" ? 1 : MaxInProcessWarmupSeconds / window;
        var self = typeof(BenchRunner).Assembly.Location;
        try
        {
            // The API process stays up (idle) meanwhile: its CPU during the run shows it took nothing from the runner.
            var apiCpuBefore = ProcessRunner.CpuSeconds(apiPid);
            var clock = Stopwatch.StartNew();
            var output = await ProcessRunner.RunAsync("dotnet",
                $"\"{self}\" inprocess --body \"{bodyFile}\" --window {window} --warmup-rounds {rounds} --duration {options.DurationSeconds} --connections {options.Connections}",
                TimeSpan.FromSeconds(rounds * window + options.DurationSeconds + 180), environment, _root);
            var apiCores = (ProcessRunner.CpuSeconds(apiPid) - apiCpuBefore) / clock.Elapsed.TotalSeconds;
            var load = WrkOutput.Parse(output);
            var cores = double.Parse(System.Text.RegularExpressions.Regex.Match(output, @"cpu_cores=([0-9.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
            string? Line(string prefix) => output.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..].Trim();
            _notes.Add($"warm-up of the in-process runner on small-inprocess: {Line("WARMUP ")}");
            _notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"small-inprocess @ {size}, measured window: {Line("RUNTIME ")} (jit_ms: all tiers, tier_jit_s: the tier-up worker's CPU); the idle API process used {apiCores:F2} cores meanwhile"));
            Print(load, null);
            _measurements.Add(new Measurement("small-inprocess", "overhead", size, load, null, 0, Math.Round(cores, 2), 0));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or FormatException)
        {
            _notes.Add($"small-inprocess @ {size}: failed: {ex.Message.Split('\n')[0]}");
        }
    }

    /// <summary>
    /// Tiered compilation with dynamic PGO needs tens of seconds of load before the hot path runs fully optimised
    /// (seen here: listing-20 went 192 → 540 → 1,016 → 1,118 req/s over four 5 s windows of a fresh process). Each
    /// process is loaded with its hottest document until two consecutive windows agree within 5% and its tier-up JIT is
    /// quiet (<see cref="SteadyState"/>), so every number compares steady states.
    /// </summary>
    private async Task WarmUntilSteadyAsync(Uri url, int pid, Scenario scenario, string label)
    {
        var window = Math.Max(3, options.WarmupSeconds);
        var rounds = options.Profile == "smoke" ? 1 : MaxSteadyWarmupSeconds / window;
        var outcome = await SteadyState.WarmAsync(async () => WrkOutput.Parse(await WrkAsync(url, scenario, window, latency: false)).RequestsPerSecond,
            pid, window, rounds);
        _notes.Add($"warm-up of the {label} process on {scenario.Name}: {outcome.Describe()}");
    }

    /// <summary>
    /// Every scenario warms itself up before it is measured, in rounds of <see cref="BenchOptions.WarmupSeconds"/> until
    /// steady (<see cref="SteadyState"/>): its own code paths (a mutation, Redis, APQ) are not warmed by the listing, so a
    /// lone <c>--only cart-add</c> run measured half the req/s of cart-add late in a full quick run. Bounded by
    /// <see cref="MaxScenarioWarmupRounds"/> (<see cref="MaxQuickScenarioWarmupRounds"/> in --quick, which must stay
    /// under 5 minutes); a smoke run does one round, as before.
    /// </summary>
    private Task<SteadyState.Outcome> WarmScenarioAsync(Uri url, int pid, Scenario scenario) =>
        SteadyState.WarmAsync(async () => WrkOutput.Parse(await WrkAsync(url, scenario, options.WarmupSeconds, latency: false)).RequestsPerSecond,
            pid, options.WarmupSeconds, options.Profile switch { "smoke" => 1, "quick" => MaxQuickScenarioWarmupRounds, _ => MaxScenarioWarmupRounds });

    private const int MaxSteadyWarmupSeconds = 90;
    private const int MaxInProcessWarmupSeconds = 60;
    private const int MaxScenarioWarmupRounds = 8;
    private const int MaxQuickScenarioWarmupRounds = 4;

    /// <summary>The catalog size the transport-overhead pair runs at (10,000, or the only size of a smoke run).</summary>
    private int OverheadCatalogSize => options.CatalogSizes.Contains(10_000) ? 10_000 : options.CatalogSizes[0];

    private async Task<string> WrkAsync(Uri url, Scenario scenario, int seconds, bool latency)
    {
        var environment = new Dictionary<string, string>();
        if (scenario.GetPath is { } getPath)
        {
            environment["GET_PATH"] = getPath;
        }
        else
        {
            var bodyFile = Path.Combine(_work, $"{scenario.Name}.json");
            await File.WriteAllTextAsync(bodyFile, scenario.Body ?? "");
            environment["BODY_FILE"] = bodyFile;
            if (scenario.VaryToken is { } token)
            {
                environment["VARY_TOKEN"] = token;
                environment["VARY_START"] = NextVaryNumber(VaryBlock).ToString(CultureInfo.InvariantCulture);
            }
        }
        var arguments = $"-t1 -c{options.Connections} -d{seconds}s --timeout 10s {(latency ? "--latency " : "")}-s \"{Path.Combine(_root, "bench", "scenarios", "post.lua")}\" {url}";
        return await ProcessRunner.RunAsync("wrk", arguments, TimeSpan.FromSeconds(seconds + 30), environment);
    }

    private static async Task<double> UnloadedMillisecondsAsync(HttpClient http, Uri url, Scenario scenario)
    {
        var times = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await SendAsync(http, url, scenario);
            await response.Content.ReadAsByteArrayAsync();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return Math.Round(times[times.Count / 2], 2);
    }

    private async Task<string> CapturePayloadAsync(Uri api)
    {
        using var http = new HttpClient { BaseAddress = api };
        var payload = await PostAsync(http, Documents.Listing, new { first = 20 });
        var file = Path.Combine(_work, "listing-20-payload.json");
        await File.WriteAllTextAsync(file, payload.ToJsonString());
        return file;
    }

    private async Task MeasureReferencesAsync(string payloadFile)
    {
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var self = typeof(BenchRunner).Assembly.Location;
        using var process = ProcessRunner.Start("dotnet", $"\"{self}\" reference --url {baseAddress} --payload \"{payloadFile}\"",
            new Dictionary<string, string>(), Path.Combine(_work, "reference.log"));
        try
        {
            await WaitForAsync(baseAddress, "/json", "{}");
            var listing = Body(Documents.Listing, new { first = 20 });
            await WarmUntilSteadyAsync(new Uri(baseAddress, "/graphql"), process.Id, new Scenario("ref-engine", "reference", "warm-up", listing), "engine ceiling");
            var size = options.CatalogSizes.Contains(10_000) ? 10_000 : options.CatalogSizes[0];
            foreach (var (scenario, path) in new[]
            {
                (new Scenario("ref-engine", "reference", "same listing document, GraphQL.NET + our transport over in-memory objects", listing), "/graphql"),
                (new Scenario("ref-json", "reference", "same payload as plain JSON from a minimal endpoint", "{}"), "/json"),
            }.Where(x => options.Includes(x.Item1.Name)))
            {
                var measurement = await MeasureAsync(baseAddress, process.Id, scenario, size, path);
                if (measurement is not null)
                {
                    _measurements.Add(measurement with { SqlStatements = 0 });
                }
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>
    /// BenchmarkDotNet, in-process listing (execution + DataLoaders + serialization) with allocations per request. The
    /// benchmarks run in the harness-built process (--inProcess): BenchmarkDotNet's own rebuild of the project hit its
    /// 2-minute build timeout on a busy 2-core machine.
    /// </summary>
    private async Task<string?> MicroBenchmarksAsync()
    {
        Step("micro benchmarks (BenchmarkDotNet, short job)");
        var artifacts = Path.Combine(_work, "bdn");
        try
        {
            await ProcessRunner.RunAsync("dotnet",
                $"run -c Release --project bench/HeadlessShop.Bench.Micro -- --filter * --job short --inProcess --exporters github --artifacts \"{artifacts}\"",
                TimeSpan.FromMinutes(10), workingDirectory: _root);
            var reports = Directory.GetFiles(Path.Combine(artifacts, "results"), "*-report-github.md").Order(StringComparer.Ordinal).ToList();
            var tables = new List<string>();
            foreach (var report in reports)
            {
                tables.Add($"{Path.GetFileName(report).Replace("-report-github.md", "", StringComparison.Ordinal)}:\n\n{(await File.ReadAllTextAsync(report)).Trim()}");
            }
            return tables.Count == 0 ? null : string.Join("\n\n", tables);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or DirectoryNotFoundException)
        {
            _notes.Add($"micro benchmarks failed: {ex.Message.Split('\n')[0]}");
            return null;
        }
    }

    internal static string Body(string query, object? variables) => JsonSerializer.Serialize(new { query, variables });

    private static async Task<JsonNode> PostAsync(HttpClient http, string query, object? variables = null)
    {
        using var response = await http.PostAsJsonAsync("/graphql", new { query, variables });
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        if (json["errors"] is not null)
        {
            throw new InvalidOperationException($"{query}: {json["errors"]!.ToJsonString()}");
        }
        return json;
    }

    internal static async Task WaitForAsync(Uri baseAddress, string path, string? postBody = null)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                using var response = postBody is null
                    ? await http.GetAsync(path)
                    : await http.PostAsync(path, new StringContent(postBody, System.Text.Encoding.UTF8, "application/json"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{baseAddress}{path} did not answer within 60 s");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Dictionary<string, string> ParseExports(string output) =>
        output.Split('\n')
            .Where(l => l.StartsWith("export ", StringComparison.Ordinal))
            .Select(l => l["export ".Length..].Split('=', 2))
            .ToDictionary(p => p[0], p => p[1].Trim().Trim('\''));

    private static string Setting(string connectionString, string key) =>
        connectionString.Split(';').Select(p => p.Split('=', 2)).First(p => p[0].Trim().Equals(key, StringComparison.OrdinalIgnoreCase))[1];

    private async Task<string> CommitAsync() =>
        (await ProcessRunner.RunAsync("git", "rev-parse --short HEAD", TimeSpan.FromSeconds(10), workingDirectory: _root, check: false)).Trim();

    private static async Task<string> MachineAsync()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var memory = File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var postgres = (await ProcessRunner.RunAsync("psql", "--version", TimeSpan.FromSeconds(10), check: false)).Trim();
        return string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores ({cpu}), {long.Parse(memory, CultureInfo.InvariantCulture) / 1024 / 1024} GiB, .NET {Environment.Version}, {postgres}; wrk, API, PostgreSQL and Redis share the machine");
    }

    private static void Step(string what) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {what}");

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(Environment.CurrentDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "HeadlessShop.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("run from inside the HeadlessShop repository");
    }
}

/// <summary>The API's published output as a child process on a free loopback port, killed on dispose.</summary>
internal sealed class ApiServer : IAsyncDisposable
{
    private ApiServer(Process process, Uri baseAddress)
    {
        Process = process;
        BaseAddress = baseAddress;
    }

    public Process Process { get; }
    public Uri BaseAddress { get; }

    public static async Task<ApiServer> StartAsync(string api, Dictionary<string, string> environment, string logFile)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{BenchRunner.FreePort()}");
        var processEnvironment = new Dictionary<string, string>(environment) { ["ASPNETCORE_URLS"] = baseAddress.ToString() };
        var process = ProcessRunner.Start("dotnet", $"\"{api}\"", processEnvironment, logFile);
        var server = new ApiServer(process, baseAddress);
        try
        {
            await BenchRunner.WaitForAsync(baseAddress, "/readyz");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }
        Process.Dispose();
    }
}
