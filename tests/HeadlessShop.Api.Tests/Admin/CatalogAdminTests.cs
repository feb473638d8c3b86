using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Tests.Admin;

public sealed class CatalogAdminTests(AdminFactory factory) : IClassFixture<AdminFactory>
{
    private const string CategoryCreate = $"mutation($i: CategoryCreateInput!) {{ categoryCreate(input: $i) {{ category {{ id slug parent {{ slug }} }} {AdminDocuments.Errors} }} }}";
    private const string CategoryUpdate = $"mutation($i: CategoryUpdateInput!) {{ categoryUpdate(input: $i) {{ category {{ id slug parent {{ slug }} }} {AdminDocuments.Errors} }} }}";
    private const string CollectionCreate = $"mutation($i: CollectionCreateInput!) {{ collectionCreate(input: $i) {{ collection {{ id slug }} {AdminDocuments.Errors} }} }}";
    private const string CollectionAdd = $"mutation($i: CollectionProductsInput!) {{ collectionAddProducts(input: $i) {{ collection {{ slug products {{ nodes {{ id }} }} }} {AdminDocuments.Errors} }} }}";
    private const string CollectionRemove = $"mutation($i: CollectionProductsInput!) {{ collectionRemoveProducts(input: $i) {{ collection {{ slug products {{ nodes {{ id }} }} }} {AdminDocuments.Errors} }} }}";

    private static string Tag() => Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Invalid_product_input_gets_typed_user_errors_and_writes_nothing()
    {
        var admin = await factory.AdminAsync();
        var before = await factory.DbAsync(db => db.Products.CountAsync());
        var tag = Tag();
        var payload = (await admin.GraphQLAsync(AdminDocuments.ProductCreate, new
        {
            i = new
            {
                name = " ",
                slug = "Not A Slug",
                variants = new[]
                {
                    new { sku = $"DUP-{tag}", price = AdminDocuments.Money(-1) },
                    new { sku = $"DUP-{tag}", price = AdminDocuments.Money(100, "EUR") },
                },
            },
        })).Payload("productCreate");

        Assert.Null(payload["product"]);
        Assert.All(payload.ErrorCodes(), code => Assert.Equal("INVALID_INPUT", code));
        Assert.Contains("input.name", payload.ErrorFields());
        Assert.Contains("input.slug", payload.ErrorFields());
        Assert.Contains("input.variants.0.price.minorUnits", payload.ErrorFields());
        Assert.Contains("input.variants", payload.ErrorFields());
        Assert.Equal(before, await factory.DbAsync(db => db.Products.CountAsync()));
    }

    [Fact]
    public async Task Slugs_are_generated_from_names_with_a_suffix_on_clash_and_explicit_duplicates_are_refused()
    {
        var admin = await factory.AdminAsync();
        var tag = Tag();
        var first = (await admin.GraphQLAsync(AdminDocuments.ProductCreate, new { i = new { name = $"Café Chair {tag}" } })).Payload("productCreate");
        var second = (await admin.GraphQLAsync(AdminDocuments.ProductCreate, new { i = new { name = $"Cafe chair {tag}" } })).Payload("productCreate");
        var explicitDuplicate = (await admin.GraphQLAsync(AdminDocuments.ProductCreate, new { i = new { name = "Other", slug = $"cafe-chair-{tag}" } })).Payload("productCreate");

        Assert.Equal($"cafe-chair-{tag}", first["product"]!["slug"]!.GetValue<string>());
        Assert.Equal($"cafe-chair-{tag}-2", second["product"]!["slug"]!.GetValue<string>());
        Assert.Equal(["input.slug"], explicitDuplicate.ErrorFields());
    }

    [Fact]
    public async Task Skus_are_unique_across_the_catalog()
    {
        var admin = await factory.AdminAsync();
        var tag = Tag();
        var product = await admin.CreateProductAsync(tag);
        var again = (await admin.GraphQLAsync(AdminDocuments.VariantCreate, new
        {
            i = new { productId = product["id"]!.GetValue<string>(), sku = $"TR-{tag}-S", price = AdminDocuments.Money(1), selectedOptions = new[] { new { name = "Size", value = "S" } } },
        })).Payload("variantCreate");

        Assert.Equal(["input.sku"], again.ErrorFields());
    }

    [Fact]
    public async Task Variant_edits_keep_the_price_range_and_write_a_product_changed_event_each()
    {
        var admin = await factory.AdminAsync();
        var tag = Tag();
        var product = await admin.CreateProductAsync(tag, small: 5000, medium: 5500);
        var productId = product["id"]!.GetValue<string>();
        GlobalId.TryDecode(productId, out _, out var key);
        Assert.Equal((5000, 5500), Range(product));
        Assert.Equal(1, await factory.ProductChangedEventsAsync(key));

        // The option has no "L" value: refused; then the product's options are extended and the variant fits.
        var misfit = (await admin.GraphQLAsync(AdminDocuments.VariantCreate, new
        {
            i = new { productId, sku = $"TR-{tag}-L", price = AdminDocuments.Money(4000), selectedOptions = new[] { new { name = "Size", value = "L" } } },
        })).Payload("variantCreate");
        Assert.Equal(["input.selectedOptions"], misfit.ErrorFields());
        var widened = (await admin.GraphQLAsync(AdminDocuments.ProductUpdate, new
        {
            i = new { id = productId, options = new[] { new { name = "Size", values = new[] { "S", "M", "L" } } } },
        })).Payload("productUpdate");
        Assert.Empty(widened["userErrors"]!.AsArray());
        var large = (await admin.GraphQLAsync(AdminDocuments.VariantCreate, new
        {
            i = new { productId, sku = $"TR-{tag}-L", price = AdminDocuments.Money(4000), selectedOptions = new[] { new { name = "Size", value = "L" } } },
        })).Payload("variantCreate");
        Assert.Empty(large["userErrors"]!.AsArray());
        Assert.Equal((4000, 5500), Range(large["variant"]!["product"]!));

        var medium = product["variants"]![1]!["id"]!.GetValue<string>();
        var dearer = (await admin.GraphQLAsync(AdminDocuments.VariantUpdate, new { i = new { id = medium, price = AdminDocuments.Money(9900) } })).Payload("variantUpdate");
        Assert.Empty(dearer["userErrors"]!.AsArray());
        var removed = (await admin.GraphQLAsync(AdminDocuments.VariantDelete, new { i = new { id = large["variant"]!["id"]!.GetValue<string>() } })).Payload("variantDelete");
        Assert.Empty(removed["userErrors"]!.AsArray());

        var row = await factory.DbAsync(db => db.Products.SingleAsync(p => p.Id == key));
        Assert.Equal((5000L, 9900L), (row.PriceMinMinor, row.PriceMaxMinor));
        Assert.Equal(5, await factory.ProductChangedEventsAsync(key));
    }

    [Fact]
    public async Task Concurrent_variant_creates_on_one_product_leave_the_right_price_range()
    {
        var admin = await factory.AdminAsync();
        var tag = Tag();
        var product = (await admin.GraphQLAsync(AdminDocuments.ProductCreate, new { i = new { name = $"Racing {tag}" } })).Payload("productCreate")["product"]!;
        var productId = product["id"]!.GetValue<string>();
        GlobalId.TryDecode(productId, out _, out var key);
        var prices = Enumerable.Range(1, 12).Select(n => n * 137L).ToList();
        var created = await Task.WhenAll(prices.Select((price, n) => admin.GraphQLAsync(AdminDocuments.VariantCreate, new
        {
            i = new { productId, sku = $"RC-{tag}-{n}", price = AdminDocuments.Money(price) },
        })));

        Assert.All(created, r => Assert.Empty(r.Payload("variantCreate")["userErrors"]!.AsArray()));
        var row = await factory.DbAsync(db => db.Products.SingleAsync(p => p.Id == key));
        Assert.Equal((prices.Min(), prices.Max()), (row.PriceMinMinor, row.PriceMaxMinor));
        Assert.Equal(12, await factory.DbAsync(db => db.ProductVariants.CountAsync(v => v.ProductId == key)));
    }

    [Fact]
    public async Task The_category_tree_never_gets_a_cycle()
    {
        var admin = await factory.AdminAsync();
        var tag = Tag();
        var top = (await admin.GraphQLAsync(CategoryCreate, new { i = new { name = $"Shoes {tag}" } })).Payload("categoryCreate")["category"]!;
        var child = (await admin.GraphQLAsync(CategoryCreate, new { i = new { name = $"Trail {tag}", parentId = top["id"]!.GetValue<string>() } })).Payload("categoryCreate")["category"]!;
        var grandchild = (await admin.GraphQLAsync(CategoryCreate, new { i = new { name = $"Winter {tag}", parentId = child["id"]!.GetValue<string>() } })).Payload("categoryCreate")["category"]!;

        var underGrandchild = (await admin.GraphQLAsync(CategoryUpdate, new { i = new { id = top["id"]!.GetValue<string>(), parentId = grandchild["id"]!.GetValue<string>() } })).Payload("categoryUpdate");
        var underItself = (await admin.GraphQLAsync(CategoryUpdate, new { i = new { id = child["id"]!.GetValue<string>(), parentId = child["id"]!.GetValue<string>() } })).Payload("categoryUpdate");
        var toTop = (await admin.GraphQLAsync(CategoryUpdate, new { i = new { id = grandchild["id"]!.GetValue<string>(), parentId = (string?)null } })).Payload("categoryUpdate");

        Assert.Equal($"shoes-{tag}", child["parent"]!["slug"]!.GetValue<string>());
        Assert.Equal(["input.parentId"], underGrandchild.ErrorFields());
        Assert.Equal(["input.parentId"], underItself.ErrorFields());
        Assert.Empty(toTop["userErrors"]!.AsArray());
        Assert.Null(toTop["category"]!["parent"]);
        GlobalId.TryDecode(top["id"]!.GetValue<string>(), out _, out var topKey);
        Assert.Null(await factory.DbAsync(db => db.Categories.Where(c => c.Id == topKey).Select(c => c.ParentId).SingleAsync()));
    }

    [Fact]
    public async Task Collections_gain_and_lose_products()
    {
        var admin = await factory.AdminAsync();
        var tag = Tag();
        var collection = (await admin.GraphQLAsync(CollectionCreate, new { i = new { name = $"New In {tag}" } })).Payload("collectionCreate")["collection"]!;
        var product = await admin.CreateProductAsync(tag);
        var input = new { i = new { collectionId = collection["id"]!.GetValue<string>(), productIds = new[] { product["id"]!.GetValue<string>() } } };

        var added = (await admin.GraphQLAsync(CollectionAdd, input)).Payload("collectionAddProducts");
        var addedAgain = (await admin.GraphQLAsync(CollectionAdd, input)).Payload("collectionAddProducts");
        var removed = (await admin.GraphQLAsync(CollectionRemove, input)).Payload("collectionRemoveProducts");

        Assert.Equal([product["id"]!.GetValue<string>()], added["collection"]!["products"]!["nodes"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()));
        Assert.Single(addedAgain["collection"]!["products"]!["nodes"]!.AsArray());
        Assert.Empty(removed["collection"]!["products"]!["nodes"]!.AsArray());
    }

    private static (long Min, long Max) Range(System.Text.Json.Nodes.JsonNode product) =>
        (product["priceRange"]!["min"]!["minorUnits"]!.GetValue<long>(), product["priceRange"]!["max"]!["minorUnits"]!.GetValue<long>());
}
