using HeadlessShop.GraphQL.Transport.Tests.Infrastructure;

namespace HeadlessShop.GraphQL.Transport.Tests.WebSockets;

public sealed class GraphQLWebSocketProtocolTests(TransportTestServer server) : IClassFixture<TransportTestServer>
{
    private const string Countdown = """{"id":"1","type":"subscribe","payload":{"query":"subscription { countdown(from: 2) }"}}""";

    [Fact]
    public async Task A_subscription_streams_every_event_then_completes()
    {
        await using var socket = await TestWebSocket.ConnectAsync(server.GraphQLUri);
        Assert.Equal("graphql-transport-ws", socket.SubProtocol);
        await socket.InitAsync();
        await socket.SendAsync(Countdown);
        var values = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            var next = (await socket.ReceiveAsync())!.Value;
            Assert.Equal("next", next.GetProperty("type").GetString());
            Assert.Equal("1", next.GetProperty("id").GetString());
            values.Add(next.GetProperty("payload").GetProperty("data").GetProperty("countdown").GetInt32());
        }
        Assert.Equal([2, 1, 0], values);
        var complete = (await socket.ReceiveAsync())!.Value;
        Assert.Equal("complete", complete.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Ping_gets_pong_and_a_query_gets_next_then_complete()
    {
        await using var socket = await TestWebSocket.ConnectAsync(server.GraphQLUri);
        await socket.InitAsync();
        await socket.SendAsync("""{"type":"ping"}""");
        Assert.Equal("pong", (await socket.ReceiveAsync())!.Value.GetProperty("type").GetString());
        await socket.SendAsync("""{"id":"q","type":"subscribe","payload":{"query":"{ hello(name: \"ws\") }"}}""");
        var next = (await socket.ReceiveAsync())!.Value;
        Assert.Equal("Hello, ws!", next.GetProperty("payload").GetProperty("data").GetProperty("hello").GetString());
        Assert.Equal("complete", (await socket.ReceiveAsync())!.Value.GetProperty("type").GetString());
    }

    [Fact]
    public async Task An_invalid_document_gets_an_error_message_with_codes()
    {
        await using var socket = await TestWebSocket.ConnectAsync(server.GraphQLUri);
        await socket.InitAsync();
        await socket.SendAsync("""{"id":"e","type":"subscribe","payload":{"query":"subscription { nope }"}}""");
        var error = (await socket.ReceiveAsync())!.Value;
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("GRAPHQL_VALIDATION_FAILED", error.GetProperty("payload")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Subscribing_before_connection_ack_is_4401()
    {
        await using var socket = await TestWebSocket.ConnectAsync(server.GraphQLUri);
        await socket.SendAsync(Countdown);
        Assert.Equal(4401, await socket.ReceiveCloseAsync());
    }

    [Fact]
    public async Task A_second_connection_init_is_4429()
    {
        await using var socket = await TestWebSocket.ConnectAsync(server.GraphQLUri);
        await socket.InitAsync();
        await socket.SendAsync("""{"type":"connection_init"}""");
        Assert.Equal(4429, await socket.ReceiveCloseAsync());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"type":"mystery"}""")]
    [InlineData("""{"type":"subscribe","payload":{"query":"{ hello }"}}""")]
    public async Task An_invalid_message_is_4400(string message)
    {
        await using var socket = await TestWebSocket.ConnectAsync(server.GraphQLUri);
        await socket.InitAsync();
        await socket.SendAsync(message);
        Assert.Equal(4400, await socket.ReceiveCloseAsync());
    }

    [Fact]
    public async Task No_connection_init_within_the_timeout_is_4408()
    {
        await using var socket = await TestWebSocket.ConnectAsync(server.GraphQLUri);
        // The fixture's init timeout is short; the server closes on its own without any message from us.
        Assert.Equal(4408, await socket.ReceiveCloseAsync());
    }

    [Fact]
    public async Task A_wrong_subprotocol_is_4406()
    {
        await using var socket = await TestWebSocket.ConnectAsync(server.GraphQLUri, "graphql-ws");
        Assert.Equal(4406, await socket.ReceiveCloseAsync());
    }

    [Fact]
    public async Task The_authenticator_hook_decides_4401_and_4403_and_sees_the_payload()
    {
        await using (var socket = await TestWebSocket.ConnectAsync(server.GraphQLUri))
        {
            await socket.SendAsync("""{"type":"connection_init","payload":{"authorization":"Bearer forbidden"}}""");
            Assert.Equal(4403, await socket.ReceiveCloseAsync());
        }
        await using (var socket = await TestWebSocket.ConnectAsync(server.GraphQLUri))
        {
            await socket.SendAsync("""{"type":"connection_init","payload":{"authorization":"Bearer garbage"}}""");
            Assert.Equal(4401, await socket.ReceiveCloseAsync());
        }
        await using (var socket = await TestWebSocket.ConnectAsync(server.GraphQLUri))
        {
            await socket.InitAsync("""{"authorization":"Bearer alice"}""");
            await socket.SendAsync("""{"id":"w","type":"subscribe","payload":{"query":"{ whoami }"}}""");
            var next = (await socket.ReceiveAsync())!.Value;
            Assert.Equal("alice", next.GetProperty("payload").GetProperty("data").GetProperty("whoami").GetString());
        }
    }
}

public sealed class GraphQLWebSocketLimitTests(TransportTestServer server) : IClassFixture<TransportTestServer>
{
    [Fact]
    public async Task A_duplicate_subscription_id_is_4409()
    {
        await using var socket = await TestWebSocket.ConnectAsync(server.GraphQLUri);
        await socket.InitAsync();
        await socket.SendAsync("""{"id":"dup","type":"subscribe","payload":{"query":"subscription { forever }"}}""");
        Assert.Equal("next", (await socket.ReceiveAsync())!.Value.GetProperty("type").GetString());
        await socket.SendAsync("""{"id":"dup","type":"subscribe","payload":{"query":"subscription { forever }"}}""");
        Assert.Equal(4409, await socket.ReceiveCloseAsync());
    }

    [Fact]
    public async Task After_complete_the_same_id_can_be_reused()
    {
        await using var socket = await TestWebSocket.ConnectAsync(server.GraphQLUri);
        await socket.InitAsync();
        for (var round = 0; round < 3; round++)
        {
            await socket.SendAsync("""{"id":"again","type":"subscribe","payload":{"query":"subscription { forever }"}}""");
            Assert.Equal("next", (await socket.ReceiveAsync())!.Value.GetProperty("type").GetString());
            await socket.SendAsync("""{"id":"again","type":"complete"}""");
            // A ping round trip orders the complete before the next subscribe on the server's receive loop.
            await socket.SendAsync("""{"type":"ping"}""");
            Assert.Equal("pong", (await socket.ReceiveAsync())!.Value.GetProperty("type").GetString());
        }
    }

    [Fact]
    public async Task A_client_that_cannot_keep_up_is_closed_instead_of_buffered()
    {
        await using var socket = await TestWebSocket.ConnectAsync(server.GraphQLUri);
        await socket.InitAsync();
        // 100 001 events pushed at once into a queue of 16: the server must drop the connection, not queue them.
        await socket.SendAsync("""{"id":"flood","type":"subscribe","payload":{"query":"subscription { countdown(from: 100000) }"}}""");
        // The writer drains while the producer pushes, so some messages get out before the queue overflows; the
        // point is that the stream is cut, not delivered whole from an ever-growing buffer.
        var received = 0;
        while (await socket.ReceiveAsync() is not null)
        {
            received++;
        }
        Assert.Equal(1008, (int)socket.CloseStatus!.Value);
        Assert.True(received < 100_001, $"all {received} messages were delivered: nothing bounded the queue");
    }
}
