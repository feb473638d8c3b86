using GraphQL;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using HeadlessShop.Api.GraphQL;

namespace HeadlessShop.Api.Carts;

internal sealed class CartQueryFields : IQueryFields
{
    public void AddTo(ObjectGraphType query)
    {
        query.Field<CartGraphType>("cart")
            .Description("Carts are read by their unguessable id; a customer's cart also via `me.cart`.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Resolve().WithService<CartService>()
            .ResolveAsync(async (ctx, carts) => await carts.FindAsync(ctx.GetArgument<string>("id"), ctx.CancellationToken));
    }
}

internal sealed class CartMutationFields : IMutationFields
{
    public void AddTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<CartPayloadGraphType>>("cartCreate")
            .Description("Creates a cart, optionally with lines. A signed-in customer's new cart becomes their current cart.")
            .Argument<CartCreateInputGraphType>("input")
            .Resolve().WithService<CartService>()
            .ResolveAsync(async (ctx, carts) =>
                await carts.CreateAsync(ctx.GetArgument<CartCreateInput?>("input")?.Lines ?? [], ctx.CancellationToken));

        mutation.Field<NonNullGraphType<CartPayloadGraphType>>("cartLinesAdd")
            .Description("Adds lines; adding a variant already in the cart increments its line.")
            .Argument<NonNullGraphType<CartLinesAddInputGraphType>>("input")
            .Resolve().WithService<CartService>()
            .ResolveAsync(async (ctx, carts) =>
            {
                var input = ctx.GetArgument<CartLinesAddInput>("input");
                return await carts.AddLinesAsync(input.CartId, input.Lines, ctx.CancellationToken);
            });

        mutation.Field<NonNullGraphType<CartPayloadGraphType>>("cartLinesUpdate")
            .Description("Sets line quantities; 0 removes the line.")
            .Argument<NonNullGraphType<CartLinesUpdateInputGraphType>>("input")
            .Resolve().WithService<CartService>()
            .ResolveAsync(async (ctx, carts) =>
            {
                var input = ctx.GetArgument<CartLinesUpdateInput>("input");
                return await carts.UpdateLinesAsync(input.CartId, input.Lines, ctx.CancellationToken);
            });

        mutation.Field<NonNullGraphType<CartPayloadGraphType>>("cartLinesRemove")
            .Argument<NonNullGraphType<CartLinesRemoveInputGraphType>>("input")
            .Resolve().WithService<CartService>()
            .ResolveAsync(async (ctx, carts) =>
            {
                var input = ctx.GetArgument<CartLinesRemoveInput>("input");
                return await carts.RemoveLinesAsync(input.CartId, input.LineIds, ctx.CancellationToken);
            });
    }
}
