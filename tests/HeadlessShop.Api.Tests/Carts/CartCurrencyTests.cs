using HeadlessShop.Api.Carts;
using HeadlessShop.Api.Common;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace HeadlessShop.Api.Tests.Carts;

/// <summary>
/// A cart's lines are all in one currency. Its own app and database: these tests price variants in EUR, which the
/// other cart tests (all-USD catalog) must not see.
/// </summary>
public sealed class CartCurrencyTests(CartsFactory factory) : IClassFixture<CartsFactory>
{
    [Fact]
    public async Task A_variant_in_another_currency_is_refused_naming_the_carts_currency_and_nothing_is_written()
    {
        var usd = await factory.VariantAsync(18, onHand: 50);
        var eur = await factory.VariantAsync(19, onHand: 50);
        await factory.SetCurrencyAsync(eur.Key, CurrencyCode.EUR);
        var client = factory.Client();
        var cartId = (await client.CreateCartAsync((usd.Id, 1)))["id"]!.GetValue<string>();

        // Mixed in one request (judged against the cart's lines) and alone (refused by the store's own check).
        var mixed = await client.AddAsync(cartId, (usd.Id, 1), (eur.Id, 2));
        var alone = await client.AddAsync(cartId, (eur.Id, 2));

        foreach (var (payload, at) in new[] { (mixed, "1"), (alone, "0") })
        {
            var error = Assert.Single(payload["userErrors"]!.AsArray())!;
            Assert.Equal("INVALID_INPUT", error["code"]!.GetValue<string>());
            Assert.Equal("This cart is in USD; the variant is priced in EUR.", error["message"]!.GetValue<string>());
            Assert.Equal(["input", "lines", at, "variantId"], error["field"]!.AsArray().Select(f => f!.GetValue<string>()));
            Assert.Equal([(usd.Id, 1)], payload["cart"]!["lines"]!.AsArray().Select(l => (l!["variant"]!["id"]!.GetValue<string>(), l["quantity"]!.GetValue<int>())));
        }
        var stored = await factory.Services.GetRequiredService<ICartStore>().GetAsync(ParseKey(cartId), CancellationToken.None);
        Assert.Equal([(usd.Key, 1)], stored!.Lines.Select(l => (l.VariantId, l.Quantity)));
        Assert.Equal(1, stored.Version);
    }

    [Fact]
    public async Task A_cart_stored_without_its_currency_is_judged_by_its_first_line_and_then_keeps_it()
    {
        var usd = await factory.VariantAsync(20, onHand: 50);
        var usd2 = await factory.VariantAsync(21, onHand: 50);
        var eur = await factory.VariantAsync(22, onHand: 50);
        await factory.SetCurrencyAsync(eur.Key, CurrencyCode.EUR);
        var client = factory.Client();
        var cartId = (await client.CreateCartAsync((usd.Id, 1)))["id"]!.GetValue<string>();
        var redisKey = (RedisKey)(factory.RedisKeyPrefix + "cart:" + ParseKey(cartId).Value);
        var redis = factory.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        Assert.Equal("USD", (string?)await redis.HashGetAsync(redisKey, "cur"));
        Assert.True(await redis.HashDeleteAsync(redisKey, "cur"));

        var refused = await client.AddAsync(cartId, (eur.Id, 1));
        Assert.Equal(["This cart is in USD; the variant is priced in EUR."], refused["userErrors"]!.AsArray().Select(e => e!["message"]!.GetValue<string>()));
        Assert.False(await redis.HashExistsAsync(redisKey, "cur"));
        Assert.Equal("1", (string?)await redis.HashGetAsync(redisKey, "v"));

        var added = await client.AddAsync(cartId, (usd2.Id, 2));
        Assert.Empty(added.Codes());
        Assert.Equal([1, 2], added["cart"]!["lines"]!.AsArray().Select(l => l!["quantity"]!.GetValue<int>()));
        Assert.Equal("USD", (string?)await redis.HashGetAsync(redisKey, "cur"));
        Assert.Equal(["INVALID_INPUT"], (await client.AddAsync(cartId, (eur.Id, 1))).Codes());
        Assert.Equal("2", (string?)await redis.HashGetAsync(redisKey, "v"));
    }

    private static CartKey ParseKey(string id) => CartKey.TryParse(id, out var key) ? key : throw new InvalidOperationException(id);
}
