using GraphQL;
using GraphQL.Transport;
using HeadlessShop.GraphQL.Transport.Errors;
using HeadlessShop.GraphQL.Transport.PersistedQueries;

namespace HeadlessShop.GraphQL.Transport.Tests.PersistedQueries;

/// <summary>
/// Persisted GETs by hash reuse a text found recently instead of asking the store (Redis) every time; a miss is never
/// remembered, so a client's retry with the text and its next hash-only request work at once.
/// </summary>
public sealed class RecentPersistedQueryTests
{
    private const string Document = "{ products(first: 5) { nodes { id } } }";

    [Fact]
    public async Task A_found_hash_is_answered_from_memory_and_a_miss_is_asked_again()
    {
        var store = new CountingStore();
        var resolver = new PersistedQueryResolver(store, new GraphQLTransportOptions());
        var hash = PersistedQueryResolver.Sha256Hex(Document);

        var miss = await resolver.ResolveAsync(HashOnly(hash), CancellationToken.None);
        Assert.Equal(TransportErrorCodes.PersistedQueryNotFound, miss.ErrorCode);

        var registered = await resolver.ResolveAsync(new GraphQLRequest { Query = Document, Extensions = HashOnly(hash).Extensions }, CancellationToken.None);
        Assert.Null(registered.ErrorCode);
        Assert.Equal(Document, store.Texts[hash]);

        for (var i = 0; i < 5; i++)
        {
            var hit = await resolver.ResolveAsync(HashOnly(hash), CancellationToken.None);
            Assert.Equal(Document, hit.Request?.Query);
            Assert.True(hit.FromStore);
        }
        // The miss and the first hit asked the store; the next four hits did not.
        Assert.Equal(2, store.Gets);
    }

    [Fact]
    public async Task Trusted_documents_are_always_read_from_the_store()
    {
        var store = new CountingStore();
        store.Texts["trusted:doc-1"] = Document;
        var resolver = new PersistedQueryResolver(store, new GraphQLTransportOptions());
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Document, (await resolver.ResolveAsync(new GraphQLRequest { DocumentId = "doc-1" }, CancellationToken.None)).Request?.Query);
        }
        Assert.Equal(3, store.Gets);
    }

    private static GraphQLRequest HashOnly(string hash) => new()
    {
        Extensions = new Inputs(new Dictionary<string, object?>
        {
            ["persistedQuery"] = new Dictionary<string, object?> { ["version"] = 1, ["sha256Hash"] = hash },
        }),
    };

    private sealed class CountingStore : IPersistedQueryStore
    {
        public Dictionary<string, string> Texts { get; } = [];

        public int Gets { get; private set; }

        public ValueTask<string?> GetAsync(PersistedQueryKind kind, string key, CancellationToken cancellationToken)
        {
            Gets++;
            return ValueTask.FromResult(Texts.GetValueOrDefault(kind == PersistedQueryKind.Trusted ? "trusted:" + key : key));
        }

        public ValueTask SetAsync(PersistedQueryKind kind, string key, string document, CancellationToken cancellationToken)
        {
            Texts[kind == PersistedQueryKind.Trusted ? "trusted:" + key : key] = document;
            return ValueTask.CompletedTask;
        }
    }
}
