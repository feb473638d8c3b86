using System.Text.Json;
using HeadlessShop.Api.Catalog;
using HeadlessShop.Api.Infrastructure.Events;

namespace HeadlessShop.Api.Search;

/// <summary>
/// Keeps every external search index in step with the catalog: product changes (admin edits, deletes) and stock
/// changes (availability) reach each registered <see cref="ISearchIndexer"/> after their transaction commits.
/// Upserting a product is idempotent, so the stream's at-least-once delivery needs no de-duplication here. The
/// database engine keeps its own index by triggers and registers no indexer; with none registered this is a no-op.
/// </summary>
public sealed partial class SearchIndexingConsumer(IEnumerable<ISearchIndexer> indexers, ILogger<SearchIndexingConsumer> logger) : IEventConsumer
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
    private readonly IReadOnlyList<ISearchIndexer> _indexers = indexers.ToList();

    public string Group => "search-indexer";

    public async Task HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var productId = envelope.Type switch
        {
            CatalogEvents.ProductChanged => JsonSerializer.Deserialize<CatalogEvents.ProductChange>(envelope.Payload, JsonOptions)?.ProductId,
            StockEvents.AvailabilityChanged => StockEvents.ProductIdOf(envelope.Key),
            _ => null,
        };
        if (productId is not { } id || _indexers.Count == 0)
        {
            return;
        }
        LogIndexing(logger, id, envelope.Type, envelope.Id);
        // An indexer that throws makes the event come back (then dead-letter); the others are upserted again, harmlessly.
        foreach (var indexer in _indexers)
        {
            await indexer.UpsertAsync([id], cancellationToken);
        }
    }

    /// <summary>Stock events are keyed "product:{id}" (see <see cref="StockEvents.KeyOf"/>).</summary>
    [LoggerMessage(Level = LogLevel.Debug, Message = "Re-indexing product {ProductId} after {Type} {EventId}")]
    private static partial void LogIndexing(ILogger logger, long productId, string type, string eventId);
}
