using System.Net;
using System.Text;
using System.Text.Json;
using GraphQL;
using GraphQL.SystemTextJson;
using GraphQL.Types;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HeadlessShop.GraphQL.Transport.Tests.Http;

/// <summary>GraphQL over HTTP against a tiny schema: GET, method rules, Accept negotiation and status codes.</summary>
public sealed class GraphQLOverHttpTests : IAsyncLifetime
{
    private const string ResponseMediaType = "application/graphql-response+json";
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private int _mutations;

    private sealed class TinySchema : Schema
    {
        public TinySchema(IServiceProvider services, GraphQLOverHttpTests owner)
            : base(services)
        {
            var query = new ObjectGraphType { Name = "Query" };
            query.Field<StringGraphType>("hello").Argument<StringGraphType>("name").Resolve(ctx => $"hello {ctx.GetArgument<string>("name")}");
            var link = new ObjectGraphType { Name = "Link" };
            link.Field<IntGraphType>("n").Resolve(ctx => (int)ctx.Source!);
            link.Field("next", link).Argument<IntGraphType>("first").Resolve(ctx => (int)ctx.Source! + 1);
            query.Field("chain", link).Resolve(_ => 0);
            Query = query;
            var mutation = new ObjectGraphType { Name = "Mutation" };
            mutation.Field<IntGraphType>("bump").Resolve(_ => Interlocked.Increment(ref owner._mutations));
            Mutation = mutation;
        }
    }

    private static readonly IConfiguration Limits = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["GraphQL:Limits:MaxDepth"] = "3",
        ["GraphQL:Limits:MaxAliases"] = "2",
        ["GraphQL:Limits:MaxRootFields"] = "3",
        ["GraphQL:Limits:MaxCost"] = "25",
        ["GraphQL:Limits:VariablePageSize"] = "10",
    }).Build();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton(this);
        builder.Services.AddGraphQL(b => b.AddSchema<TinySchema>().AddSystemTextJson().AddTransport(Limits, isDevelopment: false));
        _app = builder.Build();
        _app.MapGraphQLEndpoint();
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private async Task<(HttpResponseMessage Response, JsonElement Body)> SendAsync(HttpRequestMessage request)
    {
        var response = await _client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static HttpRequestMessage Get(string query, string? variables = null, string? accept = null)
    {
        var uri = "/graphql?query=" + Uri.EscapeDataString(query) + (variables is null ? "" : "&variables=" + Uri.EscapeDataString(variables));
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }
        return request;
    }

    private static HttpRequestMessage Post(string body, string? accept = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }
        return request;
    }

    [Fact]
    public async Task Get_runs_a_query_with_variables_and_answers_graphql_response_json()
    {
        var (response, body) = await SendAsync(Get("query($n: String) { hello(name: $n) }", """{"n":"ada"}""", ResponseMediaType));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ResponseMediaType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("hello ada", body.GetProperty("data").GetProperty("hello").GetString());
    }

    [Fact]
    public async Task A_mutation_over_get_is_refused_with_405_and_never_runs()
    {
        var (response, body) = await SendAsync(Get("mutation { bump }"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("POST", response.Content.Headers.Allow);
        Assert.Equal("METHOD_NOT_ALLOWED", body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        // Selecting the mutation by name out of a mixed document is refused too.
        var (named, _) = await SendAsync(new HttpRequestMessage(HttpMethod.Get,
            "/graphql?operationName=B&query=" + Uri.EscapeDataString("query A { hello } mutation B { bump }")));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, named.StatusCode);
        Assert.Equal(0, Volatile.Read(ref _mutations));

        var (post, postBody) = await SendAsync(Post("""{"query":"mutation { bump }"}"""));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(1, postBody.GetProperty("data").GetProperty("bump").GetInt32());
    }

    [Fact]
    public async Task Unsupported_methods_get_405_with_allow()
    {
        var response = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/graphql"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET", "POST"], response.Content.Headers.Allow.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(null, "application/json")]
    [InlineData("*/*", "application/json")]
    [InlineData("application/json", "application/json")]
    [InlineData("application/graphql-response+json", ResponseMediaType)]
    [InlineData("application/json;q=0.9, application/graphql-response+json", ResponseMediaType)]
    [InlineData("application/graphql-response+json;q=0.5, application/json", "application/json")]
    public async Task Accept_picks_the_response_media_type(string? accept, string expected)
    {
        var (response, _) = await SendAsync(Post("""{"query":"{ hello }"}""", accept));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task An_unacceptable_accept_gets_406()
    {
        var (response, body) = await SendAsync(Post("""{"query":"{ hello }"}""", "text/html"));
        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Equal("NOT_ACCEPTABLE", body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("{ hello(", "GRAPHQL_PARSE_FAILED")]
    [InlineData("{ nope }", "GRAPHQL_VALIDATION_FAILED")]
    public async Task Request_errors_are_400_in_graphql_response_json_and_200_in_legacy_json(string query, string code)
    {
        var body = JsonSerializer.Serialize(new { query });
        var (modern, modernBody) = await SendAsync(Post(body, ResponseMediaType));
        Assert.Equal(HttpStatusCode.BadRequest, modern.StatusCode);
        Assert.False(modernBody.TryGetProperty("data", out _));
        Assert.Contains(code, modernBody.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString(), StringComparison.Ordinal);

        var (legacy, _) = await SendAsync(Post(body, "application/json"));
        Assert.Equal(HttpStatusCode.OK, legacy.StatusCode);
    }

    [Fact]
    public async Task Malformed_get_variables_are_a_400_not_a_500()
    {
        var (response, body) = await SendAsync(Get("query($n: String) { hello(name: $n) }", "{not json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BAD_REQUEST", body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Get_without_a_query_is_a_400()
    {
        var (response, _) = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "/graphql"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("{ chain { next { n } } }", null)]
    [InlineData("{ chain { next { next { n } } } }", "QUERY_TOO_DEEP")]
    [InlineData("{ chain { ...F } } fragment F on Link { next { next { n } } }", "QUERY_TOO_DEEP")]
    [InlineData("{ chain { ... on Link { next { ... on Link { next { n } } } } } }", "QUERY_TOO_DEEP")]
    [InlineData("{ a: hello b: hello }", null)]
    [InlineData("{ a: hello b: hello c: hello }", "TOO_MANY_ALIASES")]
    [InlineData("{ chain { ...F ...F } x: hello } fragment F on Link { a: n b: n }", "TOO_MANY_ALIASES")]
    [InlineData("{ hello chain { n } __typename }", null)]
    [InlineData("{ chain { next(first: 23) { n } } }", null)]
    [InlineData("{ chain { next(first: 24) { n } } }", "QUERY_TOO_COSTLY")]
    [InlineData("query($f: Int) { chain { next(first: $f) { n } } }", null)]
    [InlineData("query($f: Int) { chain { next(first: $f) { n a: n b: n } } }", "QUERY_TOO_COSTLY")]
    [InlineData("{ hello chain { n } __typename ...R } fragment R on Query { h2: hello }", "TOO_MANY_ROOT_FIELDS")]
    public async Task Documents_over_a_shape_limit_are_refused_before_execution(string query, string? code)
    {
        var (response, body) = await SendAsync(Post(JsonSerializer.Serialize(new { query }), ResponseMediaType));
        if (code is null)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(body.TryGetProperty("errors", out _));
            return;
        }
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(body.TryGetProperty("data", out _));
        var extensions = body.GetProperty("errors")[0].GetProperty("extensions");
        Assert.Equal(code, extensions.GetProperty("code").GetString());
        Assert.True(extensions.GetProperty("actual").GetInt32() > extensions.GetProperty("maxAllowed").GetInt32());
    }
}
