using System.Text.Json.Nodes;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Orders;
using HeadlessShop.Api.Payments;
using HeadlessShop.Api.Tests.Carts;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HeadlessShop.Api.Tests.Checkout;

public sealed class CheckoutFactory : CartsFactory;

/// <summary>A clock the test moves by hand, for payment windows.</summary>
public sealed class ExpiryFactory : CartsFactory
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

internal static class Checkouts
{
    public const string Complete = """
        mutation($i: CheckoutCompleteInput!) {
          checkoutComplete(input: $i) {
            order { id number status email total { minorUnits } lines { sku quantity unitPrice { minorUnits } lineTotal { minorUnits } }
                    history { status previousStatus note } }
            payment { status amount { minorUnits } clientSecret }
            orderAccessToken
            userErrors { code message field ... on InsufficientStockError { requested available } }
          }
        }
        """;

    public static object Input(string cartId, string key, string paymentMethod = TestPaymentGateway.Visa, string email = "shopper@example.com", string country = "DE") => new
    {
        i = new
        {
            cartId,
            idempotencyKey = key,
            email,
            paymentMethod,
            shippingAddress = new { name = "Ada Lovelace", line1 = "1 Analytical Way", city = "Berlin", postalCode = "10115", country },
        },
    };

    public static async Task<JsonNode> CheckoutAsync(this HttpClient client, string cartId, string key, string paymentMethod = TestPaymentGateway.Visa) =>
        (await client.GraphQLAsync(Complete, Input(cartId, key, paymentMethod))).OkData()["checkoutComplete"]!;

    public static async Task<(int OnHand, int Reserved)> StockAsync(this ShopApiFactory factory, long variantId)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>().CreateDbContextAsync();
        var stock = await db.StockLevels.SingleAsync(s => s.VariantId == variantId);
        return (stock.OnHand, stock.Reserved);
    }

    public static async Task<int> OrderCountAsync(this ShopApiFactory factory)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>().CreateDbContextAsync();
        return await db.Set<Order>().CountAsync();
    }
}

public sealed class CheckoutTests(CheckoutFactory factory) : IClassFixture<CheckoutFactory>
{
    [Fact]
    public async Task Flash_sale_of_100_units_to_1000_concurrent_buyers_sells_exactly_100_and_never_oversells()
    {
        var (variantId, variantKey, _) = await factory.VariantAsync(20, onHand: 100);
        var client = factory.Client();
        var cartIds = new List<string>();
        for (var i = 0; i < 1000; i++)
        {
            cartIds.Add((await client.CreateCartAsync((variantId, 1)))["id"]!.GetValue<string>());
        }

        var results = await Task.WhenAll(cartIds.Select((cartId, i) => factory.Client().CheckoutAsync(cartId, $"flash-{i}")));

        var paid = results.Count(r => r["order"]?["status"]?.GetValue<string>() == "PAID" && r["userErrors"]!.AsArray().Count == 0);
        var soldOut = results.Count(r => r.Codes() is ["INSUFFICIENT_STOCK"] && r["order"] is null);
        Assert.Equal(100, paid);
        Assert.Equal(900, soldOut);

        // The data, not just the responses: 100 sold, nothing left reserved, nothing negative.
        var (onHand, reserved) = await factory.StockAsync(variantKey);
        Assert.Equal((0, 0), (onHand, reserved));
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>().CreateDbContextAsync();
        var soldUnits = await db.Set<OrderLine>().Where(l => l.VariantId == variantKey)
            .Join(db.Set<Order>(), l => l.OrderId, o => o.Id, (l, o) => new { l.Quantity, o.Status })
            .Where(x => x.Status == OrderStatus.Paid).SumAsync(x => x.Quantity);
        Assert.Equal(100, soldUnits);
        Assert.False(await db.StockLevels.AnyAsync(s => s.OnHand < 0 || s.Reserved < 0 || s.Reserved > s.OnHand));
    }

    [Fact]
    public async Task Five_concurrent_retries_with_one_key_create_one_order_and_one_charge()
    {
        var (variantId, variantKey, price) = await factory.VariantAsync(21, onHand: 10);
        var client = factory.Client();
        var cartId = (await client.CreateCartAsync((variantId, 2)))["id"]!.GetValue<string>();
        var gateway = factory.Services.GetRequiredService<TestPaymentGateway>();
        var chargesBefore = gateway.Charges;
        var ordersBefore = await factory.OrderCountAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => factory.Client().CheckoutAsync(cartId, "retry-key-1")));

        Assert.All(results, r => Assert.Empty(r["userErrors"]!.AsArray()));
        Assert.Single(results.Select(r => r["order"]!["id"]!.GetValue<string>()).Distinct());
        Assert.Single(results.Select(r => r["orderAccessToken"]!.GetValue<string>()).Distinct());
        Assert.All(results, r => Assert.Equal(("PAID", "SUCCEEDED", 2 * price),
            (r["order"]!["status"]!.GetValue<string>(), r["payment"]!["status"]!.GetValue<string>(), r["payment"]!["amount"]!["minorUnits"]!.GetValue<long>())));
        Assert.Equal(chargesBefore + 1, gateway.Charges);
        Assert.Equal(ordersBefore + 1, await factory.OrderCountAsync());
        Assert.Equal((8, 0), await factory.StockAsync(variantKey));
    }

    [Fact]
    public async Task A_customer_key_reused_for_another_cart_is_refused_and_writes_nothing_while_guest_keys_are_per_cart()
    {
        var (variantId, _, _) = await factory.VariantAsync(22, onHand: 10);
        var (token, _, _) = await factory.RegisterAsync($"keys-{Guid.NewGuid():N}@example.com");
        var customer = factory.Client(token);
        var first = (await customer.CreateCartAsync((variantId, 1)))["id"]!.GetValue<string>();
        Assert.Empty((await customer.CheckoutAsync(first, "reused-key"))["userErrors"]!.AsArray());
        var second = (await customer.CreateCartAsync((variantId, 1)))["id"]!.GetValue<string>();
        var orders = await factory.OrderCountAsync();

        var reused = await customer.CheckoutAsync(second, "reused-key");

        Assert.Equal(["IDEMPOTENCY_KEY_REUSED"], reused.Codes());
        Assert.Equal(orders, await factory.OrderCountAsync());
        Assert.NotNull((await customer.GraphQLAsync(CartQueries.Read, new { id = second })).OkData()["cart"]);

        // Guests have no account: their keys are scoped to the cart, so two guests may pick the same key.
        var guest = factory.Client();
        var guestCarts = new[] { (await guest.CreateCartAsync((variantId, 1)))["id"]!.GetValue<string>(), (await guest.CreateCartAsync((variantId, 1)))["id"]!.GetValue<string>() };
        var guestOrders = await Task.WhenAll(guestCarts.Select(c => guest.CheckoutAsync(c, "same-guest-key")));
        Assert.All(guestOrders, o => Assert.Equal("PAID", o["order"]!["status"]!.GetValue<string>()));
        Assert.NotEqual(guestOrders[0]["order"]!["id"]!.GetValue<string>(), guestOrders[1]["order"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_declined_card_cancels_the_order_releases_the_stock_and_gives_the_cart_back()
    {
        var (variantId, variantKey, _) = await factory.VariantAsync(23, onHand: 5);
        var client = factory.Client();
        var cartId = (await client.CreateCartAsync((variantId, 3)))["id"]!.GetValue<string>();

        var declined = await client.CheckoutAsync(cartId, "declined-1", TestPaymentGateway.Declined);

        Assert.Equal(["PAYMENT_DECLINED"], declined.Codes());
        Assert.Equal("CANCELLED", declined["order"]!["status"]!.GetValue<string>());
        Assert.Equal("FAILED", declined["payment"]!["status"]!.GetValue<string>());
        Assert.Equal((5, 0), await factory.StockAsync(variantKey));
        var cart = (await client.GraphQLAsync(CartQueries.Read, new { id = cartId })).OkData()["cart"]!;
        Assert.Equal(3, cart["totalQuantity"]!.GetValue<int>());

        var retried = await client.CheckoutAsync(cartId, "declined-1-new-card");
        Assert.Equal("PAID", retried["order"]!["status"]!.GetValue<string>());
        Assert.Equal((2, 0), await factory.StockAsync(variantKey));
    }

    [Fact]
    public async Task Three_d_secure_leaves_the_order_pending_with_a_client_secret_and_the_stock_reserved()
    {
        var (variantId, variantKey, _) = await factory.VariantAsync(24, onHand: 5);
        var client = factory.Client();
        var cartId = (await client.CreateCartAsync((variantId, 2)))["id"]!.GetValue<string>();

        var result = await client.CheckoutAsync(cartId, "3ds-1", TestPaymentGateway.ThreeDSecure);

        Assert.Empty(result["userErrors"]!.AsArray());
        Assert.Equal("PENDING_PAYMENT", result["order"]!["status"]!.GetValue<string>());
        Assert.Equal("REQUIRES_ACTION", result["payment"]!["status"]!.GetValue<string>());
        Assert.StartsWith("pi_test_", result["payment"]!["clientSecret"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal((5, 2), await factory.StockAsync(variantKey));
    }

    [Theory]
    [InlineData("not-an-email", "DE", "email")]
    [InlineData("shopper@example.com", "Germany", "country")]
    public async Task Invalid_email_or_address_is_a_typed_error_and_writes_nothing(string email, string country, string field)
    {
        var (variantId, variantKey, _) = await factory.VariantAsync(25, onHand: 5);
        var client = factory.Client();
        var cartId = (await client.CreateCartAsync((variantId, 1)))["id"]!.GetValue<string>();
        var orders = await factory.OrderCountAsync();

        var response = await client.GraphQLAsync(Checkouts.Complete, Checkouts.Input(cartId, "bad-" + field, email: email, country: country));
        var payload = response.OkData()["checkoutComplete"]!;

        Assert.Equal(["INVALID_INPUT"], payload.Codes());
        Assert.Equal(field, payload["userErrors"]![0]!["field"]!.AsArray()[^1]!.GetValue<string>());
        Assert.Equal(orders, await factory.OrderCountAsync());
        Assert.Equal((5, 0), await factory.StockAsync(variantKey));
    }

    [Fact]
    public async Task Unknown_and_malformed_cart_ids_are_cart_not_found()
    {
        var client = factory.Client();
        var unknown = HeadlessShop.Api.Carts.CartKey.New().ToGlobalId();

        Assert.Equal(["CART_NOT_FOUND"], (await client.CheckoutAsync(unknown, "unknown-cart")).Codes());
        Assert.Equal(["CART_NOT_FOUND"], (await client.CheckoutAsync("garbage", "garbage-cart")).Codes());
    }

    [Fact]
    public async Task A_guest_reads_the_order_only_with_its_token_and_another_customer_never_sees_it()
    {
        var (variantId, _, _) = await factory.VariantAsync(26, onHand: 5);
        var (ownerToken, _, _) = await factory.RegisterAsync($"owner-{Guid.NewGuid():N}@example.com");
        var (otherToken, _, _) = await factory.RegisterAsync($"other-{Guid.NewGuid():N}@example.com");
        var guest = factory.Client();
        var guestCart = (await guest.CreateCartAsync((variantId, 1)))["id"]!.GetValue<string>();
        var guestOrder = await guest.CheckoutAsync(guestCart, "guest-1");
        var guestOrderId = guestOrder["order"]!["id"]!.GetValue<string>();
        var token = guestOrder["orderAccessToken"]!.GetValue<string>();
        var owner = factory.Client(ownerToken);
        var ownerCart = (await owner.CreateCartAsync((variantId, 1)))["id"]!.GetValue<string>();
        var ownerOrderId = (await owner.CheckoutAsync(ownerCart, "owner-1"))["order"]!["id"]!.GetValue<string>();
        const string read = "query($id: ID!, $t: String) { order(id: $id, accessToken: $t) { id } node(id: $id) { id } }";

        Assert.Equal(guestOrderId, (await guest.GraphQLAsync(read, new { id = guestOrderId, t = token })).OkData()["order"]!["id"]!.GetValue<string>());
        Assert.Null((await guest.GraphQLAsync(read, new { id = guestOrderId, t = token + "x" })).OkData()["order"]);
        Assert.Null((await guest.GraphQLAsync(read, new { id = guestOrderId, t = (string?)null })).OkData()["order"]);

        var ownerView = (await owner.GraphQLAsync(read, new { id = ownerOrderId, t = (string?)null })).OkData();
        Assert.Equal((ownerOrderId, ownerOrderId), (ownerView["order"]!["id"]!.GetValue<string>(), ownerView["node"]!["id"]!.GetValue<string>()));
        var otherView = (await factory.Client(otherToken).GraphQLAsync(read, new { id = ownerOrderId, t = (string?)null })).OkData();
        Assert.Null(otherView["order"]);
        Assert.Null(otherView["node"]);

        const string mine = "{ me { orders(first: 10) { totalCount nodes { id } } } }";
        Assert.Equal([ownerOrderId], (await owner.GraphQLAsync(mine)).OkData()["me"]!["orders"]!["nodes"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()));
        Assert.Equal(0, (await factory.Client(otherToken).GraphQLAsync(mine)).OkData()["me"]!["orders"]!["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task Cancelling_releases_unpaid_stock_and_refunds_and_restocks_a_paid_order_once()
    {
        var (variantId, variantKey, _) = await factory.VariantAsync(27, onHand: 10);
        var client = factory.Client();
        var paidCart = (await client.CreateCartAsync((variantId, 4)))["id"]!.GetValue<string>();
        var paid = await client.CheckoutAsync(paidCart, "cancel-paid");
        Assert.Equal((6, 0), await factory.StockAsync(variantKey));
        const string cancel = "mutation($i: OrderCancelInput!) { orderCancel(input: $i) { order { status payments { status } history { status } } userErrors { code } } }";
        var input = new { i = new { orderId = paid["order"]!["id"]!.GetValue<string>(), accessToken = paid["orderAccessToken"]!.GetValue<string>() } };

        var cancelled = (await client.GraphQLAsync(cancel, input)).OkData()["orderCancel"]!;
        var again = (await client.GraphQLAsync(cancel, input)).OkData()["orderCancel"]!;

        Assert.Equal("CANCELLED", cancelled["order"]!["status"]!.GetValue<string>());
        Assert.Equal("REFUNDED", cancelled["order"]!["payments"]![0]!["status"]!.GetValue<string>());
        Assert.Equal(["INVALID_STATE_TRANSITION"], again.Codes());
        Assert.Equal((10, 0), await factory.StockAsync(variantKey));
        Assert.Equal(["PENDING_PAYMENT", "PAID", "CANCELLED"], cancelled["order"]!["history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>()));
    }
}

public sealed class OrderAdministrationTests(CheckoutFactory factory) : IClassFixture<CheckoutFactory>
{
    private const string Ship = "mutation($i: OrderShipInput!) { orderShip(input: $i) { order { status shipments { carrier trackingNumber status } } userErrors { code field } } }";
    private const string Deliver = "mutation($i: OrderDeliverInput!) { orderDeliver(input: $i) { order { status shipments { status } history { status } } userErrors { code } } }";
    private const string Refund = "mutation($i: OrderRefundInput!) { orderRefund(input: $i) { order { status payments { status } } userErrors { code field } } }";

    private async Task<string> AdminTokenAsync()
    {
        var email = $"staff-{Guid.NewGuid():N}@example.com";
        await factory.RegisterAsync(email);
        await using (var db = await factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>().CreateDbContextAsync())
        {
            await db.Customers.Where(c => c.Email == email).ExecuteUpdateAsync(c => c.SetProperty(x => x.IsAdmin, true));
        }
        var login = await factory.Client().GraphQLAsync("mutation($i: CustomerLoginInput!) { customerLogin(input: $i) { accessToken } }",
            new { i = new { email, password = "correct horse 1" } });
        return login.OkData()["customerLogin"]!["accessToken"]!.GetValue<string>();
    }

    private async Task<(string OrderId, long PaidMinor)> PaidOrderAsync(int variant, int quantity)
    {
        var (variantId, _, price) = await factory.VariantAsync(variant, onHand: 10);
        var client = factory.Client();
        var cartId = (await client.CreateCartAsync((variantId, quantity)))["id"]!.GetValue<string>();
        var order = await client.CheckoutAsync(cartId, $"admin-{Guid.NewGuid():N}");
        return (order["order"]!["id"]!.GetValue<string>(), price * quantity);
    }

    [Fact]
    public async Task Staff_ship_and_deliver_paid_orders_and_everyone_else_is_refused()
    {
        var (orderId, _) = await PaidOrderAsync(10, 1);
        var (customerToken, _, _) = await factory.RegisterAsync($"not-staff-{Guid.NewGuid():N}@example.com");
        var ship = new { i = new { orderId, carrier = "DHL", trackingNumber = "JD0001", trackingUrl = "https://track.example/JD0001" } };

        // The admin guard refuses before the resolver runs: a top-level error, and the order is untouched.
        Assert.Equal("UNAUTHORIZED", (await factory.Client().GraphQLAsync(Ship, ship)).FirstErrorCode());
        Assert.Equal("FORBIDDEN", (await factory.Client(customerToken).GraphQLAsync(Ship, ship)).FirstErrorCode());
        var admin = factory.Client(await AdminTokenAsync());
        Assert.Equal(["INVALID_INPUT"], (await admin.GraphQLAsync(Ship, new { i = new { orderId, carrier = "DHL", trackingNumber = "JD0001", trackingUrl = "javascript:alert(1)" } }))
            .OkData()["orderShip"]!.Codes());

        var shipped = (await admin.GraphQLAsync(Ship, ship)).OkData()["orderShip"]!;
        var delivered = (await admin.GraphQLAsync(Deliver, new { i = new { orderId } })).OkData()["orderDeliver"]!;
        var again = (await admin.GraphQLAsync(Deliver, new { i = new { orderId } })).OkData()["orderDeliver"]!;

        Assert.Equal(("SHIPPED", "IN_TRANSIT"), (shipped["order"]!["status"]!.GetValue<string>(), shipped["order"]!["shipments"]![0]!["status"]!.GetValue<string>()));
        Assert.Equal("DELIVERED", delivered["order"]!["status"]!.GetValue<string>());
        Assert.Equal(["PENDING_PAYMENT", "PAID", "SHIPPED", "DELIVERED"], delivered["order"]!["history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>()));
        Assert.Equal(["INVALID_STATE_TRANSITION"], again.Codes());
    }

    [Fact]
    public async Task Partial_refunds_never_exceed_what_was_paid_and_the_last_one_refunds_the_order()
    {
        var (orderId, paid) = await PaidOrderAsync(11, 2);
        var admin = factory.Client(await AdminTokenAsync());
        object Amount(long minor) => new { i = new { orderId, amount = new { minorUnits = minor, currencyCode = "USD" } } };

        var partial = (await admin.GraphQLAsync(Refund, Amount(100))).OkData()["orderRefund"]!;
        var tooMuch = (await admin.GraphQLAsync(Refund, Amount(paid))).OkData()["orderRefund"]!;
        var rest = (await admin.GraphQLAsync(Refund, new { i = new { orderId } })).OkData()["orderRefund"]!;
        var afterAll = (await admin.GraphQLAsync(Refund, Amount(1))).OkData()["orderRefund"]!;

        Assert.Empty(partial["userErrors"]!.AsArray());
        Assert.Equal(("PAID", "SUCCEEDED"), (partial["order"]!["status"]!.GetValue<string>(), partial["order"]!["payments"]![0]!["status"]!.GetValue<string>()));
        Assert.Equal(["INVALID_INPUT"], tooMuch.Codes());
        Assert.Equal(("REFUNDED", "REFUNDED"), (rest["order"]!["status"]!.GetValue<string>(), rest["order"]!["payments"]![0]!["status"]!.GetValue<string>()));
        Assert.Equal(["INVALID_STATE_TRANSITION"], afterAll.Codes());
        var refunds = factory.Services.GetRequiredService<TestPaymentGateway>().Refunds.Values;
        Assert.Contains(100, refunds);
        Assert.Contains(paid - 100, refunds);
    }
}

public sealed class OrderExpiryTests(ExpiryFactory factory) : IClassFixture<ExpiryFactory>
{
    [Fact]
    public async Task An_unpaid_order_past_its_window_is_cancelled_and_its_stock_is_for_sale_again()
    {
        var (variantId, variantKey, _) = await factory.VariantAsync(5, onHand: 3);
        var client = factory.Client();
        var cartId = (await client.CreateCartAsync((variantId, 3)))["id"]!.GetValue<string>();
        var pending = await client.CheckoutAsync(cartId, "expiry-1", TestPaymentGateway.ThreeDSecure);
        Assert.Equal((3, 3), await factory.StockAsync(variantKey));
        var expiry = factory.Services.GetRequiredService<OrderExpiry>();

        factory.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(0, await expiry.SweepAsync(CancellationToken.None));
        Assert.Equal((3, 3), await factory.StockAsync(variantKey));
        // The hosted sweep also ticks on this clock; whichever sweep gets there first, the order moves exactly once.
        factory.Clock.Advance(TimeSpan.FromMinutes(2));
        await expiry.SweepAsync(CancellationToken.None);
        Assert.Equal(0, await expiry.SweepAsync(CancellationToken.None));

        Assert.Equal((3, 0), await factory.StockAsync(variantKey));
        var order = (await client.GraphQLAsync("query($id: ID!, $t: String) { order(id: $id, accessToken: $t) { status history { status note } } }",
            new { id = pending["order"]!["id"]!.GetValue<string>(), t = pending["orderAccessToken"]!.GetValue<string>() })).OkData()["order"]!;
        Assert.Equal("CANCELLED", order["status"]!.GetValue<string>());
        Assert.Equal(["PENDING_PAYMENT", "CANCELLED"], order["history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>()));
        Assert.Equal("Payment window expired", order["history"]!.AsArray()[^1]!["note"]!.GetValue<string>());
    }
}
