using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace HeadlessShop.GraphQL.Transport.WebSockets;

/// <summary>
/// Decides who a WebSocket connection acts as, from the <c>connection_init</c> payload (which can carry a bearer
/// token, since browsers cannot set headers on a WebSocket) and the upgrade request. The transport knows no
/// authentication scheme; the application registers its own implementation.
/// </summary>
public interface IWebSocketAuthenticator
{
    ValueTask<WebSocketAuthenticationResult> AuthenticateAsync(
        HttpContext context, IReadOnlyDictionary<string, object?>? payload, CancellationToken cancellationToken);
}

/// <summary>Accepted with a principal, or rejected with 4401 (who are you?) or 4403 (not allowed).</summary>
public sealed record WebSocketAuthenticationResult(ClaimsPrincipal? Principal, int RejectionCode, string? Reason)
{
    public static WebSocketAuthenticationResult Accept(ClaimsPrincipal principal) => new(principal, 0, null);

    public static WebSocketAuthenticationResult Unauthorized(string reason) =>
        new(null, GraphQLWebSocketCloseCodes.Unauthorized, reason);

    public static WebSocketAuthenticationResult Forbidden(string reason) =>
        new(null, GraphQLWebSocketCloseCodes.Forbidden, reason);

    public bool IsAccepted => Principal is not null;
}

/// <summary>The default: every connection is accepted as the upgrade request's user (anonymous unless the host's
/// authentication middleware set one).</summary>
public sealed class AnonymousWebSocketAuthenticator : IWebSocketAuthenticator
{
    public ValueTask<WebSocketAuthenticationResult> AuthenticateAsync(
        HttpContext context, IReadOnlyDictionary<string, object?>? payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult(WebSocketAuthenticationResult.Accept(context.User));
    }
}

/// <summary>Close codes of the graphql-transport-ws protocol, plus the transport's own for slow clients.</summary>
public static class GraphQLWebSocketCloseCodes
{
    public const int InvalidMessage = 4400;
    public const int Unauthorized = 4401;
    public const int Forbidden = 4403;
    public const int SubprotocolNotAcceptable = 4406;
    public const int ConnectionInitTimeout = 4408;
    public const int SubscriberAlreadyExists = 4409;
    public const int TooManyInitialisationRequests = 4429;

    /// <summary>The client reads more slowly than its subscriptions produce; its outgoing buffer is full.</summary>
    public const int SlowConsumer = 1008;

    public const int GoingAway = 1001;
}
