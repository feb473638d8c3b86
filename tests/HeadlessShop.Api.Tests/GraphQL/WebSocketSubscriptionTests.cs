using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Infrastructure.Events;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.GraphQL;

public sealed class WebSocketApiFactory : ShopApiFactory;

/// <summary>productAvailabilityChanged through the real API's /graphql over graphql-transport-ws.</summary>
public sealed class WebSocketSubscriptionTests(WebSocketApiFactory factory) : IClassFixture<WebSocketApiFactory>
{
    [Fact]
    public async Task A_stock_change_reaches_a_WebSocket_subscriber_and_complete_detaches_it()
    {
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
        long productId, variantId;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            var row = await db.ProductVariants.OrderBy(v => v.ProductId).ThenBy(v => v.Id).Select(v => new { v.ProductId, v.Id }).FirstAsync();
            (productId, variantId) = (row.ProductId, row.Id);
        }
        var hub = factory.Services.GetRequiredService<EventHub>();
        await hub.Ready;
        var client = factory.Server.CreateWebSocketClient();
        client.SubProtocols.Add("graphql-transport-ws");
        using var socket = await client.ConnectAsync(new Uri(factory.Server.BaseAddress, "graphql"), CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await SendAsync(socket, """{"type":"connection_init","payload":{}}""", timeout.Token);
        Assert.Equal("connection_ack", (await ReceiveAsync(socket, timeout.Token))["type"]!.GetValue<string>());
        var before = hub.SubscriberCount;
        var productGlobalId = GlobalId.Encode(NodeKind.Product, productId);
        await SendAsync(socket, new JsonObject
        {
            ["id"] = "stock",
            ["type"] = "subscribe",
            ["payload"] = new JsonObject
            {
                ["query"] = "subscription($id: ID!) { productAvailabilityChanged(productId: $id) { sku quantityAvailable } }",
                ["variables"] = new JsonObject { ["id"] = productGlobalId },
            },
        }.ToJsonString(), timeout.Token);
        // The subscription is attached once the hub counts it; a ping round trip would not prove that.
        for (var i = 0; i < 300 && hub.SubscriberCount == before; i++)
        {
            await Task.Delay(10, timeout.Token);
        }
        Assert.Equal(before + 1, hub.SubscriberCount);

        await using (var db = await contexts.CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(timeout.Token);
            await db.StockLevels.Where(s => s.VariantId == variantId).ExecuteUpdateAsync(
                s => s.SetProperty(x => x.OnHand, 5).SetProperty(x => x.Reserved, 0).SetProperty(x => x.Version, x => x.Version + 1), timeout.Token);
            db.EnqueueAvailabilityChanged(productId, variantId, DateTime.UtcNow);
            await db.SaveChangesAsync(timeout.Token);
            await transaction.CommitAsync(timeout.Token);
        }
        factory.Services.GetRequiredService<OutboxSignal>().Notify();

        var next = await ReceiveAsync(socket, timeout.Token);
        Assert.Equal("next", next["type"]!.GetValue<string>());
        Assert.Equal("stock", next["id"]!.GetValue<string>());
        Assert.Equal(5, next["payload"]!["data"]!["productAvailabilityChanged"]!["quantityAvailable"]!.GetValue<int>());

        await SendAsync(socket, """{"id":"stock","type":"complete"}""", timeout.Token);
        for (var i = 0; i < 300 && hub.SubscriberCount != before; i++)
        {
            await Task.Delay(10, timeout.Token);
        }
        Assert.Equal(before, hub.SubscriberCount);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
    }

    private static Task SendAsync(WebSocket socket, string json, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, cancellationToken);

    private static async Task<JsonNode> ReceiveAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, cancellationToken);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return JsonNode.Parse(message.ToArray())!;
    }
}
