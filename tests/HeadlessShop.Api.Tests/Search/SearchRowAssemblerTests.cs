using HeadlessShop.Api.Search;

namespace HeadlessShop.Api.Tests.Search;

/// <summary>The database engines' result shape follows the rules the Typesense engine follows too.</summary>
public sealed class SearchRowAssemblerTests
{
    [Fact]
    public void A_facet_lists_its_top_50_values_by_count_then_value_plus_every_selected_value_beyond_them()
    {
        // 60 brands: b00 has 60 products, b01 59, ... b59 1; "a-tie" ties with b00 and sorts first by value.
        var rows = Enumerable.Range(0, 60)
            .Select(i => new SearchRow { Kind = SearchRowAssembler.FacetRow, Facet = SearchFacets.Brand, Value = $"b{i:00}", Count = 60 - i })
            .Append(new SearchRow { Kind = SearchRowAssembler.FacetRow, Facet = SearchFacets.Brand, Value = "a-tie", Count = 60 })
            .ToList();
        var query = new SearchQuery("", [new FacetSelection(SearchFacets.Brand, ["b57", "gone"])], null, null, SearchSortKey.Relevance, false, 20, 0);

        var brand = SearchRowAssembler.Assemble(rows, query, null).Facets.Single(f => f.Name == SearchFacets.Brand).Values;

        Assert.Equal(SearchFacets.MaxFacetValues + 2, brand.Count);
        Assert.Equal(["a-tie", "b00", "b01"], brand.Take(3).Select(v => v.Value));
        Assert.Equal("b48", brand[SearchFacets.MaxFacetValues - 1].Value);
        // Beyond the top 50, a selected value still shows, with its real count; one nothing matches shows with 0.
        Assert.Equal([new FacetValueCount("b57", 3, true), new FacetValueCount("gone", 0, true)], brand.Skip(SearchFacets.MaxFacetValues));
        Assert.Equal(2, brand.Count(v => v.Selected));
    }
}
