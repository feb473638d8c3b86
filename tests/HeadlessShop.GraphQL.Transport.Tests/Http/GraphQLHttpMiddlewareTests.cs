using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using HeadlessShop.GraphQL.Transport.Tests.Infrastructure;

namespace HeadlessShop.GraphQL.Transport.Tests.Http;

public sealed class GraphQLHttpMiddlewareTests(TransportTestServer server) : IClassFixture<TransportTestServer>
{
    private const string ResponseJson = "application/graphql-response+json";

    [Fact]
    public async Task A_query_over_GET_runs_with_its_variables_and_operation_name()
    {
        var url = "/graphql?query=" + Uri.EscapeDataString("query A { a: hello } query B($n: String) { hello(name: $n) }")
            + "&operationName=B&variables=" + Uri.EscapeDataString("{\"n\":\"GET\"}");
        using var response = await server.Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await ReadAsync(response);
        Assert.Equal("Hello, GET!", body.GetProperty("data").GetProperty("hello").GetString());
        Assert.True(response.Headers.Contains("X-Request-Id"));
    }

    [Fact]
    public async Task A_mutation_over_GET_is_405_with_Allow_POST_and_never_runs()
    {
        var before = server.Counter.Value;
        using var response = await server.Client.GetAsync("/graphql?query=" + Uri.EscapeDataString("mutation { increment }"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("POST", string.Join(",", response.Content.Headers.Allow));
        Assert.Equal("METHOD_NOT_ALLOWED", ErrorCode(await ReadAsync(response)));
        Assert.Equal(before, server.Counter.Value);
    }

    [Fact]
    public async Task The_same_mutation_over_POST_runs_once()
    {
        var before = server.Counter.Value;
        using var response = await PostAsync("{\"query\":\"mutation { increment }\"}", ResponseJson);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ResponseJson, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before + 1, server.Counter.Value);
    }

    [Theory]
    [InlineData(ResponseJson, HttpStatusCode.BadRequest)]
    [InlineData("application/json", HttpStatusCode.OK)]
    public async Task A_subscription_over_HTTP_points_to_WebSocket(string accept, HttpStatusCode expected)
    {
        using var response = await PostAsync("{\"query\":\"subscription { countdown(from: 3) }\"}", accept);
        Assert.Equal(expected, response.StatusCode);
        var body = await ReadAsync(response);
        Assert.Equal("SUBSCRIPTION_REQUIRES_WEBSOCKET", ErrorCode(body));
        Assert.Contains("graphql-transport-ws", body.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unacceptable_Accept_is_406()
    {
        using var response = await PostAsync("{\"query\":\"{ hello }\"}", "text/csv");
        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Equal("NOT_ACCEPTABLE", ErrorCode(await ReadAsync(response)));
    }

    [Fact]
    public async Task A_cached_document_is_still_refused_over_GET_when_it_is_a_mutation()
    {
        // Warm the validated-document cache with the POST, then send the same text over GET.
        using (await PostAsync("{\"query\":\"mutation { increment }\"}", ResponseJson))
        {
        }
        var before = server.Counter.Value;
        using var response = await server.Client.GetAsync("/graphql?query=" + Uri.EscapeDataString("mutation { increment }"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(before, server.Counter.Value);
    }

    [Fact]
    public async Task Other_methods_are_405_with_Allow_GET_POST()
    {
        using var response = await server.Client.PutAsync("/graphql", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET,POST", string.Join(",", response.Content.Headers.Allow));
    }

    private async Task<HttpResponseMessage> PostAsync(string json, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        return await server.Client.SendAsync(request);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    private static string? ErrorCode(JsonElement body) =>
        body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString();
}

public sealed class SchemaDownloadTests(TransportTestServer server) : IClassFixture<TransportTestServer>
{
    [Fact]
    public async Task The_SDL_is_downloadable_next_to_the_endpoint()
    {
        using var response = await server.Client.GetAsync("/graphql/schema.graphql");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/graphql", response.Content.Headers.ContentType?.MediaType);
        var sdl = await response.Content.ReadAsStringAsync();
        Assert.Contains("type Subscription", sdl, StringComparison.Ordinal);
        Assert.Contains("countdown(from: Int!): Int!", sdl, StringComparison.Ordinal);
    }
}
