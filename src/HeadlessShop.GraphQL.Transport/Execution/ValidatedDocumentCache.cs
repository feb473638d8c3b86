using GraphQL;
using GraphQL.DI;
using GraphQL.Validation;
using GraphQLParser.AST;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace HeadlessShop.GraphQL.Transport.Execution;

/// <summary>
/// Skips parsing and validation for documents that already executed successfully: storefronts send the same few
/// documents millions of times. Keyed by the exact document text; bounded by the estimated memory of what it keeps
/// (<see cref="GraphQLTransportOptions.DocumentCacheBytes"/>), counted as <see cref="BytesPerCharacter"/> per character
/// of text. Rules that depend on variables or on the request must be
/// listed in <see cref="ExecutionOptions.CachedDocumentValidationRules"/>, which still run on a cache hit: directly on
/// the syntax tree when they are <see cref="ICachedDocumentRule"/>s, otherwise through the validator.
/// </summary>
public sealed class ValidatedDocumentCache : IConfigureExecution, IDisposable
{
    /// <summary>
    /// What a cached document holds per character of its text: the text (2 bytes) and the syntax tree (measured: a
    /// 428-character search document parses to 7.3 KB, 17 bytes per character). Counting text alone let the default
    /// budget hold about 80 MB: a bench that sent a new document per request raised the API's RSS by 110 MB.
    /// </summary>
    public const int BytesPerCharacter = 20;

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
            var rules = options.CachedDocumentValidationRules ?? [];
            if (Operation(cached, options.OperationName) is { } operation && rules.All(r => r is ICachedDocumentRule))
            {
                foreach (var rule in rules)
                {
                    if (((ICachedDocumentRule)rule).Check(cached, operation, options.Variables) is { } error)
                    {
                        return new ExecutionResult { Errors = [error], Executed = false };
                    }
                }
                // Checked: no rule is left for the validator, so it only coerces the variables.
                options.ValidationRules = [];
            }
            else
            {
                options.ValidationRules = rules;
            }
            return await next(options);
        }
        var result = await next(options);
        // Executed means the document parsed and validated; failures are not cached so their errors stay exact.
        if (result.Executed && result.Document is { } document)
        {
            _documents.Set(query, document, new MemoryCacheEntryOptions { Size = (long)query.Length * BytesPerCharacter });
        }
        return result;
    }

    /// <summary>The operation GraphQL.NET will run; null when that is not plain (the validator then reports why).</summary>
    private static GraphQLOperationDefinition? Operation(GraphQLDocument document, string? name)
    {
        GraphQLOperationDefinition? found = null;
        foreach (var definition in document.Definitions)
        {
            if (definition is not GraphQLOperationDefinition operation)
            {
                continue;
            }
            if (name is null)
            {
                if (found is not null)
                {
                    return null;
                }
                found = operation;
            }
            else if (operation.Name is { } named && named.StringValue == name)
            {
                return operation;
            }
        }
        return name is null ? found : null;
    }

    public void Dispose() => _documents.Dispose();
}
