using System.Net;
using System.Text.Json;
using HeadlessShop.GraphQL.Transport.Tests.Infrastructure;

namespace HeadlessShop.GraphQL.Transport.Tests.GraphiQL;

/// <summary>Who gets the GraphiQL page at GET /graphql, and what it loads.</summary>
public sealed class GraphiQLPageTests(TransportTestServer server) : IClassFixture<TransportTestServer>
{
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

    private async Task<HttpResponseMessage> GetAsync(string path, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }
        return await server.Client.SendAsync(request);
    }

    [Fact]
    public async Task A_browser_gets_the_page_under_a_self_only_policy_and_every_asset_it_names_is_served()
    {
        using var page = await GetAsync("/graphql", BrowserAccept);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("http", policy, StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("data-endpoint=\"/graphql\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);

        var assets = System.Text.RegularExpressions.Regex.Matches(html, "(?:src|href)=\"(/graphql/graphiql/[^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(6, assets.Count);
        foreach (var asset in assets)
        {
            using var response = await GetAsync(asset, "*/*");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(asset.EndsWith(".css", StringComparison.Ordinal) ? "text/css" : "text/javascript", response.Content.Headers.ContentType?.MediaType);
            Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 20, asset);
        }
        using var graphiql = await GetAsync("/graphql/graphiql/graphiql.min.js", "*/*");
        Assert.Contains("graphql-transport-ws", await graphiql.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var missing = await GetAsync("/graphql/graphiql/../../etc/passwd", "*/*");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var unknown = await GetAsync("/graphql/graphiql/index.umd.js.map", "*/*");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/graphql-response+json")]
    [InlineData("text/html;q=0.5, application/json")]
    [InlineData("text/html, application/graphql-response+json")]
    [InlineData("*/*")]
    [InlineData(null)]
    public async Task API_clients_still_get_their_query_executed(string? accept)
    {
        using var response = await GetAsync("/graphql?query=" + Uri.EscapeDataString("{ hello }"), accept);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Hello, world!", body.GetProperty("data").GetProperty("hello").GetString());
    }

    [Fact]
    public async Task A_browser_following_a_query_link_gets_the_page_and_the_SDL_download_still_works()
    {
        using var page = await GetAsync("/graphql?query=" + Uri.EscapeDataString("{ hello }"), BrowserAccept);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        using var sdl = await GetAsync("/graphql/schema.graphql", BrowserAccept);
        Assert.Equal(HttpStatusCode.OK, sdl.StatusCode);
        Assert.Equal("application/graphql", sdl.Content.Headers.ContentType?.MediaType);
    }
}

/// <summary>The transport with <c>GraphQL:GraphiQL</c> switched off.</summary>
public sealed class NoGraphiQLTestServer() : TransportTestServer(new Dictionary<string, string?> { ["GraphQL:GraphiQL"] = "false" });

public sealed class GraphiQLSwitchTests(NoGraphiQLTestServer server) : IClassFixture<NoGraphiQLTestServer>
{
    [Fact]
    public async Task Switched_off_a_browser_gets_GraphQL_and_the_assets_are_404()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/graphql?query=" + Uri.EscapeDataString("{ hello }"));
        request.Headers.TryAddWithoutValidation("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
        using var page = await server.Client.SendAsync(request);
        Assert.Equal("application/json", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Hello, world!", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var asset = await server.Client.GetAsync("/graphql/graphiql/graphiql.min.js");
        Assert.Equal(HttpStatusCode.NotFound, asset.StatusCode);
    }
}
