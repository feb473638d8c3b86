using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HeadlessShop.GraphQL.Transport.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HeadlessShop.GraphQL.Transport.Tests.Limits;

/// <summary><c>GraphQL:MaxTokens</c> (1000): a lexer pass before parsing refuses token floods with
/// QUERY_TOO_MANY_TOKENS; documents within the limit run.</summary>
public sealed class TokenLimitTests(TransportTestServer server, ITestOutputHelper output) : IClassFixture<TransportTestServer>
{
    /// <summary><c>{ tree { value value ... } }</c> with <paramref name="tokens"/> tokens in all (fields merge).</summary>
    private static string Values(int tokens) => "{ tree { " + string.Join(" ", Enumerable.Repeat("value", tokens - 5)) + " } }";

    private async Task<(HttpStatusCode Status, JsonNode Json, int ResolverCalls, TimeSpan Elapsed)> QueryAsync(string query)
    {
        var before = server.Counter.Value;
        var body = JsonSerializer.Serialize(new { query });
        var clock = Stopwatch.StartNew();
        using var response = await server.Client.PostAsync("/graphql", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        clock.Stop();
        return (response.StatusCode, JsonNode.Parse(text)!, server.Counter.Value - before, clock.Elapsed);
    }

    private static string? Code(JsonNode json) => json["errors"]?[0]?["extensions"]?["code"]?.GetValue<string>();

    [Fact]
    public async Task A_document_of_1000_tokens_runs_and_1001_is_refused_without_resolvers()
    {
        var atLimit = await QueryAsync(Values(1000));
        Assert.Null(Code(atLimit.Json));
        Assert.Equal(0, atLimit.Json["data"]!["tree"]!["value"]!.GetValue<int>());
        Assert.Equal(1, atLimit.ResolverCalls);

        var over = await QueryAsync(Values(1001));
        Assert.Equal((HttpStatusCode.BadRequest, "QUERY_TOO_MANY_TOKENS", 0), (over.Status, Code(over.Json), over.ResolverCalls));
        Assert.Null(over.Json["data"]);
    }

    [Fact]
    public async Task Comments_do_not_count_as_tokens()
    {
        var commented = "# a storefront query with its documentation\n" + string.Concat(Enumerable.Repeat("# price, stock and images\n", 300))
            + "{ tree { value } }";
        Assert.Null(Code((await QueryAsync(commented)).Json));
    }

    [Fact]
    public async Task A_token_flood_is_refused_quickly_before_parsing()
    {
        // 8000 nested list brackets: short in characters (under the length limit), deep for a recursive parser.
        var flood = "{ hello(name: " + new string('[', 8000) + ") }";
        var timings = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var (status, json, resolverCalls, elapsed) = await QueryAsync(flood);
            Assert.Equal((HttpStatusCode.BadRequest, "QUERY_TOO_MANY_TOKENS", 0), (status, Code(json), resolverCalls));
            timings.Add(elapsed.TotalMilliseconds);
        }
        timings.Sort();
        output.WriteLine($"token flood (8000 tokens, {flood.Length} characters) refused in {timings[2]:F1} ms (median of 5 round trips)");
        Assert.True(timings[2] < 100, $"the token flood took {timings[2]} ms to refuse");
    }

    [Fact]
    public async Task A_token_flood_over_the_WebSocket_gets_an_error_message_with_the_code()
    {
        await using var socket = await TestWebSocket.ConnectAsync(server.GraphQLUri);
        await socket.InitAsync();
        var before = server.Counter.Value;
        await socket.SendAsync(JsonSerializer.Serialize(new { id = "flood", type = "subscribe", payload = new { query = Values(2000) } }));
        var error = (await socket.ReceiveAsync())!.Value;
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("QUERY_TOO_MANY_TOKENS", error.GetProperty("payload")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal(before, server.Counter.Value);
    }
}
