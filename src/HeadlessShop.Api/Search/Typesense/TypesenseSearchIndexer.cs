using System.Globalization;
using Microsoft.Extensions.Options;

namespace HeadlessShop.Api.Search.Typesense;

/// <summary>
/// Keeps the Typesense index in step with the catalog. Writes address the alias, so they land in whichever collection
/// searches read. <see cref="ReindexAsync"/> builds a new collection beside the live one and swaps the alias: searches
/// answer from the old collection until the swap and from the new one after it, never from a half-built one.
/// </summary>
public sealed partial class TypesenseSearchIndexer(
    TypesenseClient client,
    SearchDocumentReader reader,
    IOptions<TypesenseOptions> options,
    TimeProvider time,
    ILogger<TypesenseSearchIndexer> logger) : ISearchIndexer
{
    private readonly TypesenseOptions _options = options.Value;

    public async Task UpsertAsync(IReadOnlyCollection<long> productIds, CancellationToken cancellationToken)
    {
        var (documents, gone) = await reader.ReadAsync(productIds, cancellationToken);
        await ImportAsync(_options.CollectionAlias, documents, cancellationToken);
        await DeleteAsync(gone, cancellationToken);
    }

    public async Task DeleteAsync(IReadOnlyCollection<long> productIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(productIds);
        foreach (var id in productIds.Distinct())
        {
            await client.DeleteDocumentAsync(_options.CollectionAlias, id.ToString(CultureInfo.InvariantCulture), cancellationToken);
        }
    }

    public async Task ReindexAsync(IProgress<ReindexProgress>? progress, CancellationToken cancellationToken)
    {
        var alias = _options.CollectionAlias;
        var startedAt = time.GetUtcNow().UtcDateTime;
        var collection = $"{alias}_{startedAt.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture)}";
        var catchUpFrom = startedAt;
        var previous = (await client.RetrieveAliasAsync(alias, cancellationToken))?.CollectionName;

        await client.CreateCollectionAsync(TypesenseProductSchema.For(collection), cancellationToken);
        LogBuilding(collection, previous ?? "(none)");
        try
        {
            var total = await reader.CountAsync(cancellationToken);
            var indexed = 0;
            progress?.Report(new ReindexProgress(0, total));
            await foreach (var batch in reader.ReadAllAsync(_options.ImportBatchSize, cancellationToken))
            {
                await ImportAsync(collection, batch, cancellationToken);
                indexed += batch.Count;
                progress?.Report(new ReindexProgress(indexed, Math.Max(total, indexed)));
            }
            // Writes during the build went to the old collection through the alias: replay them into the new one.
            var catchUpAt = time.GetUtcNow().UtcDateTime;
            await CatchUpAsync(collection, catchUpFrom, cancellationToken);
            catchUpFrom = catchUpAt;
        }
        catch
        {
            // The alias still points at the old collection, which keeps answering; the half-built one goes.
            await client.DeleteCollectionAsync(collection, CancellationToken.None);
            throw;
        }

        await client.UpsertAliasAsync(alias, collection, cancellationToken);
        LogSwapped(alias, collection);
        // Changes committed between the catch-up and the swap may have reached only the old collection.
        await CatchUpAsync(collection, catchUpFrom, cancellationToken);
        if (previous is not null && previous != collection)
        {
            await client.DeleteCollectionAsync(previous, cancellationToken);
            LogDropped(previous);
        }
    }

    private async Task CatchUpAsync(string collection, DateTime since, CancellationToken cancellationToken)
    {
        var (changed, deleted) = await reader.ChangedSinceAsync(since, cancellationToken);
        if (changed.Count > 0)
        {
            var (documents, _) = await reader.ReadAsync(changed, cancellationToken);
            await ImportAsync(collection, documents, cancellationToken);
        }
        foreach (var id in deleted)
        {
            await client.DeleteDocumentAsync(collection, id.ToString(CultureInfo.InvariantCulture), cancellationToken);
        }
    }

    private async Task ImportAsync(string collection, IReadOnlyList<SearchDocument> documents, CancellationToken cancellationToken)
    {
        foreach (var chunk in documents.Chunk(_options.ImportBatchSize))
        {
            var result = await client.ImportDocumentsAsync(collection, chunk.Select(TypesenseProductDocument.From).ToList(), cancellationToken);
            if (result.Failures.Count > 0)
            {
                var first = result.Failures[0];
                throw new TypesenseException(
                    $"Typesense rejected {result.Failures.Count} of {chunk.Length} document(s) imported into {collection}; first: {first.Error} {first.Document}");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reindex: building collection {Collection} (alias currently on {Previous})")]
    private partial void LogBuilding(string collection, string previous);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reindex: alias {Alias} now points at {Collection}")]
    private partial void LogSwapped(string alias, string collection);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reindex: dropped the previous collection {Collection}")]
    private partial void LogDropped(string collection);
}
