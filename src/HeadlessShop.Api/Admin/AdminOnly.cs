using GraphQL;
using GraphQL.Builders;
using GraphQL.Resolvers;
using GraphQL.Types;
using HeadlessShop.Api.Customers;

namespace HeadlessShop.Api.Admin;

/// <summary>
/// The one mechanism that makes a field staff-only. <see cref="RequiresAdmin{TSource, TReturn}"/> marks the field
/// (metadata <see cref="MetadataKey"/>, which the role-walk test enumerates) and puts a guard in front of its resolver,
/// so the resolver never runs for anyone else: an anonymous caller gets a top-level error with
/// <c>extensions.code = UNAUTHORIZED</c>, a signed-in customer without the admin role <c>FORBIDDEN</c>.
/// </summary>
public static class AdminOnly
{
    public const string MetadataKey = "RequiresAdmin";

    /// <summary>Call after the field's resolver is set (the guard wraps it).</summary>
    public static FieldBuilder<TSource, TReturn> RequiresAdmin<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field)
    {
        ArgumentNullException.ThrowIfNull(field);
        Guard(field.FieldType);
        return field;
    }

    public static bool IsAdminOnly(this IFieldType field) => field?.GetMetadata(MetadataKey, false) == true;

    internal static void Guard(FieldType field)
    {
        var inner = field.Resolver
            ?? throw new InvalidOperationException($"Field {field.Name}: call RequiresAdmin() after its resolver is set.");
        if (field.IsAdminOnly())
        {
            return;
        }
        field.Metadata[MetadataKey] = true;
        field.Resolver = new GuardedResolver(inner);
    }

    /// <summary>The refusal for a caller who is not staff, or null when the caller is an admin.</summary>
    public static ExecutionError? Refusal(ICurrentCustomer caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.IsAdmin)
        {
            return null;
        }
        return caller.IsAuthenticated
            ? new ExecutionError("Staff only: this field needs an access token with the admin role.") { Code = "FORBIDDEN" }
            : new ExecutionError("Sign in with a staff account: this field needs an access token with the admin role.") { Code = "UNAUTHORIZED" };
    }

    private sealed class GuardedResolver(IFieldResolver inner) : IFieldResolver
    {
        public ValueTask<object?> ResolveAsync(IResolveFieldContext context)
        {
            var caller = context.RequestServices?.GetService<ICurrentCustomer>() ?? new AnonymousCustomer();
            if (Refusal(caller) is { } refusal)
            {
                throw refusal;
            }
            return inner.ResolveAsync(context);
        }
    }
}
