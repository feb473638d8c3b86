using HeadlessShop.Api.Carts;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using StackExchange.Redis.Profiling;

namespace HeadlessShop.Api.Tests.Carts;

public sealed class CartApiTests(CartsFactory factory) : IClassFixture<CartsFactory>
{
    [Fact]
    public async Task Fifty_concurrent_cartLinesAdd_requests_leave_quantity_fifty()
    {
        var variant = await factory.VariantAsync(0, onHand: 500);
        var client = factory.Client();
        var cart = await client.CreateCartAsync();
        var cartId = cart["id"]!.GetValue<string>();

        var adds = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => factory.Client().AddAsync(cartId, (variant.Id, 1)))));

        Assert.All(adds, payload => Assert.True(payload.Codes().Length == 0, payload.ToJsonString()));
        var read = (await client.GraphQLAsync(CartQueries.Read, new { id = cartId })).OkData()["cart"]!;
        Assert.Equal(50, read["lines"]![0]!["quantity"]!.GetValue<int>());
        Assert.Equal(50 * variant.PriceMinor, read["subtotal"]!["minorUnits"]!.GetValue<long>());
        var stored = await factory.Services.GetRequiredService<ICartStore>().GetAsync(ParseKey(cartId), CancellationToken.None);
        Assert.Equal(50, Assert.Single(stored!.Lines).Quantity);
    }

    [Fact]
    public async Task Adding_updating_and_removing_lines_keeps_server_side_totals()
    {
        var a = await factory.VariantAsync(1, onHand: 20);
        var b = await factory.VariantAsync(2, onHand: 20);
        var client = factory.Client();
        var cart = await client.CreateCartAsync((a.Id, 1));
        var cartId = cart["id"]!.GetValue<string>();

        var added = await client.AddAsync(cartId, (a.Id, 2), (b.Id, 3));
        Assert.Empty(added.Codes());
        Assert.Equal(6, added["cart"]!["totalQuantity"]!.GetValue<int>());
        Assert.Equal(3 * a.PriceMinor + 3 * b.PriceMinor, added["cart"]!["total"]!["minorUnits"]!.GetValue<long>());
        var lineA = added["cart"]!["lines"]![0]!["id"]!.GetValue<string>();
        var lineB = added["cart"]!["lines"]![1]!["id"]!.GetValue<string>();

        var updated = (await client.GraphQLAsync(CartQueries.Update, new { i = new { cartId, lines = new[] { new { lineId = lineA, quantity = 0 }, new { lineId = lineB, quantity = 7 } } } }))
            .OkData()["cartLinesUpdate"]!;
        Assert.Empty(updated.Codes());
        var line = Assert.Single(updated["cart"]!["lines"]!.AsArray())!;
        Assert.Equal(b.Id, line["variant"]!["id"]!.GetValue<string>());
        Assert.Equal(7 * b.PriceMinor, line["lineTotal"]!["minorUnits"]!.GetValue<long>());

        var removed = (await client.GraphQLAsync(CartQueries.Remove, new { i = new { cartId, lineIds = new[] { lineB } } })).OkData()["cartLinesRemove"]!;
        Assert.Empty(removed.Codes());
        Assert.Empty(removed["cart"]!["lines"]!.AsArray());
        Assert.Equal(0, removed["cart"]!["subtotal"]!["minorUnits"]!.GetValue<long>());

        var again = (await client.GraphQLAsync(CartQueries.Remove, new { i = new { cartId, lineIds = new[] { lineB } } })).OkData()["cartLinesRemove"]!;
        Assert.Equal(["NOT_FOUND"], again.Codes());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1000)]
    public async Task Quantities_outside_1_to_999_are_invalid_input_and_write_nothing(int quantity)
    {
        var variant = await factory.VariantAsync(3, onHand: 5000);
        var client = factory.Client();
        var cartId = (await client.CreateCartAsync())["id"]!.GetValue<string>();

        var payload = await client.AddAsync(cartId, (variant.Id, quantity));

        Assert.Equal(["INVALID_INPUT"], payload.Codes());
        Assert.Equal(["input", "lines", "0", "quantity"], payload["userErrors"]![0]!["field"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Empty(payload["cart"]!["lines"]!.AsArray());
    }

    [Fact]
    public async Task More_than_available_is_insufficient_stock_counting_what_the_cart_already_holds()
    {
        var variant = await factory.VariantAsync(4, onHand: 3);
        var client = factory.Client();
        var cartId = (await client.CreateCartAsync((variant.Id, 2)))["id"]!.GetValue<string>();

        var payload = await client.AddAsync(cartId, (variant.Id, 2));

        Assert.True(payload["userErrors"]!.AsArray().Count == 1, payload.ToJsonString());
        var error = payload["userErrors"]![0]!;
        Assert.Equal("INSUFFICIENT_STOCK", error["code"]!.GetValue<string>());
        Assert.Equal(4, error["requested"]!.GetValue<int>());
        Assert.Equal(3, error["available"]!.GetValue<int>());
        Assert.Equal(variant.Id, error["variant"]!["id"]!.GetValue<string>());
        Assert.Equal(2, payload["cart"]!["lines"]![0]!["quantity"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_cart_mutation_checks_stock_and_prices_the_cart_with_one_sql_statement()
    {
        var a = await factory.VariantAsync(9, onHand: 50);
        var b = await factory.VariantAsync(14, onHand: 50);
        var client = factory.Client();
        var cartId = (await client.CreateCartAsync((a.Id, 1)))["id"]!.GetValue<string>();

        var response = await client.GraphQLAsync(CartQueries.Add, new { i = new { cartId, lines = new[] { new { variantId = b.Id, quantity = 2 } } } });

        Assert.Equal(2, response.OkData()["cartLinesAdd"]!["cart"]!["lines"]!.AsArray().Count);
        Assert.Equal(1, response.SqlStatements);
    }

    [Fact]
    public async Task The_common_add_is_one_redis_command_and_one_sql_statement()
    {
        var variant = await factory.VariantAsync(16, onHand: 50);
        var other = await factory.VariantAsync(17, onHand: 50);
        var client = factory.Client();
        var cartId = (await client.CreateCartAsync((variant.Id, 1)))["id"]!.GetValue<string>();
        Assert.Empty((await client.AddAsync(cartId, (variant.Id, 1))).Codes());

        // Every command the app's Redis connection sends while the request runs (the tests of a class run one at a
        // time, so nothing else in this app is talking to Redis); keep-alive pings are the connection's own.
        var redis = factory.Services.GetRequiredService<IConnectionMultiplexer>();
        var session = new ProfilingSession();
        ProfilingSession? recording = session;
        redis.RegisterProfiler(() => recording);
        GraphQLResponse response;
        try
        {
            response = await client.GraphQLAsync(CartQueries.Add, new { i = new { cartId, lines = new[] { new { variantId = variant.Id, quantity = 2 }, new { variantId = other.Id, quantity = 1 } } } });
        }
        finally
        {
            recording = null;
        }
        var commands = session.FinishProfiling().Select(c => c.Command).Where(c => c is not ("PING" or "ECHO")).ToList();

        var payload = response.OkData()["cartLinesAdd"]!;
        Assert.Empty(payload.Codes());
        Assert.Equal([4, 1], payload["cart"]!["lines"]!.AsArray().Select(l => l!["quantity"]!.GetValue<int>()));
        Assert.True(commands.Count == 1 && commands[0] is "EVALSHA" or "EVAL", "Redis commands: " + string.Join(", ", commands));
        Assert.Equal(1, response.SqlStatements);
    }

    [Fact]
    public async Task A_line_never_exceeds_999_units_even_in_steps()
    {
        var variant = await factory.VariantAsync(8, onHand: 5000);
        var client = factory.Client();
        var cartId = (await client.CreateCartAsync((variant.Id, 998)))["id"]!.GetValue<string>();

        var payload = await client.AddAsync(cartId, (variant.Id, 2));

        Assert.Equal(["INVALID_INPUT"], payload.Codes());
        Assert.Equal(998, payload["cart"]!["lines"]![0]!["quantity"]!.GetValue<int>());
        Assert.Empty((await client.AddAsync(cartId, (variant.Id, 1))).Codes());
    }

    [Fact]
    public async Task Unknown_variants_and_unknown_or_malformed_carts_are_typed_errors()
    {
        var variant = await factory.VariantAsync(5, onHand: 5);
        var client = factory.Client();
        var cartId = (await client.CreateCartAsync())["id"]!.GetValue<string>();

        var unknownVariant = await client.AddAsync(cartId, (Api.GraphQL.GlobalId.Encode(Api.GraphQL.NodeKind.ProductVariant, 987654321), 1));
        Assert.Equal(["NOT_FOUND"], unknownVariant.Codes());

        var unknownCart = await client.AddAsync(CartKey.New().ToGlobalId(), (variant.Id, 1));
        Assert.Equal(["CART_NOT_FOUND"], unknownCart.Codes());
        Assert.Null(unknownCart["cart"]);

        var malformed = await client.AddAsync("not-a-cart", (variant.Id, 1));
        Assert.Equal(["CART_NOT_FOUND"], malformed.Codes());

        var read = await client.GraphQLAsync(CartQueries.Read, new { id = CartKey.New().ToGlobalId() });
        Assert.Null(read.OkData()["cart"]);
    }

    [Fact]
    public async Task A_cart_holds_at_most_100_lines()
    {
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        var ids = await db.ProductVariants.OrderBy(v => v.Id).Select(v => v.Id).Take(101).ToListAsync();
        Assert.Equal(101, ids.Count);
        await db.StockLevels.Where(s => ids.Contains(s.VariantId)).ExecuteUpdateAsync(s => s.SetProperty(x => x.OnHand, 1000));
        var client = factory.Client();
        var cartId = (await client.CreateCartAsync())["id"]!.GetValue<string>();

        var tooMany = await client.AddAsync(cartId, [.. ids.Select(id => (Api.GraphQL.GlobalId.Encode(Api.GraphQL.NodeKind.ProductVariant, id), 1))]);
        Assert.Equal(["INVALID_INPUT"], tooMany.Codes());
        Assert.Empty(tooMany["cart"]!["lines"]!.AsArray());

        var hundred = await client.AddAsync(cartId, [.. ids.Take(100).Select(id => (Api.GraphQL.GlobalId.Encode(Api.GraphQL.NodeKind.ProductVariant, id), 1))]);
        Assert.Empty(hundred.Codes());
        Assert.Equal(100, hundred["cart"]!["lines"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_deleted_or_sold_out_variant_is_reported_not_silently_kept()
    {
        var gone = await factory.VariantAsync(6, onHand: 5);
        var short_ = await factory.VariantAsync(7, onHand: 5);
        var client = factory.Client();
        var cartId = (await client.CreateCartAsync((gone.Id, 1), (short_.Id, 4)))["id"]!.GetValue<string>();

        var contexts = factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            await db.ProductVariants.Where(v => v.Id == gone.Key).ExecuteDeleteAsync();
            await db.StockLevels.Where(s => s.VariantId == short_.Key).ExecuteUpdateAsync(s => s.SetProperty(x => x.OnHand, 1));
        }

        var cart = (await client.GraphQLAsync(CartQueries.Read, new { id = cartId })).OkData()["cart"]!;
        Assert.Equal([short_.Id], cart["lines"]!.AsArray().Select(l => l!["variant"]!["id"]!.GetValue<string>()));
        Assert.Equal(4 * short_.PriceMinor, cart["subtotal"]!["minorUnits"]!.GetValue<long>());
        var warnings = cart["warnings"]!.AsArray();
        Assert.Equal(["NOT_FOUND", "INSUFFICIENT_STOCK"], warnings.Select(w => w!["code"]!.GetValue<string>()));
        Assert.Equal(1, warnings[1]!["available"]!.GetValue<int>());
    }

    [Fact]
    public async Task Writes_refresh_the_ttl_and_an_expired_cart_is_CART_NOT_FOUND()
    {
        var variant = await factory.VariantAsync(15, onHand: 50);
        var client = factory.Client();
        var cartId = (await client.CreateCartAsync())["id"]!.GetValue<string>();
        var redisKey = (StackExchange.Redis.RedisKey)(factory.RedisKeyPrefix + "cart:" + ParseKey(cartId).Value);
        var redis = factory.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>().GetDatabase();

        await redis.KeyExpireAsync(redisKey, TimeSpan.FromMinutes(5));
        var added = await client.AddAsync(cartId, (variant.Id, 1));
        Assert.True(await redis.KeyTimeToLiveAsync(redisKey) > TimeSpan.FromDays(29));
        Assert.True(added["cart"]!["expiresAt"]!.GetValue<DateTime>() > DateTime.UtcNow.AddDays(29));

        Assert.True(await redis.KeyExpireAsync(redisKey, DateTime.UtcNow.AddSeconds(-1)));
        Assert.Equal(["CART_NOT_FOUND"], (await client.AddAsync(cartId, (variant.Id, 1))).Codes());
        Assert.Null((await client.GraphQLAsync(CartQueries.Read, new { id = cartId })).OkData()["cart"]);
    }

    [Fact]
    public async Task Cart_ids_are_opaque_and_carry_128_random_bits()
    {
        var client = factory.Client();
        var ids = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add((await client.CreateCartAsync())["id"]!.GetValue<string>());
        }
        Assert.Equal(20, ids.Count);
        Assert.All(ids, id => Assert.True(CartKey.TryParse(id, out var key) && key.Value.Length == 32));
    }

    private static CartKey ParseKey(string id) => CartKey.TryParse(id, out var key) ? key : throw new InvalidOperationException(id);
}
