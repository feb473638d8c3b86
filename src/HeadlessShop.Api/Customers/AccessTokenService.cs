using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HeadlessShop.Api.Customers;

/// <summary>
/// Issues and validates access tokens (HS256 JWTs, ~15 minutes). The one place that knows the key: HTTP requests
/// (<see cref="HttpCurrentCustomer"/>) and the WebSocket connection hook both validate through <see cref="ValidateAsync"/>.
/// </summary>
public sealed class AccessTokenService
{
    public const string AdminRole = "admin";

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly SigningCredentials _credentials;
    private readonly TokenValidationParameters _validation;
    private readonly JwtOptions _options;
    private readonly TimeProvider _time;

    public AccessTokenService(IOptions<JwtOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(_options.SigningKey
            ?? throw new InvalidOperationException("Jwt:SigningKey is not set.")));
        _credentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256);
        _validation = new TokenValidationParameters
        {
            ValidIssuer = _options.Issuer,
            ValidAudience = _options.Audience,
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = TimeSpan.FromSeconds(30),
            LifetimeValidator = (notBefore, expires, _, parameters) =>
                expires is { } e && e.ToUniversalTime() + parameters.ClockSkew > _time.GetUtcNow().UtcDateTime
                && (notBefore is null || notBefore.Value.ToUniversalTime() - parameters.ClockSkew <= _time.GetUtcNow().UtcDateTime),
            NameClaimType = JwtRegisteredClaimNames.Sub,
            RoleClaimType = "role",
        };
    }

    public (string Token, DateTimeOffset ExpiresAt) Issue(Customer customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var now = _time.GetUtcNow();
        var expires = now + _options.AccessTokenLifetime;
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = customer.Id.ToString(CultureInfo.InvariantCulture),
            [JwtRegisteredClaimNames.Email] = customer.Email,
        };
        if (customer.IsAdmin)
        {
            claims["role"] = AdminRole;
        }
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = _credentials,
        });
        return (token, expires);
    }

    /// <summary>
    /// The principal of a valid, unexpired token signed by this deployment, or null for anything else (malformed,
    /// expired, wrong key or algorithm). Its <c>sub</c> claim is the customer id; see <see cref="CustomerIdOf"/>.
    /// </summary>
    public async Task<ClaimsPrincipal?> ValidateAsync(string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 4096)
        {
            return null;
        }
        var result = await _handler.ValidateTokenAsync(token, _validation);
        return result.IsValid && CustomerIdOf(new ClaimsPrincipal(result.ClaimsIdentity)) is not null ? new ClaimsPrincipal(result.ClaimsIdentity) : null;
    }

    /// <summary>The principal a token issued to <paramref name="customer"/> would validate to.</summary>
    public static ClaimsPrincipal PrincipalOf(Customer customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var claims = new List<Claim> { new(JwtRegisteredClaimNames.Sub, customer.Id.ToString(CultureInfo.InvariantCulture)) };
        if (customer.IsAdmin)
        {
            claims.Add(new Claim("role", AdminRole));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "jwt", JwtRegisteredClaimNames.Sub, "role"));
    }

    public static long? CustomerIdOf(ClaimsPrincipal principal) =>
        long.TryParse(principal?.FindFirst(JwtRegisteredClaimNames.Sub)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    public static bool IsAdmin(ClaimsPrincipal principal) => principal?.IsInRole(AdminRole) == true;
}
