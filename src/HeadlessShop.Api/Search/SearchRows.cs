namespace HeadlessShop.Api.Search;

/// <summary>
/// One row of a database engine's single search statement. Kind 0: a hit (Number = product id, Count = its rank in
/// the page); 1: the total (Count); 2: a facet value (Facet, Value, Count); 3: a price bucket (Number = bucket, Count).
/// </summary>
public sealed class SearchRow
{
    public int Kind { get; set; }
    public string? Facet { get; set; }
    public string? Value { get; set; }
    public long Number { get; set; }
    public long Count { get; set; }
}

/// <summary>Turns the rows of either database engine into the one result shape, so both engines agree exactly.</summary>
internal static class SearchRowAssembler
{
    public const int HitRow = 0;
    public const int TotalRow = 1;
    public const int FacetRow = 2;
    public const int BucketRow = 3;

    /// <summary>SQL for the bucket number (1-based, as <c>width_bucket</c> counts) of a lowest price, from the shared edges.</summary>
    public static string BucketCase(string priceColumn)
    {
        var edges = SearchFacets.PriceBucketEdges;
        var cases = new System.Text.StringBuilder("CASE");
        for (var i = edges.Count - 1; i >= 0; i--)
        {
            cases.Append(" WHEN ").Append(priceColumn).Append(" >= ").Append(SearchText.Invariant(edges[i])).Append(" THEN ").Append(i + 1);
        }
        return cases.Append(" ELSE 0 END").ToString();
    }

    public static SearchHits Assemble(IReadOnlyList<SearchRow> rows, SearchQuery query, string? correctedQuery)
    {
        var ids = rows.Where(r => r.Kind == HitRow).OrderBy(r => r.Count).Select(r => r.Number).ToList();
        var total = (int)rows.Where(r => r.Kind == TotalRow).Select(r => r.Count).FirstOrDefault();

        var facets = new List<FacetCounts>(SearchFacets.Names.Count);
        foreach (var name in SearchFacets.Names)
        {
            var selected = query.SelectedValues(name);
            var counts = rows.Where(r => r.Kind == FacetRow && r.Facet == name && r.Value is not null)
                .ToDictionary(r => r.Value!, r => (int)r.Count, StringComparer.Ordinal);
            // A selected value stays visible (with 0) even when the other selections leave no product with it.
            foreach (var value in selected)
            {
                counts.TryAdd(value, 0);
            }
            // The top MaxFacetValues values, like Typesense's max_facet_values, plus every selected value beyond them.
            var values = counts
                .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                .Where((kv, rank) => rank < SearchFacets.MaxFacetValues || selected.Contains(kv.Key))
                .Select(kv => new FacetValueCount(kv.Key, kv.Value, selected.Contains(kv.Key)))
                .ToList();
            facets.Add(new FacetCounts(name, values));
        }

        var edges = SearchFacets.PriceBucketEdges;
        var buckets = new List<PriceBucketCount>(edges.Count);
        for (var i = 0; i < edges.Count; i++)
        {
            var count = (int)rows.Where(r => r.Kind == BucketRow && r.Number == i + 1).Select(r => r.Count).FirstOrDefault();
            buckets.Add(new PriceBucketCount(edges[i], i + 1 < edges.Count ? edges[i + 1] : null, count));
        }
        return new SearchHits(ids, total, facets, buckets, correctedQuery, SearchEngineKind.Database);
    }
}
