using GraphQL;
using GraphQL.DI;
using GraphQL.Validation;
using GraphQLParser.AST;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace HeadlessShop.GraphQL.Transport.Execution;

/// <summary>
/// Skips parsing and validation for documents that already executed successfully: storefronts send the same few
/// documents millions of times. Keyed by the exact document text; bounded by the total size of cached text
/// (<see cref="GraphQLTransportOptions.DocumentCacheBytes"/>). Rules that depend on variables must be listed in
/// <see cref="ExecutionOptions.CachedDocumentValidationRules"/>, which still run on a cache hit.
/// </summary>
public sealed class ValidatedDocumentCache : IConfigureExecution, IDisposable
{
    private readonly MemoryCache _documents;

    public ValidatedDocumentCache(IOptions<GraphQLTransportOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _documents = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.Value.DocumentCacheBytes) });
    }

    // Run inside the telemetry wrapper (sort order 0) and before anything that inspects the document.
    public float SortOrder => 100;

    public async Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(next);
        if (options.Document is not null || options.Query is not { } query)
        {
            return await next(options);
        }
        if (_documents.TryGetValue(query, out GraphQLDocument? cached) && cached is not null)
        {
            options.Document = cached;
            options.ValidationRules = options.CachedDocumentValidationRules ?? [];
            return await next(options);
        }
        var result = await next(options);
        // Executed means the document parsed and validated; failures are not cached so their errors stay exact.
        if (result.Executed && result.Document is { } document)
        {
            _documents.Set(query, document, new MemoryCacheEntryOptions { Size = query.Length });
        }
        return result;
    }

    public void Dispose() => _documents.Dispose();
}
