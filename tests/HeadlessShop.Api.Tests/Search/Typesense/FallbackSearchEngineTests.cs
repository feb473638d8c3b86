using System.Diagnostics.Metrics;
using HeadlessShop.Api.Infrastructure;
using HeadlessShop.Api.Search;
using HeadlessShop.Api.Search.Typesense;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HeadlessShop.Api.Tests.Search.Typesense;

/// <summary>
/// The application's <see cref="ISearchEngine"/> with Typesense configured: kill the node mid-test, every search still
/// answers (from the database engine, <c>engine: DATABASE</c>); bring it back, answers switch back to TYPESENSE.
/// </summary>
public sealed class FallbackSearchEngineTests(TypesenseApiFactory factory, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<TypesenseApiFactory>
{
    private static readonly SearchQuery Query = new("snekers", [new FacetSelection("brand", ["Acme", "Zenith"])], 1000, 20000, SearchSortKey.Relevance, false, 20, 0);

    private ISearchEngine Engine => factory.Services.GetRequiredService<ISearchEngine>();

    [Fact]
    public async Task Killing_Typesense_switches_answers_to_the_database_without_a_failed_search_and_restoring_it_switches_back()
    {
        factory.Typesense.AnswerWith("POST", "/multi_search", r => TypesenseStandIn.AnyMultiSearch(r, 3, 2, 1));
        Assert.IsType<FallbackSearchEngine>(Engine);
        await WaitForTypesenseAsync();
        factory.Logs.Clear();
        using var fallbacks = new FallbackCounter();
        var databaseCallsBefore = factory.DatabaseEngine.Calls;

        var clock = System.Diagnostics.Stopwatch.StartNew();
        factory.Typesense.Stop();
        output.WriteLine($"stand-in stopped in {clock.ElapsedMilliseconds} ms");
        // Sequential and concurrent searches while the node is dead: every one answers.
        var down = new List<SearchHits>();
        for (var i = 0; i < 5; i++)
        {
            clock.Restart();
            down.Add(await Engine.SearchAsync(Query, CancellationToken.None));
            output.WriteLine($"search {i} while down: {down[^1].Engine} in {clock.ElapsedMilliseconds} ms");
        }
        clock.Restart();
        down.AddRange(await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Engine.SearchAsync(Query, CancellationToken.None))));
        output.WriteLine($"20 concurrent searches while down: {clock.ElapsedMilliseconds} ms");

        Assert.All(down, hits => Assert.Equal(SearchEngineKind.Database, hits.Engine));
        Assert.All(down, hits => Assert.Equal([1L], hits.ProductIds));
        Assert.Equal(25, factory.DatabaseEngine.Calls - databaseCallsBefore);
        Assert.True(fallbacks.Total >= 25, $"search.fallbacks counted {fallbacks.Total}");
        var warning = Assert.Single(factory.Logs.Entries, e => e.Level == LogLevel.Warning && e.Category.EndsWith(nameof(FallbackSearchEngine), StringComparison.Ordinal));
        Assert.Contains("answered by the database engine", warning.Message, StringComparison.Ordinal);
        Assert.Contains(factory.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("circuit opened", StringComparison.Ordinal));
        // Readiness reports the outage as degraded (search still answers), never as unready.
        using var http = factory.CreateClient();
        using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        var check = System.Text.Json.Nodes.JsonNode.Parse(await ready.Content.ReadAsStringAsync())!["checks"]!["typesense"]!;
        Assert.Equal("Degraded", check["status"]!.GetValue<string>());
        Assert.Contains("search uses the database", check["description"]!.GetValue<string>(), StringComparison.Ordinal);

        clock.Restart();
        factory.Typesense.Restart();
        output.WriteLine($"stand-in restarted in {clock.ElapsedMilliseconds} ms");
        clock.Restart();
        // The open circuit keeps answering from the database until its half-open probe reaches the node again.
        var recovered = await WaitForTypesenseAsync();
        output.WriteLine($"back on Typesense after {recovered.Before.Count} more database answers, {clock.ElapsedMilliseconds} ms");
        Assert.All(recovered.Before, hits => Assert.Equal(SearchEngineKind.Database, hits.Engine));
        for (var i = 0; i < 5; i++)
        {
            var hits = await Engine.SearchAsync(Query, CancellationToken.None);
            Assert.Equal(SearchEngineKind.Typesense, hits.Engine);
            Assert.Equal([3L, 2L, 1L], hits.ProductIds);
        }
        Assert.Contains(factory.Logs.Entries, e => e.Message.Contains("Typesense answers searches again", StringComparison.Ordinal));
        using var readyAgain = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal("Healthy", System.Text.Json.Nodes.JsonNode.Parse(await readyAgain.Content.ReadAsStringAsync())!["checks"]!["typesense"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_Typesense_that_stops_answering_in_time_is_a_fallback_too()
    {
        factory.Typesense.AnswerWith("POST", "/multi_search", r => TypesenseStandIn.AnyMultiSearch(r, 3));
        await WaitForTypesenseAsync();

        // Slower than the per-attempt timeout (1 s): every attempt times out, then the circuit opens.
        factory.Typesense.AnswerWith("POST", "/multi_search", r => TypesenseStandIn.AnyMultiSearch(r, 3), delay: TimeSpan.FromSeconds(10));
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Engine.SearchAsync(Query, CancellationToken.None)));
        Assert.All(answers, hits => Assert.Equal(SearchEngineKind.Database, hits.Engine));

        factory.Typesense.AnswerWith("POST", "/multi_search", r => TypesenseStandIn.AnyMultiSearch(r, 4));
        var recovered = await WaitForTypesenseAsync();
        Assert.Equal([4L], recovered.Hits.ProductIds);
    }

    [Fact]
    public async Task Bad_input_is_not_an_outage_it_reaches_the_caller()
    {
        factory.Typesense.AnswerWith("POST", "/multi_search", r => TypesenseStandIn.AnyMultiSearch(r, 3));
        await WaitForTypesenseAsync();
        var databaseCalls = factory.DatabaseEngine.Calls;

        await Assert.ThrowsAsync<HeadlessShop.Api.GraphQL.BadUserInputException>(() =>
            Engine.SearchAsync(Query with { Facets = [new FacetSelection("brand", ["`"])] }, CancellationToken.None));
        Assert.Equal(databaseCalls, factory.DatabaseEngine.Calls);
    }

    /// <summary>Searches until Typesense answers (the breaker's half-open probe succeeded); bounded, every search must answer.</summary>
    private async Task<(SearchHits Hits, IReadOnlyList<SearchHits> Before)> WaitForTypesenseAsync()
    {
        var before = new List<SearchHits>();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var hits = await Engine.SearchAsync(Query, CancellationToken.None);
            if (hits.Engine == SearchEngineKind.Typesense)
            {
                return (hits, before);
            }
            before.Add(hits);
            // The circuit's break duration (500 ms) is wall-clock time in Polly: poll it, never longer than 100 x 100 ms.
            await Task.Delay(100);
        }
        throw new InvalidOperationException("Typesense did not answer again within 10 s of polling.");
    }

    /// <summary>Sums search.fallbacks measurements while alive (other tests may add to it, so assert lower bounds).</summary>
    private sealed class FallbackCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _total;

        public FallbackCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ShopMetrics.MeterName && instrument.Name == "search.fallbacks")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public void Dispose() => _listener.Dispose();
    }
}
