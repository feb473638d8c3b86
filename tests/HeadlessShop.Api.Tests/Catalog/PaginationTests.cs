using System.Text.Json.Nodes;
using HeadlessShop.Api.Tests.Infrastructure;

namespace HeadlessShop.Api.Tests.Catalog;

public abstract class PaginationTests(ShopApiFactory factory)
{
    private const string Page = """
        query Page($first: Int, $after: String, $last: Int, $before: String, $sort: ProductSort) {
          products(first: $first, after: $after, last: $last, before: $before, sort: $sort) {
            totalCount
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
            edges { cursor node { id name createdAt priceRange { min { minorUnits } } } }
          }
        }
        """;

    public static TheoryData<string, bool> Sorts()
    {
        var data = new TheoryData<string, bool>();
        foreach (var key in new[] { "RELEVANCE", "NAME", "PRICE", "CREATED_AT" })
        {
            data.Add(key, false);
            data.Add(key, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task Paging_forward_and_backward_returns_every_product_exactly_once_in_a_stable_order(string key, bool reverse)
    {
        var client = factory.CreateClient();
        var sort = new { key, reverse };

        var forward = await WalkAsync(client, sort, backward: false);
        var again = await WalkAsync(client, sort, backward: false);
        var backward = await WalkAsync(client, sort, backward: true);

        Assert.Equal(factory.Products, forward.Count);
        Assert.Equal(forward.Count, forward.Distinct().Count());
        Assert.Equal(forward, again);
        backward.Reverse();
        Assert.Equal(forward, backward);
    }

    [Fact]
    public async Task Name_sort_orders_by_name_then_id()
    {
        var client = factory.CreateClient();
        var response = await client.GraphQLAsync(Page, new { first = 100, sort = new { key = "NAME" } });
        var names = response.OkData()["products"]!["edges"]!.AsArray().Select(e => e!["node"]!["name"]!.GetValue<string>()).ToList();
        var pairs = names.Zip(names.Skip(1));
        Assert.All(pairs, pair => Assert.True(string.CompareOrdinal(pair.First, pair.Second) <= 0, $"{pair.First} > {pair.Second}"));
    }

    [Fact]
    public async Task Price_sort_orders_by_lowest_variant_price()
    {
        var client = factory.CreateClient();
        var response = await client.GraphQLAsync(Page, new { first = 100, sort = new { key = "PRICE", reverse = true } });
        var prices = response.OkData()["products"]!["edges"]!.AsArray()
            .Select(e => e!["node"]!["priceRange"]!["min"]!["minorUnits"]!.GetValue<long>()).ToList();
        Assert.Equal(prices.OrderByDescending(p => p).ToList(), prices);
    }

    [Theory]
    [InlineData("not-a-cursor")]
    [InlineData("cDF8MHwyfKgbvuI")]
    [InlineData("")]
    public async Task A_malformed_cursor_is_BAD_USER_INPUT(string cursor)
    {
        var response = await factory.CreateClient().GraphQLAsync(Page, new { first = 5, after = cursor });
        Assert.Equal("BAD_USER_INPUT", response.FirstErrorCode());
    }

    [Fact]
    public async Task A_cursor_from_another_sort_is_BAD_USER_INPUT()
    {
        var client = factory.CreateClient();
        var byName = await client.GraphQLAsync(Page, new { first = 2, sort = new { key = "NAME" } });
        var cursor = byName.OkData()["products"]!["pageInfo"]!["endCursor"]!.GetValue<string>();
        var byPrice = await client.GraphQLAsync(Page, new { first = 2, after = cursor, sort = new { key = "PRICE" } });
        Assert.Equal("BAD_USER_INPUT", byPrice.FirstErrorCode());
    }

    [Theory]
    [InlineData(101)]
    [InlineData(-1)]
    public async Task Page_sizes_outside_0_to_100_are_BAD_USER_INPUT(int first)
    {
        var response = await factory.CreateClient().GraphQLAsync(Page, new { first });
        Assert.Equal("BAD_USER_INPUT", response.FirstErrorCode());
        Assert.Contains("100", response.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_huge_page_is_refused_by_the_cost_limit_before_any_resolver()
    {
        // The transport's cost model multiplies by first, so this never reaches the page-size check.
        var response = await factory.CreateClient().GraphQLAsync(Page, new { first = 100000 });
        Assert.Equal("QUERY_TOO_COSTLY", response.FirstErrorCode());
    }

    [Fact]
    public async Task First_and_last_together_are_rejected()
    {
        var response = await factory.CreateClient().GraphQLAsync(Page, new { first = 5, last = 5 });
        Assert.Equal("BAD_USER_INPUT", response.FirstErrorCode());
    }

    private async Task<List<string>> WalkAsync(HttpClient client, object sort, bool backward)
    {
        var ids = new List<string>();
        string? cursor = null;
        for (var pages = 0; pages < 100; pages++)
        {
            var variables = backward
                ? (object)new { last = 7, before = cursor, sort }
                : new { first = 7, after = cursor, sort };
            var connection = (await client.GraphQLAsync(Page, variables)).OkData()["products"]!;
            Assert.Equal(factory.Products, connection["totalCount"]!.GetValue<int>());
            var edges = connection["edges"]!.AsArray();
            var pageIds = edges.Select(e => e!["node"]!["id"]!.GetValue<string>()).ToList();
            if (backward)
            {
                pageIds.Reverse();
            }
            ids.AddRange(pageIds);
            var info = connection["pageInfo"]!;
            var more = backward ? info["hasPreviousPage"]!.GetValue<bool>() : info["hasNextPage"]!.GetValue<bool>();
            if (!more)
            {
                return ids;
            }
            Assert.Equal(7, edges.Count);
            cursor = (backward ? info["startCursor"] : info["endCursor"])!.GetValue<string>();
        }
        throw new InvalidOperationException("pagination did not end after 100 pages");
    }
}

public sealed class PostgresPaginationTests(PostgresCatalogFactory factory) : PaginationTests(factory), IClassFixture<PostgresCatalogFactory>;

public sealed class SqlitePaginationTests(SqliteShopApiFactory factory) : PaginationTests(factory), IClassFixture<SqliteShopApiFactory>;
