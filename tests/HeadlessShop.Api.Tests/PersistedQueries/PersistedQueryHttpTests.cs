using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HeadlessShop.Api.Tests.Infrastructure;
using HeadlessShop.GraphQL.Transport.PersistedQueries;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.Api.Tests.PersistedQueries;

public sealed class PersistedQueryRedisApiFactory : ShopApiFactory;

/// <summary>The APQ and trusted-document flow through the real API; run on Redis (production) and memory (embedded).</summary>
public abstract class PersistedQueryHttpTests(ShopApiFactory factory)
{
    private const string Query = "query PersistedTypename { __typename }";

    private static object Apq(string hash) => new { persistedQuery = new { version = 1, sha256Hash = hash } };

    private static async Task<JsonNode> BodyAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    private static string? Code(JsonNode body) => body["errors"]?[0]?["extensions"]?["code"]?.GetValue<string>();

    [Fact]
    public async Task Hash_only_misses_then_the_retry_registers_and_later_hash_only_requests_hit_also_via_GET()
    {
        var client = factory.CreateClient();
        // A per-test document so the store starts without it.
        var query = Query + " # " + Guid.NewGuid();
        var hash = PersistedQueryResolver.Sha256Hex(query);

        var miss = await client.PostAsJsonAsync("/graphql", new { extensions = Apq(hash) });
        Assert.Equal(HttpStatusCode.OK, miss.StatusCode);
        var missBody = await BodyAsync(miss);
        Assert.Equal("PersistedQueryNotFound", missBody["errors"]![0]!["message"]!.GetValue<string>());
        Assert.Equal("PERSISTED_QUERY_NOT_FOUND", Code(missBody));

        var register = await client.PostAsJsonAsync("/graphql", new { query, extensions = Apq(hash) });
        Assert.Equal("Query", (await BodyAsync(register))["data"]!["__typename"]!.GetValue<string>());

        var hit = await client.PostAsJsonAsync("/graphql", new { extensions = Apq(hash) });
        Assert.Equal("Query", (await BodyAsync(hit))["data"]!["__typename"]!.GetValue<string>());

        var get = await client.GetAsync("/graphql?extensions=" + Uri.EscapeDataString($$$"""{"persistedQuery":{"version":1,"sha256Hash":"{{{hash}}}"}}"""));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("Query", (await BodyAsync(get))["data"]!["__typename"]!.GetValue<string>());
        Assert.Equal("public, max-age=60", get.Headers.CacheControl?.ToString());

        // The same GET with credentials must not be stored by a shared cache.
        using var authenticated = new HttpRequestMessage(HttpMethod.Get, get.RequestMessage!.RequestUri);
        authenticated.Headers.Authorization = new("Bearer", "someone");
        var privateGet = await client.SendAsync(authenticated);
        Assert.Contains("no-store", privateGet.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_hash_is_rejected_and_nothing_is_stored_under_it()
    {
        var client = factory.CreateClient();
        var wrong = PersistedQueryResolver.Sha256Hex("something else " + Guid.NewGuid());
        var response = await client.PostAsJsonAsync("/graphql", new { query = Query, extensions = Apq(wrong) });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("PERSISTED_QUERY_HASH_MISMATCH", Code(await BodyAsync(response)));
        var store = factory.Services.GetRequiredService<IPersistedQueryStore>();
        Assert.Null(await store.GetAsync(PersistedQueryKind.Automatic, wrong, CancellationToken.None));

        var malformed = await client.PostAsJsonAsync("/graphql", new { query = Query, extensions = Apq("not-hex") });
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task A_trusted_document_runs_by_documentId_and_an_unknown_id_is_not_found()
    {
        var client = factory.CreateClient();
        var id = "sha256:" + Guid.NewGuid().ToString("N");
        await factory.Services.GetRequiredService<IPersistedQueryStore>().SetAsync(PersistedQueryKind.Trusted, id, Query, CancellationToken.None);
        var response = await client.PostAsJsonAsync("/graphql", new { documentId = id });
        Assert.Equal("Query", (await BodyAsync(response))["data"]!["__typename"]!.GetValue<string>());

        var get = await client.GetAsync("/graphql?documentId=" + Uri.EscapeDataString(id));
        Assert.Equal("Query", (await BodyAsync(get))["data"]!["__typename"]!.GetValue<string>());

        var unknown = await client.PostAsJsonAsync("/graphql", new { documentId = "sha256:unknown" });
        Assert.Equal("PERSISTED_QUERY_NOT_FOUND", Code(await BodyAsync(unknown)));
    }

    [Fact]
    public async Task Mutations_are_never_cacheable()
    {
        var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/graphql", new { query = "mutation { __typename }" });
        Assert.True(response.Headers.CacheControl is { NoStore: true, Private: true, Public: false });
    }
}

public sealed class PersistedQueryRedisHttpTests(PersistedQueryRedisApiFactory factory)
    : PersistedQueryHttpTests(factory), IClassFixture<PersistedQueryRedisApiFactory>
{
    [Fact]
    public void Production_mode_uses_the_Redis_store() =>
        Assert.IsType<HeadlessShop.Api.Infrastructure.PersistedQueries.RedisPersistedQueryStore>(
            factory.Services.GetRequiredService<IPersistedQueryStore>());
}

public sealed class PersistedQueryMemoryHttpTests(SqliteShopApiFactory factory)
    : PersistedQueryHttpTests(factory), IClassFixture<SqliteShopApiFactory>
{
    [Fact]
    public void Embedded_mode_uses_the_memory_store() =>
        Assert.IsType<MemoryPersistedQueryStore>(factory.Services.GetRequiredService<IPersistedQueryStore>());
}
