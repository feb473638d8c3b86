using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

using HeadlessShop.Api.Common;

namespace HeadlessShop.Api.Catalog;

public sealed class Product
{
    public long Id { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public string? Brand { get; set; }
    public long? CategoryId { get; set; }

    // Denormalized from the variants so that price filters and price sorting use an index, not a join.
    public long PriceMinMinor { get; set; }
    public long PriceMaxMinor { get; set; }
    public CurrencyCode Currency { get; set; } = CurrencyCode.USD;

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>Soft delete: hidden from storefront reads and search, kept for order history.</summary>
    public DateTime? DeletedAt { get; set; }

    public List<ProductVariant> Variants { get; set; } = [];
    public List<ProductImage> Images { get; set; } = [];
    public List<ProductOption> Options { get; set; } = [];
    public List<ProductCollection> Collections { get; set; } = [];

    /// <summary>Recomputes the denormalized price range after variants changed.</summary>
    public void RefreshPriceRange()
    {
        if (Variants.Count == 0)
        {
            PriceMinMinor = PriceMaxMinor = 0;
            return;
        }
        PriceMinMinor = Variants.Min(v => v.PriceMinor);
        PriceMaxMinor = Variants.Max(v => v.PriceMinor);
        Currency = Variants[0].Currency;
    }
}

internal sealed class ProductEntityTypeConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> builder)
    {
        builder.Property(p => p.Slug).HasMaxLength(200);
        builder.Property(p => p.Name).HasMaxLength(300);
        builder.Property(p => p.Brand).HasMaxLength(100);
        builder.Property(p => p.Currency).HasConversion<string>().HasMaxLength(3);
        builder.HasIndex(p => p.Slug).IsUnique();
        builder.HasIndex(p => p.Brand);
        builder.HasIndex(p => p.CategoryId);
        // Keyset pagination indexes: every sort key ends with the id as tie-breaker.
        builder.HasIndex(p => new { p.Name, p.Id });
        builder.HasIndex(p => new { p.PriceMinMinor, p.Id });
        builder.HasIndex(p => new { p.CreatedAt, p.Id });
        builder.HasOne<Category>().WithMany().HasForeignKey(p => p.CategoryId).OnDelete(DeleteBehavior.SetNull);
    }
}
