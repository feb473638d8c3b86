using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using HeadlessShop.Api.Tests.Infrastructure;

namespace HeadlessShop.Api.Tests.GraphQL;

/// <summary>Bad requests get a JSON GraphQL error with a code; never a 500, never a stack trace.</summary>
public sealed class HttpErrorTests(SqliteShopApiFactory factory) : IClassFixture<SqliteShopApiFactory>
{
    [Theory]
    [InlineData("{not json", HttpStatusCode.BadRequest, "BAD_REQUEST")]
    [InlineData("""{"variables": {}}""", HttpStatusCode.BadRequest, "BAD_REQUEST")]
    [InlineData("""{"query": 42}""", HttpStatusCode.BadRequest, "BAD_REQUEST")]
    [InlineData("[]", HttpStatusCode.BadRequest, "BAD_REQUEST")]
    [InlineData("""{"query": "{ products(first: 1) { nodes { noSuchField } } }"}""", HttpStatusCode.OK, "GRAPHQL_VALIDATION_FAILED")]
    [InlineData("""{"query": "{ products(first: ) { totalCount }"}""", HttpStatusCode.OK, "GRAPHQL_PARSE_FAILED")]
    [InlineData("""{"query": "query($n: Int) { products(first: $n) { totalCount } }", "variables": {"n": "five"}}""", HttpStatusCode.OK, "BAD_USER_INPUT")]
    [InlineData("""{"query": "query($n: Int!) { products(first: $n) { totalCount } }"}""", HttpStatusCode.OK, "BAD_USER_INPUT")]
    public async Task Bad_requests_get_a_coded_json_error_without_internals(string body, HttpStatusCode status, string code)
    {
        var response = await factory.CreateClient().PostAsync("/graphql", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(status, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var json = JsonNode.Parse(text)!;
        Assert.Equal(code, json["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(json["errors"]![0]!["message"]!.GetValue<string>()));
        Assert.DoesNotContain(" at HeadlessShop", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.True(response.Headers.Contains("X-Request-Id"));
    }

    [Fact]
    public async Task Wrong_media_type_is_415_and_writes_over_get_are_405()
    {
        var client = factory.CreateClient();
        var text = await client.PostAsync("/graphql", new StringContent("{ __typename }", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);

        var empty = await client.GetAsync("/graphql");
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var get = await client.GetAsync("/graphql?query=" + Uri.EscapeDataString("{ products(first: 1) { totalCount } }"));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.NotNull(JsonNode.Parse(await get.Content.ReadAsStringAsync())!["data"]!["products"]!["totalCount"]);

        var write = await client.GetAsync("/graphql?query=" + Uri.EscapeDataString("mutation { __typename }"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, write.StatusCode);
        Assert.Equal("POST", write.Content.Headers.Allow.Single());

        var put = await client.PutAsync("/graphql", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
    }

    [Fact]
    public async Task Request_errors_are_400_when_the_client_accepts_graphql_response_json()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent("""{"query": "{ products(first: 1) { nodes { noSuchField } } }"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/graphql-response+json");
        var response = await factory.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/graphql-response+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("GRAPHQL_VALIDATION_FAILED", json["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
        Assert.Null(json["data"]);
    }

    [Fact]
    public async Task Abusive_shapes_are_refused_by_the_shop_with_their_codes()
    {
        var client = factory.CreateClient();
        var aliases = "{ " + string.Join(' ', Enumerable.Range(0, 31).Select(i => $"a{i}: __typename")) + " }";
        var costly = "{ a: products(first: 100) { totalCount } " + string.Join(' ', Enumerable.Range(0, 19).Select(i => $"p{i}: products(first: 100) {{ nodes {{ ...Wide }} }}"))
            + " } fragment Wide on Product { " + string.Join(' ', Enumerable.Repeat("id name slug", 10)) + " }";
        foreach (var (query, code) in new[] { (aliases, "TOO_MANY_ALIASES"), (costly, "QUERY_TOO_COSTLY") })
        {
            var response = await client.PostAsync("/graphql",
                new StringContent(new JsonObject { ["query"] = query }.ToJsonString(), Encoding.UTF8, "application/json"));
            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(json["data"]);
            Assert.Contains(json["errors"]!.AsArray(), e => e!["extensions"]!["code"]!.GetValue<string>() == code);
        }
    }

    [Fact]
    public async Task An_oversized_body_is_413()
    {
        var query = "{ __typename }" + new string(' ', 300 * 1024);
        var response = await factory.CreateClient().PostAsync("/graphql",
            new StringContent(new JsonObject { ["query"] = query }.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }
}
