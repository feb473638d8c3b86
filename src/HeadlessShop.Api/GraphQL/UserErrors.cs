using GraphQL;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using HeadlessShop.Api.Catalog;
using HeadlessShop.GraphQL.Transport.DataLoader;

namespace HeadlessShop.Api.GraphQL;

/// <summary>Machine-readable reasons a mutation refused its input. Part of the public schema: never renumber or rename.</summary>
public enum ErrorCode
{
    InvalidInput,
    NotFound,
    InsufficientStock,
    CartEmpty,
    CartNotFound,
    PaymentDeclined,
    InvalidCredentials,
    EmailTaken,
    Unauthorized,
    Forbidden,
    InvalidStateTransition,
    IdempotencyKeyReused,
    CouponInvalid,
}

/// <summary>
/// A user-visible problem with a mutation's input, returned in the payload's <c>userErrors</c> list.
/// <paramref name="Field"/> is the path to the input field at fault, e.g. ["input", "lines", "0", "quantity"].
/// Bugs and outages are never user errors: they surface as GraphQL errors.
/// </summary>
public record UserError(ErrorCode Code, string Message, IReadOnlyList<string>? Field = null)
{
    public static UserError Invalid(string message, params string[] field) => new(ErrorCode.InvalidInput, message, field);

    public static UserError NotFound(string message, params string[] field) => new(ErrorCode.NotFound, message, field);
}

/// <summary>Asked for more units of a variant than can be sold now.</summary>
public sealed record InsufficientStockError(long VariantId, int Requested, int Available, IReadOnlyList<string>? Field = null)
    : UserError(ErrorCode.InsufficientStock, $"Only {Available} left in stock; {Requested} requested.", Field);

public sealed class ErrorCodeGraphType : EnumerationGraphType<ErrorCode>
{
    public ErrorCodeGraphType()
    {
        Name = "ErrorCode";
    }
}

public sealed class UserErrorInterface : InterfaceGraphType<UserError>
{
    public UserErrorInterface()
    {
        Name = "UserError";
        Description = "A user-visible problem with the input. Never used for bugs or outages.";
        UserErrorFields.Add(this);
    }
}

public sealed class BasicUserErrorGraphType : ObjectGraphType<UserError>
{
    public BasicUserErrorGraphType()
    {
        Name = "BasicUserError";
        Interface<UserErrorInterface>();
        IsTypeOf = o => o is UserError and not InsufficientStockError;
        UserErrorFields.Add(this);
    }
}

public sealed class InsufficientStockErrorGraphType : ObjectGraphType<InsufficientStockError>
{
    public InsufficientStockErrorGraphType()
    {
        Name = "InsufficientStockError";
        Interface<UserErrorInterface>();
        IsTypeOf = o => o is InsufficientStockError;
        UserErrorFields.Add(this);
        Field<NonNullGraphType<ProductVariantGraphType>>("variant")
            .Resolve().WithService<VariantByIdDataLoader>()
            .Resolve((ctx, loader) => loader.LoadAsync(ctx.Source.VariantId));
        Field<NonNullGraphType<IntGraphType>>("requested").Resolve(ctx => ctx.Source.Requested);
        Field<NonNullGraphType<IntGraphType>>("available").Resolve(ctx => ctx.Source.Available);
    }
}

internal static class UserErrorFields
{
    public static void Add<T>(ComplexGraphType<T> type)
        where T : UserError
    {
        type.Field(e => e.Code, type: typeof(NonNullGraphType<ErrorCodeGraphType>));
        type.Field(e => e.Message);
        type.Field(e => e.Field, type: typeof(ListGraphType<NonNullGraphType<StringGraphType>>))
            .Description("Path to the input field at fault, e.g. [\"input\", \"lines\", \"0\", \"quantity\"].");
    }
}
