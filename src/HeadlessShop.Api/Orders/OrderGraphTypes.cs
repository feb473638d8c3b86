using GraphQL;
using GraphQL.DataLoader;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using HeadlessShop.Api.Admin;
using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Common;
using HeadlessShop.Api.Customers;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.GraphQL.Transport.DataLoader;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Orders;

public sealed class OrderByIdDataLoader(LookupContexts contexts) : DbBatchDataLoader<long, Order>(contexts)
{
    protected override IQueryable<Order> Query(ShopDbContext db, IReadOnlyList<long> keys) => db.Set<Order>().Where(o => keys.Contains(o.Id));
    protected override long KeyOf(Order value) => value.Id;
}

public sealed class OrderLinesByOrderIdDataLoader(LookupContexts contexts) : DbGroupedDataLoader<long, OrderLine>(contexts)
{
    protected override IQueryable<OrderLine> Query(ShopDbContext db, IReadOnlyList<long> keys) =>
        db.Set<OrderLine>().Where(l => keys.Contains(l.OrderId)).OrderBy(l => l.OrderId).ThenBy(l => l.Id);
    protected override long KeyOf(OrderLine row) => row.OrderId;
}

public sealed class PaymentsByOrderIdDataLoader(LookupContexts contexts) : DbGroupedDataLoader<long, Payment>(contexts)
{
    protected override IQueryable<Payment> Query(ShopDbContext db, IReadOnlyList<long> keys) =>
        db.Set<Payment>().Where(p => keys.Contains(p.OrderId)).OrderBy(p => p.OrderId).ThenBy(p => p.Id);
    protected override long KeyOf(Payment row) => row.OrderId;
}

public sealed class ShipmentsByOrderIdDataLoader(LookupContexts contexts) : DbGroupedDataLoader<long, Shipment>(contexts)
{
    protected override IQueryable<Shipment> Query(ShopDbContext db, IReadOnlyList<long> keys) =>
        db.Set<Shipment>().Where(s => keys.Contains(s.OrderId)).OrderBy(s => s.OrderId).ThenBy(s => s.Id);
    protected override long KeyOf(Shipment row) => row.OrderId;
}

public sealed class HistoryByOrderIdDataLoader(LookupContexts contexts) : DbGroupedDataLoader<long, OrderStatusChange>(contexts)
{
    protected override IQueryable<OrderStatusChange> Query(ShopDbContext db, IReadOnlyList<long> keys) =>
        db.Set<OrderStatusChange>().Where(h => keys.Contains(h.OrderId)).OrderBy(h => h.OrderId).ThenBy(h => h.Sequence);
    protected override long KeyOf(OrderStatusChange row) => row.OrderId;
}

/// <summary><c>node(id:)</c> for orders: the owner or an admin; guests use <c>order(id, accessToken)</c>.</summary>
internal sealed class OrderNodeResolver : INodeResolver
{
    public NodeKind Kind => NodeKind.Order;

    public IDataLoaderResult<object?> Resolve(IServiceProvider requestServices, long id)
    {
        var caller = requestServices.GetRequiredService<ICurrentCustomer>();
        return requestServices.GetRequiredService<OrderByIdDataLoader>().LoadAsync(id)
            .Then(o => o is not null && (caller.IsAdmin || (o.CustomerId is { } owner && owner == caller.Id)) ? (object?)o : null);
    }
}

public sealed class OrderStatusGraphType : EnumerationGraphType<OrderStatus>
{
    public OrderStatusGraphType() => Name = "OrderStatus";
}

public sealed class PaymentStatusGraphType : EnumerationGraphType<PaymentStatus>
{
    public PaymentStatusGraphType() => Name = "PaymentStatus";
}

public sealed class ShipmentStatusGraphType : EnumerationGraphType<ShipmentStatus>
{
    public ShipmentStatusGraphType() => Name = "ShipmentStatus";
}

public sealed class OrderGraphType : ObjectGraphType<Order>
{
    public OrderGraphType()
    {
        Name = "Order";
        Interface<NodeInterface>();
        IsTypeOf = o => o is Order;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => GlobalId.Encode(NodeKind.Order, ctx.Source.Id));
        Field(o => o.Number);
        Field<NonNullGraphType<OrderStatusGraphType>>("status").Resolve(ctx => ctx.Source.Status);
        Field(o => o.Email);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<OrderLineGraphType>>>>("lines")
            .Resolve().WithService<OrderLinesByOrderIdDataLoader>()
            .Resolve((ctx, loader) => loader.LoadAsync(ctx.Source.Id).Then(lines => lines!.Select(l => (l, ctx.Source.Currency)).ToList()));
        Field<NonNullGraphType<MoneyGraphType>>("subtotal").Resolve(ctx => new Money(ctx.Source.SubtotalMinor, ctx.Source.Currency));
        Field<NonNullGraphType<MoneyGraphType>>("total").Resolve(ctx => new Money(ctx.Source.TotalMinor, ctx.Source.Currency));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<PaymentGraphType>>>>("payments")
            .Resolve().WithService<PaymentsByOrderIdDataLoader>()
            .Resolve((ctx, loader) => loader.LoadAsync(ctx.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ShipmentGraphType>>>>("shipments")
            .Resolve().WithService<ShipmentsByOrderIdDataLoader>()
            .Resolve((ctx, loader) => loader.LoadAsync(ctx.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<OrderStatusEventGraphType>>>>("history")
            .Description("Every status change, oldest first.")
            .Resolve().WithService<HistoryByOrderIdDataLoader>()
            .Resolve((ctx, loader) => loader.LoadAsync(ctx.Source.Id));
        Field<NonNullGraphType<DateTimeGraphType>>("createdAt").Resolve(ctx => ctx.Source.CreatedAt);
        Field<NonNullGraphType<DateTimeGraphType>>("updatedAt").Resolve(ctx => ctx.Source.UpdatedAt);
    }
}

public sealed class OrderLineGraphType : ObjectGraphType<(OrderLine Line, CurrencyCode Currency)>
{
    public OrderLineGraphType()
    {
        Name = "OrderLine";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => GlobalId.Encode(NodeKind.OrderLine, ctx.Source.Line.Id));
        Field<ProductVariantGraphType>("variant").Description("The variant as sold now; null when it was deleted since.")
            .Resolve().WithService<VariantByIdDataLoader>()
            .Resolve((ctx, loader) => ctx.Source.Line.VariantId is { } id ? loader.LoadAsync(id) : null);
        Field<NonNullGraphType<StringGraphType>>("sku").Resolve(ctx => ctx.Source.Line.Sku);
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(ctx => ctx.Source.Line.Name);
        Field<NonNullGraphType<IntGraphType>>("quantity").Resolve(ctx => ctx.Source.Line.Quantity);
        Field<NonNullGraphType<MoneyGraphType>>("unitPrice").Resolve(ctx => new Money(ctx.Source.Line.UnitPriceMinor, ctx.Source.Currency));
        Field<NonNullGraphType<MoneyGraphType>>("lineTotal").Resolve(ctx => new Money(ctx.Source.Line.UnitPriceMinor * ctx.Source.Line.Quantity, ctx.Source.Currency));
    }
}

public sealed class PaymentGraphType : ObjectGraphType<Payment>
{
    public PaymentGraphType()
    {
        Name = "Payment";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => GlobalId.Encode(NodeKind.Payment, ctx.Source.Id));
        Field<NonNullGraphType<PaymentStatusGraphType>>("status").Resolve(ctx => ctx.Source.Status);
        Field<NonNullGraphType<MoneyGraphType>>("amount").Resolve(ctx => new Money(ctx.Source.AmountMinor, ctx.Source.Currency));
        Field<StringGraphType>("clientSecret").Description("For client-side confirmation (3-D Secure).")
            .Resolve(ctx => ctx.Source.Status == PaymentStatus.RequiresAction ? ctx.Source.ClientSecret : null);
    }
}

public sealed class ShipmentGraphType : ObjectGraphType<Shipment>
{
    public ShipmentGraphType()
    {
        Name = "Shipment";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => GlobalId.Encode(NodeKind.Shipment, ctx.Source.Id));
        Field(s => s.Carrier);
        Field(s => s.TrackingNumber);
        Field(s => s.TrackingUrl, nullable: true);
        Field<NonNullGraphType<ShipmentStatusGraphType>>("status").Resolve(ctx => ctx.Source.Status);
    }
}

public sealed class OrderStatusEventGraphType : ObjectGraphType<OrderStatusChange>
{
    public OrderStatusEventGraphType()
    {
        Name = "OrderStatusEvent";
        Field<NonNullGraphType<OrderGraphType>>("order")
            .Resolve().WithService<OrderByIdDataLoader>()
            .Resolve((ctx, loader) => loader.LoadAsync(ctx.Source.OrderId));
        Field<NonNullGraphType<OrderStatusGraphType>>("status").Resolve(ctx => ctx.Source.Status);
        Field<OrderStatusGraphType>("previousStatus").Resolve(ctx => ctx.Source.PreviousStatus);
        Field<NonNullGraphType<DateTimeGraphType>>("at").Resolve(ctx => ctx.Source.At);
        Field(h => h.Note, nullable: true);
    }
}

public sealed class OrderConnectionGraphType() : ConnectionGraphType<OrderGraphType, OrderEdgeGraphType, Order>("Order");

public sealed class OrderEdgeGraphType() : EdgeGraphType<OrderGraphType, Order>("Order");

public sealed class OrderPayloadGraphType : ObjectGraphType<OrderResult>
{
    public OrderPayloadGraphType()
    {
        Name = "OrderPayload";
        Field<OrderGraphType>("order").Resolve(ctx => ctx.Source.Order);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorInterface>>>>("userErrors").Resolve(ctx => ctx.Source.UserErrors);
    }
}

public sealed record OrderCancelInput(string OrderId, string? AccessToken);

public sealed class OrderCancelInputGraphType : InputObjectGraphType<OrderCancelInput>
{
    public OrderCancelInputGraphType()
    {
        Name = "OrderCancelInput";
        Field<NonNullGraphType<IdGraphType>>("orderId");
        Field<StringGraphType>("accessToken").Description("Guests prove ownership with the order access token.");
    }
}

public sealed class MoneyInputGraphType : InputObjectGraphType<MoneyInput>
{
    public MoneyInputGraphType()
    {
        Name = "MoneyInput";
        Description = "An amount in minor units (cents) of a currency.";
        Field<NonNullGraphType<LongGraphType>>("minorUnits");
        Field<NonNullGraphType<CurrencyCodeGraphType>>("currencyCode");
    }
}

public sealed class OrderShipInputGraphType : InputObjectGraphType<OrderShipInput>
{
    public OrderShipInputGraphType()
    {
        Name = "OrderShipInput";
        Field<NonNullGraphType<IdGraphType>>("orderId");
        Field<NonNullGraphType<StringGraphType>>("carrier");
        Field<NonNullGraphType<StringGraphType>>("trackingNumber");
        Field<StringGraphType>("trackingUrl").Description("Absolute https URL of the carrier's tracking page.");
    }
}

public sealed class OrderDeliverInputGraphType : InputObjectGraphType<OrderDeliverInput>
{
    public OrderDeliverInputGraphType()
    {
        Name = "OrderDeliverInput";
        Field<NonNullGraphType<IdGraphType>>("orderId");
    }
}

public sealed class OrderRefundInputGraphType : InputObjectGraphType<OrderRefundInput>
{
    public OrderRefundInputGraphType()
    {
        Name = "OrderRefundInput";
        Field<NonNullGraphType<IdGraphType>>("orderId");
        Field<MoneyInputGraphType>("amount").Description("Part of the paid amount to refund; the whole remaining amount when omitted.");
    }
}

internal sealed class OrderQueryFields : IQueryFields
{
    public void AddTo(ObjectGraphType query)
    {
        query.Field<OrderGraphType>("order")
            .Description("The signed-in owner, the holder of the order's access token, or an admin may read an order.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Argument<StringGraphType>("accessToken")
            .Resolve().WithService<OrderService>()
            .ResolveAsync(async (ctx, orders) =>
                await orders.FindAsync(GlobalId.Decode(ctx.GetArgument<string>("id"), NodeKind.Order, "id"), ctx.GetArgument<string?>("accessToken"), ctx.CancellationToken));
    }
}

internal sealed class OrderMutationFields : IMutationFields
{
    public void AddTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<OrderPayloadGraphType>>("orderCancel")
            .Description("Cancels an order before shipment: releases its stock, refunds it when paid.")
            .Argument<NonNullGraphType<OrderCancelInputGraphType>>("input")
            .Resolve().WithService<OrderService>()
            .ResolveAsync(async (ctx, orders) =>
            {
                var input = ctx.GetArgument<OrderCancelInput>("input");
                return await orders.CancelAsync(input.OrderId, input.AccessToken, ctx.CancellationToken);
            });

        mutation.Field<NonNullGraphType<OrderPayloadGraphType>>("orderShip")
            .Description("Staff: records a shipment and moves a paid order to SHIPPED.")
            .Argument<NonNullGraphType<OrderShipInputGraphType>>("input")
            .Resolve().WithService<OrderAdministration>()
            .ResolveAsync(async (ctx, admin) => await admin.ShipAsync(ctx.GetArgument<OrderShipInput>("input"), ctx.CancellationToken))
            .RequiresAdmin();

        mutation.Field<NonNullGraphType<OrderPayloadGraphType>>("orderDeliver")
            .Description("Staff: marks a shipped order DELIVERED.")
            .Argument<NonNullGraphType<OrderDeliverInputGraphType>>("input")
            .Resolve().WithService<OrderAdministration>()
            .ResolveAsync(async (ctx, admin) => await admin.DeliverAsync(ctx.GetArgument<OrderDeliverInput>("input").OrderId, ctx.CancellationToken))
            .RequiresAdmin();

        mutation.Field<NonNullGraphType<OrderPayloadGraphType>>("orderRefund")
            .Description("Staff: refunds part or all of what was paid (never more). A full refund of a paid order moves it to REFUNDED.")
            .Argument<NonNullGraphType<OrderRefundInputGraphType>>("input")
            .Resolve().WithService<OrderAdministration>()
            .ResolveAsync(async (ctx, admin) => await admin.RefundAsync(ctx.GetArgument<OrderRefundInput>("input"), ctx.CancellationToken))
            .RequiresAdmin();
    }
}
