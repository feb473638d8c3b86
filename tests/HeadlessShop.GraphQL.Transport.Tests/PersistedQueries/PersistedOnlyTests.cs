using GraphQL;
using GraphQL.Transport;
using HeadlessShop.GraphQL.Transport.Errors;
using HeadlessShop.GraphQL.Transport.PersistedQueries;
using Microsoft.Extensions.Options;

namespace HeadlessShop.GraphQL.Transport.Tests.PersistedQueries;

public sealed class PersistedOnlyTests : IDisposable
{
    private readonly GraphQLTransportOptions _options = new() { PersistedOnly = true };
    private readonly MemoryPersistedQueryStore _store;
    private readonly PersistedQueryResolver _resolver;

    public PersistedOnlyTests()
    {
        _store = new MemoryPersistedQueryStore(Options.Create(_options));
        _resolver = new PersistedQueryResolver(_store, _options);
    }

    [Fact]
    public async Task A_free_form_document_is_refused()
    {
        var outcome = await _resolver.ResolveAsync(new GraphQLRequest { Query = "{ hello }" }, CancellationToken.None);
        Assert.Equal(TransportErrorCodes.PersistedQueryRequired, outcome.ErrorCode);
    }

    [Fact]
    public async Task An_APQ_registration_is_refused_and_not_stored()
    {
        var hash = PersistedQueryResolver.Sha256Hex("{ hello }");
        var request = new GraphQLRequest
        {
            Query = "{ hello }",
            Extensions = new Inputs(new Dictionary<string, object?> { ["persistedQuery"] = new Dictionary<string, object?> { ["sha256Hash"] = hash } }),
        };
        var outcome = await _resolver.ResolveAsync(request, CancellationToken.None);
        Assert.Equal(TransportErrorCodes.PersistedQueryRequired, outcome.ErrorCode);
        Assert.Null(await _store.GetAsync(PersistedQueryKind.Automatic, hash, CancellationToken.None));
    }

    [Fact]
    public async Task A_trusted_document_runs_by_id()
    {
        await _store.SetAsync(PersistedQueryKind.Trusted, "doc-1", "{ hello }", CancellationToken.None);
        var outcome = await _resolver.ResolveAsync(new GraphQLRequest { DocumentId = "doc-1" }, CancellationToken.None);
        Assert.Equal("{ hello }", outcome.Request?.Query);
        Assert.True(outcome.FromStore);
    }

    public void Dispose() => _store.Dispose();
}
