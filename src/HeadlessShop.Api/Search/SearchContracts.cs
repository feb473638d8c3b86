using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Common;

namespace HeadlessShop.Api.Search;

/// <summary>Which engine answered a search: the cluster, or the database when the cluster is absent or failing.</summary>
public enum SearchEngineKind
{
    Typesense,
    Database,
}

/// <summary>One engine answering <c>search(input:)</c>. Every engine returns the same result shape.</summary>
public interface ISearchEngine
{
    SearchEngineKind Kind { get; }

    /// <summary>Answers one search. Throws <see cref="SearchUnavailableException"/> when the engine cannot answer now.</summary>
    Task<SearchHits> SearchAsync(SearchQuery query, CancellationToken cancellationToken);
}

/// <summary>Keeps an engine's index in step with the catalog. Engines the database maintains itself do nothing here.</summary>
public interface ISearchIndexer
{
    /// <summary>Adds or replaces these products (deleted or unknown ids are removed from the index).</summary>
    Task UpsertAsync(IReadOnlyCollection<long> productIds, CancellationToken cancellationToken);

    Task DeleteAsync(IReadOnlyCollection<long> productIds, CancellationToken cancellationToken);

    /// <summary>Rebuilds the whole index without downtime (new collection, alias swap, old one dropped).</summary>
    Task ReindexAsync(IProgress<ReindexProgress>? progress, CancellationToken cancellationToken);
}

public sealed record ReindexProgress(int Indexed, int Total);

/// <summary>The engine cannot answer now (timeout, 5xx, open circuit); the caller falls back to the database engine.</summary>
public sealed class SearchUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A validated search request. <see cref="Offset"/> comes from the opaque <c>after</c> cursor.</summary>
public sealed record SearchQuery(
    string Text,
    IReadOnlyList<FacetSelection> Facets,
    long? PriceMin,
    long? PriceMax,
    SearchSortKey Sort,
    bool Reverse,
    int First,
    int Offset)
{
    /// <summary>True when the text is empty or whitespace: browse every product, filtered and faceted.</summary>
    public bool IsBrowse => string.IsNullOrWhiteSpace(Text);

    public IReadOnlyList<string> SelectedValues(string facet) =>
        Facets.FirstOrDefault(f => f.Name == facet)?.Values ?? [];
}

public enum SearchSortKey
{
    Relevance,
    Name,
    Price,
    CreatedAt,
}

public sealed record FacetSelection(string Name, IReadOnlyList<string> Values);

/// <summary>One page of hits plus everything the result page needs, from one engine.</summary>
public sealed record SearchHits(
    IReadOnlyList<long> ProductIds,
    int TotalCount,
    IReadOnlyList<FacetCounts> Facets,
    IReadOnlyList<PriceBucketCount> PriceBuckets,
    string? CorrectedQuery,
    SearchEngineKind Engine);

public sealed record FacetCounts(string Name, IReadOnlyList<FacetValueCount> Values);

public sealed record FacetValueCount(string Value, int Count, bool Selected);

/// <summary>Products whose lowest price (minor units) is in [Min, Max); Max null is open-ended.</summary>
public sealed record PriceBucketCount(long Min, long? Max, int Count);

/// <summary>The facets and price buckets every engine computes, so both engines agree exactly.</summary>
public static class SearchFacets
{
    public const string Brand = "brand";
    public const string Category = "category";
    public const string Color = "color";
    public const string Size = "size";

    public static readonly IReadOnlyList<string> Names = [Brand, Category, Color, Size];

    /// <summary>Bucket edges in minor units: [0,25), [25,50), [50,100), [100,200), [200,500), [500,∞) in major units.</summary>
    public static readonly IReadOnlyList<long> PriceBucketEdges = [0, 2500, 5000, 10000, 20000, 50000];

    public const int MaxQueryLength = 200;
    public const int MaxFacetValues = 50;
}

/// <summary>What an external index stores for one product: flat fields built from the catalog rows.</summary>
public sealed record SearchDocument(
    long ProductId,
    string Slug,
    string Name,
    string Description,
    string? Brand,
    string? CategorySlug,
    string? CategoryName,
    IReadOnlyList<string> Colors,
    IReadOnlyList<string> Sizes,
    IReadOnlyList<string> Skus,
    long PriceMinMinor,
    long PriceMaxMinor,
    CurrencyCode Currency,
    bool AvailableForSale,
    DateTime CreatedAt)
{
    /// <summary>Option names whose values feed the color and size facets.</summary>
    public static IReadOnlyList<string> ValuesOf(IEnumerable<ProductVariant> variants, string optionName) =>
        variants.SelectMany(v => v.OptionValues)
            .Where(o => string.Equals(o.Name, optionName, StringComparison.OrdinalIgnoreCase))
            .Select(o => o.Value)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
}
