using System.Text.Json.Nodes;
using System.Threading.Channels;
using GraphQL;
using GraphQL.Types;
using HeadlessShop.Api.Infrastructure.Events;
using HeadlessShop.Api.Orders;
using HeadlessShop.Api.Payments;
using HeadlessShop.Api.Tests.Carts;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Checkout;

/// <summary>orderStatusChanged: current status first, then each change once and in order, owners and token holders only.</summary>
public sealed class OrderSubscriptionTests(CheckoutFactory factory) : IClassFixture<CheckoutFactory>
{
    private const string Subscription = """
        subscription($id: ID!, $t: String) { orderStatusChanged(orderId: $id, accessToken: $t) { status previousStatus note order { id } } }
        """;

    private async Task<ExecutionResult> SubscribeAsync(IServiceScope scope, string orderId, string? token)
    {
        await factory.Services.GetRequiredService<EventHub>().Ready;
        return await scope.ServiceProvider.GetRequiredService<IDocumentExecuter<ISchema>>().ExecuteAsync(new ExecutionOptions
        {
            Query = Subscription,
            Variables = new Inputs(new Dictionary<string, object?> { ["id"] = orderId, ["t"] = token }),
            RequestServices = scope.ServiceProvider,
        });
    }

    [Fact]
    public async Task A_guest_gets_the_current_status_then_each_change_once_even_when_events_are_redelivered()
    {
        var (variantId, _, _) = await factory.VariantAsync(12, onHand: 5);
        var client = factory.Client();
        var cartId = (await client.CreateCartAsync((variantId, 1)))["id"]!.GetValue<string>();
        var pending = await client.CheckoutAsync(cartId, "subscribe-1", TestPaymentGateway.ThreeDSecure);
        var orderId = pending["order"]!["id"]!.GetValue<string>();
        var token = pending["orderAccessToken"]!.GetValue<string>();
        using var scope = factory.Services.CreateScope();
        var result = await SubscribeAsync(scope, orderId, token);
        Assert.Null(result.Errors);
        var received = Channel.CreateUnbounded<ExecutionResult>();
        using var subscription = result.Streams!.Values.Single().Subscribe(new ChannelObserver(received.Writer));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var serializer = factory.Services.GetRequiredService<IGraphQLTextSerializer>();
        async Task<JsonNode> NextAsync() =>
            JsonNode.Parse(serializer.Serialize(await received.Reader.ReadAsync(timeout.Token)))!["data"]!["orderStatusChanged"]!;

        var first = await NextAsync();
        // An at-least-once relay may deliver an old event again: it must not reach the subscriber.
        var bus = factory.Services.GetRequiredService<IEventBus>();
        var key = await OrderIdAsync(orderId);
        var replay = new OrderStatusChanged(key, OrderStatus.PendingPayment, null, 1, DateTime.UtcNow, "Order placed");
        await bus.PublishAsync(new EventEnvelope("replayed", OrderTransitions.StatusChangedEvent, OrderTransitions.KeyOf(key),
            System.Text.Json.JsonSerializer.Serialize(replay, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)),
            DateTimeOffset.UtcNow), CancellationToken.None);
        var cancel = await client.GraphQLAsync("mutation($i: OrderCancelInput!) { orderCancel(input: $i) { userErrors { code } } }",
            new { i = new { orderId, accessToken = token } });
        Assert.Empty(cancel.OkData()["orderCancel"]!["userErrors"]!.AsArray());
        var second = await NextAsync();

        Assert.Equal(("PENDING_PAYMENT", null, orderId), (first["status"]!.GetValue<string>(), first["previousStatus"]?.GetValue<string>(), first["order"]!["id"]!.GetValue<string>()));
        Assert.Equal(("CANCELLED", "PENDING_PAYMENT"), (second["status"]!.GetValue<string>(), second["previousStatus"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Without_the_token_or_ownership_there_is_no_stream()
    {
        var (variantId, _, _) = await factory.VariantAsync(13, onHand: 5);
        var client = factory.Client();
        var cartId = (await client.CreateCartAsync((variantId, 1)))["id"]!.GetValue<string>();
        var order = await client.CheckoutAsync(cartId, "subscribe-2");
        using var scope = factory.Services.CreateScope();

        var result = await SubscribeAsync(scope, order["order"]!["id"]!.GetValue<string>(), "wrong-token");

        Assert.Equal("NOT_FOUND", Assert.Single(result.Errors!).Code);
        Assert.True(result.Streams is null || result.Streams.Count == 0);
    }

    private static Task<long> OrderIdAsync(string globalId) =>
        Task.FromResult(HeadlessShop.Api.GraphQL.GlobalId.Decode(globalId, HeadlessShop.Api.GraphQL.NodeKind.Order, "id"));

    private sealed class ChannelObserver(ChannelWriter<ExecutionResult> writer) : IObserver<ExecutionResult>
    {
        public void OnCompleted() => writer.TryComplete();

        public void OnError(Exception error) => writer.TryComplete(error);

        public void OnNext(ExecutionResult value) => writer.TryWrite(value);
    }
}
