using HeadlessShop.Api.Data;
using HeadlessShop.Api.Infrastructure.Events;
using HeadlessShop.Api.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using Stripe;

namespace HeadlessShop.Api.Payments;

/// <summary>A gateway event already applied: the unique id makes a redelivered event a no-op.</summary>
public sealed class ProcessedWebhookEvent
{
    public required string EventId { get; set; }
    public required string Type { get; set; }
    public DateTime ReceivedAt { get; set; }
}

internal sealed class ProcessedWebhookEventConfiguration : IEntityTypeConfiguration<ProcessedWebhookEvent>
{
    public void Configure(EntityTypeBuilder<ProcessedWebhookEvent> builder)
    {
        builder.ToTable("processed_webhook_events");
        builder.HasKey(e => e.EventId);
        builder.Property(e => e.EventId).HasMaxLength(255);
        builder.Property(e => e.Type).HasMaxLength(100);
    }
}

/// <summary>
/// POST /webhooks/stripe. The signature is checked on the raw body before anything else (5-minute tolerance); each
/// event id is applied at most once (its row commits with the change); and a stale event cannot move an order
/// backwards because every change goes through <see cref="OrderTransitions"/> from an expected status.
/// </summary>
public static partial class StripeWebhooks
{
    public const string Path = "/webhooks/stripe";
    private const long ToleranceSeconds = 300;
    private const int MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapStripeWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, HandleAsync).DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext http, ActivePaymentGateway gateway, IOptions<StripeOptions> options, IDbContextFactory<ShopDbContext> contexts, OutboxSignal outbox, TimeProvider time,
        ILoggerFactory loggers)
    {
        var secret = options.Value.WebhookSecret;
        if (!gateway.UsesStripe || string.IsNullOrEmpty(secret))
        {
            return Results.NotFound();
        }
        if (http.Request.ContentLength > MaxBodyBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }
        string body;
        using (var reader = new StreamReader(http.Request.Body))
        {
            body = await reader.ReadToEndAsync(http.RequestAborted);
        }
        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(body, http.Request.Headers["Stripe-Signature"].ToString(), secret,
                ToleranceSeconds, time.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
        }
        catch (StripeException ex)
        {
            return Results.BadRequest(new { error = "Invalid Stripe signature or payload: " + ex.Message });
        }

        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(http.RequestAborted);
        await using var transaction = await db.Database.BeginTransactionAsync(http.RequestAborted);
        if (await db.Set<ProcessedWebhookEvent>().AnyAsync(e => e.EventId == stripeEvent.Id, http.RequestAborted))
        {
            return Results.Ok(new { received = true, duplicate = true });
        }
        db.Add(new ProcessedWebhookEvent { EventId = stripeEvent.Id, Type = stripeEvent.Type, ReceivedAt = now });
        try
        {
            await db.SaveChangesAsync(http.RequestAborted);
        }
        catch (DbUpdateException)
        {
            // The same event arrived twice at once: the other delivery applies it.
            return Results.Ok(new { received = true, duplicate = true });
        }

        switch (stripeEvent.Data.Object)
        {
            case PaymentIntent intent when stripeEvent.Type == EventTypes.PaymentIntentSucceeded:
                await SettleAsync(db, intent.Id, PaymentStatus.Succeeded, OrderStatus.Paid, StockEffect.Sell, "Payment confirmed by Stripe", now, http.RequestAborted);
                break;
            case PaymentIntent intent when stripeEvent.Type == EventTypes.PaymentIntentPaymentFailed:
                await SettleAsync(db, intent.Id, PaymentStatus.Failed, OrderStatus.Cancelled, StockEffect.Release,
                    "Payment failed: " + (intent.LastPaymentError?.Message ?? "declined"), now, http.RequestAborted);
                break;
            case Charge charge when stripeEvent.Type == EventTypes.ChargeRefunded && charge.PaymentIntentId is { } intentId:
                await RefundedAsync(db, intentId, charge.AmountRefunded, now, http.RequestAborted);
                break;
            default:
                LogIgnored(loggers.CreateLogger(typeof(StripeWebhooks)), stripeEvent.Type, stripeEvent.Id);
                break;
        }
        await transaction.CommitAsync(http.RequestAborted);
        outbox.Notify();
        return Results.Ok(new { received = true });
    }

    /// <summary>Applies a payment outcome only to a payment still waiting for one, and moves its order only forward.</summary>
    private static async Task SettleAsync(
        ShopDbContext db, string intentId, PaymentStatus outcome, OrderStatus orderTo, StockEffect stock, string note, DateTime now, CancellationToken cancellationToken)
    {
        var payment = await db.Set<Payment>().FirstOrDefaultAsync(p => p.GatewayReference == intentId, cancellationToken);
        if (payment is null || payment.Status is PaymentStatus.Succeeded or PaymentStatus.Failed or PaymentStatus.Refunded)
        {
            return;
        }
        var updated = await db.Set<Payment>()
            .Where(p => p.Id == payment.Id && (p.Status == PaymentStatus.RequiresAction || p.Status == PaymentStatus.Processing))
            .ExecuteUpdateAsync(p => p.SetProperty(x => x.Status, outcome).SetProperty(x => x.UpdatedAt, now), cancellationToken);
        if (updated > 0)
        {
            await OrderTransitions.MoveAsync(db, payment.OrderId, OrderStatus.PendingPayment, orderTo, stock, note, now, cancellationToken);
        }
    }

    private static async Task RefundedAsync(ShopDbContext db, string intentId, long amountRefunded, DateTime now, CancellationToken cancellationToken)
    {
        var payment = await db.Set<Payment>().FirstOrDefaultAsync(p => p.GatewayReference == intentId, cancellationToken);
        if (payment is null || amountRefunded <= payment.RefundedMinor)
        {
            return;
        }
        var full = amountRefunded >= payment.AmountMinor;
        await db.Set<Payment>().Where(p => p.Id == payment.Id)
            .ExecuteUpdateAsync(p => p.SetProperty(x => x.RefundedMinor, Math.Min(amountRefunded, payment.AmountMinor))
                .SetProperty(x => x.Status, full ? PaymentStatus.Refunded : payment.Status)
                .SetProperty(x => x.UpdatedAt, now), cancellationToken);
        if (full)
        {
            await OrderTransitions.MoveAsync(db, payment.OrderId, OrderStatus.Paid, OrderStatus.Refunded, StockEffect.None, "Refunded in Stripe", now, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe webhook {Type} ({EventId}) recorded and ignored")]
    private static partial void LogIgnored(ILogger logger, string type, string eventId);
}
