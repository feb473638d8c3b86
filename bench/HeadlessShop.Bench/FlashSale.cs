using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace HeadlessShop.Bench;

/// <summary>What the flash sale sold, checked in the database afterwards.</summary>
public sealed record FlashSaleOutcome(int Units, int Paid, int SoldOut, int Unexpected, int OnHandAfter, int ReservedAfter, int PaidUnits,
    double? SqlPerPaid = null, double? SqlPerSoldOut = null)
{
    /// <summary>Units sold beyond the stock: must be 0.</summary>
    public int Oversells => Math.Max(0, PaidUnits - Units) + Math.Max(0, -OnHandAfter);
}

/// <summary>
/// One hot variant with <c>units</c> in stock and three times as many one-unit carts; 50 clients check them out as fast as
/// they can (test payment gateway). Measures checkoutComplete latency and throughput over every attempt (paid and
/// sold out), then reads stock and paid order lines back from PostgreSQL to count oversells.
/// </summary>
internal static class FlashSale
{
    public const int Clients = 50;

    private const string CheckoutDocument = """
        mutation($i: CheckoutCompleteInput!) { checkoutComplete(input: $i) { order { status } userErrors { code } } }
        """;

    public static async Task<(Measurement Measurement, FlashSaleOutcome Outcome)> RunAsync(
        Uri api, int pid, int size, int units, Func<string, Task<string>> psql)
    {
        using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(60) };
        var variants = (await PostAsync(http, "{ products(first: 3) { nodes { variants { id sku } } } }", null))["data"]!["products"]!["nodes"]!.AsArray()
            .Select(n => n!["variants"]![0]!).ToList();
        // Warm the checkout path on another variant first: a fresh process would otherwise be measured on tier-0 code.
        var warmCarts = Math.Min(300, units * 3);
        var warm = await CartsForAsync(http, psql, variants[2], warmCarts, warmCarts);
        await CheckoutAllAsync(http, warm, (_, _, _) => { });

        var sku = variants[1]["sku"]!.GetValue<string>();
        var carts = await CartsForAsync(http, psql, variants[1], units, units * 3);

        // The bench database is reused across runs: count only the units this sale paid for.
        var paidUnitsBefore = await PaidUnitsAsync(psql, sku);
        var latencies = new ConcurrentBag<double>();
        int paid = 0, soldOut = 0, unexpected = 0;
        long paidSql = 0, soldOutSql = 0;
        var cpuBefore = ProcessRunner.CpuSeconds(pid);
        var clock = Stopwatch.StartNew();
        await CheckoutAllAsync(http, carts, (milliseconds, payload, sql) =>
        {
            latencies.Add(milliseconds);
            var codes = payload?["userErrors"]?.AsArray().Select(e => e!["code"]!.GetValue<string>()).ToList() ?? ["HTTP"];
            if (codes.Count == 0 && payload?["order"]?["status"]?.GetValue<string>() == "PAID")
            {
                Interlocked.Increment(ref paid);
                Interlocked.Add(ref paidSql, sql);
            }
            else if (codes is ["INSUFFICIENT_STOCK"])
            {
                Interlocked.Increment(ref soldOut);
                Interlocked.Add(ref soldOutSql, sql);
            }
            else
            {
                Interlocked.Increment(ref unexpected);
            }
        });
        var elapsed = clock.Elapsed.TotalSeconds;
        var cores = (ProcessRunner.CpuSeconds(pid) - cpuBefore) / elapsed;

        var stock = (await psql($"SELECT on_hand || ',' || reserved FROM stock_levels s JOIN product_variants v ON v.id = s.variant_id WHERE v.sku = '{sku}'")).Trim().Split(',');
        var paidUnits = await PaidUnitsAsync(psql, sku) - paidUnitsBefore;
        var outcome = new FlashSaleOutcome(units, paid, soldOut, unexpected,
            int.Parse(stock[0], CultureInfo.InvariantCulture), int.Parse(stock[1], CultureInfo.InvariantCulture), paidUnits,
            paid == 0 ? null : Math.Round((double)paidSql / paid, 1), soldOut == 0 ? null : Math.Round((double)soldOutSql / soldOut, 1));

        var sorted = latencies.Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        var load = new WrkResult(sorted.Length, Math.Round(elapsed, 3), Math.Round(sorted.Length / elapsed, 1),
            Percentile(0.50), Percentile(0.90), Percentile(0.95), Percentile(0.99), sorted.LastOrDefault(), 0, 0, 0, unexpected);
        return (new Measurement("flash-sale", "checkout", size, load, null, 0, Math.Round(cores, 2), 0), outcome);
    }

    private static async Task<int> PaidUnitsAsync(Func<string, Task<string>> psql, string sku) => int.Parse((await psql(
        $"SELECT coalesce(sum(l.quantity), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN product_variants v ON v.id = l.variant_id WHERE v.sku = '{sku}' AND o.status = 'Paid'")).Trim(),
        CultureInfo.InvariantCulture);

    private static async Task<ConcurrentQueue<string>> CartsForAsync(HttpClient http, Func<string, Task<string>> psql, JsonNode variant, int units, int carts)
    {
        var variantId = variant["id"]!.GetValue<string>();
        var sku = variant["sku"]!.GetValue<string>().Replace("'", "''", StringComparison.Ordinal);
        await psql($"UPDATE stock_levels SET on_hand = {units}, reserved = 0 WHERE variant_id = (SELECT id FROM product_variants WHERE sku = '{sku}')");
        var queue = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, carts), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) =>
        {
            var created = await PostAsync(http, "mutation($i: CartCreateInput) { cartCreate(input: $i) { cart { id } } }",
                new { i = new { lines = new[] { new { variantId, quantity = 1 } } } });
            queue.Enqueue(created["data"]!["cartCreate"]!["cart"]!["id"]!.GetValue<string>());
        });
        return queue;
    }

    /// <summary><see cref="Clients"/> clients check out every cart in the queue; each result goes to <paramref name="record"/>.</summary>
    private static Task CheckoutAllAsync(HttpClient http, ConcurrentQueue<string> carts, Action<double, JsonNode?, int> record) =>
        Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            while (carts.TryDequeue(out var cartId))
            {
                var started = Stopwatch.GetTimestamp();
                var (body, sql) = await PostWithSqlAsync(http, CheckoutDocument, new
                {
                    i = new
                    {
                        cartId,
                        idempotencyKey = cartId,
                        email = "bench@example.com",
                        paymentMethod = "pm_card_visa",
                        shippingAddress = new { name = "Bench", line1 = "1 Loop Road", city = "Localhost", postalCode = "12345", country = "DE" },
                    },
                }, throwOnErrors: false);
                record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, body["data"]?["checkoutComplete"], sql);
            }
        }));

    private static async Task<JsonNode> PostAsync(HttpClient http, string query, object? variables, bool throwOnErrors = true) =>
        (await PostWithSqlAsync(http, query, variables, throwOnErrors)).Json;

    /// <summary>The response and the SQL statements it ran (the API's X-Sql-Statements header; 0 when absent).</summary>
    private static async Task<(JsonNode Json, int Sql)> PostWithSqlAsync(HttpClient http, string query, object? variables, bool throwOnErrors = true)
    {
        using var response = await http.PostAsJsonAsync("/graphql", new { query, variables });
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? new JsonObject();
        if (throwOnErrors && json["errors"] is not null)
        {
            throw new InvalidOperationException($"{query}: {json["errors"]!.ToJsonString()}");
        }
        var sql = response.Headers.TryGetValues("X-Sql-Statements", out var values) && int.TryParse(values.First(), CultureInfo.InvariantCulture, out var n) ? n : 0;
        return (json, sql);
    }
}
