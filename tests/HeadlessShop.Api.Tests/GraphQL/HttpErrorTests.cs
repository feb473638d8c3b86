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
    public async Task Wrong_media_type_is_415_and_get_is_405_for_now()
    {
        var client = factory.CreateClient();
        var text = await client.PostAsync("/graphql", new StringContent("{ __typename }", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);

        var get = await client.GetAsync("/graphql");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Equal("POST", get.Content.Headers.Allow.Single());
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
