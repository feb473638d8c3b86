using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace HeadlessShop.GraphQL.Transport.Tests.Infrastructure;

/// <summary>A raw graphql-transport-ws client for protocol edge cases the npm client never sends.</summary>
public sealed class TestWebSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? SubProtocol => _socket.SubProtocol;

    public static async Task<TestWebSocket> ConnectAsync(Uri graphQLUri, string? protocol = "graphql-transport-ws")
    {
        var client = new TestWebSocket();
        if (protocol is not null)
        {
            client._socket.Options.AddSubProtocol(protocol);
        }
        var uri = new UriBuilder(graphQLUri) { Scheme = "ws" }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client._socket.ConnectAsync(uri, timeout.Token);
        return client;
    }

    public async Task SendAsync(string json)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, timeout.Token);
    }

    /// <summary>The next message, or null when the server closed the connection.</summary>
    public async Task<JsonElement?> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer, timeout.Token);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return result.MessageType == WebSocketMessageType.Close ? null : JsonDocument.Parse(message.ToArray()).RootElement.Clone();
    }

    /// <summary>Reads until the server closes, and returns its close code (bounded by the receive timeout).</summary>
    public async Task<int> ReceiveCloseAsync()
    {
        for (var i = 0; i < 10_000; i++)
        {
            if (await ReceiveAsync() is null)
            {
                return (int)_socket.CloseStatus!.Value;
            }
        }
        throw new InvalidOperationException("The server never closed the connection.");
    }

    public async Task InitAsync(string payload = "{}")
    {
        await SendAsync($$"""{"type":"connection_init","payload":{{payload}}}""");
        var ack = await ReceiveAsync();
        if (ack?.GetProperty("type").GetString() != "connection_ack")
        {
            throw new InvalidOperationException($"Expected connection_ack, got {ack}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The server went first.
            }
        }
        _socket.Dispose();
    }
}
