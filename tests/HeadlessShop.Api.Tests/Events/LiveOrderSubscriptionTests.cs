using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using HeadlessShop.Api.Customers;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Infrastructure.Events;
using HeadlessShop.Api.Orders;
using HeadlessShop.Api.Tests.Carts;
using HeadlessShop.Api.Tests.Checkout;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HeadlessShop.Api.Tests.Events;

public sealed class LiveOrdersFactory : CartsFactory
{
    public async Task<string> AdminTokenAsync()
    {
        var email = $"staff-{Guid.NewGuid():N}@example.com";
        await RegisterAsync(email);
        await using (var db = await Services.GetRequiredService<IDbContextFactory<ShopDbContext>>().CreateDbContextAsync())
        {
            await db.Customers.Where(c => c.Email == email).ExecuteUpdateAsync(c => c.SetProperty(x => x.IsAdmin, true));
        }
        var login = await Client().GraphQLAsync("mutation($i: CustomerLoginInput!) { customerLogin(input: $i) { accessToken } }",
            new { i = new { email, password = "correct horse 1" } });
        return login.OkData()["customerLogin"]!["accessToken"]!.GetValue<string>();
    }

    /// <summary>A graphql-transport-ws connection to /graphql, optionally with an Authorization header on the upgrade.</summary>
    public async Task<WsSession> ConnectAsync(string? upgradeAuthorization = null)
    {
        var client = Server.CreateWebSocketClient();
        client.SubProtocols.Add("graphql-transport-ws");
        if (upgradeAuthorization is not null)
        {
            client.ConfigureRequest = request => request.Headers.Authorization = upgradeAuthorization;
        }
        return new WsSession(await client.ConnectAsync(new Uri(Server.BaseAddress, "graphql"), CancellationToken.None));
    }
}

public sealed class WsSession(WebSocket socket) : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    public WebSocket Socket => socket;

    public Task SendAsync(JsonNode message) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, _timeout.Token);

    /// <summary>Sends connection_init; returns the server's answer type, or "close:&lt;code&gt;" when it closed the socket.</summary>
    public async Task<string> InitAsync(JsonObject? payload)
    {
        await SendAsync(new JsonObject { ["type"] = "connection_init", ["payload"] = payload });
        var answer = await ReceiveAsync();
        return answer?["type"]!.GetValue<string>() ?? $"close:{(int)socket.CloseStatus!.Value}";
    }

    public Task SubscribeAsync(string id, string query, JsonObject? variables = null) =>
        SendAsync(new JsonObject { ["id"] = id, ["type"] = "subscribe", ["payload"] = new JsonObject { ["query"] = query, ["variables"] = variables } });

    /// <summary>The next message, or null once the server closed the socket.</summary>
    public async Task<JsonNode?> ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, _timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return JsonNode.Parse(message.ToArray());
    }

    /// <summary>Runs a query over the socket and returns its data.</summary>
    public async Task<JsonNode> QueryAsync(string id, string query, JsonObject? variables = null)
    {
        await SubscribeAsync(id, query, variables);
        var next = await ReceiveAsync();
        Assert.Equal("next", next!["type"]!.GetValue<string>());
        Assert.Null(next["payload"]!["errors"]);
        Assert.Equal("complete", (await ReceiveAsync())!["type"]!.GetValue<string>());
        return next["payload"]!["data"]!;
    }

    public void Dispose()
    {
        socket.Dispose();
        _timeout.Dispose();
    }
}

/// <summary>The JWT WebSocket authenticator: who a connection is, from connection_init or the upgrade request.</summary>
public sealed class WebSocketAuthenticationTests(LiveOrdersFactory factory) : IClassFixture<LiveOrdersFactory>
{
    private const string Me = "{ me { id } }";

    [Theory]
    [InlineData("Authorization")]
    [InlineData("authorization")]
    public async Task A_bearer_token_in_connection_init_makes_the_connection_that_customer(string key)
    {
        var (token, _, customerId) = await factory.RegisterAsync($"ws-{Guid.NewGuid():N}@example.com");
        using var ws = await factory.ConnectAsync();

        Assert.Equal("connection_ack", await ws.InitAsync(new JsonObject { [key] = $"Bearer {token}" }));
        Assert.Equal(customerId, (await ws.QueryAsync("me", Me))["me"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_upgrade_requests_Authorization_header_works_when_connection_init_has_no_token()
    {
        var (token, _, customerId) = await factory.RegisterAsync($"ws-{Guid.NewGuid():N}@example.com");
        using var ws = await factory.ConnectAsync($"Bearer {token}");

        Assert.Equal("connection_ack", await ws.InitAsync(null));
        Assert.Equal(customerId, (await ws.QueryAsync("me", Me))["me"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Staff_tokens_make_an_admin_connection_that_reads_any_order_and_customers_do_not()
    {
        var (variantId, _, _) = await factory.VariantAsync(20, onHand: 5);
        var guest = factory.Client();
        var cartId = (await guest.CreateCartAsync((variantId, 1)))["id"]!.GetValue<string>();
        var orderId = (await guest.CheckoutAsync(cartId, $"ws-admin-{Guid.NewGuid():N}"))["order"]!["id"]!.GetValue<string>();
        var (customerToken, _, _) = await factory.RegisterAsync($"ws-{Guid.NewGuid():N}@example.com");
        using var admin = await factory.ConnectAsync();
        using var customer = await factory.ConnectAsync();
        Assert.Equal("connection_ack", await admin.InitAsync(new JsonObject { ["Authorization"] = $"Bearer {await factory.AdminTokenAsync()}" }));
        Assert.Equal("connection_ack", await customer.InitAsync(new JsonObject { ["Authorization"] = $"Bearer {customerToken}" }));

        const string Read = "query($id: ID!) { order(id: $id) { id } }";
        Assert.Equal(orderId, (await admin.QueryAsync("o", Read, new JsonObject { ["id"] = orderId }))["order"]!["id"]!.GetValue<string>());
        Assert.Null((await customer.QueryAsync("o", Read, new JsonObject { ["id"] = orderId }))["order"]);
    }

    [Fact]
    public async Task No_token_is_an_anonymous_connection_and_myOrderUpdates_answers_UNAUTHORIZED()
    {
        var hub = factory.Services.GetRequiredService<EventHub>();
        var before = hub.SubscriberCount;
        using var ws = await factory.ConnectAsync();
        Assert.Equal("connection_ack", await ws.InitAsync(new JsonObject()));
        Assert.Null((await ws.QueryAsync("me", Me))["me"]);

        await ws.SubscribeAsync("mine", "subscription { myOrderUpdates { status } }");
        var error = await ws.ReceiveAsync();

        Assert.Equal("error", error!["type"]!.GetValue<string>());
        Assert.Equal("UNAUTHORIZED", error["payload"]![0]!["extensions"]!["code"]!.GetValue<string>());
        Assert.Equal(before, hub.SubscriberCount);
    }

    public static TheoryData<string> RejectedCredentials => new()
    {
        "Bearer not-a-jwt",
        "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
        "Basic dXNlcjpwYXNz",
    };

    [Theory]
    [MemberData(nameof(RejectedCredentials))]
    public async Task A_malformed_forged_or_non_bearer_token_closes_4403(string credentials)
    {
        using var ws = await factory.ConnectAsync();
        Assert.Equal("close:4403", await ws.InitAsync(new JsonObject { ["Authorization"] = credentials }));
    }

    [Fact]
    public async Task A_token_signed_by_another_key_or_expired_closes_4403_also_when_sent_on_the_upgrade_request()
    {
        var configured = factory.Services.GetRequiredService<IOptions<JwtOptions>>().Value;
        var customer = new Customer { Id = 1, Email = "old@example.com", NormalizedEmail = "OLD@EXAMPLE.COM", PasswordHash = "" };
        var expired = new AccessTokenService(Options.Create(new JwtOptions { SigningKey = configured.SigningKey, Issuer = configured.Issuer, Audience = configured.Audience }),
            new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1))).Issue(customer).Token;
        var otherKey = new AccessTokenService(Options.Create(new JwtOptions { SigningKey = "another-deployments-key-0123456789abcdef", Issuer = configured.Issuer, Audience = configured.Audience }),
            TimeProvider.System).Issue(customer).Token;
        // The same expired token is valid in every other respect: only its age is wrong.
        Assert.NotNull(await new AccessTokenService(Options.Create(configured), new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1))).ValidateAsync(expired));

        foreach (var token in new[] { expired, otherKey })
        {
            using var inPayload = await factory.ConnectAsync();
            Assert.Equal("close:4403", await inPayload.InitAsync(new JsonObject { ["Authorization"] = $"Bearer {token}" }));
            using var onUpgrade = await factory.ConnectAsync($"Bearer {token}");
            Assert.Equal("close:4403", await onUpgrade.InitAsync(null));
        }
        using var notAString = await factory.ConnectAsync();
        Assert.Equal("close:4403", await notAString.InitAsync(new JsonObject { ["authorization"] = 42 }));
    }
}

/// <summary>myOrderUpdates: every change of the signed-in customer's orders, once and in order per order.</summary>
public sealed class MyOrderUpdatesTests(LiveOrdersFactory factory) : IClassFixture<LiveOrdersFactory>
{
    private const string Subscription = "subscription { myOrderUpdates { status previousStatus note order { id status } } }";
    private const string Ship = "mutation($i: OrderShipInput!) { orderShip(input: $i) { order { status } userErrors { code } } }";

    [Fact]
    public async Task A_customer_gets_each_change_of_each_own_order_once_in_order_and_nothing_of_others()
    {
        await factory.Services.GetRequiredService<EventHub>().Ready;
        var (variantId, _, _) = await factory.VariantAsync(21, onHand: 50);
        var (token, _, _) = await factory.RegisterAsync($"mine-{Guid.NewGuid():N}@example.com");
        var (otherToken, _, _) = await factory.RegisterAsync($"other-{Guid.NewGuid():N}@example.com");
        var me = factory.Client(token);
        var admin = factory.Client(await factory.AdminTokenAsync());
        // Placed and paid before subscribing: only its later changes may arrive.
        var earlier = await OrderAsync(me, variantId);

        using var ws = await factory.ConnectAsync();
        Assert.Equal("connection_ack", await ws.InitAsync(new JsonObject { ["Authorization"] = $"Bearer {token}" }));
        var hub = factory.Services.GetRequiredService<EventHub>();
        var before = hub.SubscriberCount;
        await ws.SubscribeAsync("mine", Subscription);
        for (var i = 0; i < 300 && hub.SubscriberCount == before; i++)
        {
            await Task.Delay(10);
        }
        Assert.Equal(before + 1, hub.SubscriberCount);

        // Two of mine at once, plus a guest's and another customer's that must not show up.
        var placed = await Task.WhenAll(OrderAsync(me, variantId), OrderAsync(me, variantId), OrderAsync(factory.Client(), variantId), OrderAsync(factory.Client(otherToken), variantId));
        var (first, second) = (placed[0], placed[1]);
        // An at-least-once relay may deliver an old event again: republish first's PAID event, then move on.
        var firstKey = GlobalId.Decode(first, NodeKind.Order, "id");
        var customerId = AccessTokenService.CustomerIdOf((await factory.Services.GetRequiredService<AccessTokenService>().ValidateAsync(token))!);
        await factory.Services.GetRequiredService<IEventBus>().PublishAsync(new EventEnvelope("replayed", OrderTransitions.StatusChangedEvent, OrderTransitions.KeyOf(firstKey),
            System.Text.Json.JsonSerializer.Serialize(new OrderStatusChanged(firstKey, OrderStatus.Paid, OrderStatus.PendingPayment, 2, DateTime.UtcNow, "Payment succeeded", customerId),
                new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)), DateTimeOffset.UtcNow), CancellationToken.None);
        foreach (var orderId in new[] { earlier, first, second })
        {
            var shipped = (await admin.GraphQLAsync(Ship, new { i = new { orderId, carrier = "DHL", trackingNumber = "00340434161234567890" } })).OkData()["orderShip"]!;
            Assert.Empty(shipped["userErrors"]!.AsArray());
        }

        // 2 x (PENDING_PAYMENT, PAID, SHIPPED) + earlier's SHIPPED; the last ship is the last event, so any duplicate
        // or foreign event would have arrived before it.
        var received = new List<(string Order, string Status, string OrderStatusNow)>();
        while (received.Count < 7)
        {
            var message = await ws.ReceiveAsync();
            Assert.Equal("next", message!["type"]!.GetValue<string>());
            var change = message["payload"]!["data"]!["myOrderUpdates"]!;
            received.Add((change["order"]!["id"]!.GetValue<string>(), change["status"]!.GetValue<string>(), change["order"]!["status"]!.GetValue<string>()));
            if (received[^1] is { Order: var o, Status: "SHIPPED" } && o == second)
            {
                break;
            }
        }

        Assert.Equal(["SHIPPED"], received.Where(r => r.Order == earlier).Select(r => r.Status));
        Assert.Equal(["PENDING_PAYMENT", "PAID", "SHIPPED"], received.Where(r => r.Order == first).Select(r => r.Status));
        Assert.Equal(["PENDING_PAYMENT", "PAID", "SHIPPED"], received.Where(r => r.Order == second).Select(r => r.Status));
        Assert.Equal(7, received.Count);
        // order { status } is read when the event is resolved, not cached for the connection's lifetime.
        Assert.All(received.Where(r => r.Status == "SHIPPED"), r => Assert.Equal("SHIPPED", r.OrderStatusNow));
        // The data behind it: each order's history is exactly what was delivered, numbered 1, 2, 3.
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>().CreateDbContextAsync();
        var history = await db.Set<OrderStatusChange>().Where(h => h.OrderId == firstKey).OrderBy(h => h.Sequence).Select(h => new { h.Sequence, h.Status }).ToListAsync();
        Assert.Equal([(1, OrderStatus.PendingPayment), (2, OrderStatus.Paid), (3, OrderStatus.Shipped)], history.Select(h => (h.Sequence, h.Status)));
    }

    [Fact]
    public async Task A_gap_in_the_stream_is_filled_from_the_history_and_the_late_events_are_dropped()
    {
        await factory.Services.GetRequiredService<EventHub>().Ready;
        var (variantId, _, _) = await factory.VariantAsync(22, onHand: 10);
        var (token, _, _) = await factory.RegisterAsync($"gap-{Guid.NewGuid():N}@example.com");
        var admin = factory.Client(await factory.AdminTokenAsync());
        var orderId = await OrderAsync(factory.Client(token), variantId);
        var key = GlobalId.Decode(orderId, NodeKind.Order, "id");
        using var ws = await factory.ConnectAsync();
        Assert.Equal("connection_ack", await ws.InitAsync(new JsonObject { ["Authorization"] = $"Bearer {token}" }));
        var hub = factory.Services.GetRequiredService<EventHub>();
        var before = hub.SubscriberCount;
        await ws.SubscribeAsync("mine", Subscription);
        for (var i = 0; i < 300 && hub.SubscriberCount == before; i++)
        {
            await Task.Delay(10);
        }

        // Stall every relay (this test holds their advisory lock), then ship and deliver: both commit, neither is published.
        // Unpooled: closing must end the session, which is what releases a session-level advisory lock.
        await using var lockConnection = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(factory.ConnectionString) { Pooling = false }.ConnectionString);
        await lockConnection.OpenAsync();
        await using (var take = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_lock({OutboxRelay.RelayLockKey})", lockConnection))
        {
            await take.ExecuteNonQueryAsync();
        }
        Assert.Empty((await admin.GraphQLAsync(Ship, new { i = new { orderId, carrier = "DHL", trackingNumber = "00340434161234567890" } })).OkData()["orderShip"]!["userErrors"]!.AsArray());
        Assert.Empty((await admin.GraphQLAsync("mutation($i: OrderDeliverInput!) { orderDeliver(input: $i) { userErrors { code } } }", new { i = new { orderId } }))
            .OkData()["orderDeliver"]!["userErrors"]!.AsArray());
        // Only DELIVERED (sequence 4) reaches the stream, as if this instance had missed SHIPPED (3).
        var customerId = AccessTokenService.CustomerIdOf((await factory.Services.GetRequiredService<AccessTokenService>().ValidateAsync(token))!);
        await factory.Services.GetRequiredService<IEventBus>().PublishAsync(new EventEnvelope("out-of-band", OrderTransitions.StatusChangedEvent, OrderTransitions.KeyOf(key),
            System.Text.Json.JsonSerializer.Serialize(new OrderStatusChanged(key, OrderStatus.Delivered, OrderStatus.Shipped, 4, DateTime.UtcNow, null, customerId),
                new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)), DateTimeOffset.UtcNow), CancellationToken.None);

        var first = await ws.ReceiveAsync();
        var second = await ws.ReceiveAsync();
        Assert.Equal(("SHIPPED", "DELIVERED"), (first!["payload"]!["data"]!["myOrderUpdates"]!["status"]!.GetValue<string>(), second!["payload"]!["data"]!["myOrderUpdates"]!["status"]!.GetValue<string>()));

        // Release the relays: the real SHIPPED and DELIVERED events are published now and must be dropped.
        await using (var release = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_unlock({OutboxRelay.RelayLockKey})", lockConnection))
        {
            await release.ExecuteNonQueryAsync();
        }
        await lockConnection.CloseAsync();
        await using (var db = await factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>().CreateDbContextAsync())
        {
            for (var i = 0; i < 200 && await db.Set<OutboxMessage>().AnyAsync(m => m.Key == OrderTransitions.KeyOf(key) && m.PublishedAt == null); i++)
            {
                await Task.Delay(50);
            }
            Assert.False(await db.Set<OutboxMessage>().AnyAsync(m => m.Key == OrderTransitions.KeyOf(key) && m.PublishedAt == null));
        }
        // A later event of the same feed comes after them in the stream: it must be the next thing to arrive.
        var (otherVariant, _, _) = await factory.VariantAsync(23, onHand: 10);
        var marker = await OrderAsync(factory.Client(token), otherVariant);
        var next = await ws.ReceiveAsync();
        Assert.Equal(marker, next!["payload"]!["data"]!["myOrderUpdates"]!["order"]!["id"]!.GetValue<string>());
        Assert.Equal("PENDING_PAYMENT", next["payload"]!["data"]!["myOrderUpdates"]!["status"]!.GetValue<string>());
    }

    private static async Task<string> OrderAsync(HttpClient client, string variantId)
    {
        var cartId = (await client.CreateCartAsync((variantId, 1)))["id"]!.GetValue<string>();
        var order = await client.CheckoutAsync(cartId, $"mine-{Guid.NewGuid():N}");
        Assert.Equal("PAID", order["order"]!["status"]!.GetValue<string>());
        return order["order"]!["id"]!.GetValue<string>();
    }
}
