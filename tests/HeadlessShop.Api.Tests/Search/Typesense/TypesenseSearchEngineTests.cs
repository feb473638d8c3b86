using System.Text.Json.Nodes;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Search;
using HeadlessShop.Api.Search.Typesense;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HeadlessShop.Api.Tests.Search.Typesense;

/// <summary>SearchQuery to multi_search and back: disjunctive facets, price buckets, safe filters, sorting, paging, typo correction.</summary>
public sealed class TypesenseSearchEngineTests : IDisposable
{
    private readonly TypesenseStandIn _typesense = new();

    public void Dispose() => _typesense.Dispose();

    private static SearchQuery Query(string text, IReadOnlyList<FacetSelection>? facets = null, long? priceMin = null, long? priceMax = null,
        SearchSortKey sort = SearchSortKey.Relevance, bool reverse = false, int first = 20, int offset = 0) =>
        new(text, facets ?? [], priceMin, priceMax, sort, reverse, first, offset);

    private static ISearchEngine Engine(IHost host) => host.Services.GetRequiredKeyedService<ISearchEngine>(SearchEngineKind.Typesense);

    [Fact]
    public async Task Acceptance_query_snekers_two_brands_and_a_price_range_maps_hits_disjunctive_facets_and_price_buckets()
    {
        // What Typesense answers for the three searches the engine sends, in request order.
        _typesense.Answer("POST", "/multi_search", 200, TypesenseStandIn.MultiSearchResponse(
            TypesenseStandIn.SearchResult(3,
                [
                    TypesenseStandIn.Hit(12, "name", "Acme Running <mark>Sneakers</mark>", "Sneakers"),
                    TypesenseStandIn.Hit(7, "name", "Zenith <mark>Sneakers</mark>", "Sneakers"),
                    TypesenseStandIn.Hit(31, "name", "Acme Court <mark>Sneakers</mark>", "Sneakers"),
                ],
                TypesenseStandIn.Facet("category", ("sneakers", 3)),
                TypesenseStandIn.Facet("colors", ("White", 3), ("Black", 1)),
                TypesenseStandIn.Facet("sizes", ("42", 2), ("43", 2), ("41", 1))),
            TypesenseStandIn.SearchResult(9, [], TypesenseStandIn.Facet("brand", ("Acme", 2), ("Nordwind", 5), ("Zenith", 1))),
            TypesenseStandIn.SearchResult(4, [], TypesenseStandIn.Facet("price_min", ("b0", 1), ("b2", 2), ("b4", 1)))));
        using var host = TypesenseTestHost.Start(_typesense.Url);

        var hits = await Engine(host).SearchAsync(
            Query("snekers", [new FacetSelection("brand", ["Acme", "Zenith"])], priceMin: 1000, priceMax: 20000, first: 20), CancellationToken.None);

        Assert.Equal([12L, 7L, 31L], hits.ProductIds);
        Assert.Equal(3, hits.TotalCount);
        Assert.Equal(SearchEngineKind.Typesense, hits.Engine);
        Assert.Equal("sneakers", hits.CorrectedQuery);
        Assert.Equal(["brand", "category", "color", "size"], hits.Facets.Select(f => f.Name));
        // Brand counts come from the search without the brand selection: the shopper sees what widening would add.
        Assert.Equal(
            [new FacetValueCount("Nordwind", 5, false), new FacetValueCount("Acme", 2, true), new FacetValueCount("Zenith", 1, true)],
            hits.Facets[0].Values);
        Assert.Equal([new FacetValueCount("sneakers", 3, false)], hits.Facets[1].Values);
        Assert.Equal([new FacetValueCount("White", 3, false), new FacetValueCount("Black", 1, false)], hits.Facets[2].Values);
        Assert.Equal(["42", "43", "41"], hits.Facets[3].Values.Select(v => v.Value));
        Assert.Equal(
            [
                new PriceBucketCount(0, 2500, 1), new PriceBucketCount(2500, 5000, 0), new PriceBucketCount(5000, 10000, 2),
                new PriceBucketCount(10000, 20000, 0), new PriceBucketCount(20000, 50000, 1), new PriceBucketCount(50000, null, 0),
            ],
            hits.PriceBuckets);

        var request = Assert.Single(_typesense.RequestsTo("POST", "/multi_search"));
        Assert.Equal(TypesenseStandIn.ApiKey, request.Headers!["X-TYPESENSE-API-KEY"].Single());
        var searches = TypesenseStandIn.Searches(request);
        Assert.Equal(3, searches.Count);
        var main = searches[0]!;
        Assert.Equal("products", main["collection"]!.GetValue<string>());
        Assert.Equal("snekers", main["q"]!.GetValue<string>());
        Assert.Equal("name,brand,category_name,skus,description", main["query_by"]!.GetValue<string>());
        Assert.Equal("10,6,4,3,1", main["query_by_weights"]!.GetValue<string>());
        Assert.Equal("2,2,2,0,2", main["num_typos"]!.GetValue<string>());
        Assert.Equal("brand:=[`Acme`, `Zenith`] && price_min:[1000..20000]", main["filter_by"]!.GetValue<string>());
        Assert.Equal("category,colors,sizes", main["facet_by"]!.GetValue<string>());
        Assert.Equal("_text_match:desc,product_id:asc", main["sort_by"]!.GetValue<string>());
        Assert.Equal(0, main["offset"]!.GetValue<int>());
        Assert.Equal(20, main["limit"]!.GetValue<int>());
        Assert.Equal(50, main["max_facet_values"]!.GetValue<int>());
        var brand = searches[1]!;
        Assert.Equal("price_min:[1000..20000]", brand["filter_by"]!.GetValue<string>());
        Assert.Equal("brand", brand["facet_by"]!.GetValue<string>());
        Assert.Equal(0, brand["per_page"]!.GetValue<int>());
        var price = searches[2]!;
        Assert.Equal("brand:=[`Acme`, `Zenith`]", price["filter_by"]!.GetValue<string>());
        Assert.Equal("price_min(b0:[0, 2500], b1:[2500, 5000], b2:[5000, 10000], b3:[10000, 20000], b4:[20000, 50000], b5:[50000, ])",
            price["facet_by"]!.GetValue<string>());
        Assert.Equal(0, price["per_page"]!.GetValue<int>());
    }

    [Fact]
    public async Task Browse_without_selections_is_one_search_that_facets_everything_including_the_price_ranges()
    {
        _typesense.AnswerWith("POST", "/multi_search", r => TypesenseStandIn.AnyMultiSearch(r, 1, 2));
        using var host = TypesenseTestHost.Start(_typesense.Url);

        var hits = await Engine(host).SearchAsync(Query("  ", first: 10, offset: 30), CancellationToken.None);

        Assert.Null(hits.CorrectedQuery);
        Assert.All(hits.PriceBuckets, b => Assert.Equal(0, b.Count));
        var search = Assert.Single(TypesenseStandIn.Searches(Assert.Single(_typesense.RequestsTo("POST", "/multi_search"))))!;
        Assert.Equal("*", search["q"]!.GetValue<string>());
        Assert.Null(search["filter_by"]);
        Assert.StartsWith("brand,category,colors,sizes,price_min(b0:[0, 2500]", search["facet_by"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("product_id:asc", search["sort_by"]!.GetValue<string>());
        Assert.Equal(30, search["offset"]!.GetValue<int>());
        Assert.Equal(10, search["limit"]!.GetValue<int>());
    }

    [Fact]
    public async Task Two_selected_facets_each_get_a_search_with_only_the_other_selection()
    {
        _typesense.AnswerWith("POST", "/multi_search", r => TypesenseStandIn.AnyMultiSearch(r, 5));
        using var host = TypesenseTestHost.Start(_typesense.Url);

        var hits = await Engine(host).SearchAsync(
            Query("shirt", [new FacetSelection("color", ["Blue"]), new FacetSelection("size", ["M", "L"])]), CancellationToken.None);

        var searches = TypesenseStandIn.Searches(Assert.Single(_typesense.RequestsTo("POST", "/multi_search")));
        Assert.Equal(
            ["colors:=[`Blue`] && sizes:=[`M`, `L`]", "sizes:=[`M`, `L`]", "colors:=[`Blue`]"],
            searches.Select(s => s!["filter_by"]!.GetValue<string>()));
        Assert.Equal(["brand,category,price_min(b0:[0, 2500], b1:[2500, 5000], b2:[5000, 10000], b3:[10000, 20000], b4:[20000, 50000], b5:[50000, ])", "colors", "sizes"],
            searches.Select(s => s!["facet_by"]!.GetValue<string>()));
        // Selected values show even when the answer has no count for them, so they can be unselected.
        Assert.Equal([new FacetValueCount("Blue", 0, true)], hits.Facets.Single(f => f.Name == "color").Values);
        Assert.Equal([new FacetValueCount("L", 0, true), new FacetValueCount("M", 0, true)], hits.Facets.Single(f => f.Name == "size").Values);
    }

    [Theory]
    [InlineData("Acme, Zenith", "brand:=[`Acme, Zenith`]")]
    [InlineData("Acme] || brand:=[Zenith", "brand:=[`Acme] || brand:=[Zenith`]")]
    [InlineData("x && price_min:>0", "brand:=[`x && price_min:>0`]")]
    [InlineData("(Sneaker) Men", "brand:=[`(Sneaker) Men`]")]
    public async Task Filter_values_with_syntax_characters_stay_inside_one_backtick_literal(string value, string expected)
    {
        _typesense.AnswerWith("POST", "/multi_search", r => TypesenseStandIn.AnyMultiSearch(r));
        using var host = TypesenseTestHost.Start(_typesense.Url);

        await Engine(host).SearchAsync(Query("shoe", [new FacetSelection("brand", [value])]), CancellationToken.None);

        var searches = TypesenseStandIn.Searches(Assert.Single(_typesense.RequestsTo("POST", "/multi_search")));
        Assert.Equal(expected, searches[0]!["filter_by"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Acme`] || brand:=[`Zenith")]
    [InlineData("`")]
    public async Task A_filter_value_with_a_backtick_is_rejected_before_anything_is_sent(string value)
    {
        using var host = TypesenseTestHost.Start(_typesense.Url);

        var ex = await Assert.ThrowsAsync<BadUserInputException>(() =>
            Engine(host).SearchAsync(Query("shoe", [new FacetSelection("brand", [value])]), CancellationToken.None));

        Assert.Equal("input.facets", ex.Data["argument"]);
        Assert.Empty(_typesense.RequestsTo("POST", "/multi_search"));
    }

    [Fact]
    public async Task An_unknown_facet_is_bad_input()
    {
        using var host = TypesenseTestHost.Start(_typesense.Url);
        await Assert.ThrowsAsync<BadUserInputException>(() =>
            Engine(host).SearchAsync(Query("shoe", [new FacetSelection("material", ["Leather"])]), CancellationToken.None));
    }

    [Theory]
    [InlineData(SearchSortKey.Name, false, "name:asc,product_id:asc")]
    [InlineData(SearchSortKey.Name, true, "name:desc,product_id:desc")]
    [InlineData(SearchSortKey.Price, false, "price_min:asc,product_id:asc")]
    [InlineData(SearchSortKey.Price, true, "price_min:desc,product_id:desc")]
    [InlineData(SearchSortKey.CreatedAt, false, "created_at:asc,product_id:asc")]
    [InlineData(SearchSortKey.Relevance, true, "_text_match:asc,product_id:desc")]
    public void Sort_keys_map_to_sort_by_with_the_id_as_tie_breaker(SearchSortKey key, bool reverse, string expected) =>
        Assert.Equal(expected, TypesenseSearchEngine.SortBy(Query("shoe", sort: key, reverse: reverse)));

    [Theory]
    [InlineData(false, "product_id:asc")]
    [InlineData(true, "product_id:desc")]
    public void Browsing_by_relevance_is_catalog_order_like_the_database_engines(bool reverse, string expected) =>
        Assert.Equal(expected, TypesenseSearchEngine.SortBy(Query("", sort: SearchSortKey.Relevance, reverse: reverse)));

    [Fact]
    public async Task Price_bounds_alone_become_comparisons()
    {
        _typesense.AnswerWith("POST", "/multi_search", r => TypesenseStandIn.AnyMultiSearch(r));
        using var host = TypesenseTestHost.Start(_typesense.Url);

        await Engine(host).SearchAsync(Query("shoe", priceMin: 500), CancellationToken.None);
        await Engine(host).SearchAsync(Query("shoe", priceMax: 900), CancellationToken.None);

        var filters = _typesense.RequestsTo("POST", "/multi_search").Select(r => TypesenseStandIn.Searches(r)[0]!["filter_by"]!.GetValue<string>());
        Assert.Equal(["price_min:>=500", "price_min:<=900"], filters);
    }

    [Theory]
    [InlineData("snekers", new[] { "Sneakers" }, "sneakers")]
    [InlineData("blu shirt", new[] { "Blue", "Shirt" }, "blue shirt")] // only the last word is a prefix: "blu" matched "blue" by a typo
    [InlineData("shirt blu", new[] { "Blue", "Shirt" }, null)] // the open last word starts "blue": a prefix match, not a typo
    [InlineData("Acme  Snekers", new[] { "Acme", "Sneakers" }, "Acme  sneakers")] // the rest of the query is kept as typed
    [InlineData("ab shirt", new[] { "Abc", "Shirt" }, null)] // words under 3 letters are never corrected
    [InlineData("bleu shirt", new[] { "Blue", "Shirt" }, "blue shirt")]
    [InlineData("sneakers", new[] { "Sneakers" }, null)]
    [InlineData("acme snekers", new[] { "Acme", "Sneakers" }, "acme sneakers")]
    [InlineData("xyzzy", new[] { "Sneakers" }, null)]
    public void Corrected_query_replaces_words_the_top_hit_matched_only_through_a_typo(string text, string[] matched, string? expected)
    {
        var hit = JsonNode.Parse(TypesenseStandIn.Hit(1, "name", "", matched).ToJsonString())!;
        var parsed = System.Text.Json.JsonSerializer.Deserialize<TypesenseHit>(hit.ToJsonString(),
            new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web) { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower })!;
        Assert.Equal(expected, TypesenseSearchEngine.CorrectedQuery(text, [parsed]));
    }

    [Fact]
    public async Task Matched_tokens_of_array_fields_are_lists_of_lists_and_still_count()
    {
        _typesense.Answer("POST", "/multi_search", 200, """
            {"results": [{"facet_counts": [], "found": 1, "out_of": 60, "page": 1, "search_time_ms": 1,
              "request_params": {"collection_name": "products", "per_page": 20, "q": "ACM-00001-O"},
              "hits": [{"document": {"id": "9"}, "text_match": 100,
                        "highlights": [{"field": "skus", "indices": [0], "snippets": ["<mark>ACM-00001-0</mark>"],
                                        "matched_tokens": [["ACM-00001-0"]]}]}]}]}
            """);
        using var host = TypesenseTestHost.Start(_typesense.Url);

        var hits = await Engine(host).SearchAsync(Query("ACM-00001-O"), CancellationToken.None);

        Assert.Equal([9L], hits.ProductIds);
        Assert.Equal("acm-00001-0", hits.CorrectedQuery);
    }

    [Theory]
    [InlineData(503, """{"message": "Not Ready or Lagging"}""")]
    [InlineData(200, "not json")]
    [InlineData(200, """{"results": [{"code": 404, "error": "Could not find a field named `brand` in the schema."}]}""")]
    [InlineData(200, """{"results": []}""")]
    public async Task Any_failure_is_SearchUnavailableException(int status, string body)
    {
        _typesense.Answer("POST", "/multi_search", status, body);
        using var host = TypesenseTestHost.Start(_typesense.Url);

        await Assert.ThrowsAsync<SearchUnavailableException>(() => Engine(host).SearchAsync(Query("shoe"), CancellationToken.None));
    }

    [Fact]
    public async Task A_stopped_node_is_SearchUnavailableException()
    {
        using var host = TypesenseTestHost.Start(_typesense.Url);
        _typesense.Stop();

        var ex = await Assert.ThrowsAsync<SearchUnavailableException>(() => Engine(host).SearchAsync(Query("shoe"), CancellationToken.None));
        Assert.IsType<TypesenseException>(ex.InnerException);
    }
}
