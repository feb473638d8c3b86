using System.Text.Json;
using HeadlessShop.GraphQL.Transport.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HeadlessShop.GraphQL.Transport.Tests.WebSockets;

/// <summary>npm's graphql-ws client, the outside referee for graphql-transport-ws, against a real Kestrel port.</summary>
public sealed class GraphQLWsClientRefereeTests(TransportTestServer server, ITestOutputHelper output) : IClassFixture<TransportTestServer>
{
    [Fact]
    public async Task The_graphql_ws_client_subscribes_receives_completes_and_reconnects()
    {
        var uri = new UriBuilder(server.GraphQLUri) { Scheme = "ws" }.Uri;
        var (exitCode, text) = await Referees.RunNodeAsync("ws-client.mjs", uri.ToString());
        output.WriteLine(text);
        Assert.Equal(0, exitCode);
        var report = JsonDocument.Parse(text.Trim().Split('\n')[^1]).RootElement;

        var countdown = report.GetProperty("countdown");
        Assert.Equal([3, 2, 1, 0], countdown.GetProperty("values").EnumerateArray().Select(v => v.GetProperty("countdown").GetInt32()));
        Assert.Equal("server", countdown.GetProperty("completedBy").GetString());

        var early = report.GetProperty("earlyComplete");
        Assert.Equal("client", early.GetProperty("completedBy").GetString());
        Assert.Equal(1, early.GetProperty("values")[0].GetProperty("forever").GetInt32());

        Assert.Equal("Hello, graphql-ws!", report.GetProperty("query").GetProperty("values")[0].GetProperty("hello").GetString());

        Assert.True(report.GetProperty("reconnected").GetBoolean());
        Assert.Equal([1, 0], report.GetProperty("afterReconnect").GetProperty("values").EnumerateArray().Select(v => v.GetProperty("countdown").GetInt32()));
    }
}

public sealed class GraphQLWebSocketShutdownTests
{
    [Fact]
    public async Task Stopping_the_server_closes_open_subscriptions_with_going_away()
    {
        var server = new TransportTestServer();
        await server.InitializeAsync();
        try
        {
            await using var socket = await TestWebSocket.ConnectAsync(server.GraphQLUri);
            await socket.InitAsync();
            await socket.SendAsync("""{"id":"s","type":"subscribe","payload":{"query":"subscription { forever }"}}""");
            Assert.Equal("next", (await socket.ReceiveAsync())!.Value.GetProperty("type").GetString());
            var stopping = server.StopAsync();
            Assert.Equal(1001, await socket.ReceiveCloseAsync());
            await stopping;
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
