using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Infrastructure.Events;
using HeadlessShop.Api.Search;
using HeadlessShop.Api.Search.Typesense;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WireMock;

namespace HeadlessShop.Api.Tests.Search.Typesense;

/// <summary>
/// The whole application on PostgreSQL with <c>Typesense__Url</c> pointing at the stand-in and the REAL database engine
/// as the fallback (nothing faked but the Typesense node). The stand-in answers with ids of this test database's products.
/// </summary>
public sealed class SearchEndToEndFactory : ShopApiFactory
{
    public override int Products => 300;

    public TypesenseStandIn Typesense { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        foreach (var (key, value) in TypesenseTestHost.Settings(Typesense.Url))
        {
            builder.UseSetting(key, value);
        }
        builder.UseSetting("Typesense:SearchAttemptTimeout", "00:00:01");
        builder.UseSetting("Typesense:SearchTotalTimeout", "00:00:03");
        builder.UseSetting("Typesense:CircuitBreakerMinimumThroughput", "2");
        builder.UseSetting("Typesense:CircuitBreakerSamplingDuration", "00:00:05");
        builder.UseSetting("Typesense:CircuitBreakerBreakDuration", "00:00:00.500");
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Typesense.Dispose();
    }
}

public sealed partial class SearchEndToEndTests(SearchEndToEndFactory factory, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<SearchEndToEndFactory>
{
    private const string Search = """
        query Search($input: SearchInput!) {
          search(input: $input) {
            totalCount correctedQuery engine
            facets { name values { value count selected } }
            priceBuckets { min max count }
            hits { totalCount edges { node { id name brand priceRange { min { minorUnits } } } } }
          }
        }
        """;

    private sealed record Row(long Id, string Name, string Brand, string? Category, long Price);

    [GeneratedRegex(@"\bsneakers?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Sneakers();

    /// <summary>Live sneakers of this database (the word in name, brand, category or description, as the engines index it), the two most common brands among them, and the ones matching the acceptance query.</summary>
    private async Task<(List<string> Brands, List<Row> Expected)> AcceptanceRowsAsync()
    {
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        var categories = await db.Categories.ToDictionaryAsync(c => c.Id);
        var rows = (await db.Products.Where(p => p.DeletedAt == null && p.Brand != null).ToListAsync())
            .Where(p => Sneakers().IsMatch($"{p.Name} {p.Brand} {(p.CategoryId is { } c ? categories[c].Name : null)} {p.Description}"))
            .Select(p => new Row(p.Id, p.Name, p.Brand!, p.CategoryId is { } c ? categories[c].Slug : null, p.PriceMinMinor))
            .ToList();
        var brands = rows.GroupBy(r => r.Brand).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(2).Select(g => g.Key).ToList();
        Assert.Equal(2, brands.Count);
        var expected = rows.Where(r => brands.Contains(r.Brand) && r.Price is >= 1000 and <= 20000).OrderBy(r => r.Id).ToList();
        Assert.NotEmpty(expected);
        return (brands, expected);
    }

    private static object AcceptanceInput(IReadOnlyList<string> brands) =>
        new { query = "snekers", facets = new[] { new { name = "brand", values = brands } }, priceMin = 1000, priceMax = 20000, first = 20 };

    /// <summary>
    /// Answers every search of a multi_search the way Typesense would for these rows: the hits search returns them (with
    /// "sneakers" as the matched token), each search reports counts for the fields in its <c>facet_by</c>.
    /// </summary>
    private static (int, string) Answer(IRequestMessage request, IReadOnlyList<Row> hits, int found, IReadOnlyList<string> brands)
    {
        var results = TypesenseStandIn.Searches(request).Select(s =>
        {
            var facetBy = s!["facet_by"]?.GetValue<string>() ?? "";
            var facets = new List<JsonObject>();
            if (facetBy.Contains(TypesenseProductSchema.Brand, StringComparison.Ordinal))
            {
                facets.Add(TypesenseStandIn.Facet(TypesenseProductSchema.Brand, (brands[0], 7), (brands[1], 4), ("Zz Other", 3)));
            }
            if (facetBy.Contains(TypesenseProductSchema.Category, StringComparison.Ordinal))
            {
                facets.Add(TypesenseStandIn.Facet(TypesenseProductSchema.Category, ("shoes", 9)));
            }
            if (facetBy.Contains(TypesenseProductSchema.Colors, StringComparison.Ordinal))
            {
                facets.Add(TypesenseStandIn.Facet(TypesenseProductSchema.Colors, ("Black", 5), ("White", 5), ("Red", 2)));
            }
            if (facetBy.Contains(TypesenseProductSchema.Sizes, StringComparison.Ordinal))
            {
                facets.Add(TypesenseStandIn.Facet(TypesenseProductSchema.Sizes, ("42", 6)));
            }
            if (facetBy.Contains($"{TypesenseProductSchema.PriceMin}(", StringComparison.Ordinal))
            {
                facets.Add(TypesenseStandIn.Facet(TypesenseProductSchema.PriceMin, ("b1", 3), ("b2", 5), ("b3", 2), ("b5", 1)));
            }
            var page = s["per_page"]?.GetValue<int>() == 0 ? [] : hits;
            return TypesenseStandIn.SearchResult(found, page.Select(r => TypesenseStandIn.Hit(r.Id, "name", "<mark>Sneakers</mark>", "Sneakers")), facets.ToArray());
        }).ToArray();
        return (200, TypesenseStandIn.MultiSearchResponse(results));
    }

    private async Task<JsonNode> SearchOkAsync(HttpClient client, object input)
    {
        var response = await client.GraphQLAsync(Search, new { input });
        Assert.Equal(HttpStatusCode.OK, response.Http.StatusCode);
        return response.OkData()["search"]!;
    }

    private static List<long> HitIds(JsonNode search) =>
        search["hits"]!["edges"]!.AsArray().Select(e => GlobalId.Decode(e!["node"]!["id"]!.GetValue<string>(), NodeKind.Product, "id")).ToList();

    [Fact]
    public async Task The_acceptance_query_over_HTTP_is_answered_by_Typesense_with_real_products_facets_buckets_and_correction()
    {
        var (brands, expected) = await AcceptanceRowsAsync();
        factory.Typesense.AnswerWith("POST", "/multi_search", r => Answer(r, expected.Take(20).ToList(), expected.Count, brands));
        factory.Typesense.ClearRequests();
        using var client = factory.CreateClient();

        var search = await SearchOkAsync(client, AcceptanceInput(brands));

        Assert.Equal("TYPESENSE", search["engine"]!.GetValue<string>());
        Assert.Equal("sneakers", search["correctedQuery"]!.GetValue<string>());
        Assert.Equal(expected.Count, search["totalCount"]!.GetValue<int>());
        // Hits are the stand-in's ids in its order, resolved to the real products of this database.
        Assert.Equal(expected.Take(20).Select(r => r.Id), HitIds(search));
        var nodes = search["hits"]!["edges"]!.AsArray().Select(e => e!["node"]!).ToList();
        Assert.Equal(expected.Take(20).Select(r => r.Name), nodes.Select(n => n["name"]!.GetValue<string>()));
        Assert.Equal(expected.Take(20).Select(r => r.Price), nodes.Select(n => n["priceRange"]!["min"]!["minorUnits"]!.GetValue<long>()));

        var brand = search["facets"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "brand")!["values"]!.AsArray();
        Assert.Equal([(brands[0], 7, true), (brands[1], 4, true), ("Zz Other", 3, false)],
            brand.Select(v => (v!["value"]!.GetValue<string>(), v["count"]!.GetValue<int>(), v["selected"]!.GetValue<bool>())));
        var color = search["facets"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "color")!["values"]!.AsArray();
        Assert.Equal(["Black", "White", "Red"], color.Select(v => v!["value"]!.GetValue<string>()));
        Assert.Equal(["brand", "category", "color", "size"], search["facets"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()));
        var buckets = search["priceBuckets"]!.AsArray();
        Assert.Equal(SearchFacets.PriceBucketEdges, buckets.Select(b => b!["min"]!.GetValue<long>()));
        Assert.Equal([0, 3, 5, 2, 0, 1], buckets.Select(b => b!["count"]!.GetValue<int>()));

        // What went over the wire: one multi_search carrying the selection, the inclusive price range and the typo.
        var request = Assert.Single(factory.Typesense.RequestsTo("POST", "/multi_search"));
        var searches = TypesenseStandIn.Searches(request);
        Assert.Equal("snekers", searches[0]!["q"]!.GetValue<string>());
        Assert.Equal($"brand:=[`{brands[0]}`, `{brands[1]}`] && price_min:[1000..20000]", searches[0]!["filter_by"]!.GetValue<string>());
    }

    [Fact]
    public async Task Killing_the_node_under_load_switches_HTTP_answers_to_the_real_database_engine_without_a_failed_request_and_back()
    {
        var (brands, expected) = await AcceptanceRowsAsync();
        // The stand-in's hits are a marker the database cannot produce: only the lowest-id hit, so the engines are told apart by data too.
        var typesenseHits = expected.Take(1).ToList();
        factory.Typesense.AnswerWith("POST", "/multi_search", r => Answer(r, typesenseHits, 1, brands));
        using var client = factory.CreateClient();
        Assert.Equal("TYPESENSE", (await WaitForEngineAsync(client, brands, "TYPESENSE"))["engine"]!.GetValue<string>());

        // Four clients search without pause while the node is killed and brought back; every answer is collected.
        var answers = new ConcurrentQueue<(string Engine, JsonNode Search)>();
        var failures = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var sawDatabase = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            using var c = factory.CreateClient();
            for (var i = 0; i < 2_000 && !stop.IsCancellationRequested; i++)
            {
                var response = await c.GraphQLAsync(Search, new { input = AcceptanceInput(brands) });
                if (response.Http.StatusCode != HttpStatusCode.OK || response.Errors is not null || response.Data?["search"] is not JsonNode s)
                {
                    failures.Enqueue($"HTTP {(int)response.Http.StatusCode}: {response.Body.ToJsonString()}");
                    continue;
                }
                var engine = s["engine"]!.GetValue<string>();
                answers.Enqueue((engine, s));
                if (engine == "DATABASE")
                {
                    sawDatabase.TrySetResult();
                }
            }
        })).ToList();

        factory.Typesense.Stop();
        await sawDatabase.Task.WaitAsync(TimeSpan.FromSeconds(60));
        // A few more searches while it is down, then the node comes back.
        var downFrom = answers.Count;
        using (var more = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (answers.Count < downFrom + 20)
            {
                await Task.Delay(20, more.Token);
            }
        }
        factory.Typesense.Restart();
        var back = await WaitForEngineAsync(client, brands, "TYPESENSE");
        await stop.CancelAsync();
        await Task.WhenAll(load);

        output.WriteLine($"answers under load: {answers.Count(a => a.Engine == "TYPESENSE")} TYPESENSE, {answers.Count(a => a.Engine == "DATABASE")} DATABASE, {failures.Count} failed");
        Assert.Empty(failures);
        Assert.Equal(typesenseHits.Select(r => r.Id), HitIds(back));
        var database = answers.Where(a => a.Engine == "DATABASE").Select(a => a.Search).ToList();
        Assert.True(database.Count >= 20, $"{database.Count} database answers");
        Assert.All(answers, a => Assert.Contains(a.Engine, new[] { "TYPESENSE", "DATABASE" }));
        // The database answers come from PostgreSQL: every matching product, typo corrected by the vocabulary, real counts.
        Assert.All(database, s =>
        {
            Assert.Equal(expected.Count, s["totalCount"]!.GetValue<int>());
            Assert.Equal(Math.Min(20, expected.Count), HitIds(s).Count);
            Assert.Subset(expected.Select(r => r.Id).ToHashSet(), HitIds(s).ToHashSet());
            Assert.Equal("sneakers", s["correctedQuery"]!.GetValue<string>());
            var brandCounts = s["facets"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "brand")!["values"]!.AsArray();
            Assert.DoesNotContain(brandCounts, v => v!["value"]!.GetValue<string>() == "Zz Other");
        });
        Assert.True(expected.Count > 1, "the database answer must differ from the stand-in's single hit");
        Assert.All(answers.Where(a => a.Engine == "TYPESENSE"), a => Assert.Equal(typesenseHits.Select(r => r.Id), HitIds(a.Search)));
    }

    /// <summary>Searches until <paramref name="engine"/> answers (the breaker's break duration is wall-clock time in Polly); bounded, every search must answer.</summary>
    private async Task<JsonNode> WaitForEngineAsync(HttpClient client, IReadOnlyList<string> brands, string engine)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var search = await SearchOkAsync(client, AcceptanceInput(brands));
            if (search["engine"]!.GetValue<string>() == engine)
            {
                return search;
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"{engine} did not answer within 100 polls.");
    }

    [Fact]
    public async Task A_committed_product_change_is_upserted_into_Typesense_by_the_indexing_consumer()
    {
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        var id = await db.Products.Where(p => p.DeletedAt == null).OrderByDescending(p => p.Id).Select(p => p.Id).FirstAsync();
        var idText = id.ToString(CultureInfo.InvariantCulture);
        var upserted = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        factory.Typesense.AnswerWith("POST", "/collections/products/documents/import",
            r => (200, string.Join('\n', r.Body!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(_ => """{"success": true}"""))),
            onArrival: r =>
            {
                foreach (var line in r.Body!.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (JsonNode.Parse(line)!["id"]?.GetValue<string>() == idText)
                    {
                        upserted.TrySetResult(line);
                    }
                }
            });

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var product = await db.Products.AsTracking().SingleAsync(p => p.Id == id);
            product.Name = "Quokka Trail Sneakers";
            product.UpdatedAt = DateTime.UtcNow;
            db.EnqueueProductChanged(id, DateTime.UtcNow);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }
        factory.Services.GetRequiredService<OutboxSignal>().Notify();

        var document = JsonNode.Parse(await upserted.Task.WaitAsync(TimeSpan.FromSeconds(30)))!;
        Assert.Equal("Quokka Trail Sneakers", document[TypesenseProductSchema.Name]!.GetValue<string>());
        Assert.Equal(id, document[TypesenseProductSchema.ProductId]!.GetValue<long>());
        // The arrival hook fires before WireMock logs the request (it logs once answered): give the log a moment, bounded.
        var import = factory.Typesense.RequestsTo("POST", "/collections/products/documents/import")
            .FirstOrDefault(r => r.Body!.Contains($"\"id\":\"{idText}\"", StringComparison.Ordinal));
        for (var attempt = 0; import is null && attempt < 100; attempt++)
        {
            await Task.Delay(50);
            import = factory.Typesense.RequestsTo("POST", "/collections/products/documents/import")
                .FirstOrDefault(r => r.Body!.Contains($"\"id\":\"{idText}\"", StringComparison.Ordinal));
        }
        Assert.NotNull(import);
        Assert.Equal("upsert", import.Query!["action"].Single());
    }
}
