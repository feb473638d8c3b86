using HeadlessShop.Api.Tests.Carts;
using HeadlessShop.Api.Tests.Checkout;
using HeadlessShop.Api.Tests.Infrastructure;

namespace HeadlessShop.Api.Tests.Admin;

/// <summary>Issue 9's acceptance path, through the API only: create, find, reprice, sell, delete.</summary>
public sealed class AdminAcceptanceTests(AdminFactory factory) : IClassFixture<AdminFactory>
{
    private const string ByBrand = "query($b: String!) { products(filter: { brand: [$b] }) { totalCount nodes { id slug variants { sku } } } }";
    private const string BySlug = "query($s: String!) { product(slug: $s) { id priceRange { max { minorUnits } } variants { sku price { minorUnits } } } }";
    private const string ById = "query($id: ID!) { product(id: $id) { id } node(id: $id) { id } }";
    private const string OrderLines = "query($id: ID!, $t: String) { order(id: $id, accessToken: $t) { status lines { sku name quantity unitPrice { minorUnits } variant { id } } } }";

    [Fact]
    public async Task A_product_created_by_staff_sells_reprices_and_disappears_from_the_storefront_but_stays_in_orders()
    {
        var admin = await factory.AdminAsync();
        var shopper = factory.Client();
        var tag = Guid.NewGuid().ToString("N")[..10];

        // Create with two variants and find it by products (the storefront list) and by slug.
        var product = await admin.CreateProductAsync(tag, small: 5000, medium: 5500);
        var productId = product["id"]!.GetValue<string>();
        var slug = product["slug"]!.GetValue<string>();
        var small = product["variants"]![0]!["id"]!.GetValue<string>();
        var medium = product["variants"]![1]!["id"]!.GetValue<string>();
        var listed = (await shopper.GraphQLAsync(ByBrand, new { b = $"Brand-{tag}" })).OkData()["products"]!;
        Assert.Equal(1, listed["totalCount"]!.GetValue<int>());
        Assert.Equal(productId, listed["nodes"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(5500, (await shopper.GraphQLAsync(BySlug, new { s = slug })).OkData()["product"]!["priceRange"]!["max"]!["minorUnits"]!.GetValue<long>());

        // An order placed before the changes, and a cart holding the medium size.
        var orderCart = (await shopper.CreateCartAsync((small, 2)))["id"]!.GetValue<string>();
        var placed = await shopper.CheckoutAsync(orderCart, $"acceptance-{tag}");
        Assert.Empty(placed["userErrors"]!.AsArray());
        var orderId = placed["order"]!["id"]!.GetValue<string>();
        var orderToken = placed["orderAccessToken"]!.GetValue<string>();
        var cartId = (await shopper.CreateCartAsync((medium, 1)))["id"]!.GetValue<string>();

        // Reprice: the cart shows the new price at once, and so does the (cached) product page.
        var repriced = (await admin.GraphQLAsync(AdminDocuments.VariantUpdate, new { i = new { id = medium, price = AdminDocuments.Money(6100) } })).Payload("variantUpdate");
        Assert.Empty(repriced["userErrors"]!.AsArray());
        var cart = (await shopper.GraphQLAsync(CartQueries.Read, new { id = cartId })).OkData()["cart"]!;
        Assert.Equal(6100, cart["subtotal"]!["minorUnits"]!.GetValue<long>());
        Assert.Equal(6100, (await shopper.GraphQLAsync(BySlug, new { s = slug })).OkData()["product"]!["priceRange"]!["max"]!["minorUnits"]!.GetValue<long>());

        // Delete: gone from the list, product(slug/id), node, carts and cart additions.
        var deleted = (await admin.GraphQLAsync(AdminDocuments.ProductDelete, new { i = new { id = productId } })).Payload("productDelete");
        Assert.Equal(productId, deleted["deletedProductId"]!.GetValue<string>());
        Assert.Equal(0, (await shopper.GraphQLAsync(ByBrand, new { b = $"Brand-{tag}" })).OkData()["products"]!["totalCount"]!.GetValue<int>());
        Assert.Null((await shopper.GraphQLAsync(BySlug, new { s = slug })).OkData()["product"]);
        var byId = (await shopper.GraphQLAsync(ById, new { id = productId })).OkData();
        Assert.Null(byId["product"]);
        Assert.Null(byId["node"]);
        Assert.Empty((await shopper.GraphQLAsync(CartQueries.Read, new { id = cartId })).OkData()["cart"]!["lines"]!.AsArray());
        Assert.Equal(["NOT_FOUND"], (await shopper.AddAsync(cartId, (small, 1))).Codes());
        var again = (await admin.GraphQLAsync(AdminDocuments.ProductDelete, new { i = new { id = productId } })).Payload("productDelete");
        Assert.Equal(["NOT_FOUND"], again.ErrorCodes());

        // The order keeps its line exactly as sold; the variant link is null now that it is no longer sold.
        var order = (await shopper.GraphQLAsync(OrderLines, new { id = orderId, t = orderToken })).OkData()["order"]!;
        var line = Assert.Single(order["lines"]!.AsArray())!;
        Assert.Equal(($"TR-{tag}-S", 2, 5000L), (line["sku"]!.GetValue<string>(), line["quantity"]!.GetValue<int>(), line["unitPrice"]!["minorUnits"]!.GetValue<long>()));
        Assert.Null(line["variant"]);
    }

    /// <summary>
    /// The search half of the acceptance path: the product must be found within a second of productCreate and be gone
    /// within a second of productDelete.
    /// </summary>
    [Fact]
    public async Task A_created_product_is_found_by_search_within_a_second_and_gone_after_delete()
    {
        const string Search = "query($q: String!) { search(input: { query: $q }) { hits { nodes { id } } } }";
        var admin = await factory.AdminAsync();
        var tag = Guid.NewGuid().ToString("N")[..10];
        var product = await admin.CreateProductAsync(tag);
        var productId = product["id"]!.GetValue<string>();

        Assert.True(await EventuallyAsync(async () => (await factory.Client().GraphQLAsync(Search, new { q = $"Trail Runner {tag}" }))
            .OkData()["search"]!["hits"]!["nodes"]!.AsArray().Any(n => n!["id"]!.GetValue<string>() == productId)));
        Assert.Empty((await admin.GraphQLAsync(AdminDocuments.ProductDelete, new { i = new { id = productId } })).Payload("productDelete")["userErrors"]!.AsArray());
        Assert.True(await EventuallyAsync(async () => !(await factory.Client().GraphQLAsync(Search, new { q = $"Trail Runner {tag}" }))
            .OkData()["search"]!["hits"]!["nodes"]!.AsArray().Any(n => n!["id"]!.GetValue<string>() == productId)));
    }

    /// <summary>Polls a condition for at most one second (the "within 1 s").</summary>
    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(1);
        do
        {
            if (await condition())
            {
                return true;
            }
            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        return false;
    }
}
