using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using GraphQL;
using GraphQL.Transport;
using HeadlessShop.GraphQL.Transport.Errors;

namespace HeadlessShop.GraphQL.Transport.PersistedQueries;

/// <summary>
/// Turns a request that names a persisted document (APQ's <c>extensions.persistedQuery.sha256Hash</c>, or a
/// trusted <c>documentId</c>) into one that carries the text, and enforces <see cref="GraphQLTransportOptions.PersistedOnly"/>.
/// </summary>
public sealed class PersistedQueryResolver(IPersistedQueryStore store, GraphQLTransportOptions options)
{
    public const string NotFoundMessage = "PersistedQueryNotFound";

    /// <summary>How long a looked-up APQ text is reused without asking the store again.</summary>
    internal static readonly TimeSpan RecentFor = TimeSpan.FromSeconds(60);

    private const int MaxRecent = 1024;

    /// <summary>
    /// APQ texts found recently, by hash. An APQ hash names exactly one text (registration checks the SHA-256), so a
    /// copy can never be stale; it only saves the store round trip (Redis in production) on every persisted GET.
    /// Entries are dropped after <see cref="RecentFor"/>, so a hash in use still refreshes the store's expiry.
    /// </summary>
    private readonly ConcurrentDictionary<string, (string Text, long Until)> _recent = new(StringComparer.Ordinal);

    /// <summary>The outcome: a request to execute (and whether its text came from the store), or an error.</summary>
    public readonly record struct Outcome(GraphQLRequest? Request, bool FromStore, string? ErrorCode, string? ErrorMessage);

    public async ValueTask<Outcome> ResolveAsync(GraphQLRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.IsNullOrEmpty(request.DocumentId))
        {
            if (!string.IsNullOrWhiteSpace(request.Query))
            {
                return Error(TransportErrorCodes.BadRequest, "Send either documentId or query, not both.");
            }
            var trusted = await store.GetAsync(PersistedQueryKind.Trusted, request.DocumentId, cancellationToken);
            return trusted is null
                ? Error(TransportErrorCodes.PersistedQueryNotFound, $"No trusted document has the id \"{request.DocumentId}\".")
                : new Outcome(WithQuery(request, trusted), FromStore: true, null, null);
        }
        if (HashOf(request) is { } hashValue)
        {
            if (hashValue is not string hash || hash.Length != 64 || !hash.All(char.IsAsciiHexDigit))
            {
                return Error(TransportErrorCodes.PersistedQueryHashMismatch, "extensions.persistedQuery.sha256Hash must be 64 hex digits.");
            }
            hash = hash.ToLowerInvariant();
            if (string.IsNullOrWhiteSpace(request.Query))
            {
                var stored = await RecentOrStoredAsync(hash, cancellationToken);
                return stored is null
                    ? Error(TransportErrorCodes.PersistedQueryNotFound, NotFoundMessage)
                    : new Outcome(WithQuery(request, stored), FromStore: true, null, null);
            }
            if (options.PersistedOnly)
            {
                return Error(TransportErrorCodes.PersistedQueryRequired, "This server only runs trusted documents: send a documentId.");
            }
            if (!Sha256Hex(request.Query).Equals(hash, StringComparison.Ordinal))
            {
                return Error(TransportErrorCodes.PersistedQueryHashMismatch, "The sha256Hash does not match the query text.");
            }
            await store.SetAsync(PersistedQueryKind.Automatic, hash, request.Query, cancellationToken);
            return new Outcome(request, FromStore: false, null, null);
        }
        if (options.PersistedOnly)
        {
            return Error(TransportErrorCodes.PersistedQueryRequired, "This server only runs trusted documents: send a documentId.");
        }
        return new Outcome(request, FromStore: false, null, null);
    }

    private async ValueTask<string?> RecentOrStoredAsync(string hash, CancellationToken cancellationToken)
    {
        var now = Environment.TickCount64;
        if (_recent.TryGetValue(hash, out var recent) && recent.Until > now)
        {
            return recent.Text;
        }
        var stored = await store.GetAsync(PersistedQueryKind.Automatic, hash, cancellationToken);
        if (stored is not null)
        {
            if (_recent.Count >= MaxRecent)
            {
                _recent.Clear();
            }
            _recent[hash] = (stored, now + (long)RecentFor.TotalMilliseconds);
        }
        return stored;
    }

    public static string Sha256Hex(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static object? HashOf(GraphQLRequest request) =>
        request.Extensions?.TryGetValue("persistedQuery", out var persisted) == true
        && persisted is IDictionary<string, object?> map
            ? map.TryGetValue("sha256Hash", out var hash) ? hash ?? string.Empty : string.Empty
            : null;

    private static GraphQLRequest WithQuery(GraphQLRequest request, string query) => new()
    {
        Query = query,
        OperationName = request.OperationName,
        Variables = request.Variables,
        Extensions = request.Extensions,
    };

    private static Outcome Error(string code, string message) => new(null, false, code, message);
}
