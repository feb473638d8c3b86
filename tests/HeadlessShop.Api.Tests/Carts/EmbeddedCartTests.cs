using HeadlessShop.Api.Carts;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Carts;

/// <summary>Embedded mode: SQLite, carts in memory, throttling in memory, a generated signing key.</summary>
public sealed class EmbeddedCartsFactory : CartsFactory
{
    public override TestDatabaseKind Database => TestDatabaseKind.Sqlite;
}

public sealed class EmbeddedCartTests(EmbeddedCartsFactory factory) : IClassFixture<EmbeddedCartsFactory>
{
    [Fact]
    public async Task Carts_and_customers_work_without_redis()
    {
        Assert.IsType<MemoryCartStore>(factory.Services.GetRequiredService<ICartStore>());
        var variant = await factory.VariantAsync(0, onHand: 100);
        var session = await factory.RegisterAsync($"embedded-{Guid.NewGuid():N}@example.com");
        var client = factory.Client(session.AccessToken);
        var cartId = (await client.CreateCartAsync())["id"]!.GetValue<string>();

        var adds = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => client.AddAsync(cartId, (variant.Id, 1)))));

        Assert.All(adds, a => Assert.Empty(a.Codes()));
        var me = (await client.GraphQLAsync("{ me { cart { id totalQuantity } } }")).OkData()["me"]!;
        Assert.Equal(cartId, me["cart"]!["id"]!.GetValue<string>());
        Assert.Equal(50, me["cart"]!["totalQuantity"]!.GetValue<int>());
        Assert.Null((await factory.Client().GraphQLAsync(CartQueries.Read, new { id = cartId })).OkData()["cart"]);
    }
}
