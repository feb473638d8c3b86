using System.Globalization;
using System.Text;
using HeadlessShop.Api.Customers;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Infrastructure.Events;
using HeadlessShop.Api.Payments;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Orders;

public sealed record OrderResult(Order? Order, IReadOnlyList<UserError> UserErrors);

/// <summary>Reading and cancelling orders, with who-may-see-what in one place.</summary>
public sealed class OrderService(
    IDbContextFactory<ShopDbContext> contexts,
    ICurrentCustomer caller,
    IPaymentGateway gateway,
    OutboxSignal outbox,
    TimeProvider time)
{
    /// <summary>The signed-in owner, the holder of the order's access token, or an admin; anyone else gets null.</summary>
    public async Task<Order?> FindAsync(long orderId, string? accessToken, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var order = await db.Set<Order>().SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        return order is not null && MaySee(order, accessToken) ? order : null;
    }

    public bool MaySee(Order order, string? accessToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        return caller.IsAdmin || (order.CustomerId is { } owner && owner == caller.Id) || Checkout.OrderAccessTokens.Matches(order, accessToken);
    }

    /// <summary>A customer's orders, newest first, as a forward cursor connection; empty for anyone but that customer or an admin.</summary>
    public async Task<Connection<Order>> ForCustomerAsync(long customerId, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (caller.Id != customerId && !caller.IsAdmin)
        {
            return Connection<Order>.FromSlice([], page, OrderCursor.Encode, _ => Task.FromResult(0));
        }
        if (page.Backward)
        {
            throw new BadUserInputException("Orders page forward only: use first/after.", "last");
        }
        var position = page.Cursor is null ? null : OrderCursor.Decode(page.Cursor);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Set<Order>().Where(o => o.CustomerId == customerId);
        if (position is { } p)
        {
            query = query.Where(o => o.CreatedAt < p.CreatedAt || (o.CreatedAt == p.CreatedAt && o.Id < p.Id));
        }
        var rows = page.Size == 0 ? [] : await query.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id).Take(page.Size + 1).ToListAsync(cancellationToken);
        return Connection<Order>.FromSlice(rows, page, OrderCursor.Encode, async ct =>
        {
            await using var countDb = await contexts.CreateDbContextAsync(ct);
            return await countDb.Set<Order>().CountAsync(o => o.CustomerId == customerId, ct);
        });
    }

    /// <summary>
    /// Cancels an order before shipment: unpaid orders release their reservation; paid ones are refunded in full and
    /// their units go back on hand.
    /// </summary>
    public async Task<OrderResult> CancelAsync(string orderId, string? accessToken, CancellationToken cancellationToken)
    {
        if (!GlobalId.TryDecode(orderId, out var kind, out var id) || kind != NodeKind.Order
            || await FindAsync(id, accessToken, cancellationToken) is not { } order)
        {
            return new OrderResult(null, [UserError.NotFound("No order with this id, or it is not yours.", "input", "orderId")]);
        }
        var now = time.GetUtcNow().UtcDateTime;
        Payment? refund = null;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var moved = order.Status switch
            {
                OrderStatus.PendingPayment => await OrderTransitions.MoveAsync(db, id, OrderStatus.PendingPayment, OrderStatus.Cancelled,
                    StockEffect.Release, "Cancelled by the customer", now, cancellationToken),
                OrderStatus.Paid => await OrderTransitions.MoveAsync(db, id, OrderStatus.Paid, OrderStatus.Cancelled,
                    StockEffect.Restock, "Cancelled by the customer; refunded", now, cancellationToken),
                _ => false,
            };
            if (!moved)
            {
                return new OrderResult(order, [new UserError(ErrorCode.InvalidStateTransition,
                    $"An order that is {order.Status} can no longer be cancelled.", ["input", "orderId"])]);
            }
            if (order.Status == OrderStatus.Paid)
            {
                refund = await db.Set<Payment>().Where(p => p.OrderId == id && p.Status == PaymentStatus.Succeeded).OrderBy(p => p.Id).FirstOrDefaultAsync(cancellationToken);
                if (refund is not null)
                {
                    await db.Set<Payment>().Where(p => p.Id == refund.Id)
                        .ExecuteUpdateAsync(p => p.SetProperty(x => x.Status, PaymentStatus.Refunded)
                            .SetProperty(x => x.RefundedMinor, x => x.AmountMinor).SetProperty(x => x.UpdatedAt, now), cancellationToken);
                }
            }
            await transaction.CommitAsync(cancellationToken);
        }
        if (refund?.GatewayReference is { } reference)
        {
            await gateway.RefundAsync(reference, refund.AmountMinor, $"hs-refund-{refund.Id}-full", cancellationToken);
        }
        outbox.Notify();
        return new OrderResult(await FindAsync(id, accessToken, cancellationToken), []);
    }
}

public sealed record OrderShipInput(string OrderId, string Carrier, string TrackingNumber, string? TrackingUrl);

public sealed record MoneyInput(long MinorUnits, Common.CurrencyCode CurrencyCode);

public sealed record OrderRefundInput(string OrderId, MoneyInput? Amount);

public sealed record OrderDeliverInput(string OrderId);

/// <summary>Staff operations on orders; every method refuses callers without the admin role.</summary>
public sealed class OrderAdministration(
    IDbContextFactory<ShopDbContext> contexts,
    ICurrentCustomer caller,
    IPaymentGateway gateway,
    OutboxSignal outbox,
    TimeProvider time)
{
    private static readonly UserError Forbidden = new(ErrorCode.Forbidden, "Staff only: this needs an access token with the admin role.", null);

    public async Task<OrderResult> ShipAsync(OrderShipInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!caller.IsAdmin)
        {
            return new OrderResult(null, [Forbidden]);
        }
        var errors = new List<UserError>();
        if (string.IsNullOrWhiteSpace(input.Carrier) || input.Carrier.Length > 100)
        {
            errors.Add(UserError.Invalid("Name the carrier (at most 100 characters).", "input", "carrier"));
        }
        if (string.IsNullOrWhiteSpace(input.TrackingNumber) || input.TrackingNumber.Length > 100)
        {
            errors.Add(UserError.Invalid("Give the tracking number (at most 100 characters).", "input", "trackingNumber"));
        }
        if (input.TrackingUrl is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme != Uri.UriSchemeHttps || url.Length > 500))
        {
            errors.Add(UserError.Invalid("The tracking URL must be an absolute https URL.", "input", "trackingUrl"));
        }
        if (await LoadAsync(input.OrderId, cancellationToken) is not { } order)
        {
            errors.Add(UserError.NotFound("No order with this id.", "input", "orderId"));
            return new OrderResult(null, errors);
        }
        if (errors.Count > 0)
        {
            return new OrderResult(order, errors);
        }
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await OrderTransitions.MoveAsync(db, order.Id, order.Status, OrderStatus.Shipped, StockEffect.None,
                $"Shipped with {input.Carrier} ({input.TrackingNumber})", now, cancellationToken))
        {
            return new OrderResult(order, [InvalidTransition(order, "shipped")]);
        }
        db.Add(new Shipment
        {
            OrderId = order.Id,
            Carrier = input.Carrier.Trim(),
            TrackingNumber = input.TrackingNumber.Trim(),
            TrackingUrl = input.TrackingUrl,
            Status = ShipmentStatus.InTransit,
            CreatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.Notify();
        return new OrderResult(await LoadAsync(input.OrderId, cancellationToken), []);
    }

    public async Task<OrderResult> DeliverAsync(string orderId, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin)
        {
            return new OrderResult(null, [Forbidden]);
        }
        if (await LoadAsync(orderId, cancellationToken) is not { } order)
        {
            return new OrderResult(null, [UserError.NotFound("No order with this id.", "input", "orderId")]);
        }
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await OrderTransitions.MoveAsync(db, order.Id, OrderStatus.Shipped, OrderStatus.Delivered, StockEffect.None, "Delivered", now, cancellationToken))
        {
            return new OrderResult(order, [InvalidTransition(order, "delivered")]);
        }
        await db.Set<Shipment>().Where(s => s.OrderId == order.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, ShipmentStatus.Delivered), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.Notify();
        return new OrderResult(await LoadAsync(orderId, cancellationToken), []);
    }

    /// <summary>Refunds part or all of what was paid; a full refund of a paid, unshipped order moves it to REFUNDED.</summary>
    public async Task<OrderResult> RefundAsync(OrderRefundInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!caller.IsAdmin)
        {
            return new OrderResult(null, [Forbidden]);
        }
        if (await LoadAsync(input.OrderId, cancellationToken) is not { } order)
        {
            return new OrderResult(null, [UserError.NotFound("No order with this id.", "input", "orderId")]);
        }
        var now = time.GetUtcNow().UtcDateTime;
        Payment? payment;
        long amount;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            payment = await db.Set<Payment>().Where(p => p.OrderId == order.Id && p.Status == PaymentStatus.Succeeded).OrderBy(p => p.Id).FirstOrDefaultAsync(cancellationToken);
            if (payment is null)
            {
                return new OrderResult(order, [new UserError(ErrorCode.InvalidStateTransition, "This order has no succeeded payment to refund.", ["input", "orderId"])]);
            }
            var refundable = payment.AmountMinor - payment.RefundedMinor;
            amount = input.Amount?.MinorUnits ?? refundable;
            if (input.Amount is { } requested && requested.CurrencyCode != payment.Currency)
            {
                return new OrderResult(order, [UserError.Invalid($"The order was paid in {payment.Currency}.", "input", "amount", "currencyCode")]);
            }
            if (amount <= 0 || amount > refundable)
            {
                return new OrderResult(order, [UserError.Invalid($"Refund between 0.01 and {new Common.Money(refundable, payment.Currency).Amount} {payment.Currency}.", "input", "amount")]);
            }
            var full = amount == refundable;
            // Conditional on the refunded amount seen above: two concurrent refunds cannot both pass the limit.
            var updated = await db.Set<Payment>().Where(p => p.Id == payment.Id && p.RefundedMinor == payment.RefundedMinor)
                .ExecuteUpdateAsync(p => p.SetProperty(x => x.RefundedMinor, x => x.RefundedMinor + amount)
                    .SetProperty(x => x.Status, full ? PaymentStatus.Refunded : PaymentStatus.Succeeded)
                    .SetProperty(x => x.UpdatedAt, now), cancellationToken);
            if (updated == 0)
            {
                return new OrderResult(order, [UserError.Invalid("Another refund of this order ran at the same time; read it again and retry.", "input", "orderId")]);
            }
            if (full && order.Status == OrderStatus.Paid)
            {
                await OrderTransitions.MoveAsync(db, order.Id, OrderStatus.Paid, OrderStatus.Refunded, StockEffect.Restock, "Refunded in full", now, cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        if (payment.GatewayReference is { } reference)
        {
            await gateway.RefundAsync(reference, amount, $"hs-refund-{payment.Id}-{payment.RefundedMinor + amount}", cancellationToken);
        }
        outbox.Notify();
        return new OrderResult(await LoadAsync(input.OrderId, cancellationToken), []);
    }

    private async Task<Order?> LoadAsync(string orderId, CancellationToken cancellationToken)
    {
        if (!GlobalId.TryDecode(orderId, out var kind, out var id) || kind != NodeKind.Order)
        {
            return null;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Set<Order>().SingleOrDefaultAsync(o => o.Id == id, cancellationToken);
    }

    private static UserError InvalidTransition(Order order, string to) =>
        new(ErrorCode.InvalidStateTransition, $"An order that is {order.Status} cannot be {to}.", ["input", "orderId"]);
}

/// <summary>Position in a newest-first order list.</summary>
internal sealed record OrderCursor(DateTime CreatedAt, long Id)
{
    public static string Encode(Order order) =>
        OpaqueToken.Encode(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"o1|{order.CreatedAt.Ticks}|{order.Id}")));

    public static OrderCursor Decode(string cursor)
    {
        if (OpaqueToken.TryDecode(cursor, out var payload)
            && Encoding.UTF8.GetString(payload).Split('|') is ["o1", var ticks, var id]
            && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t <= DateTime.MaxValue.Ticks
            && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var i))
        {
            return new OrderCursor(new DateTime(t, DateTimeKind.Utc), i);
        }
        throw new BadUserInputException("\"after\" is not a cursor of this list. Use a cursor returned by the same field.", "after");
    }
}
