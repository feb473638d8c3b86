using HeadlessShop.Api.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HeadlessShop.Api.Orders;

public enum OrderStatus
{
    PendingPayment,
    Paid,
    Fulfilled,
    Shipped,
    Delivered,
    Cancelled,
    Refunded,
}

public enum PaymentStatus
{
    RequiresAction,
    Processing,
    Succeeded,
    Failed,
    Refunded,
}

public enum ShipmentStatus
{
    Pending,
    InTransit,
    Delivered,
}

/// <summary>An order: a snapshot of the cart at checkout (lines keep sku, name and unit price as they were sold).</summary>
public sealed class Order
{
    public long Id { get; set; }
    public required string Number { get; set; }
    public OrderStatus Status { get; set; }
    public required string Email { get; set; }
    public long? CustomerId { get; set; }

    /// <summary>SHA-256 of the guest access token; the token itself is never stored.</summary>
    public required byte[] AccessTokenHash { get; set; }

    public CurrencyCode Currency { get; set; }
    public long SubtotalMinor { get; set; }
    public long TotalMinor { get; set; }
    public required string ShippingAddress { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>Unpaid orders are cancelled, and their reservations released, after this time.</summary>
    public DateTime PaymentDueAt { get; set; }

    /// <summary>True once the reservation became sold stock (payment succeeded) or was released (cancelled).</summary>
    public bool StockSettled { get; set; }

    public List<OrderLine> Lines { get; set; } = [];
}

public sealed class OrderLine
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public long? VariantId { get; set; }
    public required string Sku { get; set; }
    public required string Name { get; set; }
    public int Quantity { get; set; }
    public long UnitPriceMinor { get; set; }
}

public sealed class OrderStatusChange
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public OrderStatus Status { get; set; }
    public OrderStatus? PreviousStatus { get; set; }
    public DateTime At { get; set; }
    public string? Note { get; set; }

    /// <summary>1, 2, 3… per order: subscribers use it to drop duplicates and detect gaps.</summary>
    public int Sequence { get; set; }
}

public sealed class Payment
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public PaymentStatus Status { get; set; }
    public long AmountMinor { get; set; }
    public long RefundedMinor { get; set; }
    public CurrencyCode Currency { get; set; }
    public required string Gateway { get; set; }

    /// <summary>The gateway's id for the charge (e.g. a Stripe PaymentIntent id); null until the gateway answered.</summary>
    public string? GatewayReference { get; set; }

    /// <summary>Sent to the gateway with every attempt, so a retried call never charges twice.</summary>
    public required string GatewayIdempotencyKey { get; set; }

    public string? ClientSecret { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class Shipment
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public required string Carrier { get; set; }
    public required string TrackingNumber { get; set; }
    public string? TrackingUrl { get; set; }
    public ShipmentStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// A client's checkout idempotency key, scoped to the customer (or, for guests, the cart). Unique per scope: the first
/// checkout with a key records it in its order transaction; a retry finds it and gets the same order back.
/// </summary>
public sealed class CheckoutIdempotencyKey
{
    public required string Scope { get; set; }
    public required string Key { get; set; }
    public required string CartId { get; set; }
    public long OrderId { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class OrderConfiguration :
    IEntityTypeConfiguration<Order>, IEntityTypeConfiguration<OrderLine>, IEntityTypeConfiguration<OrderStatusChange>,
    IEntityTypeConfiguration<Payment>, IEntityTypeConfiguration<Shipment>, IEntityTypeConfiguration<CheckoutIdempotencyKey>
{
    public void Configure(EntityTypeBuilder<Order> builder)
    {
        builder.ToTable("orders");
        builder.Property(o => o.Number).HasMaxLength(32);
        builder.HasIndex(o => o.Number).IsUnique();
        builder.Property(o => o.Email).HasMaxLength(320);
        builder.Property(o => o.Status).HasConversion<string>().HasMaxLength(32);
        builder.Property(o => o.Currency).HasConversion<string>().HasMaxLength(3);
        builder.HasIndex(o => new { o.CustomerId, o.CreatedAt, o.Id });
        // The expiry sweep looks only at unpaid orders, oldest due first.
        builder.HasIndex(o => o.PaymentDueAt).HasFilter("status = 'PendingPayment'");
        builder.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Customers.Customer>().WithMany().HasForeignKey(o => o.CustomerId).OnDelete(DeleteBehavior.SetNull);
        builder.ToTable(t => t.HasCheckConstraint("ck_orders_totals_nonnegative", "subtotal_minor >= 0 AND total_minor >= 0"));
    }

    public void Configure(EntityTypeBuilder<OrderLine> builder)
    {
        builder.ToTable("order_lines");
        builder.Property(l => l.Sku).HasMaxLength(100);
        builder.Property(l => l.Name).HasMaxLength(300);
        builder.HasOne<Catalog.ProductVariant>().WithMany().HasForeignKey(l => l.VariantId).OnDelete(DeleteBehavior.SetNull);
        builder.ToTable(t => t.HasCheckConstraint("ck_order_lines_quantity_positive", "quantity > 0"));
    }

    public void Configure(EntityTypeBuilder<OrderStatusChange> builder)
    {
        builder.ToTable("order_status_history");
        builder.Property(h => h.Status).HasConversion<string>().HasMaxLength(32);
        builder.Property(h => h.PreviousStatus).HasConversion<string>().HasMaxLength(32);
        builder.Property(h => h.Note).HasMaxLength(500);
        builder.HasIndex(h => new { h.OrderId, h.Sequence }).IsUnique();
        builder.HasOne<Order>().WithMany().HasForeignKey(h => h.OrderId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<Payment> builder)
    {
        builder.ToTable("payments");
        builder.Property(p => p.Status).HasConversion<string>().HasMaxLength(32);
        builder.Property(p => p.Currency).HasConversion<string>().HasMaxLength(3);
        builder.Property(p => p.Gateway).HasMaxLength(32);
        builder.Property(p => p.GatewayReference).HasMaxLength(200);
        builder.Property(p => p.GatewayIdempotencyKey).HasMaxLength(300);
        builder.Property(p => p.ClientSecret).HasMaxLength(300);
        builder.HasIndex(p => p.GatewayReference);
        builder.HasIndex(p => p.OrderId);
        builder.HasOne<Order>().WithMany().HasForeignKey(p => p.OrderId).OnDelete(DeleteBehavior.Cascade);
        builder.ToTable(t => t.HasCheckConstraint("ck_payments_refund_within_amount", "refunded_minor >= 0 AND refunded_minor <= amount_minor"));
    }

    public void Configure(EntityTypeBuilder<Shipment> builder)
    {
        builder.ToTable("shipments");
        builder.Property(s => s.Carrier).HasMaxLength(100);
        builder.Property(s => s.TrackingNumber).HasMaxLength(100);
        builder.Property(s => s.TrackingUrl).HasMaxLength(500);
        builder.Property(s => s.Status).HasConversion<string>().HasMaxLength(32);
        builder.HasIndex(s => s.OrderId);
        builder.HasOne<Order>().WithMany().HasForeignKey(s => s.OrderId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<CheckoutIdempotencyKey> builder)
    {
        builder.ToTable("checkout_idempotency_keys");
        builder.HasKey(k => new { k.Scope, k.Key });
        builder.Property(k => k.Scope).HasMaxLength(100);
        builder.Property(k => k.Key).HasMaxLength(255);
        builder.Property(k => k.CartId).HasMaxLength(64);
        builder.HasOne<Order>().WithMany().HasForeignKey(k => k.OrderId).OnDelete(DeleteBehavior.Cascade);
    }
}
