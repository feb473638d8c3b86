using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Catalog.Caching;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Infrastructure.Events;
using HeadlessShop.Api.Search;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Search;

/// <summary>
/// One behaviour suite for both database engines. Expected hits, facet counts and buckets are computed here from the
/// rows themselves (a word match over name, brand, category and description), never copied from an engine's answer.
/// </summary>
public abstract partial class SearchBehaviourTests(SearchApiFactory factory)
{
    private const string Search = """
        query Search($input: SearchInput!) {
          search(input: $input) {
            totalCount correctedQuery engine
            facets { name values { value count selected } }
            priceBuckets { min max count }
            hits {
              totalCount
              pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
              edges { cursor node { id name brand priceRange { min { minorUnits } } } }
            }
          }
        }
        """;

    private sealed record Row(long Id, string Name, string? Brand, string? Category, string Text, long Price, IReadOnlyList<string> Colors, IReadOnlyList<string> Sizes);

    [GeneratedRegex(@"\bsneakers?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Sneakers();

    private async Task<List<Row>> LiveProductsAsync()
    {
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        var categories = await db.Categories.ToDictionaryAsync(c => c.Id);
        var products = await db.Products.Where(p => p.DeletedAt == null).Include(p => p.Variants).ToListAsync();
        return products.Select(p =>
        {
            var category = p.CategoryId is { } id ? categories[id] : null;
            return new Row(p.Id, p.Name, p.Brand, category?.Slug, $"{p.Name} {p.Brand} {category?.Name} {p.Description}", p.PriceMinMinor,
                SearchDocument.ValuesOf(p.Variants, "color"), SearchDocument.ValuesOf(p.Variants, "size"));
        }).ToList();
    }

    /// <summary>PostgreSQL reads the search generation before a search (the result cache's key); SQLite has no cache.</summary>
    private int GenerationStatements => factory.Database == TestDatabaseKind.Postgres ? 1 : 0;

    private static int Bucket(long price) => SearchFacets.PriceBucketEdges.Count(edge => price >= edge) - 1;

    private static Dictionary<string, int> Counts(IEnumerable<string?> values) =>
        values.OfType<string>().GroupBy(v => v, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    private static Dictionary<string, int> FacetCounts(JsonNode search, string facet) =>
        search["facets"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == facet)!["values"]!.AsArray()
            .Where(v => v!["count"]!.GetValue<int>() > 0)
            .ToDictionary(v => v!["value"]!.GetValue<string>(), v => v!["count"]!.GetValue<int>(), StringComparer.Ordinal);

    private static long IdOf(JsonNode edge) => GlobalIdToLong(edge["node"]!["id"]!.GetValue<string>());

    private static long GlobalIdToLong(string id) => GlobalId.Decode(id, NodeKind.Product, "id");

    private async Task<JsonNode> SearchAsync(object input)
    {
        var response = await factory.CreateClient().GraphQLAsync(Search, new { input });
        return response.OkData()["search"]!;
    }

    [Fact]
    public async Task The_acceptance_query_returns_hits_disjunctive_facet_counts_and_price_buckets()
    {
        var rows = await LiveProductsAsync();
        var matching = rows.Where(r => Sneakers().IsMatch(r.Text)).ToList();
        var brands = matching.GroupBy(r => r.Brand!).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(2).Select(g => g.Key).ToList();
        Assert.Equal(2, brands.Count);
        bool InPrice(Row r) => r.Price is >= 1000 and <= 20000;
        bool InBrands(Row r) => brands.Contains(r.Brand!);

        var search = await SearchAsync(new { query = "snekers", facets = new[] { new { name = "brand", values = brands } }, priceMin = 1000, priceMax = 20000, first = 20 });

        var expectedHits = matching.Where(r => InPrice(r) && InBrands(r)).ToList();
        Assert.NotEmpty(expectedHits);
        Assert.Equal("sneakers", search["correctedQuery"]!.GetValue<string>());
        Assert.Equal("DATABASE", search["engine"]!.GetValue<string>());
        Assert.Equal(expectedHits.Count, search["totalCount"]!.GetValue<int>());
        var hitIds = search["hits"]!["edges"]!.AsArray().Select(e => IdOf(e!)).ToList();
        Assert.Equal(Math.Min(20, expectedHits.Count), hitIds.Count);
        Assert.Subset(expectedHits.Select(r => r.Id).ToHashSet(), hitIds.ToHashSet());

        // Disjunctive: each facet's counts apply every other selection (and the price range), not its own.
        Assert.Equal(Counts(matching.Where(InPrice).Select(r => r.Brand)), FacetCounts(search, "brand"));
        var selected = matching.Where(r => InPrice(r) && InBrands(r)).ToList();
        Assert.Equal(Counts(selected.Select(r => r.Category)), FacetCounts(search, "category"));
        Assert.Equal(Counts(selected.SelectMany(r => r.Colors)), FacetCounts(search, "color"));
        Assert.Equal(Counts(selected.SelectMany(r => r.Sizes)), FacetCounts(search, "size"));
        var brandValues = search["facets"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "brand")!["values"]!.AsArray();
        Assert.All(brandValues, v => Assert.Equal(brands.Contains(v!["value"]!.GetValue<string>()), v["selected"]!.GetValue<bool>()));

        // Buckets apply the facet selections but not the price range itself, so a shopper can widen it.
        var buckets = search["priceBuckets"]!.AsArray();
        Assert.Equal(SearchFacets.PriceBucketEdges, buckets.Select(b => b!["min"]!.GetValue<long>()));
        Assert.Null(buckets[^1]!["max"]);
        var expectedBuckets = matching.Where(InBrands).GroupBy(r => Bucket(r.Price)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(
            Enumerable.Range(0, SearchFacets.PriceBucketEdges.Count).Select(i => expectedBuckets.GetValueOrDefault(i)),
            buckets.Select(b => b!["count"]!.GetValue<int>()));
    }

    [Theory]
    [InlineData("sneakers", "RELEVANCE", false)]
    [InlineData("", "PRICE", false)]
    [InlineData("", "NAME", true)]
    [InlineData("classic", "CREATED_AT", true)]
    public async Task Paging_with_after_returns_every_hit_exactly_once(string query, string key, bool reverse)
    {
        var seen = new List<long>();
        string? after = null;
        var total = -1;
        for (var page = 0; page < 100; page++)
        {
            var search = await SearchAsync(new { query, sort = new { key, reverse }, first = 11, after });
            total = search["totalCount"]!.GetValue<int>();
            var hits = search["hits"]!;
            seen.AddRange(hits["edges"]!.AsArray().Select(e => IdOf(e!)));
            Assert.Equal(after is not null, hits["pageInfo"]!["hasPreviousPage"]!.GetValue<bool>());
            if (!hits["pageInfo"]!["hasNextPage"]!.GetValue<bool>())
            {
                break;
            }
            after = hits["pageInfo"]!["endCursor"]!.GetValue<string>();
        }

        Assert.True(total > 11, $"the query should span pages; it has {total} hits");
        Assert.Equal(total, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task Sorting_by_price_orders_by_the_lowest_price_and_reverse_flips_it()
    {
        var ascending = await SearchAsync(new { query = "", sort = new { key = "PRICE" }, first = 100 });
        var descending = await SearchAsync(new { query = "", sort = new { key = "PRICE", reverse = true }, first = 100 });
        static List<long> Prices(JsonNode s) => s["hits"]!["edges"]!.AsArray().Select(e => e!["node"]!["priceRange"]!["min"]!["minorUnits"]!.GetValue<long>()).ToList();

        Assert.Equal(Prices(ascending).Order(), Prices(ascending));
        Assert.Equal(Prices(descending).OrderDescending(), Prices(descending));
        var rows = await LiveProductsAsync();
        Assert.Equal(rows.Min(r => r.Price), Prices(ascending)[0]);
        Assert.Equal(rows.Max(r => r.Price), Prices(descending)[0]);
    }

    [Fact]
    public async Task An_empty_query_browses_every_live_product_with_facets()
    {
        var rows = await LiveProductsAsync();

        var search = await SearchAsync(new { query = "  ", facets = new[] { new { name = "color", values = new[] { "Black" } } }, first = 5 });

        var black = rows.Where(r => r.Colors.Contains("Black")).ToList();
        Assert.Equal(black.Count, search["totalCount"]!.GetValue<int>());
        Assert.Null(search["correctedQuery"]);
        Assert.Equal(Counts(rows.SelectMany(r => r.Colors)), FacetCounts(search, "color"));
        Assert.Equal(Counts(black.Select(r => r.Brand)), FacetCounts(search, "brand"));
    }

    [Fact]
    public async Task A_typo_inside_a_multi_word_query_is_corrected()
    {
        var rows = await LiveProductsAsync();
        var expected = rows.Where(r => Regex.IsMatch(r.Text, @"\bblue\b", RegexOptions.IgnoreCase) && Regex.IsMatch(r.Text, @"\bshirts?\b", RegexOptions.IgnoreCase)).ToList();

        var search = await SearchAsync(new { query = "blu shirt", first = 100 });

        Assert.Equal("blue shirt", search["correctedQuery"]!.GetValue<string>());
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Select(r => r.Id).Order(), search["hits"]!["edges"]!.AsArray().Select(e => IdOf(e!)).Order());
    }

    [Fact]
    public async Task A_deleted_product_disappears_from_hits_and_counts()
    {
        var before = await SearchAsync(new { query = "sneakers", first = 100 });
        var victim = IdOf(before["hits"]!["edges"]![0]!);
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            await db.Products.Where(p => p.Id == victim).ExecuteUpdateAsync(s => s.SetProperty(p => p.DeletedAt, DateTime.UtcNow));
        }

        var after = await SearchAsync(new { query = "sneakers", first = 100 });
        var browse = await SearchAsync(new { query = "", first = 0 });

        Assert.DoesNotContain(victim, after["hits"]!["edges"]!.AsArray().Select(e => IdOf(e!)));
        Assert.Equal(before["totalCount"]!.GetValue<int>() - 1, after["totalCount"]!.GetValue<int>());
        Assert.Equal((await LiveProductsAsync()).Count, browse["totalCount"]!.GetValue<int>());
    }

    public static TheoryData<string, string> BadInputs() => new()
    {
        { """{"query": "QUERY1000"}""", "input.query" },
        { """{"query": "x", "facets": [{"name": "flavour", "values": ["salty"]}]}""", "input.facets" },
        { """{"query": "x", "facets": [{"name": "brand", "values": ["a"]}, {"name": "brand", "values": ["b"]}]}""", "input.facets" },
        { """{"query": "x", "facets": [{"name": "color", "values": VALUES51}]}""", "input.facets" },
        { """{"query": "x", "facets": [{"name": "brand", "values": ["Acme`] || brand:=[`x"]}]}""", "input.facets" },
        { """{"query": "QUERY201"}""", "input.query" },
        { """{"query": "x", "priceMin": 5000, "priceMax": 1000}""", "input.priceMin" },
        { """{"query": "x", "priceMin": -1}""", "input.priceMin" },
        { """{"query": "x", "priceMax": -1}""", "input.priceMax" },
        { """{"query": "x", "first": 101}""", "input.first" },
        { """{"query": "x", "first": -1}""", "input.first" },
        { """{"query": "x", "after": "not-a-cursor"}""", "input.after" },
        { """{"query": "x", "after": "CURSOR_OF_A_PRODUCT_LIST"}""", "input.after" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_is_a_clear_BAD_USER_INPUT_error_naming_the_argument(string input, string argument)
    {
        var productCursor = (await factory.CreateClient().GraphQLAsync("{ products(first: 1) { pageInfo { endCursor } } }"))
            .OkData()["products"]!["pageInfo"]!["endCursor"]!.GetValue<string>();
        var json = input
            .Replace("QUERY1000", new string('a', 1000), StringComparison.Ordinal)
            .Replace("QUERY201", "  " + new string('a', 201) + "  ", StringComparison.Ordinal)
            .Replace("VALUES51", new JsonArray(Enumerable.Range(0, 51).Select(i => (JsonNode)JsonValue.Create($"c{i}")).ToArray()).ToJsonString(), StringComparison.Ordinal)
            .Replace("CURSOR_OF_A_PRODUCT_LIST", productCursor, StringComparison.Ordinal);

        var response = await factory.CreateClient().GraphQLAsync(Search, new { input = JsonNode.Parse(json) });

        Assert.True((int)response.Http.StatusCode < 500, $"HTTP {(int)response.Http.StatusCode}");
        Assert.Equal("BAD_USER_INPUT", response.FirstErrorCode());
        Assert.Equal(argument, response.Errors![0]!["extensions"]!["argument"]!.GetValue<string>());
        Assert.Null(response.Data?["search"]);
    }

    [Fact]
    public async Task A_query_of_exactly_200_characters_is_answered()
    {
        var search = await SearchAsync(new { query = new string('q', SearchFacets.MaxQueryLength), first = 5 });

        Assert.Equal(0, search["totalCount"]!.GetValue<int>());
        Assert.Empty(search["hits"]!["edges"]!.AsArray());
    }

    [Fact]
    public async Task Hits_resolve_through_the_loaders_with_the_same_statement_count_for_3_and_60_hits()
    {
        const string query = """
            query($first: Int!) { search(input: { query: "", first: $first }) {
              totalCount hits { nodes { name variants { sku } images { url } category { name } } } } }
            """;
        // Cold: no listing snapshot or search result of this instance may answer (other tests of the class may have warmed them).
        factory.Services.GetRequiredService<ListingSnapshotCache>().Clear();
        factory.Services.GetRequiredService<SearchResultCache>().Clear();
        var client = factory.CreateClient();
        var small = await client.GraphQLAsync(query, new { first = 3 });
        var large = await client.GraphQLAsync(query, new { first = 60 });

        Assert.Equal(3, small.OkData()["search"]!["hits"]!["nodes"]!.AsArray().Count);
        Assert.Equal(60, large.OkData()["search"]!["hits"]!["nodes"]!.AsArray().Count);
        Assert.Equal(small.SqlStatements, large.SqlStatements);
        // One search statement (browse needs no vocabulary), then one batch each for products, variants, images, categories;
        // PostgreSQL reads the search generation first.
        Assert.Equal(5 + GenerationStatements, large.SqlStatements);

        // Warm: the hits come from the snapshots the first pages left, so only the search statement runs.
        var again = await client.GraphQLAsync(query, new { first = 60 });
        Assert.Equal(large.OkData().ToJsonString(), again.OkData().ToJsonString());
        Assert.Equal(1, again.SqlStatements);
    }

    [Fact]
    public async Task A_typed_query_costs_two_search_statements_and_its_repeat_on_PostgreSQL_one()
    {
        const string query = """{ search(input: { query: "snekers", first: 20 }) { totalCount facets { name } priceBuckets { count } } }""";
        factory.Services.GetRequiredService<SearchResultCache>().Clear();
        var client = factory.CreateClient();
        var response = await client.GraphQLAsync(query);
        var repeat = await client.GraphQLAsync(query);

        Assert.True(response.OkData()["search"]!["totalCount"]!.GetValue<int>() > 0);
        // The vocabulary check and the search; PostgreSQL reads the search generation first, and answers the repeat
        // from its result cache after that one statement.
        Assert.Equal(2 + GenerationStatements, response.SqlStatements);
        Assert.Equal(response.OkData().ToJsonString(), repeat.OkData().ToJsonString());
        Assert.Equal(factory.Database == TestDatabaseKind.Postgres ? 1 : 2, repeat.SqlStatements);
    }

    [Fact]
    public async Task A_committed_product_change_reaches_search_and_every_indexer()
    {
        var id = IdOf((await SearchAsync(new { query = "jacket", first = 1 }))["hits"]!["edges"]![0]!);
        // This instance's cached answers and listing snapshots follow the change once its event has passed the hub
        // (the database's own index has it at commit); listen for the event before committing.
        await using var next = await NextEvent.ListenAsync(factory.Services.GetRequiredService<EventHub>(), StockEvents.KeyOf(id));
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var product = await db.Products.AsTracking().SingleAsync(p => p.Id == id);
            product.Name = "Zyzzyva Storm Coat";
            product.UpdatedAt = DateTime.UtcNow;
            db.EnqueueProductChanged(id, DateTime.UtcNow);
            await db.SaveChangesAsync();
            if (factory.Database == TestDatabaseKind.Postgres)
            {
                // Not committed yet: another connection must not see it (SQLite's single writer makes this check PostgreSQL-only).
                Assert.Equal(0, (await SearchAsync(new { query = "zyzzyva", first = 5 }))["totalCount"]!.GetValue<int>());
            }
            await transaction.CommitAsync();
        }
        factory.Services.GetRequiredService<OutboxSignal>().Notify();

        await next.ArrivedAsync();
        var after = await SearchAsync(new { query = "zyzzyva", first = 5 });
        Assert.Equal([id], after["hits"]!["edges"]!.AsArray().Select(e => IdOf(e!)));
        Assert.Equal("Zyzzyva Storm Coat", after["hits"]!["edges"]![0]!["node"]!["name"]!.GetValue<string>());
        Assert.Null(after["correctedQuery"]);
        await factory.Indexer.WaitForAsync(id, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Variant_and_category_edits_reach_facets_and_text_at_once()
    {
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        var product = await db.Products.Where(p => p.DeletedAt == null).OrderBy(p => p.Id).FirstAsync();
        db.ProductVariants.Add(new ProductVariant
        {
            ProductId = product.Id,
            Sku = $"FUCHSIA-{product.Id}",
            Name = "Fuchsia",
            PriceMinor = product.PriceMinMinor,
            Position = 99,
            OptionValues = [new("Color", "Fuchsia")],
            Stock = new StockLevel { OnHand = 1 },
        });
        await db.SaveChangesAsync();

        var fuchsia = await SearchAsync(new { query = "", facets = new[] { new { name = "color", values = new[] { "Fuchsia" } } }, first = 5 });
        Assert.Equal([product.Id], fuchsia["hits"]!["edges"]!.AsArray().Select(e => IdOf(e!)));
        Assert.Equal(1, FacetCounts(fuchsia, "color")["Fuchsia"]);

        var hats = await db.Categories.AsTracking().SingleAsync(c => c.Slug == "hats");
        var inHats = await db.Products.CountAsync(p => p.CategoryId == hats.Id && p.DeletedAt == null);
        hats.Name = "Headwear";
        await db.SaveChangesAsync();
        try
        {
            var headwear = await SearchAsync(new { query = "headwear", first = 0 });
            Assert.True(inHats > 0);
            Assert.Equal(inHats, headwear["totalCount"]!.GetValue<int>());
        }
        finally
        {
            hats.Name = "Hats";
            await db.SaveChangesAsync();
        }
        Assert.Equal(0, (await SearchAsync(new { query = "headwear", first = 0 }))["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_stock_change_reaches_every_indexer()
    {
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        var variant = await db.ProductVariants.OrderByDescending(v => v.Id).FirstAsync();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await db.StockLevels.Where(s => s.VariantId == variant.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.OnHand, 0).SetProperty(x => x.Reserved, 0));
            db.EnqueueAvailabilityChanged(variant.ProductId, variant.Id, DateTime.UtcNow);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }
        factory.Services.GetRequiredService<OutboxSignal>().Notify();

        await factory.Indexer.WaitForAsync(variant.ProductId, TimeSpan.FromSeconds(30));
    }
}

public sealed class PostgresSearchBehaviourTests(PostgresSearchApiFactory factory)
    : SearchBehaviourTests(factory), IClassFixture<PostgresSearchApiFactory>;

public sealed class SqliteSearchBehaviourTests(SqliteSearchApiFactory factory)
    : SearchBehaviourTests(factory), IClassFixture<SqliteSearchApiFactory>;
