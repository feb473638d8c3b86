using System.Security.Claims;
using HeadlessShop.GraphQL.Transport.WebSockets;
using Microsoft.AspNetCore.Http;

namespace HeadlessShop.GraphQL.Transport.Tests.Infrastructure;

/// <summary>Stands in for the shop's JWT check: "Bearer alice" is alice, "Bearer forbidden" is known but not
/// allowed (4403), any other bearer is unknown (4401), no token is anonymous.</summary>
public sealed class FakeBearerAuthenticator : IWebSocketAuthenticator
{
    public ValueTask<WebSocketAuthenticationResult> AuthenticateAsync(
        HttpContext context, IReadOnlyDictionary<string, object?>? payload, CancellationToken cancellationToken)
    {
        var token = payload?.GetValueOrDefault("authorization") as string;
        return ValueTask.FromResult(token switch
        {
            null => WebSocketAuthenticationResult.Accept(new ClaimsPrincipal(new ClaimsIdentity())),
            "Bearer alice" => WebSocketAuthenticationResult.Accept(
                new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice")], "fake"))),
            "Bearer forbidden" => WebSocketAuthenticationResult.Forbidden("This account may not subscribe."),
            _ => WebSocketAuthenticationResult.Unauthorized("Unknown token."),
        });
    }
}
