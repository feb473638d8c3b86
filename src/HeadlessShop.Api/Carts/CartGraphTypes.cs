using GraphQL;
using GraphQL.DataLoader;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Common;
using HeadlessShop.Api.Customers;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.GraphQL.Transport.DataLoader;

namespace HeadlessShop.Api.Carts;

/// <summary>A stored line with its live variant. Lines whose variant was deleted have none and are left out (and reported).</summary>
public sealed record CartLineView(StoredCartLine Line, ProductVariant Variant)
{
    public Money LineTotal => new(Variant.PriceMinor * Line.Quantity, Variant.Currency);
}

public sealed class CartGraphType : ObjectGraphType<StoredCart>
{
    public CartGraphType()
    {
        Name = "Cart";
        Description = "A shopping cart. Prices and availability are read live from the catalog; totals are computed by the server.";
        Interface<NodeInterface>();
        IsTypeOf = o => o is StoredCart;
        Field<NonNullGraphType<IdGraphType>>("id").Description("Unguessable: whoever holds the id of an anonymous cart can use it.")
            .Resolve(ctx => ctx.Source.Key.ToGlobalId());
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CartLineGraphType>>>>("lines")
            .Resolve().WithService<VariantByIdDataLoader>().Resolve((ctx, loader) => Lines(ctx.Source, loader));
        Field<NonNullGraphType<IntGraphType>>("totalQuantity")
            .Resolve().WithService<VariantByIdDataLoader>().Resolve((ctx, loader) => Lines(ctx.Source, loader).Then(lines => lines.Sum(l => l.Line.Quantity)));
        Field<NonNullGraphType<MoneyGraphType>>("subtotal")
            .Resolve().WithService<VariantByIdDataLoader>().Resolve((ctx, loader) => Subtotal(ctx.Source, loader));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DiscountGraphType>>>>("discounts")
            .Description("Discounts applied to the cart; none until coupons exist.")
            .Resolve(_ => Array.Empty<CartDiscount>());
        Field<NonNullGraphType<MoneyGraphType>>("total")
            .Resolve().WithService<VariantByIdDataLoader>().Resolve((ctx, loader) => Subtotal(ctx.Source, loader));
        Field<NonNullGraphType<CurrencyCodeGraphType>>("currencyCode")
            .Resolve().WithService<VariantByIdDataLoader>().Resolve((ctx, loader) => Subtotal(ctx.Source, loader).Then(m => m.Currency));
        Field<CustomerGraphType>("buyer").Description("The signed-in owner of the cart; null for an anonymous cart.")
            .Resolve().WithService<CustomerByIdDataLoader>()
            .Resolve((ctx, loader) => ctx.Source.OwnerId is { } owner ? loader.LoadAsync(owner) : null);
        Field<NonNullGraphType<DateTimeGraphType>>("expiresAt").Description("The cart is deleted after this instant unless it changes again.")
            .Resolve(ctx => ctx.Source.ExpiresAt.UtcDateTime);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorInterface>>>>("warnings")
            .Description("Lines that cannot be bought as they are: NOT_FOUND when the product is no longer sold (the line is left out of `lines` and totals), INSUFFICIENT_STOCK when fewer units are available than the line holds.")
            .Resolve().WithService<VariantByIdDataLoader>()
            .Resolve((ctx, loader) => loader.LoadManyAsync(ctx.Source.Lines.Select(l => l.VariantId)).Then(variants => Warnings(ctx.Source, variants)));
    }

    private static IEnumerable<UserError> Warnings(StoredCart cart, IReadOnlyList<ProductVariant?> variants)
    {
        for (var i = 0; i < cart.Lines.Count; i++)
        {
            var line = cart.Lines[i];
            var field = new[] { "lines", CartLineId.Encode(line.VariantId) };
            if (variants[i] is not { } variant)
            {
                yield return UserError.NotFound("This product is no longer sold and is left out of the cart's totals.", field);
            }
            else if ((variant.Stock?.Available ?? 0) < line.Quantity)
            {
                yield return new InsufficientStockError(line.VariantId, line.Quantity, variant.Stock?.Available ?? 0, field);
            }
        }
    }

    internal static IDataLoaderResult<List<CartLineView>> Lines(StoredCart cart, VariantByIdDataLoader loader) =>
        loader.LoadManyAsync(cart.Lines.Select(l => l.VariantId))
            .Then(variants => cart.Lines.Zip(variants).Where(p => p.Second is not null).Select(p => new CartLineView(p.First, p.Second!)).ToList());

    private static IDataLoaderResult<Money> Subtotal(StoredCart cart, VariantByIdDataLoader loader) =>
        Lines(cart, loader).Then(lines => new Money(lines.Sum(l => l.LineTotal.MinorUnits), lines.Count > 0 ? lines[0].Variant.Currency : CurrencyCode.USD));
}

public sealed class CartLineGraphType : ObjectGraphType<CartLineView>
{
    public CartLineGraphType()
    {
        Name = "CartLine";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => CartLineId.Encode(ctx.Source.Line.VariantId));
        Field<NonNullGraphType<ProductVariantGraphType>>("variant").Resolve(ctx => ctx.Source.Variant);
        Field<NonNullGraphType<IntGraphType>>("quantity").Resolve(ctx => ctx.Source.Line.Quantity);
        Field<NonNullGraphType<MoneyGraphType>>("lineTotal").Resolve(ctx => ctx.Source.LineTotal);
    }
}

public sealed record CartDiscount(string Code, Money Amount);

public sealed class DiscountGraphType : ObjectGraphType<CartDiscount>
{
    public DiscountGraphType()
    {
        Name = "Discount";
        Field(d => d.Code);
        Field<NonNullGraphType<MoneyGraphType>>("amount").Resolve(ctx => ctx.Source.Amount);
    }
}

public sealed class CartPayloadGraphType : ObjectGraphType<CartResult>
{
    public CartPayloadGraphType()
    {
        Name = "CartPayload";
        Field<CartGraphType>("cart").Resolve(ctx => ctx.Source.Cart);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorInterface>>>>("userErrors").Resolve(ctx => ctx.Source.UserErrors);
    }
}

public sealed class CartLineInputGraphType : InputObjectGraphType<CartLineRequest>
{
    public CartLineInputGraphType()
    {
        Name = "CartLineInput";
        Field<NonNullGraphType<IdGraphType>>("variantId");
        Field<NonNullGraphType<IntGraphType>>("quantity");
    }
}

public sealed class CartLineUpdateInputGraphType : InputObjectGraphType<CartLineUpdateRequest>
{
    public CartLineUpdateInputGraphType()
    {
        Name = "CartLineUpdateInput";
        Field<NonNullGraphType<IdGraphType>>("lineId");
        Field<NonNullGraphType<IntGraphType>>("quantity").Description("0 removes the line.");
    }
}

public sealed record CartCreateInput(List<CartLineRequest>? Lines);

public sealed record CartLinesAddInput(string CartId, List<CartLineRequest> Lines);

public sealed record CartLinesUpdateInput(string CartId, List<CartLineUpdateRequest> Lines);

public sealed record CartLinesRemoveInput(string CartId, List<string> LineIds);

public sealed class CartCreateInputGraphType : InputObjectGraphType<CartCreateInput>
{
    public CartCreateInputGraphType()
    {
        Name = "CartCreateInput";
        Field<ListGraphType<NonNullGraphType<CartLineInputGraphType>>>("lines");
    }
}

public sealed class CartLinesAddInputGraphType : InputObjectGraphType<CartLinesAddInput>
{
    public CartLinesAddInputGraphType()
    {
        Name = "CartLinesAddInput";
        Field<NonNullGraphType<IdGraphType>>("cartId");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CartLineInputGraphType>>>>("lines");
    }
}

public sealed class CartLinesUpdateInputGraphType : InputObjectGraphType<CartLinesUpdateInput>
{
    public CartLinesUpdateInputGraphType()
    {
        Name = "CartLinesUpdateInput";
        Field<NonNullGraphType<IdGraphType>>("cartId");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CartLineUpdateInputGraphType>>>>("lines");
    }
}

public sealed class CartLinesRemoveInputGraphType : InputObjectGraphType<CartLinesRemoveInput>
{
    public CartLinesRemoveInputGraphType()
    {
        Name = "CartLinesRemoveInput";
        Field<NonNullGraphType<IdGraphType>>("cartId");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>>("lineIds");
    }
}
