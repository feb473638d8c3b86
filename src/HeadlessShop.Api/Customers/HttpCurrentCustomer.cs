using System.Security.Claims;

namespace HeadlessShop.Api.Customers;

/// <summary>
/// The caller of an HTTP request, from its <c>Authorization: Bearer</c> access token. A missing, expired or forged token
/// makes the caller anonymous. Resolved once per request (<see cref="InitializeAsync"/> runs in the middleware).
/// </summary>
public sealed class HttpCurrentCustomer : ICurrentCustomer
{
    private ClaimsPrincipal? _principal;

    public long? Id => _principal is null ? null : AccessTokenService.CustomerIdOf(_principal);

    public bool IsAdmin => _principal is not null && AccessTokenService.IsAdmin(_principal);

    /// <summary>True when a bearer token was sent but rejected: the client should refresh it.</summary>
    public bool TokenRejected { get; private set; }

    /// <summary>After a successful sign-in in this request, the rest of the response is the new customer's view
    /// (null: anonymous, e.g. a WebSocket whose <c>connection_init</c> carried no token).</summary>
    public void SignedIn(ClaimsPrincipal? principal) => _principal = principal;

    public async Task InitializeAsync(HttpContext context, AccessTokenService tokens)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(tokens);
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        _principal = await tokens.ValidateAsync(header["Bearer ".Length..].Trim());
        TokenRejected = _principal is null;
        if (_principal is not null)
        {
            context.User = _principal;
        }
    }
}
