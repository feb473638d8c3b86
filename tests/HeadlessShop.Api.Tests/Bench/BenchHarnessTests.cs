using System.Text.Json.Nodes;
using HeadlessShop.Api.Tests.GraphQL;
using HeadlessShop.Bench;

namespace HeadlessShop.Api.Tests.Bench;

/// <summary>Keeps the benchmark harness from rotting: its parsers, and a tiny real run. Nothing here is timed.</summary>
public sealed class BenchHarnessParserTests
{
    [Fact]
    public void Wrk_result_line_is_parsed_with_every_error_kind()
    {
        const string output = """
            Running 5s test @ http://127.0.0.1:5000/graphql
              1 threads and 20 connections
            RESULT requests=1234 duration_s=5.002 rps=246.7 p50_ms=7.100 p90_ms=9.500 p95_ms=10.250 p99_ms=20.000 max_ms=45.125 err_connect=1 err_read=2 err_write=0 err_status=3 err_timeout=4 err_graphql=5
            """;
        var result = WrkOutput.Parse(output);
        Assert.Equal(1234, result.Requests);
        Assert.Equal(246.7, result.RequestsPerSecond);
        Assert.Equal(10.25, result.P95Ms);
        Assert.Equal(3, result.SocketErrors);
        Assert.Equal(3, result.Non2xx);
        Assert.Equal(15, result.Errors);
    }

    [Fact]
    public void Wrk_output_without_a_result_line_is_an_error_that_shows_the_output()
    {
        var error = Assert.Throws<FormatException>(() => WrkOutput.Parse("unable to connect to 127.0.0.1:1 Connection refused"));
        Assert.Contains("Connection refused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Vendure_published_table_is_read_by_case_name()
    {
        const string readme = """
            | case | req/s | p50 ms | p90 ms | p99 ms | errors | 1-conn ms | SQL/req |
            |---|---:|---:|---:|---:|---:|---:|---:|
            | a-products | 9.9 | 1803 | 2037 | 2637 | 0 | 117 | 74 |
            | b-search | 2.0 | 6004 | 7408 | 7516 | 0 | 552 | 5 |
            """;
        var figures = VendureFigures.Parse(readme, 1, 2, 4, 7, "test");
        Assert.Equal(["a-products", "b-search"], figures.Select(f => f.Case));
        Assert.Equal(9.9, figures[0].RequestsPerSecond);
        Assert.Equal(74, figures[0].SqlStatements);
        Assert.Equal(7516, figures[1].P99Ms);
    }
}

[Collection(PublishCollection.Name)]
public sealed class BenchHarnessSmokeTests
{
    [Fact]
    public async Task A_smoke_run_measures_every_available_scenario_without_errors_and_writes_both_result_files()
    {
        var results = Path.Combine(Path.GetTempPath(), $"hs-bench-{Guid.NewGuid():N}");
        try
        {
            var harness = typeof(BenchOptions).Assembly.Location;
            await ProcessRunner.RunAsync("dotnet", $"\"{harness}\" --smoke --results \"{results}\"", TimeSpan.FromMinutes(8),
                workingDirectory: SchemaTests.RepositoryRoot());

            var json = JsonNode.Parse(await File.ReadAllTextAsync(Directory.GetFiles(results, "*.json").Single()))!;
            var measurements = json["measurements"]!.AsArray();
            var scenarios = measurements.Select(m => m!["scenario"]!.GetValue<string>()).ToList();
            foreach (var expected in new[]
            {
                "listing-10", "listing-20", "listing-deep", "detail", "peer-products", "peer-product", "listing-persisted", "small-http", "small-inprocess",
                "ref-engine", "ref-json",
            })
            {
                Assert.Contains(expected, scenarios);
            }
            // The persisted-query GET executes (SQL statements counted) and is cacheable by shared caches.
            var persisted = measurements.Single(m => m!["scenario"]!.GetValue<string>() == "listing-persisted")!;
            Assert.InRange(persisted["sqlStatements"]!.GetValue<int>(), 1, 6);
            Assert.StartsWith("public, max-age=", persisted["cacheControl"]!.GetValue<string>(), StringComparison.Ordinal);
            // A reused bench database must not turn earlier runs' orders into oversells.
            Assert.Equal(0, json["flashSale"]?["oversells"]?.GetValue<int>() ?? 0);
            Assert.All(measurements, m =>
            {
                Assert.True(m!["load"]!["requests"]!.GetValue<long>() > 0, $"{m["scenario"]} sent no request");
                Assert.Equal(0, m["load"]!["graphQLErrors"]!.GetValue<long>() + m["load"]!["non2xx"]!.GetValue<long>());
            });
            Assert.All(measurements.Where(m => m!["group"]!.GetValue<string>() == "listing"), m => Assert.InRange(m!["sqlStatements"]!.GetValue<int>(), 1, 6));
            Assert.True(json["peakRssMb"]!.GetValue<double>() > 0);

            var markdown = await File.ReadAllTextAsync(Directory.GetFiles(results, "*.md").Single());
            Assert.Contains("## Targets", markdown, StringComparison.Ordinal);
            Assert.Contains("| listing-20 |", markdown, StringComparison.Ordinal);
            Assert.Contains("## Transport overhead", markdown, StringComparison.Ordinal);
            // Everything was selected and this build has every feature: every target is measured.
            var targets = markdown[markdown.IndexOf("## Targets", StringComparison.Ordinal)..markdown.IndexOf("## Cost curves", StringComparison.Ordinal)];
            Assert.DoesNotContain("not measured", targets, StringComparison.Ordinal);
            Assert.DoesNotContain("not in this build", targets, StringComparison.Ordinal);
            // Each measured wrk scenario records its own warm-up, and the in-process runner its runtime figures.
            var notes = json["notes"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
            Assert.All(measurements.Select(m => m!["scenario"]!.GetValue<string>()).Where(s => s is not ("flash-sale" or "small-inprocess")),
                scenario => Assert.Contains(notes, n => n.StartsWith($"warm-up of {scenario} @ ", StringComparison.Ordinal)));
            // The RSS high-water mark is recorded after the warm-up and after every scenario, so the peak has a culprit.
            var highWater = Assert.Single(notes, n => n.StartsWith("RSS high-water mark of the API @ 200 after each step (MB): warm-up ", StringComparison.Ordinal));
            // (the references run in their own process, the in-process runner outside the API)
            Assert.All(measurements.Where(m => m!["group"]!.GetValue<string>() != "reference").Select(m => m!["scenario"]!.GetValue<string>()).Where(s => s != "small-inprocess"),
                scenario => Assert.Contains($", {scenario} ", highWater, StringComparison.Ordinal));
            // The runner uses the GC the API ships with (workstation, HeadlessShop.Api.csproj).
            Assert.Contains(notes, n => n.StartsWith("small-inprocess @ 200, measured window: server_gc=0 ", StringComparison.Ordinal));
        }
        finally
        {
            if (Directory.Exists(results))
            {
                Directory.Delete(results, recursive: true);
            }
        }
    }
}

/// <summary>Tests that run `dotnet publish` of the API share its obj folder, so they run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class PublishCollection
{
    public const string Name = "dotnet publish";
}
