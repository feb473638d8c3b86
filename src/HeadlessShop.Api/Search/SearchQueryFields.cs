using GraphQL;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.GraphQL;

namespace HeadlessShop.Api.Search;

internal sealed class SearchQueryFields : IQueryFields
{
    public void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<SearchResultGraphType>>("search")
            .Description("Full-text product search with typo tolerance, disjunctive facets, price buckets, sorting and cursor paging.")
            .Argument<NonNullGraphType<SearchInputGraphType>>("input")
            .Resolve().WithService<ISearchEngine>()
            .ResolveAsync(async (ctx, engine) =>
            {
                var request = SearchInputValidator.Validate(ctx.GetArgument<SearchInput>("input"));
                var hits = await engine.SearchAsync(request, ctx.CancellationToken);
                return new SearchResultModel(hits, request);
            });
    }
}

/// <summary>Turns a client's <see cref="SearchInput"/> into a <see cref="SearchQuery"/>, or a BAD_USER_INPUT error naming the argument.</summary>
public static class SearchInputValidator
{
    public static SearchQuery Validate(SearchInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var text = input.Query.Trim();
        if (text.Length > SearchFacets.MaxQueryLength)
        {
            throw Error($"\"input.query\" is at most {SearchFacets.MaxQueryLength} characters; it was {text.Length}.", "input.query");
        }

        var facets = new List<FacetSelection>();
        foreach (var selection in input.Facets ?? [])
        {
            if (!SearchFacets.Names.Contains(selection.Name))
            {
                throw Error($"\"input.facets\" has an unknown facet \"{Truncate(selection.Name)}\"; known facets are {string.Join(", ", SearchFacets.Names)}.", "input.facets");
            }
            if (facets.Any(f => f.Name == selection.Name))
            {
                throw Error($"\"input.facets\" lists the facet \"{selection.Name}\" twice; put all its values in one selection.", "input.facets");
            }
            var values = selection.Values.Distinct(StringComparer.Ordinal).ToList();
            if (values.Count > SearchFacets.MaxFacetValues)
            {
                throw Error($"\"input.facets\" selects {values.Count} values of \"{selection.Name}\"; at most {SearchFacets.MaxFacetValues} are allowed.", "input.facets");
            }
            if (values.Any(v => v.Length > 200))
            {
                throw Error($"\"input.facets\" has a value of \"{selection.Name}\" longer than 200 characters.", "input.facets");
            }
            // Typesense filter literals cannot hold a backtick; every engine rejects it so the answer never depends on the engine.
            if (values.Any(v => v.Contains('`', StringComparison.Ordinal)))
            {
                throw Error($"\"input.facets\" has a value of \"{selection.Name}\" containing a backtick (`), which facet values cannot contain.", "input.facets");
            }
            if (values.Count > 0)
            {
                facets.Add(new FacetSelection(selection.Name, values));
            }
        }

        if (input.PriceMin < 0)
        {
            throw Error("\"input.priceMin\" must not be negative.", "input.priceMin");
        }
        if (input.PriceMax < 0)
        {
            throw Error("\"input.priceMax\" must not be negative.", "input.priceMax");
        }
        if (input.PriceMin > input.PriceMax)
        {
            throw Error($"\"input.priceMin\" ({input.PriceMin}) is greater than \"input.priceMax\" ({input.PriceMax}).", "input.priceMin");
        }

        var first = input.First ?? PageRequest.DefaultSize;
        if (first is < 0 or > PageRequest.MaxSize)
        {
            var error = Error($"\"input.first\" must be between 0 and {PageRequest.MaxSize}; it was {first}.", "input.first");
            error.Data["maxAllowed"] = PageRequest.MaxSize;
            throw error;
        }
        var offset = input.After is null ? 0 : SearchCursor.Decode(input.After, "input.after");

        var sort = input.Sort ?? new ProductSort();
        var key = sort.Key switch
        {
            ProductSortKey.Name => SearchSortKey.Name,
            ProductSortKey.Price => SearchSortKey.Price,
            ProductSortKey.CreatedAt => SearchSortKey.CreatedAt,
            _ => SearchSortKey.Relevance,
        };
        return new SearchQuery(text, facets, input.PriceMin, input.PriceMax, key, sort.Reverse, first, offset);
    }

    private static BadUserInputException Error(string message, string argument) => new(message, argument);

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
