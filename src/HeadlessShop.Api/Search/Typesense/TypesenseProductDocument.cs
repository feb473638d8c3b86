using System.Globalization;
using System.Text.Json.Serialization;

namespace HeadlessShop.Api.Search.Typesense;

/// <summary>How a <see cref="SearchDocument"/> is stored in Typesense: flat fields, ids as strings, times as Unix seconds.</summary>
public sealed record TypesenseProductDocument(
    string Id,
    long ProductId,
    string Slug,
    string Name,
    string Description,
    string? Brand,
    string? Category,
    string? CategoryName,
    IReadOnlyList<string> Colors,
    IReadOnlyList<string> Sizes,
    IReadOnlyList<string> Skus,
    long PriceMin,
    long PriceMax,
    string Currency,
    bool Available,
    long CreatedAt)
{
    public static TypesenseProductDocument From(SearchDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return new TypesenseProductDocument(
            document.ProductId.ToString(CultureInfo.InvariantCulture),
            document.ProductId,
            document.Slug,
            document.Name,
            document.Description,
            document.Brand,
            document.CategorySlug,
            document.CategoryName,
            document.Colors,
            document.Sizes,
            document.Skus,
            document.PriceMinMinor,
            document.PriceMaxMinor,
            document.Currency.ToString(),
            document.AvailableForSale,
            new DateTimeOffset(DateTime.SpecifyKind(document.CreatedAt, DateTimeKind.Utc)).ToUnixTimeSeconds());
    }
}

/// <summary>The products collection: which fields are searched, faceted and sorted, and the facet each field feeds.</summary>
public static class TypesenseProductSchema
{
    public const string ProductId = "product_id";
    public const string Name = "name";
    public const string Description = "description";
    public const string Brand = "brand";
    public const string Category = "category";
    public const string CategoryName = "category_name";
    public const string Colors = "colors";
    public const string Sizes = "sizes";
    public const string Skus = "skus";
    public const string PriceMin = "price_min";
    public const string CreatedAt = "created_at";

    /// <summary>The facet named in <see cref="SearchFacets"/> and the field holding its values (category facets on the slug).</summary>
    public static readonly IReadOnlyDictionary<string, string> FacetFields = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [SearchFacets.Brand] = Brand,
        [SearchFacets.Category] = Category,
        [SearchFacets.Color] = Colors,
        [SearchFacets.Size] = Sizes,
    };

    /// <summary>Searched fields, best first, with their weights (0..127); SKUs are matched without typos.</summary>
    public static readonly IReadOnlyList<(string Field, int Weight, bool Typos)> QueryFields =
    [
        (Name, 10, true),
        (Brand, 6, true),
        (CategoryName, 4, true),
        (Skus, 3, false),
        (Description, 1, true),
    ];

    public static TypesenseCollectionSchema For(string collectionName) => new(collectionName,
    [
        new TypesenseField(ProductId, "int64"),
        new TypesenseField(Name, "string") { Sort = true },
        new TypesenseField(Description, "string"),
        new TypesenseField(Brand, "string") { Facet = true, Optional = true },
        new TypesenseField(Category, "string") { Facet = true, Optional = true },
        new TypesenseField(CategoryName, "string") { Optional = true },
        new TypesenseField(Colors, "string[]") { Facet = true },
        new TypesenseField(Sizes, "string[]") { Facet = true },
        new TypesenseField(Skus, "string[]"),
        // Range facets need a sortable numeric facet field; price_min feeds the price buckets and the price sort.
        new TypesenseField(PriceMin, "int64") { Facet = true },
        new TypesenseField("price_max", "int64"),
        new TypesenseField("available", "bool") { Facet = true },
        new TypesenseField(CreatedAt, "int64"),
    ])
    {
        DefaultSortingField = ProductId,
    };
}
