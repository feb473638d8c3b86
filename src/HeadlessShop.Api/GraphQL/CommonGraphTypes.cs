using GraphQL.Types;
using HeadlessShop.Api.Common;

namespace HeadlessShop.Api.GraphQL;

public sealed class MoneyGraphType : ObjectGraphType<Money>
{
    public MoneyGraphType()
    {
        Name = "Money";
        Description = "Currency amounts. `amount` is a decimal string (\"19.99\"); `minorUnits` is the integer the server stores.";
        Field<NonNullGraphType<StringGraphType>>("amount").Resolve(ctx => ctx.Source.Amount);
        Field<NonNullGraphType<LongGraphType>>("minorUnits").Resolve(ctx => ctx.Source.MinorUnits);
        Field<NonNullGraphType<CurrencyCodeGraphType>>("currencyCode").Resolve(ctx => ctx.Source.Currency);
    }
}

public sealed class MoneyRangeGraphType : ObjectGraphType<MoneyRange>
{
    public MoneyRangeGraphType()
    {
        Name = "MoneyRange";
        Field<NonNullGraphType<MoneyGraphType>>("min").Resolve(ctx => ctx.Source.Min);
        Field<NonNullGraphType<MoneyGraphType>>("max").Resolve(ctx => ctx.Source.Max);
    }
}

public sealed class CurrencyCodeGraphType : EnumerationGraphType<CurrencyCode>
{
    public CurrencyCodeGraphType()
    {
        Name = "CurrencyCode";
        Description = "ISO 4217 currency codes the shop sells in.";
    }
}

public sealed class PageInfoGraphType : ObjectGraphType<PageInfo>
{
    public PageInfoGraphType()
    {
        Name = "PageInfo";
        Field<NonNullGraphType<BooleanGraphType>>("hasNextPage").Resolve(ctx => ctx.Source.HasNextPage);
        Field<NonNullGraphType<BooleanGraphType>>("hasPreviousPage").Resolve(ctx => ctx.Source.HasPreviousPage);
        Field<StringGraphType>("startCursor").Resolve(ctx => ctx.Source.StartCursor);
        Field<StringGraphType>("endCursor").Resolve(ctx => ctx.Source.EndCursor);
    }
}

/// <summary>A Relay connection type <c>{Name}Connection { edges nodes pageInfo totalCount }</c>.</summary>
public abstract class ConnectionGraphType<TNodeGraphType, TEdgeGraphType, TNode> : ObjectGraphType<Connection<TNode>>
    where TNodeGraphType : IGraphType
    where TEdgeGraphType : IGraphType
{
    protected ConnectionGraphType(string nodeName)
    {
        Name = nodeName + "Connection";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TEdgeGraphType>>>>("edges").Resolve(ctx => ctx.Source.Edges);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TNodeGraphType>>>>("nodes").Resolve(ctx => ctx.Source.Nodes);
        Field<NonNullGraphType<PageInfoGraphType>>("pageInfo").Resolve(ctx => ctx.Source.PageInfo);
        Field<NonNullGraphType<IntGraphType>>("totalCount")
            .Description("Items across all pages with the same filter. Costs one extra query; select it only when shown.")
            .ResolveAsync(async ctx => await ctx.Source.TotalCountAsync(ctx.CancellationToken));
    }
}

public abstract class EdgeGraphType<TNodeGraphType, TNode> : ObjectGraphType<Edge<TNode>>
    where TNodeGraphType : IGraphType
{
    protected EdgeGraphType(string nodeName)
    {
        Name = nodeName + "Edge";
        Field<NonNullGraphType<StringGraphType>>("cursor").Resolve(ctx => ctx.Source.Cursor);
        Field<NonNullGraphType<TNodeGraphType>>("node").Resolve(ctx => ctx.Source.Node);
    }
}
