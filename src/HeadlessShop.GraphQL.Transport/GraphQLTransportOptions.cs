namespace HeadlessShop.GraphQL.Transport;

/// <summary>Transport settings, bound from the <c>GraphQL</c> configuration section.</summary>
public sealed class GraphQLTransportOptions
{
    public const string SectionName = "GraphQL";

    /// <summary>Largest request body accepted, in bytes. Larger bodies get 413 before any parsing.</summary>
    public long MaxRequestBytes { get; set; } = 256 * 1024;

    /// <summary>Total size (characters of document text) of parsed, validated documents kept for reuse.</summary>
    public long DocumentCacheBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Shows exception messages and stack traces in errors. Only ever on in Development.</summary>
    public bool ExposeExceptionDetails { get; set; }
}
