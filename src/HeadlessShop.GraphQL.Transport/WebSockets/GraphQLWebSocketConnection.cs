using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using GraphQL;
using GraphQL.Transport;
using GraphQL.Types;
using HeadlessShop.GraphQL.Transport.Execution;
using HeadlessShop.GraphQL.Transport.Limits;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HeadlessShop.GraphQL.Transport.WebSockets;

/// <summary>
/// One graphql-transport-ws connection: a receive loop that handles the client's messages in order, and a single
/// writer that drains a bounded queue of outgoing messages. When the queue is full the client is too slow and is
/// closed (1008) instead of letting memory grow.
/// </summary>
internal sealed partial class GraphQLWebSocketConnection(
    HttpContext context,
    WebSocket socket,
    IDocumentExecuter<ISchema> executer,
    IGraphQLTextSerializer serializer,
    IWebSocketAuthenticator authenticator,
    GraphQLTransportOptions options,
    ILogger logger)
{
    private readonly Channel<string> _outgoing = Channel.CreateBounded<string>(
        new BoundedChannelOptions(Math.Max(1, options.WebSocketMaxQueuedMessages)) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _operations = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closing = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);

    // Cancelling a WebSocket receive aborts the socket, so reads only stop on this token: the peer's disconnect, or
    // a peer that has not answered our close frame within the grace period.
    private readonly CancellationTokenSource _receiveAbort = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
    private int _closeCode;
    private string? _closeReason;
    private bool _initReceived;
    private ClaimsPrincipal? _user;

    public async Task RunAsync(CancellationToken shutdown)
    {
        using var onShutdown = shutdown.Register(() => Close(GraphQLWebSocketCloseCodes.GoingAway, "Server shutting down"));
        var writer = WriteLoopAsync();
        var initTimeout = InitTimeoutAsync();
        try
        {
            await ReceiveLoopAsync();
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The peer vanished or we are closing: nothing more to read.
        }
        finally
        {
            await _closing.CancelAsync();
            foreach (var operation in _operations.Values)
            {
                await operation.CancelAsync();
            }
            _outgoing.Writer.TryComplete();
            await writer;
            await initTimeout;
            _closing.Dispose();
            _receiveAbort.Dispose();
        }
    }

    private async Task InitTimeoutAsync()
    {
        try
        {
            await Task.Delay(options.WebSocketConnectionInitTimeout, _closing.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (_user is null)
        {
            Close(GraphQLWebSocketCloseCodes.ConnectionInitTimeout, "Connection initialisation timeout");
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        // After we close, keep reading until the peer answers with its close frame (or the grace period ends).
        while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(buffer.GetMemory(4096), _receiveAbort.Token);
                buffer.Advance(received.Count);
                if (buffer.WrittenCount > options.MaxRequestBytes)
                {
                    Close(GraphQLWebSocketCloseCodes.InvalidMessage, "Message too large");
                    return;
                }
            }
            while (!received.EndOfMessage);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return;
            }
            if (!_closing.IsCancellationRequested)
            {
                await HandleAsync(buffer.WrittenMemory);
            }
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> bytes)
    {
        string? type;
        string? id;
        JsonElement payload;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            id = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
            payload = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("payload", out var p) ? p.Clone() : default;
        }
        catch (JsonException)
        {
            Close(GraphQLWebSocketCloseCodes.InvalidMessage, "Invalid message received");
            return;
        }
        switch (type)
        {
            case "connection_init":
                await InitAsync(payload);
                break;
            case "ping":
                Send(new OperationMessage { Type = "pong" });
                break;
            case "pong":
                break;
            case "subscribe" when !string.IsNullOrEmpty(id):
                Subscribe(id, payload);
                break;
            case "complete" when !string.IsNullOrEmpty(id):
                if (_operations.TryRemove(id, out var operation))
                {
                    await operation.CancelAsync();
                }
                break;
            default:
                Close(GraphQLWebSocketCloseCodes.InvalidMessage, $"Invalid message received: type '{type}'");
                break;
        }
    }

    private async Task InitAsync(JsonElement payload)
    {
        if (_initReceived)
        {
            Close(GraphQLWebSocketCloseCodes.TooManyInitialisationRequests, "Too many initialisation requests");
            return;
        }
        _initReceived = true;
        IReadOnlyDictionary<string, object?>? values = null;
        if (payload.ValueKind == JsonValueKind.Object)
        {
            values = serializer.ReadNode<Inputs>(payload);
        }
        else if (payload.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            Close(GraphQLWebSocketCloseCodes.InvalidMessage, "connection_init payload must be an object");
            return;
        }
        var result = await authenticator.AuthenticateAsync(context, values, _closing.Token);
        if (!result.IsAccepted)
        {
            Close(result.RejectionCode is GraphQLWebSocketCloseCodes.Forbidden ? GraphQLWebSocketCloseCodes.Forbidden : GraphQLWebSocketCloseCodes.Unauthorized,
                result.Reason ?? "Unauthorized");
            return;
        }
        _user = result.Principal;
        Send(new OperationMessage { Type = "connection_ack" });
    }

    private void Subscribe(string id, JsonElement payload)
    {
        if (_user is null)
        {
            Close(GraphQLWebSocketCloseCodes.Unauthorized, "Unauthorized");
            return;
        }
        GraphQLRequest? request;
        try
        {
            request = payload.ValueKind == JsonValueKind.Object ? serializer.ReadNode<GraphQLRequest>(payload) : null;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or NotSupportedException)
        {
            request = null;
        }
        if (request is null || string.IsNullOrWhiteSpace(request.Query))
        {
            Close(GraphQLWebSocketCloseCodes.InvalidMessage, "Invalid message received: subscribe needs a payload with a query");
            return;
        }
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
        if (!_operations.TryAdd(id, cancellation))
        {
            cancellation.Dispose();
            Close(GraphQLWebSocketCloseCodes.SubscriberAlreadyExists, $"Subscriber for {id} already exists");
            return;
        }
        _ = RunOperationAsync(id, request, cancellation);
    }

    private async Task RunOperationAsync(string id, GraphQLRequest request, CancellationTokenSource cancellation)
    {
        try
        {
            if (TransportValidationRules.CheckLength(request.Query, options) is { } tooLong)
            {
                Send(new OperationMessage { Id = id, Type = "error", Payload = new[] { tooLong } });
                return;
            }
            var execution = TransportExecution.Create(request, context, _user!, options, extraRule: null, logger, cancellation.Token);
            var result = await executer.ExecuteAsync(execution);
            // Request errors, and a subscription whose source stream could not be created (e.g. an unknown id).
            if (!result.Executed || (result.Data is null && result.Streams is not { Count: > 0 } && result.Errors is { Count: > 0 }))
            {
                Send(new OperationMessage { Id = id, Type = "error", Payload = result.Errors?.ToArray() ?? [] });
                return;
            }
            if (result.Streams is { Count: > 0 } streams)
            {
                await PumpAsync(id, streams.Values.First(), cancellation.Token);
            }
            else
            {
                Send(new OperationMessage { Id = id, Type = "next", Payload = result });
            }
            if (!cancellation.IsCancellationRequested)
            {
                Send(new OperationMessage { Id = id, Type = "complete" });
            }
        }
        catch (OperationCanceledException)
        {
            // The client completed the operation, or the connection is closing.
        }
        finally
        {
            _operations.TryRemove(new KeyValuePair<string, CancellationTokenSource>(id, cancellation));
            cancellation.Dispose();
        }
    }

    private async Task PumpAsync(string id, IObservable<ExecutionResult> stream, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = stream.Subscribe(new Observer(
            next => Send(new OperationMessage { Id = id, Type = "next", Payload = next }),
            () => done.TrySetResult()));
        using var onCancel = cancellationToken.Register(() => done.TrySetCanceled(cancellationToken));
        await done.Task;
    }

    private sealed class Observer(Action<ExecutionResult> onNext, Action onDone) : IObserver<ExecutionResult>
    {
        public void OnCompleted() => onDone();

        public void OnError(Exception error) => onDone();

        public void OnNext(ExecutionResult value) => onNext(value);
    }

    private void Send(OperationMessage message)
    {
        if (_closing.IsCancellationRequested)
        {
            return;
        }
        if (!_outgoing.Writer.TryWrite(serializer.Serialize(message)))
        {
            Close(GraphQLWebSocketCloseCodes.SlowConsumer, "Outgoing buffer full: the client reads too slowly");
        }
    }

    private void Close(int code, string reason)
    {
        if (Interlocked.CompareExchange(ref _closeCode, code, 0) != 0)
        {
            return;
        }
        _closeReason = reason;
        LogClosing(logger, context.TraceIdentifier, code, reason);
        try
        {
            // The writer sees this, sends what it holds and then the close frame.
            _closing.Cancel();
            _receiveAbort.CancelAfter(TimeSpan.FromSeconds(5));
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var text in _outgoing.Reader.ReadAllAsync(_closing.Token))
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, _receiveAbort.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Closing, or the peer is gone.
        }
        await CloseSocketAsync();
    }

    private async Task CloseSocketAsync()
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }
        var code = _closeCode == 0 ? (int)WebSocketCloseStatus.NormalClosure : _closeCode;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await socket.CloseOutputAsync((WebSocketCloseStatus)code, _closeReason ?? "Normal closure", timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The peer is gone; nothing to tell it.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {RequestId}: closing GraphQL WebSocket with {Code}: {Reason}")]
    private static partial void LogClosing(ILogger logger, string requestId, int code, string reason);
}
