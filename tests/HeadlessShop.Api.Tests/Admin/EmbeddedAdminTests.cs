using HeadlessShop.Api.Admin;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Admin;

/// <summary>The same staff mutations on SQLite (embedded mode): the raw stock SQL and the slug queries work there too.</summary>
public sealed class EmbeddedAdminTests(SqliteShopApiFactory factory) : IClassFixture<SqliteShopApiFactory>
{
    [Fact]
    public async Task Staff_create_a_product_and_adjust_its_stock_in_embedded_mode()
    {
        var email = $"staff-{Guid.NewGuid():N}@example.com";
        await factory.Services.GetRequiredService<StaffAccounts>().CreateOrPromoteAsync(email, AdminFactory.StaffPassword, default);
        var token = (await factory.CreateClient().GraphQLAsync(AdminFactory.Login, new { i = new { email, password = AdminFactory.StaffPassword } }))
            .OkData()["customerLogin"]!["accessToken"]!.GetValue<string>();
        var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        var product = await admin.CreateProductAsync("embedded");
        var again = await admin.CreateProductAsync("embedded-2");
        var variantId = product["variants"]![0]!["id"]!.GetValue<string>();
        var plus = (await admin.GraphQLAsync(AdminDocuments.StockAdjust, new { i = new { variantId, delta = 5, reason = "delivery" } })).Payload("stockAdjust");
        var counted = (await admin.GraphQLAsync(AdminDocuments.StockAdjust, new { i = new { variantId, onHand = 12, reason = "count" } })).Payload("stockAdjust");

        Assert.Equal("trail-runner-embedded", product["slug"]!.GetValue<string>());
        Assert.Equal("trail-runner-embedded-2", again["slug"]!.GetValue<string>());
        Assert.Equal((5, 15), (plus["adjustment"]!["delta"]!.GetValue<int>(), plus["adjustment"]!["onHand"]!.GetValue<int>()));
        Assert.Equal((-3, 12), (counted["adjustment"]!["delta"]!.GetValue<int>(), counted["variant"]!["quantityAvailable"]!.GetValue<int>()));
    }
}
