using GraphQL;
using GraphQL.Types;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HeadlessShop.GraphQL.Transport.WebSockets;

/// <summary>Serves the graphql-transport-ws protocol on the GraphQL path; other requests pass through.</summary>
public sealed class GraphQLWebSocketMiddleware(
    RequestDelegate next,
    IDocumentExecuter<ISchema> executer,
    IGraphQLTextSerializer serializer,
    IOptions<GraphQLTransportOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<GraphQLWebSocketMiddleware> logger)
{
    public const string SubProtocol = "graphql-transport-ws";

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await next(context);
            return;
        }
        var acceptable = context.WebSockets.WebSocketRequestedProtocols.Contains(SubProtocol, StringComparer.Ordinal);
        using var socket = await context.WebSockets.AcceptWebSocketAsync(acceptable ? SubProtocol : null);
        if (!acceptable)
        {
            await socket.CloseOutputAsync((System.Net.WebSockets.WebSocketCloseStatus)GraphQLWebSocketCloseCodes.SubprotocolNotAcceptable,
                "Subprotocol not acceptable: use graphql-transport-ws", context.RequestAborted);
            return;
        }
        var authenticator = context.RequestServices.GetService(typeof(IWebSocketAuthenticator)) as IWebSocketAuthenticator
            ?? new AnonymousWebSocketAuthenticator();
        var connection = new GraphQLWebSocketConnection(context, socket, executer, serializer, authenticator, options.Value, logger);
        await connection.RunAsync(lifetime.ApplicationStopping);
    }
}
