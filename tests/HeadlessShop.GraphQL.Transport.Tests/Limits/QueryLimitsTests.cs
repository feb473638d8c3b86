using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HeadlessShop.GraphQL.Transport.Tests.Infrastructure;

namespace HeadlessShop.GraphQL.Transport.Tests.Limits;

/// <summary>Each abuse limit: a legitimate document passes, the abusive one is refused with its own code and no
/// resolver runs (the schema's resolvers bump a counter).</summary>
public sealed class QueryLimitsTests(TransportTestServer server) : IClassFixture<TransportTestServer>
{
    private static string Nested(int depth) =>
        "{ tree { " + string.Concat(Enumerable.Repeat("children { value ", depth - 2)) + "value" + new string('}', depth - 2) + " } }";

    private async Task<(HttpStatusCode Status, string? Code, int ResolverCalls)> PostAsync(string body)
    {
        var before = server.Counter.Value;
        using var response = await server.Client.PostAsync("/graphql", new StringContent(body, Encoding.UTF8, "application/json"));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (response.StatusCode, json["errors"]?[0]?["extensions"]?["code"]?.GetValue<string>(), server.Counter.Value - before);
    }

    private Task<(HttpStatusCode Status, string? Code, int ResolverCalls)> QueryAsync(string query, object? variables = null) =>
        PostAsync(JsonSerializer.Serialize(new { query, variables }));

    [Fact]
    public async Task Depth_within_the_limit_runs_and_50_deep_is_refused()
    {
        Assert.Equal((HttpStatusCode.OK, (string?)null), Pick(await QueryAsync("{ tree { children { value } value } }")));
        var deep = await QueryAsync(Nested(50));
        Assert.Equal((HttpStatusCode.OK, "QUERY_TOO_DEEP", 0), deep);
    }

    [Fact]
    public async Task A_few_aliases_run_and_100_or_500_are_refused()
    {
        Assert.Null((await QueryAsync("{ a: hello b: hello(name: \"x\") }")).Code);
        static string Aliases(int n) => "{ " + string.Join(" ", Enumerable.Range(0, n).Select(i => $"a{i}: tree {{ value }}")) + " }";
        Assert.Equal((HttpStatusCode.OK, "QUERY_TOO_MANY_ALIASES", 0), await QueryAsync(Aliases(100)));
        // 500 aliases are 3500 tokens: the token count refuses them before the parser runs.
        Assert.Equal((HttpStatusCode.BadRequest, "QUERY_TOO_MANY_TOKENS", 0), await QueryAsync(Aliases(500)));
    }

    [Fact]
    public async Task Too_many_root_fields_are_refused()
    {
        var roots = "{ " + string.Join(" ", Enumerable.Range(0, 11).Select(_ => "tree { value }")) + " }";
        Assert.Equal((HttpStatusCode.OK, "QUERY_TOO_MANY_ROOT_FIELDS", 0), await QueryAsync(roots));
    }

    [Fact]
    public async Task A_page_of_ten_runs_and_first_100000_is_too_costly_also_through_a_variable()
    {
        Assert.Null((await QueryAsync("{ tree { children(first: 10) { value } } }")).Code);
        Assert.Equal((HttpStatusCode.OK, "QUERY_TOO_COSTLY", 0),
            await QueryAsync("{ tree { children(first: 100000) { value } } }"));
        // Same text twice: the second hit comes from the validated-document cache and must still be measured.
        const string withVariable = "query($n: Int) { tree { children(first: $n) { value } } }";
        Assert.Null((await QueryAsync(withVariable, new { n = 2 })).Code);
        Assert.Equal((HttpStatusCode.OK, "QUERY_TOO_COSTLY", 0), await QueryAsync(withVariable, new { n = 100000 }));
    }

    [Fact]
    public async Task A_long_document_is_refused_before_parsing_and_1_MB_before_reading()
    {
        var longDocument = "{ hello " + new string(' ', 20_000) + "}";
        Assert.Equal((HttpStatusCode.BadRequest, "QUERY_TOO_LARGE", 0), await QueryAsync(longDocument));
        var megabyte = "{ hello " + new string(' ', 1024 * 1024) + "}";
        var huge = await QueryAsync(megabyte);
        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE", 0), huge);
    }

    [Fact]
    public async Task A_batch_of_100_operations_is_refused_as_batching_is_off()
    {
        var batch = "[" + string.Join(",", Enumerable.Repeat("{\"query\":\"{ tree { value } }\"}", 100)) + "]";
        Assert.Equal((HttpStatusCode.BadRequest, "BATCHING_NOT_SUPPORTED", 0), await PostAsync(batch));
    }

    private static (HttpStatusCode, string?) Pick((HttpStatusCode Status, string? Code, int ResolverCalls) r) => (r.Status, r.Code);

}
