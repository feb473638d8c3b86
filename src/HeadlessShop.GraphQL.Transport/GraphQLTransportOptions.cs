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

    /// <summary>Shape limits checked during validation, before any resolver runs. Zero switches a limit off.</summary>
    public QueryLimitOptions Limits { get; set; } = new();
}

/// <summary>Bounds on a document's shape (configuration section <c>GraphQL:Limits</c>).</summary>
public sealed class QueryLimitOptions
{
    /// <summary>Deepest field nesting allowed, counting through fragments (<c>{ a { b } }</c> is 2).</summary>
    public int MaxDepth { get; set; } = 15;

    /// <summary>Aliased fields allowed in one operation.</summary>
    public int MaxAliases { get; set; } = 30;

    /// <summary>Fields allowed directly under the operation's root type.</summary>
    public int MaxRootFields { get; set; } = 20;

    /// <summary>
    /// Most objects a query may ask for: each field costs 1 and a <c>first</c>/<c>last</c> page size multiplies
    /// the cost of its selection. Refused with <c>QUERY_TOO_COSTLY</c>.
    /// </summary>
    public int MaxCost { get; set; } = 50_000;

    /// <summary>Page size assumed for <c>first: $variable</c> (the variable's value is not known at validation).</summary>
    public int VariablePageSize { get; set; } = 100;
}
