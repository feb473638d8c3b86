using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Orders;

/// <summary>What a status change does to the order's reserved stock.</summary>
public enum StockEffect
{
    None,

    /// <summary>Payment succeeded: reserved units become sold (on hand and reserved both drop).</summary>
    Sell,

    /// <summary>Cancelled or expired unpaid: reserved units go back on sale.</summary>
    Release,

    /// <summary>A paid order cancelled before shipment: its sold units go back on hand.</summary>
    Restock,
}

/// <summary>An order moved to <paramref name="Status"/>; <paramref name="CustomerId"/> routes it to the owner's feed (null for guests).</summary>
public sealed record OrderStatusChanged(long OrderId, OrderStatus Status, OrderStatus? PreviousStatus, int Sequence, DateTime At, string? Note, long? CustomerId = null);

/// <summary>
/// The only way an order changes status: a conditional update (from the expected status) so concurrent actors (webhook,
/// expiry, customer) cannot both move it; the history row, the stock effect and the outbox events commit with it.
/// </summary>
public static class OrderTransitions
{
    public const string StatusChangedEvent = "order.status_changed";

    public static string KeyOf(long orderId) => "order:" + orderId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The hub key under which every status change of one customer's orders is fanned out (see <see cref="CustomerOrdersRoute"/>).</summary>
    public static string CustomerKeyOf(long customerId) => "customer-orders:" + customerId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Records the first status of a new order (sequence 1). Call inside the order's transaction.</summary>
    public static void RecordCreated(ShopDbContext db, Order order, DateTime at)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(order);
        var change = new OrderStatusChange { OrderId = order.Id, Status = order.Status, At = at, Sequence = 1, Note = "Order placed" };
        db.Add(change);
        db.EnqueueEvent(StatusChangedEvent, KeyOf(order.Id), new OrderStatusChanged(order.Id, order.Status, null, 1, at, change.Note, order.CustomerId), at);
    }

    /// <summary>
    /// Moves the order from <paramref name="from"/> to <paramref name="to"/> inside the caller's transaction. False when
    /// the order is no longer in <paramref name="from"/> (someone else moved it first) or the move is not allowed.
    /// </summary>
    public static Task<bool> MoveAsync(
        ShopDbContext db, long orderId, OrderStatus from, OrderStatus to, StockEffect stock, string? note, DateTime at, CancellationToken cancellationToken) =>
        MoveAsync(db, orderId, from, to, stock, note, at, known: null, cancellationToken);

    /// <summary>
    /// <see cref="MoveAsync(ShopDbContext, long, OrderStatus, OrderStatus, StockEffect, string?, DateTime, CancellationToken)"/> for a
    /// caller that already holds the order's <paramref name="known"/> facts (checkout, which has just written them): skips
    /// reading them back. The history's unique (order, sequence) index still refuses a stale sequence.
    /// </summary>
    public static async Task<bool> MoveAsync(
        ShopDbContext db, long orderId, OrderStatus from, OrderStatus to, StockEffect stock, string? note, DateTime at, OrderFacts? known,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!OrderStateMachine.CanMove(from, to))
        {
            return false;
        }
        // Sell and Release settle a reservation exactly once; Restock undoes a sale.
        var settles = stock is StockEffect.Sell or StockEffect.Release;
        var moved = await db.Set<Order>()
            .Where(o => o.Id == orderId && o.Status == from && (!settles || !o.StockSettled))
            .ExecuteUpdateAsync(o => o
                .SetProperty(x => x.Status, to)
                .SetProperty(x => x.UpdatedAt, at)
                .SetProperty(x => x.StockSettled, x => x.StockSettled || settles), cancellationToken);
        if (moved == 0)
        {
            return false;
        }
        var state = known ?? await ReadFactsAsync(db, orderId, cancellationToken);
        var lines = state.Lines.OrderBy(l => l.VariantId).ToList();
        var change = new OrderStatusChange { OrderId = orderId, Status = to, PreviousStatus = from, At = at, Note = note, Sequence = state.LastSequence + 1 };
        db.Add(change);
        db.EnqueueEvent(StatusChangedEvent, KeyOf(orderId), new OrderStatusChanged(orderId, to, from, change.Sequence, at, note, state.CustomerId), at);
        if (stock is StockEffect.Release or StockEffect.Restock)
        {
            foreach (var line in lines)
            {
                db.EnqueueAvailabilityChanged(line.ProductId, line.VariantId, at);
            }
        }
        await db.SaveChangesAsync(cancellationToken);

        // Stock rows last (in variant order): hot variants stay locked only until the caller commits.
        foreach (var line in lines)
        {
            var quantity = line.Quantity;
            var variantId = line.VariantId;
            _ = stock switch
            {
                StockEffect.Sell => await db.StockLevels.Where(s => s.VariantId == variantId)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.OnHand, x => x.OnHand - quantity)
                        .SetProperty(x => x.Reserved, x => x.Reserved - quantity)
                        .SetProperty(x => x.Version, x => x.Version + 1), cancellationToken),
                StockEffect.Release => await db.StockLevels.Where(s => s.VariantId == variantId)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.Reserved, x => x.Reserved - quantity)
                        .SetProperty(x => x.Version, x => x.Version + 1), cancellationToken),
                StockEffect.Restock => await db.StockLevels.Where(s => s.VariantId == variantId)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.OnHand, x => x.OnHand + quantity)
                        .SetProperty(x => x.Version, x => x.Version + 1), cancellationToken),
                _ => 0,
            };
        }
        return true;
    }

    private static async Task<OrderFacts> ReadFactsAsync(ShopDbContext db, long orderId, CancellationToken cancellationToken)
    {
        var lines = await db.Set<OrderLine>().Where(l => l.OrderId == orderId && l.VariantId != null)
            .Join(db.ProductVariants, l => l.VariantId, v => v.Id, (l, v) => new OrderFacts.Line(l.VariantId!.Value, l.Quantity, v.ProductId))
            .ToListAsync(cancellationToken);
        // One statement for the owner (routes the event to the customer's feed) and the last sequence number.
        var state = await db.Set<Order>().Where(o => o.Id == orderId)
            .Select(o => new { o.CustomerId, Sequence = db.Set<OrderStatusChange>().Where(h => h.OrderId == orderId).Max(h => (int?)h.Sequence) ?? 0 })
            .SingleAsync(cancellationToken);
        return new OrderFacts(state.CustomerId, state.Sequence, lines);
    }
}

/// <summary>What a status change needs to know of its order: the owner, the last history sequence and the stocked lines.</summary>
public sealed record OrderFacts(long? CustomerId, int LastSequence, IReadOnlyList<OrderFacts.Line> Lines)
{
    public sealed record Line(long VariantId, int Quantity, long ProductId);
}
