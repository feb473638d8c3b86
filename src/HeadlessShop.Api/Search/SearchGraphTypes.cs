using GraphQL.MicrosoftDI;
using GraphQL.Types;
using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Catalog.Caching;
using HeadlessShop.Api.GraphQL;
using HeadlessShop.GraphQL.Transport.DataLoader;

namespace HeadlessShop.Api.Search;

/// <summary>What the <c>search</c> field resolves to: the engine's answer and the request it answered.</summary>
public sealed record SearchResultModel(SearchHits Hits, SearchQuery Query);

/// <summary>The raw <c>SearchInput</c> as the client sent it; validated into a <see cref="SearchQuery"/> by <see cref="SearchInputValidator"/>.</summary>
public sealed record SearchInput(
    string Query,
    IReadOnlyList<FacetSelection>? Facets,
    long? PriceMin,
    long? PriceMax,
    ProductSort? Sort,
    int? First,
    string? After);

public sealed class SearchInputGraphType : InputObjectGraphType<SearchInput>
{
    public SearchInputGraphType()
    {
        Name = "SearchInput";
        Field<NonNullGraphType<StringGraphType>>("query")
            .Description($"Words to find (at most {SearchFacets.MaxQueryLength} characters); empty browses every product.");
        Field<ListGraphType<NonNullGraphType<FacetSelectionInputGraphType>>>("facets")
            .Description("Facet selections: values inside one facet are OR-ed, facets are AND-ed.");
        Field<LongGraphType>("priceMin").Description("Minor units; the product's lowest price is at or above.");
        Field<LongGraphType>("priceMax").Description("Minor units; the product's lowest price is at or below.");
        Field<ProductSortInputGraphType>("sort").Description("Default: relevance (catalog order when browsing).");
        Field<IntGraphType>("first").DefaultValue(PageRequest.DefaultSize).Description($"Page size (0-{PageRequest.MaxSize}).");
        Field<StringGraphType>("after").Description("Cursor to continue from (an edge's cursor or pageInfo.endCursor).");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new SearchInput(
            (string?)value["query"] ?? "",
            value.TryGetValue("facets", out var facets) && facets is IEnumerable<object?> list ? list.OfType<FacetSelection>().ToList() : null,
            value.TryGetValue("priceMin", out var min) ? (long?)min : null,
            value.TryGetValue("priceMax", out var max) ? (long?)max : null,
            value.TryGetValue("sort", out var sort) ? (ProductSort?)sort : null,
            value.TryGetValue("first", out var first) ? (int?)first : null,
            value.TryGetValue("after", out var after) ? (string?)after : null);
    }
}

public sealed class FacetSelectionInputGraphType : InputObjectGraphType<FacetSelection>
{
    public FacetSelectionInputGraphType()
    {
        Name = "FacetSelection";
        Field<NonNullGraphType<StringGraphType>>("name").Description("brand, category (slug), color or size.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("values");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var values = value["values"] is IEnumerable<object?> list ? list.OfType<string>().ToList() : [];
        return new FacetSelection((string?)value["name"] ?? "", values);
    }
}

public sealed class SearchResultGraphType : ObjectGraphType<SearchResultModel>
{
    public SearchResultGraphType()
    {
        Name = "SearchResult";
        Field<NonNullGraphType<ProductConnectionGraphType>>("hits")
            .Description("The page of hits, in the engine's order.")
            .Resolve().WithService<ListingSnapshotReader>()
            .ResolveAsync(async (ctx, snapshots) =>
                SearchConnection.Build(await snapshots.ProductsAsync(ctx.Source.Hits.ProductIds, ctx.CancellationToken), ctx.Source.Hits, ctx.Source.Query));
        Field<NonNullGraphType<IntGraphType>>("totalCount").Description("Hits across all pages.").Resolve(ctx => ctx.Source.Hits.TotalCount);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<FacetGraphType>>>>("facets")
            .Description("Counts are computed with every other facet's selection applied (disjunctive faceting).")
            .Resolve(ctx => ctx.Source.Hits.Facets);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<PriceBucketGraphType>>>>("priceBuckets")
            .Description("Hits per lowest-price range, with every facet selection applied but not the price range itself.")
            .Resolve(ctx => ctx.Source.Hits.PriceBuckets);
        Field<StringGraphType>("correctedQuery")
            .Description("Set when the query was corrected for typos, e.g. \"snekers\" -> \"sneakers\".")
            .Resolve(ctx => ctx.Source.Hits.CorrectedQuery);
        Field<NonNullGraphType<SearchEngineKindGraphType>>("engine")
            .Description("Which engine answered; DATABASE means the search cluster was unavailable or not configured.")
            .Resolve(ctx => ctx.Source.Hits.Engine);
    }
}

public sealed class FacetGraphType : ObjectGraphType<FacetCounts>
{
    public FacetGraphType()
    {
        Name = "Facet";
        Field(f => f.Name);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<FacetValueGraphType>>>>("values").Resolve(ctx => ctx.Source.Values);
    }
}

public sealed class FacetValueGraphType : ObjectGraphType<FacetValueCount>
{
    public FacetValueGraphType()
    {
        Name = "FacetValue";
        Field(v => v.Value);
        Field(v => v.Count);
        Field(v => v.Selected);
    }
}

public sealed class PriceBucketGraphType : ObjectGraphType<PriceBucketCount>
{
    public PriceBucketGraphType()
    {
        Name = "PriceBucket";
        Field<NonNullGraphType<LongGraphType>>("min").Description("Minor units, inclusive.").Resolve(ctx => ctx.Source.Min);
        Field<LongGraphType>("max").Description("Minor units, exclusive; null for the open-ended top bucket.").Resolve(ctx => ctx.Source.Max);
        Field(b => b.Count);
    }
}

public sealed class SearchEngineKindGraphType : EnumerationGraphType<SearchEngineKind>
{
    public SearchEngineKindGraphType() => Name = "SearchEngineKind";
}

/// <summary>Builds the hits connection: edges in engine order, each cursor naming the position after its hit.</summary>
internal static class SearchConnection
{
    public static Connection<Product> Build(IReadOnlyList<Product?> products, SearchHits hits, SearchQuery query)
    {
        var edges = new List<Edge<Product>>(products.Count);
        for (var i = 0; i < products.Count; i++)
        {
            // A product deleted between the engine's answer and this load is skipped, never returned as null.
            if (products[i] is { } product)
            {
                var cursor = SearchCursor.Encode(query.Offset + i + 1);
                edges.Add(new Edge<Product>(product, _ => cursor));
            }
        }
        var pageInfo = new PageInfo(
            HasNextPage: query.Offset + hits.ProductIds.Count < hits.TotalCount,
            HasPreviousPage: query.Offset > 0,
            StartCursor: edges.Count > 0 ? edges[0].Cursor : null,
            EndCursor: edges.Count > 0 ? edges[^1].Cursor : null);
        return new Connection<Product>(edges, pageInfo, _ => Task.FromResult(hits.TotalCount));
    }
}
