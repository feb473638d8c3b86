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
    [InlineData("[]", HttpStatusCode.BadRequest, "BATCHING_NOT_SUPPORTED")]
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
    public async Task Wrong_media_type_is_415_and_get_without_query_is_400()
    {
        var client = factory.CreateClient();
        var text = await client.PostAsync("/graphql", new StringContent("{ __typename }", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);

        var get = await client.GetAsync("/graphql");
        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        var delete = await client.DeleteAsync("/graphql");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, delete.StatusCode);
        Assert.Equal(["GET", "POST"], delete.Content.Headers.Allow.ToArray());
    }

    [Fact]
    public async Task A_query_runs_over_GET_and_a_subscription_over_HTTP_points_to_WebSocket()
    {
        var client = factory.CreateClient();
        var get = await client.GetAsync("/graphql?query=" + Uri.EscapeDataString("{ __typename }"));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("Query", JsonNode.Parse(await get.Content.ReadAsStringAsync())!["data"]!["__typename"]!.GetValue<string>());

        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(new JsonObject
            {
                ["query"] = "subscription { productAvailabilityChanged(productId: \"x\") { sku quantityAvailable } }",
            }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/graphql-response+json");
        var subscription = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, subscription.StatusCode);
        var body = JsonNode.Parse(await subscription.Content.ReadAsStringAsync())!;
        Assert.Equal("SUBSCRIPTION_REQUIRES_WEBSOCKET", body["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
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
