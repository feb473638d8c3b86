using GraphQL.Types;

namespace HeadlessShop.Api.GraphQL;

/// <summary>A feature's contribution to the Query root. Adding a feature adds one of these, not an edit here.</summary>
public interface IQueryFields
{
    void AddTo(ObjectGraphType query);
}

/// <summary>A feature's contribution to the Mutation root.</summary>
public interface IMutationFields
{
    void AddTo(ObjectGraphType mutation);
}

/// <summary>A feature's contribution to the Subscription root.</summary>
public interface ISubscriptionFields
{
    void AddTo(ObjectGraphType subscription);
}

public sealed class QueryGraphType : ObjectGraphType
{
    public QueryGraphType(IEnumerable<IQueryFields> contributors)
    {
        ArgumentNullException.ThrowIfNull(contributors);
        Name = "Query";
        foreach (var contributor in contributors)
        {
            contributor.AddTo(this);
        }
    }
}

public sealed class MutationGraphType : ObjectGraphType
{
    public MutationGraphType(IEnumerable<IMutationFields> contributors)
    {
        ArgumentNullException.ThrowIfNull(contributors);
        Name = "Mutation";
        foreach (var contributor in contributors)
        {
            contributor.AddTo(this);
        }
    }
}

public sealed class SubscriptionGraphType : ObjectGraphType
{
    public SubscriptionGraphType(IEnumerable<ISubscriptionFields> contributors)
    {
        ArgumentNullException.ThrowIfNull(contributors);
        Name = "Subscription";
        foreach (var contributor in contributors)
        {
            contributor.AddTo(this);
        }
    }
}

public sealed class ShopSchema : Schema
{
    public ShopSchema(IServiceProvider services, QueryGraphType query, MutationGraphType mutation, SubscriptionGraphType subscription)
        : base(services)
    {
        ArgumentNullException.ThrowIfNull(mutation);
        ArgumentNullException.ThrowIfNull(subscription);
        Query = query;
        // A root type without fields is invalid GraphQL: roots appear once a feature contributes to them.
        Mutation = mutation.Fields.Count > 0 ? mutation : null;
        Subscription = subscription.Fields.Count > 0 ? subscription : null;
        Description = "HeadlessShop storefront API: catalog, search, carts, checkout and orders.";
        // Payloads expose the UserError interface; its implementations are reachable only through it.
        RegisterType(typeof(BasicUserErrorGraphType));
        RegisterType(typeof(InsufficientStockErrorGraphType));
    }
}
