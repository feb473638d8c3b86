using System.Net.Mail;
using System.Security.Cryptography;
using HeadlessShop.Api.Data;
using HeadlessShop.Api.GraphQL;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HeadlessShop.Api.Customers;

public sealed record CustomerRegistration(string Email, string Password, string? FirstName, string? LastName);

/// <summary>What a sign-in, registration or refresh hands the client; <see cref="Customer"/> is null on failure.</summary>
public sealed record AuthResult(Customer? Customer, string? AccessToken, string? RefreshToken, DateTimeOffset? ExpiresAt, IReadOnlyList<UserError> UserErrors)
{
    public static AuthResult Failed(params UserError[] errors) => new(null, null, null, null, errors);
}

/// <summary>Thrown when sign-in is throttled: a top-level GraphQL error with code <c>RATE_LIMITED</c>.</summary>
public sealed class TooManyAttemptsException : global::GraphQL.ExecutionError
{
    public TooManyAttemptsException(TimeSpan window)
        : base($"Too many failed sign-in attempts. Try again in {Math.Ceiling(window.TotalMinutes)} minutes or reset your password.")
    {
        Code = "RATE_LIMITED";
    }
}

/// <summary>Registration, password sign-in and refresh-token rotation.</summary>
public sealed class CustomerAccounts(
    IDbContextFactory<ShopDbContext> contexts,
    AccessTokenService accessTokens,
    LoginThrottle throttle,
    IOptions<JwtOptions> jwtOptions,
    TimeProvider time)
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 128;

    private static readonly PasswordHasher<Customer> Hasher = new();

    // Verified against when the email is unknown, so both failures cost one hash verification.
    private static readonly string DummyHash = Hasher.HashPassword(null!, "not-a-real-password-" + Guid.NewGuid());

    private static readonly UserError InvalidCredentials = new(ErrorCode.InvalidCredentials, "The email or password is incorrect.");

    public async Task<AuthResult> RegisterAsync(CustomerRegistration input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new List<UserError>();
        var email = input.Email.Trim();
        if (email.Length > 254 || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email)
        {
            errors.Add(UserError.Invalid("Enter a valid email address.", "input", "email"));
        }
        if (PasswordProblem(input.Password) is { } problem)
        {
            errors.Add(UserError.Invalid(problem, "input", "password"));
        }
        if (input.FirstName?.Length > 100 || input.LastName?.Length > 100)
        {
            errors.Add(UserError.Invalid("Names are at most 100 characters.", "input", input.FirstName?.Length > 100 ? "firstName" : "lastName"));
        }
        if (errors.Count > 0)
        {
            return AuthResult.Failed([.. errors]);
        }
        var customer = new Customer
        {
            Email = email,
            NormalizedEmail = Customer.Normalize(email),
            PasswordHash = "",
            FirstName = string.IsNullOrWhiteSpace(input.FirstName) ? null : input.FirstName.Trim(),
            LastName = string.IsNullOrWhiteSpace(input.LastName) ? null : input.LastName.Trim(),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        customer.PasswordHash = Hasher.HashPassword(customer, input.Password);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Customers.AnyAsync(c => c.NormalizedEmail == customer.NormalizedEmail, cancellationToken))
        {
            return AuthResult.Failed(new UserError(ErrorCode.EmailTaken, "An account with this email already exists.", ["input", "email"]));
        }
        db.Customers.Add(customer);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            if (!await EmailExistsAsync(customer.NormalizedEmail, cancellationToken))
            {
                throw;
            }
            // Lost a race with a concurrent registration of the same email: the unique index decided.
            return AuthResult.Failed(new UserError(ErrorCode.EmailTaken, "An account with this email already exists.", ["input", "email"]));
        }
        return await SignInAsync(customer, Guid.NewGuid(), cancellationToken);
    }

    /// <summary>
    /// Checks the password. Unknown email and wrong password give the same error after the same work (one hash
    /// verification). Throws <see cref="TooManyAttemptsException"/> while the email or client is throttled.
    /// </summary>
    public async Task<AuthResult> LoginAsync(string email, string password, string? clientAddress, CancellationToken cancellationToken)
    {
        var normalized = Customer.Normalize(email ?? "");
        if (await throttle.IsBlockedAsync(normalized, clientAddress, cancellationToken))
        {
            throw new TooManyAttemptsException(throttle.Window);
        }
        Customer? customer;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.NormalizedEmail == normalized, cancellationToken);
        }
        var verdict = Hasher.VerifyHashedPassword(customer!, customer?.PasswordHash ?? DummyHash, password ?? "");
        if (customer is null || verdict == PasswordVerificationResult.Failed)
        {
            await throttle.RecordFailureAsync(normalized, clientAddress, cancellationToken);
            return AuthResult.Failed(InvalidCredentials);
        }
        await throttle.RecordSuccessAsync(normalized, cancellationToken);
        return await SignInAsync(customer, Guid.NewGuid(), cancellationToken);
    }

    /// <summary>
    /// Swaps a refresh token for a new pair. The old token is spent atomically (one conditional UPDATE), so two
    /// concurrent refreshes cannot both succeed; presenting a spent token revokes its whole family.
    /// </summary>
    public async Task<AuthResult> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var refused = AuthResult.Failed(new UserError(ErrorCode.Unauthorized, "The refresh token is invalid, expired or revoked. Sign in again.", ["input", "refreshToken"]));
        if (string.IsNullOrEmpty(refreshToken) || refreshToken.Length > 200)
        {
            return refused;
        }
        var hash = Hash(refreshToken);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var token = await db.RefreshTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (token is null || token.RevokedAt is not null || token.ExpiresAt <= now)
        {
            return refused;
        }
        var spent = await db.RefreshTokens
            .Where(t => t.Id == token.Id && t.UsedAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), cancellationToken);
        if (spent == 0)
        {
            // Reuse of a rotated token: someone else holds a copy. Cut off every token of the family.
            await db.RefreshTokens.Where(t => t.FamilyId == token.FamilyId && t.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
            return refused;
        }
        var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == token.CustomerId, cancellationToken);
        return customer is null ? refused : await SignInAsync(customer, token.FamilyId, cancellationToken);
    }

    private async Task<AuthResult> SignInAsync(Customer customer, Guid family, CancellationToken cancellationToken)
    {
        var refresh = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = time.GetUtcNow().UtcDateTime;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            db.RefreshTokens.Add(new RefreshToken
            {
                CustomerId = customer.Id,
                FamilyId = family,
                TokenHash = Hash(refresh),
                CreatedAt = now,
                ExpiresAt = now + jwtOptions.Value.RefreshTokenLifetime,
            });
            await db.SaveChangesAsync(cancellationToken);
        }
        var (access, expiresAt) = accessTokens.Issue(customer);
        return new AuthResult(customer, access, refresh, expiresAt, []);
    }

    private async Task<bool> EmailExistsAsync(string normalizedEmail, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Customers.AnyAsync(c => c.NormalizedEmail == normalizedEmail, cancellationToken);
    }

    internal static string? PasswordProblem(string password) => password switch
    {
        null or { Length: < MinPasswordLength } => $"Use at least {MinPasswordLength} characters.",
        { Length: > MaxPasswordLength } => $"Use at most {MaxPasswordLength} characters.",
        _ when !password.Any(char.IsLetter) || !password.Any(c => !char.IsLetter(c)) => "Use letters and at least one digit or symbol.",
        _ => null,
    };

    private static byte[] Hash(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));
}
