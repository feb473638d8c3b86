namespace HeadlessShop.GraphQL.Transport;

/// <summary>Transport settings, bound from the <c>GraphQL</c> configuration section.</summary>
public sealed class GraphQLTransportOptions
{
    internal Limits.QueryLimits QueryLimits => new(MaxDepth, MaxAliases, MaxRootFields, MaxCost);

    public const string SectionName = "GraphQL";

    /// <summary>Largest request body accepted, in bytes. Larger bodies get 413 before any parsing.</summary>
    public long MaxRequestBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Estimated memory of the parsed, validated documents kept for reuse: text and syntax tree, counted as
    /// <see cref="Execution.ValidatedDocumentCache.BytesPerCharacter"/> bytes per character of text (16 MB holds about
    /// 2,000 documents the size of a search page's).
    /// </summary>
    public long DocumentCacheBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Deepest field nesting allowed. graphql-armor's default is 6; Relay storefronts spend two levels per
    /// connection hop (edges, node), so a category → products → variants page needs about 8. See README.</summary>
    public int MaxDepth { get; set; } = 10;

    /// <summary>Aliases allowed in one document (graphql-armor: 15).</summary>
    public int MaxAliases { get; set; } = 15;

    /// <summary>Root fields allowed in one operation.</summary>
    public int MaxRootFields { get; set; } = 10;

    /// <summary>Highest cost allowed; see QueryLimitsRule for the cost model (graphql-armor: 5000).</summary>
    public int MaxCost { get; set; } = 5000;

    /// <summary>Longest document text, in characters, checked before parsing.</summary>
    public int MaxDocumentLength { get; set; } = 16 * 1024;

    /// <summary>Most lexical tokens (names, punctuators, values; comments not counted) in one document, counted by a
    /// lexer pass before parsing (graphql-armor: 1000). The shop's largest document has about 110, the full
    /// introspection query 181.</summary>
    public int MaxTokens { get; set; } = 1000;

    /// <summary>Answers <c>__schema</c> and <c>__type</c> and serves the SDL download. Partners rely on it: on by
    /// default. When off, both fields are refused during validation (INTROSPECTION_DISABLED); <c>__typename</c> works.</summary>
    public bool Introspection { get; set; } = true;

    /// <summary>Serves GraphiQL at GET on the endpoint to clients that prefer <c>text/html</c> (browsers).</summary>
    public bool GraphiQL { get; set; } = true;

    /// <summary>The query GraphiQL opens with for a visitor who has none saved; the host sets one for its schema.</summary>
    public string GraphiQLDefaultQuery { get; set; } = "{\n  __typename\n}\n";

    /// <summary>Only trusted documents (by <c>documentId</c>) run; free-form documents and APQ registrations are refused.</summary>
    public bool PersistedOnly { get; set; }

    /// <summary>Total text size of Automatic Persisted Queries kept by the in-memory store.</summary>
    public long PersistedQueryCacheBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary><c>Cache-Control: public, max-age</c> for anonymous persisted-query GETs that succeed; 0 turns it off.
    /// Never sent for mutations (they are POST-only) or requests that carry credentials.</summary>
    public int PersistedQueryMaxAgeSeconds { get; set; } = 60;

    /// <summary>How long a WebSocket may stay open without a <c>connection_init</c> (then close 4408).</summary>
    public TimeSpan WebSocketConnectionInitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Outgoing WebSocket messages queued per connection; a client that falls this far behind is closed
    /// with 1008, so a slow reader cannot make the server's memory grow.</summary>
    public int WebSocketMaxQueuedMessages { get; set; } = 256;

    /// <summary>Shows exception messages and stack traces in errors. Only ever on in Development.</summary>
    public bool ExposeExceptionDetails { get; set; }
}
