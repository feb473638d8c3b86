using Microsoft.Extensions.Options;

namespace HeadlessShop.Api.Customers;

/// <summary>
/// Counts failed sign-ins per email and per client address. Once either passes its limit, sign-in is refused for the
/// rest of the window, even with the right password, so guessing cannot continue against one account or from one client.
/// </summary>
public sealed class LoginThrottle(IRateLimitStore store, IOptions<LoginThrottlingOptions> options)
{
    private readonly LoginThrottlingOptions _options = options.Value;

    public async Task<bool> IsBlockedAsync(string normalizedEmail, string? clientAddress, CancellationToken cancellationToken) =>
        await store.CountAsync(EmailKey(normalizedEmail), cancellationToken) >= _options.MaxFailuresPerEmail
        || (clientAddress is not null && await store.CountAsync(ClientKey(clientAddress), cancellationToken) >= _options.MaxFailuresPerClient);

    public async Task RecordFailureAsync(string normalizedEmail, string? clientAddress, CancellationToken cancellationToken)
    {
        await store.IncrementAsync(EmailKey(normalizedEmail), _options.Window, cancellationToken);
        if (clientAddress is not null)
        {
            await store.IncrementAsync(ClientKey(clientAddress), _options.Window, cancellationToken);
        }
    }

    public Task RecordSuccessAsync(string normalizedEmail, CancellationToken cancellationToken) =>
        store.ResetAsync(EmailKey(normalizedEmail), cancellationToken);

    public TimeSpan Window => _options.Window;

    private static string EmailKey(string normalizedEmail) => "login:email:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(normalizedEmail)));

    private static string ClientKey(string clientAddress) => "login:client:" + clientAddress;
}
