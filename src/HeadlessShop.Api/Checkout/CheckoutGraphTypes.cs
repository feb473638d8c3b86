using GraphQL;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.Api.Orders;

namespace HeadlessShop.Api.Checkout;

public sealed class AddressInputGraphType : InputObjectGraphType<AddressInput>
{
    public AddressInputGraphType()
    {
        Name = "Address";
        Field<NonNullGraphType<StringGraphType>>("name");
        Field<NonNullGraphType<StringGraphType>>("line1");
        Field<StringGraphType>("line2");
        Field<NonNullGraphType<StringGraphType>>("city");
        Field<NonNullGraphType<StringGraphType>>("postalCode");
        Field<NonNullGraphType<StringGraphType>>("country").Description("ISO 3166-1 alpha-2, e.g. \"DE\".");
    }
}

public sealed class CheckoutCompleteInputGraphType : InputObjectGraphType<CheckoutCompleteInput>
{
    public CheckoutCompleteInputGraphType()
    {
        Name = "CheckoutCompleteInput";
        Field<NonNullGraphType<IdGraphType>>("cartId");
        Field<NonNullGraphType<StringGraphType>>("idempotencyKey")
            .Description("Client-generated key (<= 255 chars). A retry with the same key returns the same order and never charges twice.");
        Field<NonNullGraphType<StringGraphType>>("email");
        Field<NonNullGraphType<AddressInputGraphType>>("shippingAddress");
        Field<NonNullGraphType<StringGraphType>>("paymentMethod")
            .Description("Gateway payment method token, e.g. a Stripe PaymentMethod id; the embedded gateway accepts test tokens.");
    }
}

public sealed class CheckoutPayloadGraphType : ObjectGraphType<CheckoutResult>
{
    public CheckoutPayloadGraphType()
    {
        Name = "CheckoutPayload";
        Field<OrderGraphType>("order").Resolve(ctx => ctx.Source.Order);
        Field<PaymentGraphType>("payment").Resolve(ctx => ctx.Source.Payment);
        Field<StringGraphType>("orderAccessToken")
            .Description("Bearer secret that lets a guest read and follow this order (order and orderStatusChanged accessToken).")
            .Resolve(ctx => ctx.Source.OrderAccessToken);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorInterface>>>>("userErrors").Resolve(ctx => ctx.Source.UserErrors);
    }
}

internal sealed class CheckoutMutationFields : IMutationFields
{
    public void AddTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<CheckoutPayloadGraphType>>("checkoutComplete")
            .Description("Turns a cart into an order, reserves its stock and takes the payment. Exactly once per idempotency key.")
            .Argument<NonNullGraphType<CheckoutCompleteInputGraphType>>("input")
            .Resolve().WithService<CheckoutService>()
            .ResolveAsync(async (ctx, checkout) => await checkout.CompleteAsync(ctx.GetArgument<CheckoutCompleteInput>("input"), ctx.CancellationToken));
    }
}
