using System.Text.Json.Nodes;
using System.Threading.Channels;
using GraphQL;
using GraphQL.Types;
using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Infrastructure.Events;
using HeadlessShop.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.Events;

public sealed class EventsApiFactory : ShopApiFactory;

/// <summary>
/// productAvailabilityChanged end to end on PostgreSQL and Redis: stock change and outbox row in one transaction,
/// relay, Redis Stream, fan-out hub, subscription result read fresh from the database.
/// </summary>
public sealed class ProductAvailabilitySubscriptionTests(EventsApiFactory factory) : IClassFixture<EventsApiFactory>
{
    private const string Subscription = """
        subscription($id: ID!) { productAvailabilityChanged(productId: $id) { id sku quantityAvailable availableForSale } }
        """;

    private readonly IGraphQLTextSerializer _serializer = factory.Services.GetRequiredService<IGraphQLTextSerializer>();

    private async Task<ExecutionResult> SubscribeAsync(IServiceScope scope, string productId)
    {
        await factory.Services.GetRequiredService<EventHub>().Ready;
        return await scope.ServiceProvider.GetRequiredService<IDocumentExecuter<ISchema>>().ExecuteAsync(new ExecutionOptions
        {
            Query = Subscription,
            Variables = new Inputs(new Dictionary<string, object?> { ["id"] = productId }),
            RequestServices = scope.ServiceProvider,
        });
    }

    private async Task<(long ProductId, long VariantId)[]> ProductsWithVariantAsync(int count)
    {
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        var rows = await db.ProductVariants.GroupBy(v => v.ProductId).OrderBy(g => g.Key)
            .Select(g => new { ProductId = g.Key, VariantId = g.Min(v => v.Id) }).Take(count).ToListAsync();
        return rows.Select(r => (r.ProductId, r.VariantId)).ToArray();
    }

    /// <summary>What checkout and stock adjustments do: change stock and record the event in one transaction.</summary>
    private async Task SetOnHandAsync(long productId, long variantId, int onHand)
    {
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.StockLevels.Where(s => s.VariantId == variantId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.OnHand, onHand).SetProperty(x => x.Reserved, 0).SetProperty(x => x.Version, x => x.Version + 1));
        db.EnqueueAvailabilityChanged(productId, variantId, DateTime.UtcNow);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        factory.Services.GetRequiredService<OutboxSignal>().Notify();
    }

    [Fact]
    public async Task A_subscriber_gets_each_stock_change_of_its_product_with_the_fresh_quantity_and_nothing_else()
    {
        var products = await ProductsWithVariantAsync(2);
        var (productId, variantId) = products[0];
        var (otherProductId, otherVariantId) = products[1];
        using var scope = factory.Services.CreateScope();
        var result = await SubscribeAsync(scope, GlobalId.Encode(NodeKind.Product, productId));
        Assert.Null(result.Errors);
        var received = Channel.CreateUnbounded<ExecutionResult>();
        var hub = factory.Services.GetRequiredService<EventHub>();
        var before = hub.SubscriberCount;
        using var subscription = result.Streams!.Values.Single().Subscribe(new ChannelObserver(received.Writer));
        Assert.Equal(before + 1, hub.SubscriberCount);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await SetOnHandAsync(otherProductId, otherVariantId, 3);
        await SetOnHandAsync(productId, variantId, 7);
        // Each notification carries the availability when it is delivered, so the next change waits for it.
        var first = await NextAsync(received.Reader, timeout.Token);
        await SetOnHandAsync(productId, variantId, 0);
        var second = await NextAsync(received.Reader, timeout.Token);
        Assert.Equal(GlobalId.Encode(NodeKind.ProductVariant, variantId), first["id"]!.GetValue<string>());
        Assert.Equal((7, true), (first["quantityAvailable"]!.GetValue<int>(), first["availableForSale"]!.GetValue<bool>()));
        Assert.Equal((0, false), (second["quantityAvailable"]!.GetValue<int>(), second["availableForSale"]!.GetValue<bool>()));

        subscription.Dispose();
        Assert.Equal(before, hub.SubscriberCount);
    }

    [Theory]
    [InlineData("not-an-id", "BAD_USER_INPUT")]
    [InlineData("missing", "NOT_FOUND")]
    public async Task A_bad_or_unknown_product_id_is_a_clear_error_and_no_stream(string productId, string code)
    {
        using var scope = factory.Services.CreateScope();
        var id = productId == "missing" ? GlobalId.Encode(NodeKind.Product, long.MaxValue) : productId;

        var result = await SubscribeAsync(scope, id);

        var body = JsonNode.Parse(_serializer.Serialize(result))!;
        Assert.Equal(code, body["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
        Assert.True(result.Streams is null || result.Streams.Count == 0);
    }

    private async Task<JsonNode> NextAsync(ChannelReader<ExecutionResult> reader, CancellationToken cancellationToken)
    {
        var result = await reader.ReadAsync(cancellationToken);
        var body = JsonNode.Parse(_serializer.Serialize(result))!;
        Assert.True(body["errors"] is null, body.ToJsonString());
        return body["data"]!["productAvailabilityChanged"]!;
    }

    private sealed class ChannelObserver(ChannelWriter<ExecutionResult> writer) : IObserver<ExecutionResult>
    {
        public void OnCompleted() => writer.TryComplete();

        public void OnError(Exception error) => writer.TryComplete(error);

        public void OnNext(ExecutionResult value) => writer.TryWrite(value);
    }
}
