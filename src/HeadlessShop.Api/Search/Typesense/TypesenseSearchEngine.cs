using System.Globalization;
using System.Text.Json;
using HeadlessShop.Api.GraphQL;
using Microsoft.Extensions.Options;

namespace HeadlessShop.Api.Search.Typesense;

/// <summary>
/// Answers a search with one <c>multi_search</c> round trip: the hits search carries every selection and facets the
/// unselected facets; each selected facet gets its own facet-only search without its own selection (disjunctive
/// faceting); the price buckets are a range facet on the lowest price, counted with every facet selection but
/// without the price filter, so a shopper can widen the price range too.
/// </summary>
public sealed partial class TypesenseSearchEngine(TypesenseClient client, IOptions<TypesenseOptions> options) : ISearchEngine
{
    private const int MaxPerPage = 250;

    private readonly TypesenseOptions _options = options.Value;

    public SearchEngineKind Kind => SearchEngineKind.Typesense;

    public async Task<SearchHits> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var plan = Plan(query);
        TypesenseMultiSearchResponse response;
        try
        {
            response = await client.MultiSearchAsync(new TypesenseMultiSearchRequest(plan.Searches), cancellationToken);
        }
        catch (TypesenseException ex)
        {
            throw new SearchUnavailableException(ex.Message, ex);
        }
        return Map(query, plan, response);
    }

    /// <summary>The searches for one query, and which result answers which part of the page.</summary>
    internal sealed record SearchPlan(IReadOnlyList<TypesenseSearch> Searches, IReadOnlyDictionary<string, int> FacetResult, int PriceResult);

    internal SearchPlan Plan(SearchQuery query)
    {
        var selections = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var facet in query.Facets)
        {
            if (!TypesenseProductSchema.FacetFields.TryGetValue(facet.Name, out var field))
            {
                throw new BadUserInputException($"Unknown facet \"{facet.Name}\"; facets are {string.Join(", ", SearchFacets.Names)}.", "input.facets");
            }
            if (facet.Values.Count > 0)
            {
                selections[facet.Name] = TypesenseFilter.AnyOf(field, facet.Values);
            }
        }
        var price = TypesenseFilter.Range(TypesenseProductSchema.PriceMin, query.PriceMin, query.PriceMax);
        string? FilterWithout(string? facet, bool withPrice) =>
            TypesenseFilter.And(selections.Where(s => s.Key != facet).Select(s => s.Value).Append(withPrice ? price : null));

        var searches = new List<TypesenseSearch>();
        var facetResult = new Dictionary<string, int>(StringComparer.Ordinal);
        var unselected = SearchFacets.Names.Where(n => !selections.ContainsKey(n)).ToList();
        var hitsFacets = unselected.Select(n => TypesenseProductSchema.FacetFields[n]).ToList();
        var priceInHits = price is null;
        if (priceInHits)
        {
            hitsFacets.Add(PriceRangeFacet());
        }
        searches.Add(Base(query) with
        {
            FilterBy = FilterWithout(null, withPrice: true),
            FacetBy = string.Join(",", hitsFacets),
            SortBy = SortBy(query),
            Offset = query.Offset,
            Limit = Math.Clamp(query.First, 0, MaxPerPage),
            IncludeFields = "id",
        });
        foreach (var name in unselected)
        {
            facetResult[name] = 0;
        }
        foreach (var name in SearchFacets.Names.Where(selections.ContainsKey))
        {
            facetResult[name] = searches.Count;
            searches.Add(FacetOnly(query, TypesenseProductSchema.FacetFields[name], FilterWithout(name, withPrice: true)));
        }
        var priceResult = 0;
        if (!priceInHits)
        {
            priceResult = searches.Count;
            searches.Add(FacetOnly(query, PriceRangeFacet(), FilterWithout(null, withPrice: false)));
        }
        return new SearchPlan(searches, facetResult, priceResult);
    }

    private TypesenseSearch Base(SearchQuery query) => new()
    {
        Collection = _options.CollectionAlias,
        Q = query.IsBrowse ? "*" : query.Text.Trim(),
        QueryBy = string.Join(",", TypesenseProductSchema.QueryFields.Select(f => f.Field)),
        QueryByWeights = string.Join(",", TypesenseProductSchema.QueryFields.Select(f => f.Weight.ToString(CultureInfo.InvariantCulture))),
        NumTypos = string.Join(",", TypesenseProductSchema.QueryFields.Select(f => (f.Typos ? _options.NumTypos : 0).ToString(CultureInfo.InvariantCulture))),
        MaxFacetValues = SearchFacets.MaxFacetValues,
    };

    private TypesenseSearch FacetOnly(SearchQuery query, string facetBy, string? filterBy) =>
        Base(query) with { FacetBy = facetBy, FilterBy = filterBy, PerPage = 0 };

    /// <summary><c>price_min(b0:[0, 2500], b1:[2500, 5000], ..., b5:[50000, ])</c>: start inclusive, end exclusive, like the buckets.</summary>
    internal static string PriceRangeFacet()
    {
        var edges = SearchFacets.PriceBucketEdges;
        var ranges = edges.Select((min, i) => i + 1 < edges.Count
            ? string.Create(CultureInfo.InvariantCulture, $"b{i}:[{min}, {edges[i + 1]}]")
            : string.Create(CultureInfo.InvariantCulture, $"b{i}:[{min}, ]"));
        return $"{TypesenseProductSchema.PriceMin}({string.Join(", ", ranges)})";
    }

    /// <summary>Every order ends with the product id, so pages never overlap or skip on ties.</summary>
    internal static string SortBy(SearchQuery query)
    {
        string Dir(bool ascending) => ascending != query.Reverse ? "asc" : "desc";
        var id = $"{TypesenseProductSchema.ProductId}:{Dir(true)}";
        return query.Sort switch
        {
            SearchSortKey.Name => $"{TypesenseProductSchema.Name}:{Dir(true)},{id}",
            SearchSortKey.Price => $"{TypesenseProductSchema.PriceMin}:{Dir(true)},{id}",
            SearchSortKey.CreatedAt => $"{TypesenseProductSchema.CreatedAt}:{Dir(true)},{id}",
            // Browsing has no text to rank by: catalog order (product id), like the database engines and products().
            _ when query.IsBrowse => id,
            _ => $"_text_match:{Dir(false)},{id}",
        };
    }

    private static SearchHits Map(SearchQuery query, SearchPlan plan, TypesenseMultiSearchResponse response)
    {
        var main = response.Results[0];
        var ids = new List<long>(main.Hits.Count);
        foreach (var hit in main.Hits)
        {
            ids.Add(DocumentId(hit));
        }

        var facets = new List<FacetCounts>(SearchFacets.Names.Count);
        foreach (var name in SearchFacets.Names)
        {
            var field = TypesenseProductSchema.FacetFields[name];
            var counts = response.Results[plan.FacetResult[name]].FacetCounts.FirstOrDefault(f => f.FieldName == field)?.Counts ?? [];
            var selected = query.SelectedValues(name).ToHashSet(StringComparer.Ordinal);
            var values = counts.Select(c => new FacetValueCount(c.Value, c.Count, selected.Contains(c.Value))).ToList();
            // A selected value the current query does not match still shows, with 0, so it can be unselected.
            values.AddRange(selected.Where(v => values.All(c => c.Value != v)).Order(StringComparer.Ordinal).Select(v => new FacetValueCount(v, 0, true)));
            facets.Add(new FacetCounts(name, values.OrderByDescending(v => v.Count).ThenBy(v => v.Value, StringComparer.Ordinal).ToList()));
        }

        var priceCounts = response.Results[plan.PriceResult].FacetCounts.FirstOrDefault(f => f.FieldName == TypesenseProductSchema.PriceMin)?.Counts ?? [];
        var edges = SearchFacets.PriceBucketEdges;
        var buckets = edges.Select((min, i) => new PriceBucketCount(
            min,
            i + 1 < edges.Count ? edges[i + 1] : null,
            priceCounts.FirstOrDefault(c => c.Value == string.Create(CultureInfo.InvariantCulture, $"b{i}"))?.Count ?? 0)).ToList();

        return new SearchHits(ids, main.Found, facets, buckets, query.IsBrowse ? null : CorrectedQuery(query.Text, main.Hits), SearchEngineKind.Typesense);
    }

    private static long DocumentId(TypesenseHit hit)
    {
        if (hit.Document.ValueKind == JsonValueKind.Object
            && hit.Document.TryGetProperty("id", out var id)
            && id.ValueKind == JsonValueKind.String
            && long.TryParse(id.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var productId))
        {
            return productId;
        }
        throw new SearchUnavailableException("Typesense answered a hit without a numeric product id.");
    }

    /// <summary>
    /// The rule, the database engines' one: Typesense reports, per hit, the document words that matched
    /// (<c>matched_tokens</c>). A query word that none of the top hit's matched words equals was matched through a typo,
    /// unless it is the last word, at the very end of the query, and starts a matched word (Typesense treats only the
    /// last word as a prefix). Such a word of at least <see cref="SearchText.MinCorrectableLength"/> letters is replaced,
    /// in place, by the matched word closest to it (Damerau-Levenshtein distance at most 2), lower-case; the rest of the
    /// query is kept as typed. The corrected query is set only when at least one word was replaced.
    /// </summary>
    internal static string? CorrectedQuery(string text, IReadOnlyList<TypesenseHit> hits)
    {
        if (hits.Count == 0)
        {
            return null;
        }
        var matched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var highlight in hits[0].Highlights)
        {
            CollectTokens(highlight.MatchedTokens, matched);
        }
        if (matched.Count == 0)
        {
            return null;
        }
        var words = QueryWord().Matches(text);
        var result = new System.Text.StringBuilder(text.Length + 8);
        var position = 0;
        var corrected = false;
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i].Value.ToLowerInvariant();
            var open = i == words.Count - 1 && words[i].Index + words[i].Length == text.Length;
            string? replacement = null;
            if (!matched.Contains(word)
                && !(open && matched.Any(m => m.StartsWith(word, StringComparison.Ordinal)))
                && word.Length >= SearchText.MinCorrectableLength)
            {
                replacement = matched.Select(m => (Token: m, Distance: Distance(word, m)))
                    .Where(c => c.Distance is > 0 and <= 2)
                    .OrderBy(c => c.Distance).ThenBy(c => c.Token, StringComparer.Ordinal)
                    .FirstOrDefault().Token;
            }
            result.Append(text, position, words[i].Index - position).Append(replacement ?? words[i].Value);
            position = words[i].Index + words[i].Length;
            corrected |= replacement is not null;
        }
        return corrected ? result.Append(text, position, text.Length - position).ToString() : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\S+", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex QueryWord();

    private static void CollectTokens(JsonElement element, HashSet<string> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                var token = element.GetString()!.Trim().TrimEnd(',', '.', ';', ':', '!', '?').ToLowerInvariant();
                if (token.Length > 0)
                {
                    into.Add(token);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CollectTokens(item, into);
                }
                break;
        }
    }

    /// <summary>Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions), as Typesense counts typos.</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
