namespace HeadlessShop.Bench;

/// <summary>The GraphQL documents the benchmarks send. Vendure's peer queries have logical twins here.</summary>
public static class Documents
{
    public const string CartLinesAdd = """
        mutation($input: CartLinesAddInput!) { cartLinesAdd(input: $input) {
          cart { id totalQuantity subtotal { amount currencyCode } lines { id quantity lineTotal { amount } variant { id sku price { amount } } } }
          userErrors { code message }
        } }
        """;

    public const string ListingNode = """
        id slug name availableForSale
        priceRange { min { amount currencyCode } }
        images { url altText }
        category { name slug }
        variants { id sku name price { amount currencyCode } quantityAvailable availableForSale selectedOptions { name value } }
        """;

    public static readonly string Listing = $$"""query Listing($first: Int!) { products(first: $first) { nodes { {{ListingNode}} } } }""";

    public static readonly string ListingDeep =
        $$"""query Deep($after: String) { products(first: 20, after: $after, sort: { key: NAME }) { nodes { {{ListingNode}} } } }""";

    public const string Detail = """
        query Detail($slug: String!) {
          product(slug: $slug) {
            id slug name description brand availableForSale createdAt
            priceRange { min { amount currencyCode } max { amount currencyCode } }
            category { name slug parent { name slug } }
            collections { name slug }
            images { url altText width height }
            options { name values }
            variants { id sku name price { amount currencyCode } compareAtPrice { amount } quantityAvailable availableForSale selectedOptions { name value } }
          }
        }
        """;

    /// <summary>
    /// The transport-overhead pair (issue 4): a small catalog read, sent over HTTP and executed in-process; the
    /// difference is what Kestrel, the HTTP middleware and the socket cost per request.
    /// </summary>
    public const string Small = "query Small($first: Int!) { products(first: $first) { nodes { id slug name } } }";

    /// <summary>Vendure a-products: 20 products with variant id, name, price and stock.</summary>
    public const string PeerProducts = "{ products(first: 20) { nodes { id name slug variants { id name price { amount } quantityAvailable } } } }";

    /// <summary>Vendure c-product: a product page by slug with facets (brand, category) and variant options.</summary>
    public const string PeerProduct = """
        query($slug: String!) { product(slug: $slug) { id name slug description brand category { name }
          variants { id name sku price { amount } quantityAvailable selectedOptions { name value } } } }
        """;

    /// <summary>Vendure b-search: term "classic", 20 hits grouped by product, facet counts and price range.</summary>
    public const string PeerSearch = """
        { search(input: { query: "classic", first: 20 }) { totalCount facets { name values { value count } }
          hits { nodes { name priceRange { min { amount } max { amount } } } } } }
        """;

    /// <summary>Query, two facet selections and a price range.</summary>
    public const string Search = """
        { search(input: { query: "jacket", facets: [{ name: "brand", values: ["Acme", "Northwind", "Contoso"] }, { name: "color", values: ["Black", "Blue"] }],
            priceMin: 1000, priceMax: 20000, first: 20 }) {
          totalCount correctedQuery engine
          facets { name values { value count selected } }
          priceBuckets { min max count }
          hits { nodes { id slug name priceRange { min { amount currencyCode } } images { url } } } } }
        """;

    /// <summary>
    /// <see cref="Search"/> with a fourth selected brand that no product has and every request changes: the same work
    /// and hits, but never the same search twice, so the result cache cannot answer (the engine's own cost).
    /// </summary>
    public static string SearchUncached { get; } = Search.Replace("\"Contoso\"]", $"\"Contoso\", \"nocache-{Scenario.Token}\"]", StringComparison.Ordinal);
}

/// <summary>
/// What one wrk run sends: a POST body (JSON) or a GET path. With <see cref="VaryToken"/>, every request replaces that
/// token in the body with a number no earlier request of the run used, so no two requests are the same search.
/// </summary>
public sealed record Scenario(string Name, string Group, string Description, string? Body = null, string? GetPath = null, string? Requires = null, string? VaryToken = null)
{
    public const string Token = "__VARY__";
}
