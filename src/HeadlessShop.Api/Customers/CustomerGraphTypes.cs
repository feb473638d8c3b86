using GraphQL;
using GraphQL.DataLoader;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using HeadlessShop.Api.Carts;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.GraphQL.Transport.DataLoader;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Customers;

public sealed class CustomerByIdDataLoader(LookupContexts contexts) : DbBatchDataLoader<long, Customer>(contexts)
{
    protected override IQueryable<Customer> Query(ShopDbContext db, IReadOnlyList<long> keys) => db.Customers.AsNoTracking().Where(c => keys.Contains(c.Id));
    protected override long KeyOf(Customer value) => value.Id;
}

/// <summary><c>node(id:)</c> for customers: only the customer themselves (or an admin) gets anything back.</summary>
internal sealed class CustomerNodeResolver : INodeResolver
{
    private static readonly IDataLoaderResult<object?> NoNode = new Absent();

    public NodeKind Kind => NodeKind.Customer;

    public IDataLoaderResult<object?> Resolve(IServiceProvider requestServices, long id)
    {
        var caller = requestServices.GetRequiredService<ICurrentCustomer>();
        return caller.Id == id || caller.IsAdmin
            ? requestServices.GetRequiredService<CustomerByIdDataLoader>().LoadAsync(id).Then(c => (object?)c)
            : NoNode;
    }
}

file sealed class Absent : IDataLoaderResult<object?>
{
    public Task<object?> GetResultAsync(CancellationToken cancellationToken = default) => Task.FromResult<object?>(null);

    Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => Task.FromResult<object?>(null);
}

public sealed class CustomerGraphType : ObjectGraphType<Customer>
{
    public CustomerGraphType()
    {
        Name = "Customer";
        Interface<NodeInterface>();
        IsTypeOf = o => o is Customer;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => GlobalId.Encode(NodeKind.Customer, ctx.Source.Id));
        Field(c => c.Email);
        Field(c => c.FirstName, nullable: true);
        Field(c => c.LastName, nullable: true);
        Field<NonNullGraphType<Orders.OrderConnectionGraphType>>("orders")
            .Description("The customer's orders, newest first; visible only to the customer (and admins).")
            .Argument<IntGraphType>("first", $"Page size (0-{PageRequest.MaxSize}, default {PageRequest.DefaultSize}).")
            .Argument<StringGraphType>("after", "Cursor to continue from.")
            .Resolve().WithService<Orders.OrderService>()
            .ResolveAsync(async (ctx, orders) => await orders.ForCustomerAsync(ctx.Source.Id, PageRequest.From(ctx), ctx.CancellationToken));
        Field<CartGraphType>("cart").Description("The customer's current cart; visible only to the customer.")
            .Resolve().WithService<CartService>()
            .ResolveAsync(async (ctx, carts) => await carts.FindForCustomerAsync(ctx.Source.Id, ctx.CancellationToken));
    }
}

public sealed class AuthPayloadGraphType : ObjectGraphType<AuthResult>
{
    public AuthPayloadGraphType()
    {
        Name = "AuthPayload";
        Field<StringGraphType>("accessToken").Description("Send as `Authorization: Bearer <token>`; valid for about 15 minutes.").Resolve(ctx => ctx.Source.AccessToken);
        Field<StringGraphType>("refreshToken").Description("Single use: `tokenRefresh` returns a new one. Reusing a spent token signs out every session of its family.")
            .Resolve(ctx => ctx.Source.RefreshToken);
        Field<DateTimeGraphType>("expiresAt").Description("When the access token expires.").Resolve(ctx => ctx.Source.ExpiresAt?.UtcDateTime);
        Field<CustomerGraphType>("customer").Resolve(ctx => ctx.Source.Customer);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorInterface>>>>("userErrors").Resolve(ctx => ctx.Source.UserErrors);
    }
}

public sealed record CustomerLoginInput(string Email, string Password, string? CartId);

public sealed record TokenRefreshInput(string RefreshToken);

public sealed class CustomerRegisterInputGraphType : InputObjectGraphType<CustomerRegistration>
{
    public CustomerRegisterInputGraphType()
    {
        Name = "CustomerRegisterInput";
        Field<NonNullGraphType<StringGraphType>>("email");
        Field<NonNullGraphType<StringGraphType>>("password").Description($"{CustomerAccounts.MinPasswordLength}–{CustomerAccounts.MaxPasswordLength} characters, letters and at least one digit or symbol.");
        Field<StringGraphType>("firstName");
        Field<StringGraphType>("lastName");
    }
}

public sealed class CustomerLoginInputGraphType : InputObjectGraphType<CustomerLoginInput>
{
    public CustomerLoginInputGraphType()
    {
        Name = "CustomerLoginInput";
        Field<NonNullGraphType<StringGraphType>>("email");
        Field<NonNullGraphType<StringGraphType>>("password");
        Field<IdGraphType>("cartId").Description("Anonymous cart to merge into the customer's cart.");
    }
}

public sealed class TokenRefreshInputGraphType : InputObjectGraphType<TokenRefreshInput>
{
    public TokenRefreshInputGraphType()
    {
        Name = "TokenRefreshInput";
        Field<NonNullGraphType<StringGraphType>>("refreshToken");
    }
}

internal sealed class CustomerQueryFields : IQueryFields
{
    public void AddTo(ObjectGraphType query)
    {
        query.Field<CustomerGraphType>("me").Description("The signed-in customer; null without a valid access token.")
            .Resolve().WithServices<ICurrentCustomer, CustomerByIdDataLoader>()
            .Resolve((ctx, caller, loader) => caller.Id is { } id ? loader.LoadAsync(id) : null);
    }
}

internal sealed class CustomerMutationFields : IMutationFields
{
    public void AddTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<AuthPayloadGraphType>>("customerRegister")
            .Argument<NonNullGraphType<CustomerRegisterInputGraphType>>("input")
            .Resolve().WithServices<CustomerAccounts, HttpCurrentCustomer>()
            .ResolveAsync(async (ctx, accounts, caller) =>
            {
                var result = await accounts.RegisterAsync(ctx.GetArgument<CustomerRegistration>("input"), ctx.CancellationToken);
                if (result.Customer is not null)
                {
                    caller.SignedIn(AccessTokenService.PrincipalOf(result.Customer));
                }
                return result;
            });

        mutation.Field<NonNullGraphType<AuthPayloadGraphType>>("customerLogin")
            .Description("Signs in with email and password. A wrong password and an unknown email give the same INVALID_CREDENTIALS error; repeated failures are throttled (RATE_LIMITED).")
            .Argument<NonNullGraphType<CustomerLoginInputGraphType>>("input")
            .Resolve().WithServices<CustomerAccounts, CartService, IHttpContextAccessor, HttpCurrentCustomer>()
            .ResolveAsync(async (ctx, accounts, carts, http, caller) =>
            {
                var input = ctx.GetArgument<CustomerLoginInput>("input");
                var client = http.HttpContext?.Connection.RemoteIpAddress?.ToString();
                var result = await accounts.LoginAsync(input.Email, input.Password, client, ctx.CancellationToken);
                if (result.Customer is null)
                {
                    return result;
                }
                // The rest of this response (customer.cart) is the signed-in customer's view.
                caller.SignedIn(AccessTokenService.PrincipalOf(result.Customer));
                if (input.CartId is null)
                {
                    return result;
                }
                var mergeErrors = await carts.MergeIntoCustomerCartAsync(result.Customer.Id, input.CartId, ctx.CancellationToken);
                return result with { UserErrors = mergeErrors };
            });

        mutation.Field<NonNullGraphType<AuthPayloadGraphType>>("tokenRefresh")
            .Description("Exchanges a refresh token for a new access token and a new refresh token.")
            .Argument<NonNullGraphType<TokenRefreshInputGraphType>>("input")
            .Resolve().WithService<CustomerAccounts>()
            .ResolveAsync(async (ctx, accounts) => await accounts.RefreshAsync(ctx.GetArgument<TokenRefreshInput>("input").RefreshToken, ctx.CancellationToken));
    }
}
