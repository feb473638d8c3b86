using HeadlessShop.Api.Infrastructure;

namespace HeadlessShop.Api.Search.Typesense;

/// <summary>
/// The <see cref="ISearchEngine"/> when Typesense is configured: Typesense answers; when it cannot (timeout, 5xx after
/// retries, open circuit) the keyed database engine answers the same query with <c>engine: DATABASE</c>. While the
/// circuit is open Typesense is not even tried; after the break the breaker lets one search probe it, and the first
/// success switches answers back. A Typesense outage never fails a search.
/// </summary>
public sealed partial class FallbackSearchEngine(
    [FromKeyedServices(SearchEngineKind.Typesense)] ISearchEngine typesense,
    IServiceProvider services,
    ILogger<FallbackSearchEngine> logger) : ISearchEngine
{
    private int _degraded;

    public SearchEngineKind Kind => SearchEngineKind.Typesense;

    public async Task<SearchHits> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        try
        {
            var hits = await typesense.SearchAsync(query, cancellationToken);
            if (Interlocked.Exchange(ref _degraded, 0) == 1)
            {
                LogRecovered();
            }
            return hits;
        }
        catch (Exception ex) when (ex is SearchUnavailableException or TimeoutException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var reason = ex.InnerException?.InnerException?.GetType().Name ?? ex.InnerException?.GetType().Name ?? ex.GetType().Name;
            ShopMetrics.SearchFallbacks.Add(1, new KeyValuePair<string, object?>("reason", reason));
            if (Interlocked.Exchange(ref _degraded, 1) == 0)
            {
                LogFallingBack(ex.Message);
            }
            else
            {
                LogStillDegraded(ex.Message);
            }
            var database = services.GetRequiredKeyedService<ISearchEngine>(SearchEngineKind.Database);
            return await database.SearchAsync(query, cancellationToken) with { Engine = SearchEngineKind.Database };
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Typesense unavailable, searches are answered by the database engine: {Reason}")]
    private partial void LogFallingBack(string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Typesense still unavailable, search answered by the database engine: {Reason}")]
    private partial void LogStillDegraded(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Typesense answers searches again")]
    private partial void LogRecovered();
}
