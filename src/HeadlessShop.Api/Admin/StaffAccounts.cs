using System.Net.Mail;
using HeadlessShop.Api.Customers;
using HeadlessShop.Api.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace HeadlessShop.Api.Admin;

public enum StaffAccountOutcome
{
    Created,

    /// <summary>An existing customer became staff; the password given replaced theirs and their sessions were revoked.</summary>
    Promoted,
}

public sealed record StaffAccountResult(StaffAccountOutcome? Outcome, string? Problem, long? CustomerId);

/// <summary>
/// Staff accounts are customers with <see cref="Customer.IsAdmin"/> set, created only from the command line (never
/// through the API). They sign in with <c>customerLogin</c> like everyone else and get a token with the admin role.
/// </summary>
public sealed class StaffAccounts(IDbContextFactory<ShopDbContext> contexts, TimeProvider time)
{
    private static readonly PasswordHasher<Customer> Hasher = new();

    /// <summary>
    /// Creates a staff account, or promotes the customer who already has this email. Promotion resets the password to
    /// <paramref name="password"/> (so whoever runs the command knows it) and revokes the customer's refresh tokens.
    /// </summary>
    public async Task<StaffAccountResult> CreateOrPromoteAsync(string email, string password, CancellationToken cancellationToken)
    {
        email = (email ?? "").Trim();
        if (email.Length > 254 || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email)
        {
            return new StaffAccountResult(null, "Enter a valid email address.", null);
        }
        if (CustomerAccounts.PasswordProblem(password) is { } problem)
        {
            return new StaffAccountResult(null, problem, null);
        }
        var normalized = Customer.Normalize(email);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var existing = await db.Customers.AsTracking().FirstOrDefaultAsync(c => c.NormalizedEmail == normalized, cancellationToken);
        if (existing is not null)
        {
            existing.IsAdmin = true;
            existing.PasswordHash = Hasher.HashPassword(existing, password);
            await db.SaveChangesAsync(cancellationToken);
            await db.RefreshTokens.Where(t => t.CustomerId == existing.Id && t.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new StaffAccountResult(StaffAccountOutcome.Promoted, null, existing.Id);
        }
        var customer = new Customer { Email = email, NormalizedEmail = normalized, PasswordHash = "", IsAdmin = true, CreatedAt = now };
        customer.PasswordHash = Hasher.HashPassword(customer, password);
        db.Customers.Add(customer);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new StaffAccountResult(StaffAccountOutcome.Created, null, customer.Id);
    }
}
