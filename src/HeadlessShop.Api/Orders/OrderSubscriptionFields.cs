using System.Runtime.CompilerServices;
using System.Text.Json;
using GraphQL;
using GraphQL.Types;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Orders;

internal sealed class OrderSubscriptionFields : ISubscriptionFields
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

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
                return new AsyncEnumerableObservable<object?>(ct => ChangesAsync(hub, contexts, orderId, ct));
            });
    }

    /// <summary>
    /// The current status first, then each change exactly once and in order: events are numbered per order, so a
    /// duplicate (at-least-once relay) or an older event is dropped, and a gap is filled from the history table.
    /// </summary>
    private static async IAsyncEnumerable<object?> ChangesAsync(
        EventHub hub, IDbContextFactory<ShopDbContext> contexts, long orderId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Listen before reading the current status, so a change committed in between is not lost.
        await using var events = hub.SubscribeAsync(OrderTransitions.KeyOf(orderId), cancellationToken).GetAsyncEnumerator(cancellationToken);
        var next = events.MoveNextAsync();
        var delivered = 0;
        foreach (var change in await HistoryAfterAsync(contexts, orderId, 0, latestOnly: true, cancellationToken))
        {
            delivered = change.Sequence;
            yield return change;
        }
        while (await next)
        {
            if (Sequence(events.Current) is { } sequence && sequence > delivered)
            {
                foreach (var change in await HistoryAfterAsync(contexts, orderId, delivered, latestOnly: false, cancellationToken))
                {
                    if (change.Sequence > sequence)
                    {
                        break;
                    }
                    delivered = change.Sequence;
                    yield return change;
                }
            }
            // Ask for the next event only now: a pending read must not outlive this iterator.
            next = events.MoveNextAsync();
        }
    }

    /// <summary>The per-order sequence number of a status event; null for other or unreadable events (skipped).</summary>
    private static int? Sequence(EventEnvelope envelope)
    {
        if (envelope.Type != OrderTransitions.StatusChangedEvent)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<OrderStatusChanged>(envelope.Payload, Json)?.Sequence;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<List<OrderStatusChange>> HistoryAfterAsync(
        IDbContextFactory<ShopDbContext> contexts, long orderId, int after, bool latestOnly, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Set<OrderStatusChange>().Where(h => h.OrderId == orderId && h.Sequence > after);
        return latestOnly
            ? await query.OrderByDescending(h => h.Sequence).Take(1).ToListAsync(cancellationToken)
            : await query.OrderBy(h => h.Sequence).ToListAsync(cancellationToken);
    }
}
