using System.Globalization;
using System.Text;
using System.Text.Json;

namespace HeadlessShop.Bench;

/// <summary>Writes the report as markdown (for people and the README) and JSON (for tools), plus a gnuplot PNG.</summary>
internal static class ResultsWriter
{
    public sealed record Files(string Markdown, string Json, string? Plot);

    private const double EngineTarget = 0.60;
    private const int SqlTarget = 6;
    private const double SearchP95TargetMs = 30;
    private const double RssTargetMb = 400;
    private const double CartAddTargetRps = 2000;
    private const double FlashSaleTargetRps = 300;

    public static async Task<Files> WriteAsync(BenchReport report, string directory)
    {
        var stem = Path.Combine(directory, $"{report.StartedUtc:yyyy-MM-dd}-{report.Commit}{(report.Profile == "full" ? "" : "-" + report.Profile)}");
        var plot = await PlotAsync(report, stem + ".png");
        var markdown = Markdown(report, plot is null ? null : Path.GetFileName(plot));
        await File.WriteAllTextAsync(stem + ".md", markdown);
        await File.WriteAllTextAsync(stem + ".json", JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
        return new Files(stem + ".md", stem + ".json", plot);
    }

    internal static string Markdown(BenchReport report, string? plotFile)
    {
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');
        string F(double value, int digits = 1) => value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        // " (weakest of a / b / c at 1,000 / 10,000 / 100,000 products)" when more than one size ran.
        string EverySize(List<Measurement> runs) => runs.Count < 2
            ? ""
            : $" (weakest of {string.Join(" / ", runs.Select(r => F(r.Load.RequestsPerSecond)))} at {string.Join(" / ", runs.Select(r => r.CatalogSize.ToString("N0", CultureInfo.InvariantCulture)))} products)";

        Line($"# HeadlessShop benchmark: {report.Profile} run, {report.StartedUtc:yyyy-MM-dd HH:mm} UTC, commit {report.Commit}");
        Line();
        Line($"Machine: {report.Machine}.");
        Line($"Load: wrk -t1 -c{report.Connections}, warm-up then {report.DurationSeconds} s measured per scenario, loopback only. " +
             "API: published Release build, Production mode (PostgreSQL + Redis), test payment gateway.");
        Line();
        Line("## Scenarios");
        Line();
        Line("| scenario | catalog | req/s | p50 ms | p95 ms | p99 ms | errors | SQL/req | 1-conn ms | bytes | server CPU (cores) |");
        Line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var m in report.Measurements)
        {
            Line($"| {m.Scenario} | {m.CatalogSize:N0} | {F(m.Load.RequestsPerSecond)} | {F(m.Load.P50Ms, 2)} | {F(m.Load.P95Ms, 2)} | {F(m.Load.P99Ms, 2)} | " +
                 $"{m.Load.Errors} | {m.SqlStatements?.ToString(CultureInfo.InvariantCulture) ?? "-"} | {F(m.UnloadedMs, 2)} | {m.ResponseBytes:N0} | {F(m.ServerCpuCores, 2)} |");
        }
        Line();

        var listing = Find(report, "listing-20", 10_000) ?? report.Measurements.FirstOrDefault(m => m.Scenario == "listing-20");
        var engine = Find(report, "ref-engine");
        var json = Find(report, "ref-json");
        Line("## Against the in-memory ceilings");
        Line();
        Line("| what | req/s | listing as a share of it |");
        Line("|---|---:|---:|");
        Line($"| listing-20 (PostgreSQL, DataLoaders) | {(listing is null ? "-" : F(listing.Load.RequestsPerSecond))} | |");
        Line($"| engine ceiling: same document, GraphQL.NET + transport, in-memory objects | {(engine is null ? "-" : F(engine.Load.RequestsPerSecond))} | {Share(listing, engine)} |");
        Line($"| HTTP ceiling: same payload as plain JSON | {(json is null ? "-" : F(json.Load.RequestsPerSecond))} | {Share(listing, json)} |");
        Line();

        var overHttp = Find(report, "small-http");
        var inProcess = Find(report, "small-inprocess");
        if (overHttp is not null || inProcess is not null)
        {
            Line("## Transport overhead: the same small query over HTTP and in-process");
            Line();
            Line($"`{Documents.Small}` with first = 5 (1 SQL statement), {report.Connections} concurrent clients. In-process: the API's application " +
                 "and database, the body read by the GraphQL serializer, our transport's execution options (limits, caller, error shaping), " +
                 "GraphQL.NET's executor and the response serialized; no socket, Kestrel or HTTP middleware, and no load generator on the cores.");
            Line();
            Line("| path | req/s | p50 ms | p99 ms | process CPU (cores) | CPU ms per request |");
            Line("|---|---:|---:|---:|---:|---:|");
            foreach (var (label, name, m) in new[]
            {
                ("HTTP: wrk → Kestrel → GraphQL-over-HTTP middleware → executor", "small-http", overHttp),
                ("in-process: executor + transport execution", "small-inprocess", inProcess),
            })
            {
                Line(m is null
                    ? $"| {label} | {report.WhyNotMeasured(name)} | - | - | - | - |"
                    : $"| {label} | {F(m.Load.RequestsPerSecond)} | {F(m.Load.P50Ms, 2)} | {F(m.Load.P99Ms, 2)} | {F(m.ServerCpuCores, 2)} | {F(CpuMsPerRequest(m), 3)} |");
            }
            if (overHttp is not null && inProcess is not null && inProcess.Load.RequestsPerSecond > 0)
            {
                Line();
                var addedMicroseconds = (CpuMsPerRequest(overHttp) - CpuMsPerRequest(inProcess)) * 1000;
                Line($"HTTP delivers {F(overHttp.Load.RequestsPerSecond / inProcess.Load.RequestsPerSecond * 100, 0)}% of the in-process throughput; " +
                     (addedMicroseconds >= 0
                         ? $"the HTTP stack adds {F(addedMicroseconds, 0)} µs of API CPU per request (wrk's own CPU comes on top of that on a shared 2-core machine)."
                         : $"the in-process runner spent {F(-addedMicroseconds, 0)} µs more CPU per request than the whole HTTP path, so this run does " +
                           "not isolate the transport's cost: it only says the HTTP stack costs no throughput against this in-process path."));
            }
            Line();
        }

        if (report.Vendure.Count > 0)
        {
            Line("## Against Vendure (same machine type, same catalog size, same logical queries)");
            Line();
            Line($"Vendure figures: {report.Vendure[0].Source}. HeadlessShop: the twin queries in bench/HeadlessShop.Bench/Scenarios.cs at 10,000 products x 3 variants" +
                 (report.Measurements.Any(m => m.CatalogSize == 10_000) ? "." : " (this run: the smallest catalog measured; Vendure used 2,000)."));
            Line();
            Line("Each Vendure case is compared with its logical twin and with HeadlessShop's own fuller page of the same kind " +
                 "(listing-20: the category page; search: query + facets + price range; detail: the product page).");
            Line();
            Line("| page | Vendure case | HeadlessShop scenario | Vendure req/s | HeadlessShop req/s | throughput ratio | Vendure p50 ms | HeadlessShop p50 ms | Vendure SQL/req | HeadlessShop SQL/req |");
            Line("|---|---|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var (page, peer, ours) in new[]
            {
                ("listing", "a-products", "peer-products"), ("listing", "a-products", "listing-20"),
                ("search", "b-search", "peer-search"), ("search", "b-search", "search"),
                ("product page", "c-product", "peer-product"), ("product page", "c-product", "detail"),
            })
            {
                var vendure = report.Vendure.FirstOrDefault(v => v.Case == peer);
                var measured = Find(report, ours, 10_000) ?? report.Measurements.FirstOrDefault(m => m.Scenario == ours);
                if (vendure is null)
                {
                    continue;
                }
                Line($"| {page} | {peer} | {ours} | {F(vendure.RequestsPerSecond)} | {(measured is null ? report.WhyNotMeasured(ours) : F(measured.Load.RequestsPerSecond))} | " +
                     $"{(measured is null ? "-" : F(measured.Load.RequestsPerSecond / vendure.RequestsPerSecond, 0) + "x")} | {F(vendure.P50Ms)} | " +
                     $"{(measured is null ? "-" : F(measured.Load.P50Ms, 2))} | {vendure.SqlStatements?.ToString(CultureInfo.InvariantCulture) ?? "-"} | " +
                     $"{measured?.SqlStatements?.ToString(CultureInfo.InvariantCulture) ?? "-"} |");
            }
            Line();
        }

        Line("## Targets");
        Line();
        Line("| target | measured | verdict |");
        Line("|---|---|---|");
        // A target without a measurement says why: the build cannot run the scenario, --only left it out, or it failed.
        string Why(params string[] scenarios) =>
            string.Join("; ", scenarios.Where(name => Find(report, name) is null).Select(name => $"{name}: {report.WhyNotMeasured(name)}"));
        Line(listing is not null && engine is not null
            ? $"| listing >= 60% of the engine ceiling | {F(listing.Load.RequestsPerSecond / engine.Load.RequestsPerSecond * 100)}% | " +
              Verdict(listing.Load.RequestsPerSecond / engine.Load.RequestsPerSecond >= EngineTarget,
                  $"{F((EngineTarget - (listing.Load.RequestsPerSecond / engine.Load.RequestsPerSecond)) * 100)} points short") + " |"
            : $"| listing >= 60% of the engine ceiling | not measured | {Why("listing-20", "ref-engine")} |");
        var listings = report.Measurements.Where(m => m.Group == "listing" && m.SqlStatements is not null).ToList();
        if (listings.Count > 0)
        {
            var worst = listings.Max(m => m.SqlStatements!.Value);
            Line($"| SQL statements per listing <= {SqlTarget} at every page size | at most {worst} | {Verdict(worst <= SqlTarget, $"{worst - SqlTarget} over")} |");
        }
        else
        {
            Line($"| SQL statements per listing <= {SqlTarget} at every page size | not measured | {Why("listing-20")} |");
        }
        var search = report.Measurements.Where(m => m.Scenario == "search").MaxBy(m => m.CatalogSize);
        Line(search is null
            ? $"| search p95 <= 30 ms at 100,000 products (database engine) | not measured | {Why("search")} |"
            : $"| search p95 <= 30 ms at {search.CatalogSize:N0} products | {F(search.Load.P95Ms, 2)} ms | {Verdict(search.Load.P95Ms <= SearchP95TargetMs, $"{F(search.Load.P95Ms - SearchP95TargetMs, 2)} ms over")} |");
        // The same target for searches the result cache cannot answer: shown beside it, so a repeated query's cache hit
        // is never the only figure.
        if (report.Measurements.Where(m => m.Scenario == "search-uncached").MaxBy(m => m.CatalogSize) is { } uncached)
        {
            Line($"| search p95 <= 30 ms at {uncached.CatalogSize:N0} products, every request a new search (search-uncached) | {F(uncached.Load.P95Ms, 2)} ms | {Verdict(uncached.Load.P95Ms <= SearchP95TargetMs, $"{F(uncached.Load.P95Ms - SearchP95TargetMs, 2)} ms over")} |");
        }
        // Neither depends on the catalog's size: every size's run counts, and the verdict takes the weakest.
        var cartAdds = report.Measurements.Where(m => m.Scenario == "cart-add").OrderBy(m => m.CatalogSize).ToList();
        var cartAdd = cartAdds.MinBy(m => m.Load.RequestsPerSecond);
        Line(cartAdd is null
            ? $"| cart add >= 2,000 req/s | not measured | {Why("cart-add")} |"
            : $"| cart add >= 2,000 req/s | {F(cartAdd.Load.RequestsPerSecond)} req/s{EverySize(cartAdds)} | {Verdict(cartAdd.Load.RequestsPerSecond >= CartAddTargetRps, $"{F(CartAddTargetRps - cartAdd.Load.RequestsPerSecond)} req/s short")} |");
        var flashes = report.Measurements.Where(m => m.Scenario == "flash-sale").OrderBy(m => m.CatalogSize).ToList();
        var flash = flashes.MinBy(m => m.Load.RequestsPerSecond);
        Line(flash is null || report.FlashSale is null
            ? $"| flash sale: 0 oversells, >= 300 checkouts/s | not measured | {Why("flash-sale")} |"
            : $"| flash sale: 0 oversells, >= 300 checkouts/s | {report.FlashSale.Oversells} oversells, {F(flash.Load.RequestsPerSecond)} checkouts/s{EverySize(flashes)}, p99 {F(flash.Load.P99Ms, 2)} ms at {FlashSale.Clients} clients | "
              + Verdict(report.FlashSale.Oversells == 0 && flash.Load.RequestsPerSecond >= FlashSaleTargetRps,
                  report.FlashSale.Oversells > 0 ? $"{report.FlashSale.Oversells} oversold" : $"{F(FlashSaleTargetRps - flash.Load.RequestsPerSecond)} checkouts/s short") + " |");
        var persisted = report.Measurements.Where(m => m.Scenario == "listing-persisted").MaxBy(m => m.CatalogSize == 10_000 ? int.MaxValue : m.CatalogSize);
        var plain = persisted is null ? null : Find(report, "listing-20", persisted.CatalogSize);
        Line(persisted is null || plain is null
            ? $"| persisted GET listing >= listing | not measured | {(persisted is null ? Why("listing-persisted", "listing-20") : "listing-20: not measured at the same catalog size")} |"
            : $"| persisted GET listing >= listing | {F(persisted.Load.RequestsPerSecond)} vs {F(plain.Load.RequestsPerSecond)} req/s (listing-20 POST) at {persisted.CatalogSize:N0} products, Cache-Control: {persisted.CacheControl ?? "none"} | "
              + Verdict(persisted.Load.RequestsPerSecond >= plain.Load.RequestsPerSecond, $"{F(plain.Load.RequestsPerSecond - persisted.Load.RequestsPerSecond)} req/s short") + " |");
        Line($"| server peak RSS <= 400 MB through the run | {F(report.PeakRssMb)} MB | {Verdict(report.PeakRssMb <= RssTargetMb, $"{F(report.PeakRssMb - RssTargetMb)} MB over")} |");
        Line();
        Line("For a missed target, bench/README.md (\"What the profiles show and what was tried\") has the latest profile and the changes measured.");
        Line();

        Line("## Cost curves (p50 ms)");
        Line();
        var sizes = report.Measurements.Where(m => m.Group != "reference").Select(m => m.CatalogSize).Distinct().Order().ToList();
        var curveScenarios = report.Measurements.Where(m => m.Group is "listing" or "detail" or "search").Select(m => m.Scenario).Distinct().ToList();
        Line("| scenario | " + string.Join(" | ", sizes.Select(s => s.ToString("N0", CultureInfo.InvariantCulture) + " products")) + " |");
        Line("|---|" + string.Concat(sizes.Select(_ => "---:|")));
        foreach (var scenario in curveScenarios)
        {
            Line($"| {scenario} | " + string.Join(" | ", sizes.Select(s => Find(report, scenario, s) is { } m ? F(m.Load.P50Ms, 2) : "-")) + " |");
        }
        Line();
        if (plotFile is not null)
        {
            Line($"![p50 latency by page size and catalog size]({plotFile})");
            Line();
        }
        if (report.MicroBenchmarks is not null)
        {
            Line("## Micro benchmark: listing in-process (execution + DataLoaders on SQLite + serialization)");
            Line();
            Line(report.MicroBenchmarks);
            Line();
        }
        if (report.Subscriptions is { } fanout)
        {
            md.Append(SubscriptionFanout.Markdown(fanout));
        }
        if (report.Notes.Count > 0)
        {
            Line("## Notes");
            Line();
            foreach (var note in report.Notes)
            {
                Line($"- {note}");
            }
            Line();
        }
        Line("Columns: errors = socket errors + non-2xx + timeouts + responses with GraphQL `errors`; SQL/req from the API's X-Sql-Statements " +
             "header (one warm request); 1-conn ms = median of 7 sequential requests after warm-up; server CPU = API process CPU seconds per " +
             "wall second during the measured run.");
        return md.ToString();
    }

    private static Measurement? Find(BenchReport report, string scenario, int? size = null) =>
        report.Measurements.FirstOrDefault(m => m.Scenario == scenario && (size is null || m.CatalogSize == size));

    private static string Share(Measurement? part, Measurement? whole) =>
        part is null || whole is null || whole.Load.RequestsPerSecond == 0
            ? "-"
            : (part.Load.RequestsPerSecond / whole.Load.RequestsPerSecond * 100).ToString("F0", CultureInfo.InvariantCulture) + "%";

    private static double CpuMsPerRequest(Measurement m) => m.Load.RequestsPerSecond == 0 ? 0 : m.ServerCpuCores / m.Load.RequestsPerSecond * 1000;

    private static string Verdict(bool met, string shortBy) => met ? "met" : "MISSED: " + shortBy;

    private static async Task<string?> PlotAsync(BenchReport report, string png)
    {
        var listing = report.Measurements.Where(m => m.Group == "listing" && m.Scenario.StartsWith("listing-", StringComparison.Ordinal)
            && int.TryParse(m.Scenario["listing-".Length..], out _)).ToList();
        if (listing.Count == 0)
        {
            return null;
        }
        var data = Path.ChangeExtension(png, ".dat");
        var lines = new StringBuilder();
        var sizes = listing.Select(m => m.CatalogSize).Distinct().Order().ToList();
        foreach (var size in sizes)
        {
            lines.Append(CultureInfo.InvariantCulture, $"# catalog {size}\n");
            foreach (var m in listing.Where(m => m.CatalogSize == size).OrderBy(m => int.Parse(m.Scenario["listing-".Length..], CultureInfo.InvariantCulture)))
            {
                lines.Append(CultureInfo.InvariantCulture, $"{m.Scenario["listing-".Length..]} {m.Load.P50Ms} {m.Load.P99Ms}\n");
            }
            lines.Append("\n\n");
        }
        // Second data set: p50 by catalog size for the pages whose cost must stay flat as the catalog grows.
        var flat = new[] { "listing-20", "listing-deep", "detail", "search" }
            .Where(name => report.Measurements.Any(m => m.Scenario == name)).ToList();
        foreach (var name in flat)
        {
            lines.Append(CultureInfo.InvariantCulture, $"# {name} by catalog size\n");
            foreach (var m in report.Measurements.Where(m => m.Scenario == name).OrderBy(m => m.CatalogSize))
            {
                lines.Append(CultureInfo.InvariantCulture, $"{m.CatalogSize} {m.Load.P50Ms} {m.Load.P99Ms}\n");
            }
            lines.Append("\n\n");
        }
        await File.WriteAllTextAsync(data, lines.ToString());
        var plots = string.Join(", ", sizes.Select((size, i) => $"'{data}' index {i} using 1:2 with linespoints title '{size} products (p50)'"));
        var byCatalog = string.Join(", ", flat.Select((name, i) => $"'{data}' index {sizes.Count + i} using 1:2 with linespoints title '{name} (p50)'"));
        var script = $"set terminal png size 1200,500; set output '{png}'; set multiplot layout 1,2; " +
                     $"set title 'Listing latency vs page size'; set xlabel 'page size (first)'; set ylabel 'p50 ms'; set key left top; set grid; plot {plots}; " +
                     $"set title 'Latency vs catalog size (must stay flat)'; set xlabel 'products in the catalog'; set logscale x; " +
                     $"set yrange [0:*]; plot {byCatalog}; unset multiplot";
        try
        {
            await ProcessRunner.RunAsync("gnuplot", $"-e \"{script}\"", TimeSpan.FromSeconds(60));
            File.Delete(data);
            return png;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            report.Notes.Add("no plot: gnuplot is not installed or failed (apt-get install gnuplot-nox)");
            return null;
        }
    }
}
