using System.Runtime.CompilerServices;
using System.Text.Json;
using GraphQL;
using GraphQL.Types;
using HeadlessShop.Api.Customers;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Orders;

internal sealed class OrderSubscriptionFields : ISubscriptionFields
{
    public void AddTo(ObjectGraphType subscription)
    {
        subscription.Field<NonNullGraphType<OrderStatusEventGraphType>>("orderStatusChanged")
            .Description("Every status change of one order, in order, starting with its current status.")
            .Argument<NonNullGraphType<IdGraphType>>("orderId")
            .Argument<StringGraphType>("accessToken")
            .ResolveStreamAsync(async ctx =>
            {
                var orderId = GlobalId.Decode(ctx.GetArgument<string>("orderId"), NodeKind.Order, "orderId");
                var services = ctx.RequestServices!;
                if (await services.GetRequiredService<OrderService>().FindAsync(orderId, ctx.GetArgument<string?>("accessToken"), ctx.CancellationToken) is null)
                {
                    throw new ExecutionError("No order with this id, or it is not yours.") { Code = "NOT_FOUND" };
                }
                var hub = services.GetRequiredService<EventHub>();
                var contexts = services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
                var orders = services.GetRequiredService<OrderByIdDataLoader>();
                return new AsyncEnumerableObservable<object?>(ct => OrderChangesAsync(hub, new OrderChangeSequencer(contexts, orders), orderId, ct));
            });

        subscription.Field<NonNullGraphType<OrderStatusEventGraphType>>("myOrderUpdates")
            .Description("Every status change of the signed-in customer's orders.")
            .ResolveStream(ctx =>
            {
                var services = ctx.RequestServices!;
                if (services.GetRequiredService<ICurrentCustomer>().Id is not { } customerId)
                {
                    throw new ExecutionError("Sign in to follow your orders: send the access token in connection_init.") { Code = "UNAUTHORIZED" };
                }
                var hub = services.GetRequiredService<EventHub>();
                var contexts = services.GetRequiredService<IDbContextFactory<ShopDbContext>>();
                var orders = services.GetRequiredService<OrderByIdDataLoader>();
                var time = services.GetRequiredService<TimeProvider>();
                return new AsyncEnumerableObservable<object?>(ct => CustomerChangesAsync(hub, new OrderChangeSequencer(contexts, orders), time, customerId, ct));
            });
    }

    /// <summary>The current status first, then each change of the order exactly once and in order.</summary>
    private static async IAsyncEnumerable<object?> OrderChangesAsync(
        EventHub hub, OrderChangeSequencer sequencer, long orderId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Listen before reading the current status, so a change committed in between is not lost.
        await using var events = hub.SubscribeAsync(OrderTransitions.KeyOf(orderId), cancellationToken).GetAsyncEnumerator(cancellationToken);
        var next = events.MoveNextAsync();
        await using (var db = await sequencer.Contexts.CreateDbContextAsync(cancellationToken))
        {
            var current = await db.Set<OrderStatusChange>().Where(h => h.OrderId == orderId)
                .OrderByDescending(h => h.Sequence).FirstOrDefaultAsync(cancellationToken);
            if (current is not null)
            {
                sequencer.Delivered[orderId] = current.Sequence;
                yield return current;
            }
        }
        await foreach (var change in sequencer.FollowAsync(events, next, cancellationToken))
        {
            yield return change;
        }
    }

    /// <summary>
    /// Each change of the customer's orders made from the moment listening started, exactly once and in order per order.
    /// The baseline (per order, the last sequence stamped before that moment) is read after listening started, so a
    /// change made in between is neither lost nor repeated; an order placed later starts from its sequence 1.
    /// </summary>
    private static async IAsyncEnumerable<object?> CustomerChangesAsync(
        EventHub hub, OrderChangeSequencer sequencer, TimeProvider time, long customerId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var events = hub.SubscribeAsync(OrderTransitions.CustomerKeyOf(customerId), cancellationToken).GetAsyncEnumerator(cancellationToken);
        // The first MoveNextAsync attaches to the hub synchronously: every change stamped from now on reaches us.
        var next = events.MoveNextAsync();
        var listening = time.GetUtcNow().UtcDateTime;
        await using (var db = await sequencer.Contexts.CreateDbContextAsync(cancellationToken))
        {
            var baseline = await db.Set<OrderStatusChange>()
                .Where(h => h.At < listening && db.Set<Order>().Any(o => o.Id == h.OrderId && o.CustomerId == customerId))
                .GroupBy(h => h.OrderId)
                .Select(g => new { OrderId = g.Key, Sequence = g.Max(h => h.Sequence) })
                .ToListAsync(cancellationToken);
            foreach (var order in baseline)
            {
                sequencer.Delivered[order.OrderId] = order.Sequence;
            }
        }
        await foreach (var change in sequencer.FollowAsync(events, next, cancellationToken))
        {
            yield return change;
        }
    }
}

/// <summary>
/// Turns the at-least-once event stream into each order's changes exactly once and in order: events are numbered per
/// order, so a duplicate or older event is dropped, the next one is delivered from its payload, and a gap (an event
/// this instance has not seen) is filled from the history table. The connection's order loader forgets the order
/// before each delivery, so <c>order { status }</c> is read fresh for every event, not cached for the connection.
/// </summary>
internal sealed class OrderChangeSequencer(IDbContextFactory<ShopDbContext> contexts, OrderByIdDataLoader orders)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public IDbContextFactory<ShopDbContext> Contexts => contexts;

    /// <summary>The last sequence delivered per order; a missing order has had nothing delivered.</summary>
    public Dictionary<long, int> Delivered { get; } = [];

    public async IAsyncEnumerable<OrderStatusChange> FollowAsync(
        IAsyncEnumerator<EventEnvelope> events, ValueTask<bool> next, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await next)
        {
            if (Parse(events.Current) is { } changed)
            {
                var delivered = Delivered.GetValueOrDefault(changed.OrderId);
                orders.Forget(changed.OrderId);
                if (changed.Sequence == delivered + 1)
                {
                    Delivered[changed.OrderId] = changed.Sequence;
                    yield return new OrderStatusChange
                    {
                        OrderId = changed.OrderId, Status = changed.Status, PreviousStatus = changed.PreviousStatus,
                        At = changed.At, Note = changed.Note, Sequence = changed.Sequence,
                    };
                }
                else if (changed.Sequence > delivered)
                {
                    foreach (var change in await HistoryAsync(changed.OrderId, delivered, changed.Sequence, cancellationToken))
                    {
                        Delivered[changed.OrderId] = change.Sequence;
                        yield return change;
                    }
                }
            }
            // Ask for the next event only now: a pending read must not outlive this iterator.
            next = events.MoveNextAsync();
        }
    }

    /// <summary>A status event of the stream; null for other or unreadable events (skipped).</summary>
    private static OrderStatusChanged? Parse(EventEnvelope envelope)
    {
        if (envelope.Type != OrderTransitions.StatusChangedEvent)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<OrderStatusChanged>(envelope.Payload, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<List<OrderStatusChange>> HistoryAsync(long orderId, int after, int upTo, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Set<OrderStatusChange>()
            .Where(h => h.OrderId == orderId && h.Sequence > after && h.Sequence <= upTo)
            .OrderBy(h => h.Sequence)
            .ToListAsync(cancellationToken);
    }
}

/// <summary>Fans an order's status change out to its owner's feed too (<see cref="OrderTransitions.CustomerKeyOf"/>).</summary>
internal sealed class CustomerOrdersRoute : IEventRoute
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public IEnumerable<string> KeysOf(EventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.Type != OrderTransitions.StatusChangedEvent)
        {
            return [];
        }
        try
        {
            return JsonSerializer.Deserialize<OrderStatusChanged>(envelope.Payload, Json)?.CustomerId is { } customerId
                ? [OrderTransitions.CustomerKeyOf(customerId)]
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
