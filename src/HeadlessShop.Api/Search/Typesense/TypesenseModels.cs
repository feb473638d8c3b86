using System.Text.Json;
using System.Text.Json.Serialization;

namespace HeadlessShop.Api.Search.Typesense;

// Request and response bodies of the Typesense REST API (v27), as its API reference shows them. Property names are snake_case.

public sealed record TypesenseField(string Name, string Type)
{
    public bool? Facet { get; init; }
    public bool? Optional { get; init; }
    public bool? Sort { get; init; }
    public bool? Index { get; init; }
}

public sealed record TypesenseCollectionSchema(string Name, IReadOnlyList<TypesenseField> Fields)
{
    public string? DefaultSortingField { get; init; }
}

/// <summary>GET/POST /collections answers: the schema plus the document count.</summary>
public sealed record TypesenseCollection(string Name, long NumDocuments, IReadOnlyList<TypesenseField> Fields);

public sealed record TypesenseAlias(string Name, string CollectionName);

/// <summary>One line of an import answer: <c>{"success": true}</c> or <c>{"success": false, "error": "...", "document": "..."}</c>.</summary>
public sealed record TypesenseImportLine(bool Success, string? Error, string? Document, string? Id);

public sealed record TypesenseImportResult(int Imported, IReadOnlyList<TypesenseImportLine> Failures);

/// <summary>One entry of <c>searches</c> in POST /multi_search; unset parameters are omitted.</summary>
public sealed record TypesenseSearch
{
    public required string Collection { get; init; }
    public required string Q { get; init; }
    public string? QueryBy { get; init; }
    public string? QueryByWeights { get; init; }
    public string? NumTypos { get; init; }
    public string? FilterBy { get; init; }
    public string? FacetBy { get; init; }
    public int? MaxFacetValues { get; init; }
    public string? SortBy { get; init; }
    public int? Offset { get; init; }
    public int? Limit { get; init; }
    public int? PerPage { get; init; }
    public string? IncludeFields { get; init; }
}

public sealed record TypesenseMultiSearchRequest(IReadOnlyList<TypesenseSearch> Searches);

public sealed record TypesenseMultiSearchResponse(IReadOnlyList<TypesenseSearchResult> Results);

/// <summary>One result of a multi search, in request order. A failed search carries <c>code</c> and <c>error</c> instead of hits.</summary>
public sealed record TypesenseSearchResult
{
    public int? Code { get; init; }
    public string? Error { get; init; }
    public int Found { get; init; }
    public int OutOf { get; init; }
    public int Page { get; init; }
    public IReadOnlyList<TypesenseHit> Hits { get; init; } = [];
    public IReadOnlyList<TypesenseFacetCounts> FacetCounts { get; init; } = [];
}

public sealed record TypesenseHit
{
    public required JsonElement Document { get; init; }
    public IReadOnlyList<TypesenseHighlight> Highlights { get; init; } = [];
    public long? TextMatch { get; init; }
}

/// <summary>
/// One highlighted field of a hit. <c>matched_tokens</c> is a list of words for a string field and a list of lists
/// (one per matching array element) for a string[] field, so it stays raw JSON here.
/// </summary>
public sealed record TypesenseHighlight
{
    public required string Field { get; init; }
    public JsonElement MatchedTokens { get; init; }
    public string? Snippet { get; init; }
}

public sealed record TypesenseFacetCounts(string FieldName, IReadOnlyList<TypesenseFacetCount> Counts);

public sealed record TypesenseFacetCount(string Value, int Count)
{
    public string? Highlighted { get; init; }
}

/// <summary>Error answers of the API: <c>{"message": "..."}</c>.</summary>
internal sealed record TypesenseErrorBody(string? Message);

internal static class TypesenseJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>JSONL lines must not contain raw newlines: the default writer never indents, so each document is one line.</summary>
    public static readonly JsonSerializerOptions Lines = new(Options) { WriteIndented = false };
}
