using System.Text.Json.Nodes;
using HeadlessShop.Api.Admin;
using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.Infrastructure.Events;
using HeadlessShop.Api.Tests.Carts;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Admin;

/// <summary>PostgreSQL + Redis app with helpers for staff sign-in and the catalog mutations.</summary>
public class AdminFactory : CartsFactory
{
    public const string StaffPassword = "staff pass 1";

    public const string Login = "mutation($i: CustomerLoginInput!) { customerLogin(input: $i) { accessToken refreshToken userErrors { code } } }";

    /// <summary>A new staff account (as `admin create` makes it), signed in through customerLogin.</summary>
    public async Task<string> AdminTokenAsync()
    {
        var email = $"staff-{Guid.NewGuid():N}@example.com";
        var created = await Services.GetRequiredService<StaffAccounts>().CreateOrPromoteAsync(email, StaffPassword, CancellationToken.None);
        Assert.Equal(StaffAccountOutcome.Created, created.Outcome);
        var login = await Client().GraphQLAsync(Login, new { i = new { email, password = StaffPassword } });
        return login.OkData()["customerLogin"]!["accessToken"]!.GetValue<string>();
    }

    public async Task<HttpClient> AdminAsync() => Client(await AdminTokenAsync());

    public async Task<T> DbAsync<T>(Func<ShopDbContext, Task<T>> query)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<ShopDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    public Task<int> ProductChangedEventsAsync(long productId) =>
        DbAsync(db => db.Set<OutboxMessage>().CountAsync(m => m.Type == CatalogEvents.ProductChanged && m.Key == StockEvents.KeyOf(productId)));
}

internal static class AdminDocuments
{
    public const string ProductFields = "id slug name brand priceRange { min { minorUnits currencyCode } max { minorUnits } } "
        + "variants { id sku name price { minorUnits } compareAtPrice { minorUnits } selectedOptions { name value } quantityAvailable }";

    public const string Errors = "userErrors { code field message }";

    public const string ProductCreate = $"mutation($i: ProductCreateInput!) {{ productCreate(input: $i) {{ product {{ {ProductFields} }} {Errors} }} }}";
    public const string ProductUpdate = $"mutation($i: ProductUpdateInput!) {{ productUpdate(input: $i) {{ product {{ {ProductFields} }} {Errors} }} }}";
    public const string ProductDelete = $"mutation($i: ProductDeleteInput!) {{ productDelete(input: $i) {{ deletedProductId {Errors} }} }}";
    public const string VariantCreate = $"mutation($i: VariantCreateInput!) {{ variantCreate(input: $i) {{ variant {{ id sku price {{ minorUnits }} product {{ priceRange {{ min {{ minorUnits }} max {{ minorUnits }} }} }} }} {Errors} }} }}";
    public const string VariantUpdate = $"mutation($i: VariantUpdateInput!) {{ variantUpdate(input: $i) {{ variant {{ id sku price {{ minorUnits }} }} {Errors} }} }}";
    public const string VariantDelete = $"mutation($i: VariantDeleteInput!) {{ variantDelete(input: $i) {{ deletedVariantId {Errors} }} }}";
    public const string StockAdjust = $"mutation($i: StockAdjustInput!) {{ stockAdjust(input: $i) {{ variant {{ quantityAvailable }} adjustment {{ delta onHand reason adjustedBy {{ email }} }} {Errors} }} }}";

    public static object Money(long minor, string currency = "USD") => new { minorUnits = minor, currencyCode = currency };

    /// <summary>A product with a Size option and one variant per size, priced as given (USD), 10 on hand each.</summary>
    public static object TwoSizes(string tag, long small = 5000, long medium = 5500) => new
    {
        i = new
        {
            name = $"Trail Runner {tag}",
            brand = $"Brand-{tag}",
            description = "Acceptance product",
            options = new[] { new { name = "Size", values = new[] { "S", "M" } } },
            variants = new[]
            {
                new { sku = $"TR-{tag}-S", price = Money(small), selectedOptions = new[] { new { name = "Size", value = "S" } }, onHand = 10 },
                new { sku = $"TR-{tag}-M", price = Money(medium), selectedOptions = new[] { new { name = "Size", value = "M" } }, onHand = 10 },
            },
        },
    };

    public static JsonNode Payload(this GraphQLResponse response, string field) => response.OkData()[field]!;

    public static string[] ErrorCodes(this JsonNode payload) =>
        payload["userErrors"]!.AsArray().Select(e => e!["code"]!.GetValue<string>()).ToArray();

    public static string[] ErrorFields(this JsonNode payload) =>
        payload["userErrors"]!.AsArray().Select(e => string.Join(".", e!["field"]!.AsArray().Select(f => f!.GetValue<string>()))).ToArray();

    public static async Task<JsonNode> CreateProductAsync(this HttpClient admin, string tag, long small = 5000, long medium = 5500)
    {
        var payload = (await admin.GraphQLAsync(ProductCreate, TwoSizes(tag, small, medium))).Payload("productCreate");
        Assert.Empty(payload["userErrors"]!.AsArray());
        return payload["product"]!;
    }
}
