using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HeadlessShop.Api.Customers;

public sealed class Customer
{
    public long Id { get; set; }
    public required string Email { get; set; }

    /// <summary>Upper-invariant email: uniqueness and sign-in ignore case.</summary>
    public required string NormalizedEmail { get; set; }

    public required string PasswordHash { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }

    /// <summary>Staff accounts: the access token carries the admin role (granted in the database, never through the API).</summary>
    public bool IsAdmin { get; set; }

    public DateTime CreatedAt { get; set; }

    public static string Normalize(string email) => email.Trim().ToUpperInvariant();
}

/// <summary>
/// A refresh token, stored as its SHA-256 only. Each refresh rotates it: the old row is marked used and points at its
/// successor in the same <see cref="FamilyId"/>. Presenting a used token again means it leaked: the family is revoked.
/// </summary>
public sealed class RefreshToken
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public Guid FamilyId { get; set; }
    public required byte[] TokenHash { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? UsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}

internal sealed class CustomerEntityTypeConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> builder)
    {
        builder.ToTable("customers");
        builder.Property(c => c.Email).HasMaxLength(254);
        builder.Property(c => c.NormalizedEmail).HasMaxLength(254);
        builder.Property(c => c.PasswordHash).HasMaxLength(200);
        builder.Property(c => c.FirstName).HasMaxLength(100);
        builder.Property(c => c.LastName).HasMaxLength(100);
        builder.HasIndex(c => c.NormalizedEmail).IsUnique();
    }
}

internal sealed class RefreshTokenEntityTypeConfiguration : IEntityTypeConfiguration<RefreshToken>
{
    public void Configure(EntityTypeBuilder<RefreshToken> builder)
    {
        builder.ToTable("refresh_tokens");
        builder.Property(t => t.TokenHash).HasMaxLength(32);
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasIndex(t => t.FamilyId);
        builder.HasOne<Customer>().WithMany().HasForeignKey(t => t.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}
