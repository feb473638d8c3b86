using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Infrastructure.Events;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Events;

/// <summary>The real API on a Kestrel loopback port (TCP back-pressure is real, unlike the in-memory test server).</summary>
public sealed class KestrelEventsFactory : ShopApiFactory
{
    public KestrelEventsFactory() => UseKestrel(0);

    public override int Products => 5;

    public Uri GraphQLWebSocket
    {
        get
        {
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal)), "/graphql");
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("GraphQL:WebSocketMaxQueuedMessages", "16");
    }
}

/// <summary>Back-pressure through the real API: a subscriber that stops reading is cut off, its neighbour is not.</summary>
public sealed class SlowSubscriberTests(KestrelEventsFactory factory) : IClassFixture<KestrelEventsFactory>
{
    // Aliases of one field make each message a few KB without more database work, so buffers fill in fewer events.
    private const string Query = "subscription($id: ID!) { productAvailabilityChanged(productId: $id) { sku quantityAvailable product { name d1: description d2: description d3: description d4: description d5: description d6: description d7: description d8: description d9: description d10: description d11: description d12: description } } }";

    [Fact]
    public async Task A_subscriber_that_stops_reading_is_closed_1008_while_another_on_the_same_instance_gets_every_event()
    {
        var hub = factory.Services.GetRequiredService<EventHub>();
        await hub.Ready;
        long productId, variantId;
        await using (var db = await factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>().CreateDbContextAsync())
        {
            var row = await db.ProductVariants.OrderBy(v => v.Id).Select(v => new { v.ProductId, v.Id }).FirstAsync();
            (productId, variantId) = (row.ProductId, row.Id);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var variables = new JsonObject { ["id"] = GlobalId.Encode(NodeKind.Product, productId) };
        var before = hub.SubscriberCount;
        // The stalled client's socket has a tiny receive buffer, so the kernel stops taking data for it early.
        using var stalled = await ConnectAsync(receiveBuffer: 4096, timeout.Token);
        using var reader = await ConnectAsync(receiveBuffer: null, timeout.Token);
        foreach (var socket in new[] { stalled, reader })
        {
            await SendAsync(socket, new JsonObject { ["type"] = "connection_init" }, timeout.Token);
            Assert.Equal("connection_ack", (await ReceiveAsync(socket, timeout.Token))!["type"]!.GetValue<string>());
            await SendAsync(socket, new JsonObject { ["id"] = "s", ["type"] = "subscribe", ["payload"] = new JsonObject { ["query"] = Query, ["variables"] = variables.DeepClone() } }, timeout.Token);
        }
        for (var i = 0; i < 500 && hub.SubscriberCount < before + 2; i++)
        {
            await Task.Delay(10, timeout.Token);
        }
        Assert.Equal(before + 2, hub.SubscriberCount);

        // Events in rounds of 50; the reader drains each round before the next, the stalled client never reads.
        var bus = factory.Services.GetRequiredService<IEventBus>();
        var payload = JsonSerializer.Serialize(new StockEvents.AvailabilityChange(variantId), new JsonSerializerOptions(JsonSerializerDefaults.Web));
        var published = 0;
        var received = 0;
        while (hub.SubscriberCount > before + 1)
        {
            Assert.True(published < 20_000, "the stalled subscriber was never cut off: something buffers without bound");
            for (var i = 0; i < 50; i++, published++)
            {
                await bus.PublishAsync(new EventEnvelope($"flood-{published}", StockEvents.AvailabilityChanged, StockEvents.KeyOf(productId), payload, DateTimeOffset.UtcNow), timeout.Token);
            }
            while (received < published)
            {
                var message = await ReceiveAsync(reader, timeout.Token);
                Assert.Equal("next", message!["type"]!.GetValue<string>());
                Assert.NotNull(message["payload"]!["data"]!["productAvailabilityChanged"]!["sku"]);
                received++;
            }
        }

        // Cut off: the stalled client now reads what the kernel held for it, then the server's close frame.
        var drained = 0;
        while (await ReceiveAsync(stalled, timeout.Token) is not null)
        {
            drained++;
        }
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, stalled.CloseStatus); // 1008
        Assert.True(drained < published, $"the stalled client got all {published} events: nothing bounded its buffer");

        // The neighbour is unaffected: still attached and still receiving, every event so far and the next one.
        Assert.Equal(before + 1, hub.SubscriberCount);
        await bus.PublishAsync(new EventEnvelope("after-cut", StockEvents.AvailabilityChanged, StockEvents.KeyOf(productId), payload, DateTimeOffset.UtcNow), timeout.Token);
        Assert.Equal("next", (await ReceiveAsync(reader, timeout.Token))!["type"]!.GetValue<string>());
        Assert.Equal(published, received);
        Assert.Equal(WebSocketState.Open, reader.State);
        Console.WriteLine($"slow subscriber cut off after {published} events; it had {drained} delivered; the reader got all {received + 1}");
        await reader.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
    }

    private async Task<ClientWebSocket> ConnectAsync(int? receiveBuffer, CancellationToken cancellationToken)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                if (receiveBuffer is { } size)
                {
                    socket.ReceiveBufferSize = size;
                }
                await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var client = new ClientWebSocket();
        client.Options.AddSubProtocol("graphql-transport-ws");
        await client.ConnectAsync(factory.GraphQLWebSocket, new HttpMessageInvoker(handler), cancellationToken);
        return client;
    }

    private static Task SendAsync(WebSocket socket, JsonNode message, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, cancellationToken);

    private static async Task<JsonNode?> ReceiveAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return JsonNode.Parse(message.ToArray());
    }
}
