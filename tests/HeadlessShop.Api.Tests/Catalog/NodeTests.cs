using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Catalog;

public sealed class NodeTests(PostgresCatalogFactory factory) : IClassFixture<PostgresCatalogFactory>
{
    [Fact]
    public async Task Node_round_trips_every_catalog_type()
    {
        var client = factory.CreateClient();
        var data = (await client.GraphQLAsync("""
            { products(first: 1) { nodes { id slug variants { id sku } category { id slug } } }
              collection(slug: "new-arrivals") { id slug } }
            """)).OkData();
        var product = data["products"]!["nodes"]![0]!;
        var cases = new (string Id, string Fragment, string Field, string Expected)[]
        {
            (product["id"]!.GetValue<string>(), "... on Product { slug }", "slug", product["slug"]!.GetValue<string>()),
            (product["variants"]![0]!["id"]!.GetValue<string>(), "... on ProductVariant { sku }", "sku", product["variants"]![0]!["sku"]!.GetValue<string>()),
            (product["category"]!["id"]!.GetValue<string>(), "... on Category { slug }", "slug", product["category"]!["slug"]!.GetValue<string>()),
            (data["collection"]!["id"]!.GetValue<string>(), "... on Collection { slug }", "slug", "new-arrivals"),
        };

        foreach (var (id, fragment, field, expected) in cases)
        {
            var node = (await client.GraphQLAsync($"query($id: ID!) {{ node(id: $id) {{ id __typename {fragment} }} }}", new { id })).OkData()["node"]!;
            Assert.Equal(id, node["id"]!.GetValue<string>());
            Assert.Equal(expected, node[field]!.GetValue<string>());
        }

        var many = (await client.GraphQLAsync("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", new { ids = cases.Select(c => c.Id).ToArray() }))
            .OkData()["nodes"]!.AsArray();
        Assert.Equal(cases.Select(c => c.Id), many.Select(n => n!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_tampered_id_is_BAD_USER_INPUT()
    {
        var client = factory.CreateClient();
        var id = (await client.GraphQLAsync("{ products(first: 1) { nodes { id } } }")).OkData()["products"]!["nodes"]![0]!["id"]!.GetValue<string>();
        var tampered = id[..^2] + (id[^2] == 'A' ? "B" : "A") + id[^1];

        foreach (var bad in new[] { tampered, "123", "UHJvZHVjdDox", "" })
        {
            var response = await client.GraphQLAsync("query($id: ID!) { node(id: $id) { id } }", new { id = bad });
            Assert.Equal("BAD_USER_INPUT", response.FirstErrorCode());
            Assert.Equal(200, (int)response.Http.StatusCode);
        }
    }

    [Fact]
    public async Task An_id_of_another_type_is_rejected_by_product()
    {
        var client = factory.CreateClient();
        var variantId = (await client.GraphQLAsync("{ products(first: 1) { nodes { variants { id } } } }"))
            .OkData()["products"]!["nodes"]![0]!["variants"]![0]!["id"]!.GetValue<string>();
        var response = await client.GraphQLAsync("query($id: ID) { product(id: $id) { name } }", new { id = variantId });
        Assert.Equal("BAD_USER_INPUT", response.FirstErrorCode());
    }

    [Fact]
    public async Task Unknown_slugs_are_null_not_errors()
    {
        var data = (await factory.CreateClient().GraphQLAsync("""{ product(slug: "no-such") { id } category(slug: "x") { id } collection(slug: "y") { id } }""")).OkData();
        Assert.Null(data["product"]);
        Assert.Null(data["category"]);
        Assert.Null(data["collection"]);
    }

    [Fact]
    public async Task Category_tree_and_category_products_include_descendants()
    {
        var client = factory.CreateClient();
        var roots = (await client.GraphQLAsync("{ categories { slug children { slug parent { slug } } } }")).OkData()["categories"]!.AsArray();
        Assert.Contains(roots, r => r!["slug"]!.GetValue<string>() == "clothing");
        Assert.All(roots, r => Assert.All(r!["children"]!.AsArray(), c => Assert.Equal(r["slug"]!.GetValue<string>(), c!["parent"]!["slug"]!.GetValue<string>())));

        var data = (await client.GraphQLAsync("""
            { footwear: category(slug: "footwear") { products(first: 100) { totalCount } }
              sneakers: category(slug: "sneakers") { products(first: 100) { totalCount } }
              boots: category(slug: "boots") { products(first: 100) { totalCount } } }
            """)).OkData();
        var footwear = data["footwear"]!["products"]!["totalCount"]!.GetValue<int>();
        Assert.True(footwear > 0);
        Assert.Equal(footwear, data["sneakers"]!["products"]!["totalCount"]!.GetValue<int>() + data["boots"]!["products"]!["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task Filters_narrow_the_product_list()
    {
        var client = factory.CreateClient();
        var data = (await client.GraphQLAsync("""
            { all: products(first: 100) { totalCount }
              acme: products(first: 100, filter: { brand: ["Acme"] }) { totalCount nodes { brand } }
              cheap: products(first: 100, filter: { priceMax: 5000 }) { nodes { priceRange { min { minorUnits } } } }
              inStock: products(first: 100, filter: { availableForSale: true }) { nodes { availableForSale } }
              sale: products(first: 100, filter: { collectionSlug: "sale" }) { nodes { collections { slug } } } }
            """)).OkData();
        var acme = data["acme"]!;
        Assert.InRange(acme["totalCount"]!.GetValue<int>(), 1, data["all"]!["totalCount"]!.GetValue<int>() - 1);
        Assert.All(acme["nodes"]!.AsArray(), n => Assert.Equal("Acme", n!["brand"]!.GetValue<string>()));
        Assert.All(data["cheap"]!["nodes"]!.AsArray(), n => Assert.True(n!["priceRange"]!["min"]!["minorUnits"]!.GetValue<long>() <= 5000));
        Assert.All(data["inStock"]!["nodes"]!.AsArray(), n => Assert.True(n!["availableForSale"]!.GetValue<bool>()));
        Assert.All(data["sale"]!["nodes"]!.AsArray(), n => Assert.Contains(n!["collections"]!.AsArray(), c => c!["slug"]!.GetValue<string>() == "sale"));
    }

    [Fact]
    public async Task Filters_reject_contradictions_and_oversized_lists()
    {
        var client = factory.CreateClient();
        var inverted = await client.GraphQLAsync("{ products(first: 5, filter: { priceMin: 5000, priceMax: 100 }) { totalCount } }");
        Assert.Equal("BAD_USER_INPUT", inverted.FirstErrorCode());
        var brands = Enumerable.Range(0, 51).Select(i => $"brand-{i}").ToArray();
        var tooMany = await client.GraphQLAsync("query($b: [String!]) { products(first: 5, filter: { brand: $b }) { totalCount } }", new { b = brands });
        Assert.Equal("BAD_USER_INPUT", tooMany.FirstErrorCode());
    }

    [Fact]
    public async Task Quantity_available_is_on_hand_minus_reserved()
    {
        var client = factory.CreateClient();
        var variant = (await client.GraphQLAsync("{ products(first: 1) { nodes { variants { sku quantityAvailable availableForSale } } } }"))
            .OkData()["products"]!["nodes"]![0]!["variants"]![0]!;
        var sku = variant["sku"]!.GetValue<string>();
        var before = variant["quantityAvailable"]!.GetValue<int>();

        await using var connection = new Npgsql.NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var update = new Npgsql.NpgsqlCommand(
            "UPDATE stock_levels SET on_hand = 10, reserved = 4 FROM product_variants v WHERE v.id = stock_levels.variant_id AND v.sku = @sku", connection);
        update.Parameters.AddWithValue("sku", sku);
        Assert.Equal(1, await update.ExecuteNonQueryAsync());
        // A raw UPDATE writes no outbox event (every writer of the shop does), so drop the listing snapshots by hand.
        factory.Services.GetRequiredService<HeadlessShop.Api.Catalog.Caching.ListingSnapshotCache>().Clear();

        var after = (await client.GraphQLAsync("{ products(first: 1) { nodes { variants { quantityAvailable } } } }"))
            .OkData()["products"]!["nodes"]![0]!["variants"]![0]!["quantityAvailable"]!.GetValue<int>();
        Assert.Equal(6, after);
        Assert.True(before >= 0);
    }
}
