using GraphQL.Types;

namespace HeadlessShop.Api.GraphQL;

/// <summary>A feature's contribution to a root type. Adding a feature adds one of these, not an edit here.</summary>
public interface IQueryFields
{
    void AddTo(ObjectGraphType query);
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

public sealed class ShopSchema : Schema
{
    public ShopSchema(IServiceProvider services, QueryGraphType query)
        : base(services)
    {
        Query = query;
        Description = "HeadlessShop storefront API: catalog, search, carts, checkout and orders.";
    }
}
