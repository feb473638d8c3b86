using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HeadlessShop.GraphQL.Transport.Tests.Infrastructure;

namespace HeadlessShop.GraphQL.Transport.Tests.Limits;

/// <summary>The transport with <c>GraphQL:Introspection</c> switched off.</summary>
public sealed class NoIntrospectionTestServer() : TransportTestServer(new Dictionary<string, string?> { ["GraphQL:Introspection"] = "false" });

/// <summary>Introspection on (the default): <c>__schema</c>, <c>__type</c> and the SDL download answer.</summary>
public sealed class IntrospectionOnTests(TransportTestServer server) : IClassFixture<TransportTestServer>
{
    [Fact]
    public async Task Schema_and_type_introspection_and_the_SDL_download_answer_by_default()
    {
        var (status, json, _) = await IntrospectionRequests.PostAsync(server,
            "{ __schema { queryType { name } } __type(name: \"Tree\") { fields { name } } }");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(json["errors"]);
        Assert.Equal("Query", json["data"]!["__schema"]!["queryType"]!["name"]!.GetValue<string>());
        Assert.Equal(2, json["data"]!["__type"]!["fields"]!.AsArray().Count);
        using var sdl = await server.Client.GetAsync("/graphql/schema.graphql");
        Assert.Equal(HttpStatusCode.OK, sdl.StatusCode);
        Assert.Contains("type Query", await sdl.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_standard_introspection_query_of_GraphiQL_and_code_generators_passes_the_depth_limit()
    {
        // graphql-js's getIntrospectionQuery() unwraps type references with seven nested ofType levels.
        const string typeRef = "kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }";
        var query = "query IntrospectionQuery { __schema { types { kind name fields(includeDeprecated: true) { name args { name type { "
            + typeRef + " } } type { " + typeRef + " } } } } }";
        var (_, json, _) = await IntrospectionRequests.PostAsync(server, query);
        Assert.Null(json["errors"]);
        Assert.NotEmpty(json["data"]!["__schema"]!["types"]!.AsArray());
    }

    [Fact]
    public async Task Depth_still_counts_for_nesting_that_is_not_ofType_inside_introspection()
    {
        var deep = "{ __schema { types { fields { type { fields { type { fields { type { fields { type { fields { name } } } } } } } } } } } }";
        var (_, json, _) = await IntrospectionRequests.PostAsync(server, deep);
        Assert.Equal("QUERY_TOO_DEEP", json["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
    }
}

/// <summary>Introspection off: refused during validation with its own code, before any resolver; the SDL is 404.</summary>
public sealed class IntrospectionOffTests(NoIntrospectionTestServer server) : IClassFixture<NoIntrospectionTestServer>
{
    [Theory]
    [InlineData("{ tree { value } __schema { queryType { name } } }")]
    [InlineData("{ tree { value } __type(name: \"Query\") { name } }")]
    [InlineData("query { tree { value } ...Meta } fragment Meta on Query { __type(name: \"Tree\") { fields { name } } }")]
    public async Task Schema_and_type_are_refused_with_INTROSPECTION_DISABLED_and_no_resolver_runs(string query)
    {
        var (status, json, resolverCalls) = await IntrospectionRequests.PostAsync(server, query);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(json["data"]);
        var error = json["errors"]![0]!;
        Assert.Equal("INTROSPECTION_DISABLED", error["extensions"]!["code"]!.GetValue<string>());
        Assert.NotNull(error["locations"]);
        Assert.Equal(0, resolverCalls);
    }

    [Fact]
    public async Task The_GraphQL_response_media_type_answers_400_for_a_refused_introspection()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { query = "{ __schema { queryType { name } } }" }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/graphql-response+json");
        using var strict = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, strict.StatusCode);
    }

    [Fact]
    public async Task Typename_still_works()
    {
        var (_, json, _) = await IntrospectionRequests.PostAsync(server, "{ __typename tree { __typename value } }");
        Assert.Null(json["errors"]);
        Assert.Equal("Query", json["data"]!["__typename"]!.GetValue<string>());
        Assert.Equal("Tree", json["data"]!["tree"]!["__typename"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_SDL_download_is_404()
    {
        using var response = await server.Client.GetAsync("/graphql/schema.graphql");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("type Query", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

internal static class IntrospectionRequests
{
    public static async Task<(HttpStatusCode Status, JsonNode Json, int ResolverCalls)> PostAsync(TransportTestServer server, string query)
    {
        var before = server.Counter.Value;
        using var response = await server.Client.PostAsync("/graphql",
            new StringContent(JsonSerializer.Serialize(new { query }), Encoding.UTF8, "application/json"));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (response.StatusCode, json, server.Counter.Value - before);
    }
}
