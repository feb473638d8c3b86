using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace HeadlessShop.Api.Search.Typesense;

/// <summary>Any failure of a Typesense call: an error status after retries, a timeout, an open circuit, an unreadable body.</summary>
public sealed class TypesenseException(string message, HttpStatusCode? statusCode = null, Exception? inner = null) : Exception(message, inner)
{
    public HttpStatusCode? StatusCode { get; } = statusCode;
}

/// <summary>
/// The Typesense REST endpoints the shop uses, typed. Two named HttpClients carry the resilience pipelines
/// (<see cref="TypesenseServiceCollectionExtensions"/>): a fast one for searches, a patient one for indexing.
/// Every failure surfaces as <see cref="TypesenseException"/>; only the caller's own cancellation stays an
/// <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class TypesenseClient(IHttpClientFactory clients)
{
    public const string SearchClientName = "typesense-search";
    public const string IndexingClientName = "typesense-indexing";
    public const string ApiKeyHeader = "X-TYPESENSE-API-KEY";

    private static readonly MediaTypeHeaderValue JsonLines = new("text/plain") { CharSet = "utf-8" };

    public Task<TypesenseCollection> CreateCollectionAsync(TypesenseCollectionSchema schema, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return SendAsync<TypesenseCollection>(IndexingClientName, HttpMethod.Post, "/collections", Json(schema), cancellationToken);
    }

    /// <summary>The collection, or null when it does not exist.</summary>
    public Task<TypesenseCollection?> RetrieveCollectionAsync(string name, CancellationToken cancellationToken) =>
        SendOrNullAsync<TypesenseCollection>(IndexingClientName, HttpMethod.Get, $"/collections/{Segment(name)}", null, cancellationToken);

    /// <summary>Drops the collection; false when there was none.</summary>
    public async Task<bool> DeleteCollectionAsync(string name, CancellationToken cancellationToken) =>
        await SendOrNullAsync<TypesenseCollection>(IndexingClientName, HttpMethod.Delete, $"/collections/{Segment(name)}", null, cancellationToken) is not null;

    /// <summary>Creates the alias or points it at another collection, atomically for searches.</summary>
    public Task<TypesenseAlias> UpsertAliasAsync(string alias, string collectionName, CancellationToken cancellationToken) =>
        SendAsync<TypesenseAlias>(IndexingClientName, HttpMethod.Put, $"/aliases/{Segment(alias)}",
            Json(new { collection_name = collectionName }), cancellationToken);

    public Task<TypesenseAlias?> RetrieveAliasAsync(string alias, CancellationToken cancellationToken) =>
        SendOrNullAsync<TypesenseAlias>(IndexingClientName, HttpMethod.Get, $"/aliases/{Segment(alias)}", null, cancellationToken);

    /// <summary>Removes the alias (not its collection); false when there was none.</summary>
    public async Task<bool> DeleteAliasAsync(string alias, CancellationToken cancellationToken) =>
        await SendOrNullAsync<TypesenseAlias>(IndexingClientName, HttpMethod.Delete, $"/aliases/{Segment(alias)}", null, cancellationToken) is not null;

    /// <summary>
    /// Imports one JSONL batch with <c>action=upsert</c>. Typesense answers 200 even when documents fail, one result
    /// line per document in order; the failed lines are returned for the caller to surface.
    /// </summary>
    public async Task<TypesenseImportResult> ImportDocumentsAsync<T>(string collection, IReadOnlyCollection<T> documents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Count == 0)
        {
            return new TypesenseImportResult(0, []);
        }
        var body = new StringBuilder();
        foreach (var document in documents)
        {
            body.Append(JsonSerializer.Serialize(document, TypesenseJson.Lines)).Append('\n');
        }
        var content = new StringContent(body.ToString(), Encoding.UTF8);
        content.Headers.ContentType = JsonLines;
        var text = await SendForTextAsync(IndexingClientName, HttpMethod.Post,
            $"/collections/{Segment(collection)}/documents/import?action=upsert", content, cancellationToken);

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length != documents.Count)
        {
            throw new TypesenseException($"Typesense import answered {lines.Length} result line(s) for {documents.Count} document(s).");
        }
        var failures = new List<TypesenseImportLine>();
        foreach (var line in lines)
        {
            var result = Deserialize<TypesenseImportLine>(line);
            if (!result.Success)
            {
                failures.Add(result);
            }
        }
        return new TypesenseImportResult(documents.Count - failures.Count, failures);
    }

    /// <summary>Creates or replaces one document (POST .../documents?action=upsert).</summary>
    public async Task UpsertDocumentAsync<T>(string collection, T document, CancellationToken cancellationToken) =>
        await SendAsync<JsonElement>(IndexingClientName, HttpMethod.Post,
            $"/collections/{Segment(collection)}/documents?action=upsert", Json(document), cancellationToken);

    /// <summary>Deletes one document; a document that is not there counts as deleted.</summary>
    public async Task DeleteDocumentAsync(string collection, string id, CancellationToken cancellationToken) =>
        await SendOrNullAsync<JsonElement?>(IndexingClientName, HttpMethod.Delete,
            $"/collections/{Segment(collection)}/documents/{Segment(id)}?ignore_not_found=true", null, cancellationToken);

    /// <summary>Several searches in one round trip; results come back in request order. A failed search is an exception.</summary>
    public async Task<TypesenseMultiSearchResponse> MultiSearchAsync(TypesenseMultiSearchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await SendAsync<TypesenseMultiSearchResponse>(SearchClientName, HttpMethod.Post, "/multi_search", Json(request), cancellationToken);
        if (response.Results is null || response.Results.Count != request.Searches.Count)
        {
            throw new TypesenseException($"Typesense multi_search answered {response.Results?.Count ?? 0} result(s) for {request.Searches.Count} search(es).");
        }
        var failed = response.Results.FirstOrDefault(r => r.Error is not null || r.Code is >= 400);
        if (failed is not null)
        {
            throw new TypesenseException($"Typesense search failed ({failed.Code}): {failed.Error}", (HttpStatusCode?)failed.Code);
        }
        return response;
    }

    /// <summary>GET /health: true when the node answers <c>{"ok": true}</c>.</summary>
    public async Task<bool> HealthAsync(CancellationToken cancellationToken)
    {
        var health = await SendAsync<JsonElement>(SearchClientName, HttpMethod.Get, "/health", null, cancellationToken);
        return health.ValueKind == JsonValueKind.Object && health.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True;
    }

    private static StringContent Json<T>(T value) =>
        new(JsonSerializer.Serialize(value, TypesenseJson.Options), Encoding.UTF8, "application/json");

    private static string Segment(string value) => Uri.EscapeDataString(value);

    private async Task<T> SendAsync<T>(string client, HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken) =>
        Deserialize<T>(await SendForTextAsync(client, method, path, content, cancellationToken));

    private async Task<T?> SendOrNullAsync<T>(string client, HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync<T>(client, method, path, content, cancellationToken);
        }
        catch (TypesenseException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return default;
        }
    }

    private async Task<string> SendForTextAsync(string client, HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        try
        {
            using var response = await clients.CreateClient(client).SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new TypesenseException(
                    $"Typesense {method} {PathOnly(path)} answered {(int)response.StatusCode}: {ErrorMessage(text)}", response.StatusCode);
            }
            return text;
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or IsolatedCircuitException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new TypesenseException($"Typesense {method} {PathOnly(path)} failed: {ex.GetType().Name}: {ex.Message}", null, ex);
        }
    }

    private static string PathOnly(string path) => path.Split('?')[0];

    private static string ErrorMessage(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<TypesenseErrorBody>(body, TypesenseJson.Options)?.Message ?? body;
        }
        catch (JsonException)
        {
            return body.Length > 200 ? body[..200] : body;
        }
    }

    private static T Deserialize<T>(string text)
    {
        try
        {
            var value = JsonSerializer.Deserialize<T>(text, TypesenseJson.Options);
            return value ?? throw new TypesenseException($"Typesense answered an empty body where {typeof(T).Name} was expected.");
        }
        catch (JsonException ex)
        {
            throw new TypesenseException($"Typesense answered a body that is not a {typeof(T).Name}: {ex.Message}", null, ex);
        }
    }
}
