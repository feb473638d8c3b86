using HeadlessShop.Api.Catalog.Caching;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Catalog;

/// <summary>The listing of a category page costs the same few statements whatever the page size: no N+1.</summary>
public sealed class StatementCountTests(PostgresCatalogFactory factory) : IClassFixture<PostgresCatalogFactory>
{
    private const string Listing = """
        query Listing($n: Int!) {
          products(first: $n) {
            nodes {
              name
              variants { price { amount currencyCode } quantityAvailable selectedOptions { name value } }
              images { url }
              category { name }
              collections { name }
            }
          }
        }
        """;

    [Fact]
    public async Task Listing_runs_a_constant_number_of_statements_for_5_50_and_100_products()
    {
        var client = factory.CreateClient();
        var counts = new Dictionary<int, int>();
        foreach (var n in new[] { 5, 50, 100 })
        {
            // Cold each time: no listing snapshot may answer (earlier pages and other tests warm them).
            factory.Services.GetRequiredService<ListingSnapshotCache>().Clear();
            var response = await client.GraphQLAsync(Listing, new { n });
            var nodes = response.OkData()["products"]!["nodes"]!.AsArray();
            Assert.Equal(n, nodes.Count);
            Assert.All(nodes, node => Assert.NotEmpty(node!["variants"]!.AsArray()));
            counts[n] = response.SqlStatements;
        }

        Assert.All(counts.Values, count => Assert.InRange(count, 1, 6));
        Assert.Equal(counts[5], counts[50]);
        Assert.Equal(counts[5], counts[100]);
    }

    [Fact]
    public async Task Variant_to_product_back_references_are_batched_too()
    {
        factory.Services.GetRequiredService<ListingSnapshotCache>().Clear();
        var client = factory.CreateClient();
        var small = await client.GraphQLAsync("{ products(first: 3) { nodes { variants { product { name images { url } } } } } }");
        var large = await client.GraphQLAsync("{ products(first: 60) { nodes { variants { product { name images { url } } } } } }");
        small.OkData();
        large.OkData();
        Assert.Equal(small.SqlStatements, large.SqlStatements);
    }
}
