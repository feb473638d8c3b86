using HeadlessShop.Api.Data;
using HeadlessShop.Api.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Orders;

/// <summary>
/// Cancels orders whose payment did not arrive within the payment window and releases their reservations. Safe on
/// several instances at once: each order moves through the conditional transition exactly once.
/// </summary>
public sealed partial class OrderExpiry(IDbContextFactory<ShopDbContext> contexts, OutboxSignal outbox, TimeProvider time, ILogger<OrderExpiry> logger)
    : BackgroundService
{
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

    /// <summary>Cancels every overdue unpaid order; returns how many it cancelled.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var overdue = await db.Set<Order>().Where(o => o.Status == OrderStatus.PendingPayment && o.PaymentDueAt <= now)
            .OrderBy(o => o.PaymentDueAt).Select(o => o.Id).Take(500).ToListAsync(cancellationToken);
        var cancelled = 0;
        foreach (var id in overdue)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (await OrderTransitions.MoveAsync(db, id, OrderStatus.PendingPayment, OrderStatus.Cancelled, StockEffect.Release,
                    "Payment window expired", now, cancellationToken))
            {
                cancelled++;
            }
            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
        if (cancelled > 0)
        {
            outbox.Notify();
        }
        return cancelled;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SweepInterval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The sweep must survive database outages; it runs again on the next tick.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogSweepFailed(ex);
            }
        }
        while (await NextTickAsync(timer, stoppingToken));
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order expiry sweep failed; retrying on the next tick")]
    private partial void LogSweepFailed(Exception exception);
}
