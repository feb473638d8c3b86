using System.Security.Claims;
using HeadlessShop.GraphQL.Transport.WebSockets;

namespace HeadlessShop.Api.Customers;

/// <summary>
/// Who a WebSocket connection acts as: the bearer token of the <c>connection_init</c> payload
/// (<c>{"Authorization": "Bearer ..."}</c>, any letter case of the key; browsers cannot set headers on a WebSocket),
/// else the upgrade request's <c>Authorization</c> header, validated like an HTTP request's. No token: anonymous.
/// A token that does not validate (expired, forged, malformed) closes the socket with 4403, which graphql-ws clients
/// retry, so an app whose <c>connectionParams</c> fetches a fresh token recovers on its own.
/// </summary>
public sealed class JwtWebSocketAuthenticator(AccessTokenService tokens) : IWebSocketAuthenticator
{
    private const string Bearer = "Bearer ";

    public async ValueTask<WebSocketAuthenticationResult> AuthenticateAsync(
        HttpContext context, IReadOnlyDictionary<string, object?>? payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var current = context.RequestServices.GetRequiredService<HttpCurrentCustomer>();
        string? credentials;
        if (payload is not null && payload.FirstOrDefault(p => string.Equals(p.Key, "Authorization", StringComparison.OrdinalIgnoreCase)) is { Key: not null } entry)
        {
            if (entry.Value is not string text)
            {
                return WebSocketAuthenticationResult.Forbidden("connection_init Authorization must be a string: \"Bearer <access token>\"");
            }
            credentials = text;
        }
        else
        {
            credentials = context.Request.Headers.Authorization.ToString();
        }
        if (string.IsNullOrWhiteSpace(credentials))
        {
            // Anonymous, even if the upgrade request's header set nobody: the connection is who connection_init says.
            current.SignedIn(null);
            return WebSocketAuthenticationResult.Accept(new ClaimsPrincipal(new ClaimsIdentity()));
        }
        if (!credentials.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return WebSocketAuthenticationResult.Forbidden("Authorization must be \"Bearer <access token>\"");
        }
        var principal = await tokens.ValidateAsync(credentials[Bearer.Length..].Trim());
        if (principal is null)
        {
            return WebSocketAuthenticationResult.Forbidden("The access token is invalid or expired: refresh it and connect again");
        }
        // The connection's resolvers run in the upgrade request's scope: its ICurrentCustomer is this principal.
        current.SignedIn(principal);
        context.User = principal;
        return WebSocketAuthenticationResult.Accept(principal);
    }
}
