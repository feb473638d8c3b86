using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

using HeadlessShop.Api.Common;

namespace HeadlessShop.Api.Catalog;

public sealed class ProductVariant
{
    public long Id { get; set; }
    public long ProductId { get; set; }
    public required string Sku { get; set; }
    public required string Name { get; set; }
    public long PriceMinor { get; set; }
    public long? CompareAtPriceMinor { get; set; }
    public CurrencyCode Currency { get; set; } = CurrencyCode.USD;
    public int Position { get; set; }

    /// <summary>The option values that tell this variant apart, e.g. color=Red, size=M, in option order.</summary>
    public List<SelectedOption> OptionValues { get; set; } = [];

    public StockLevel? Stock { get; set; }
}

public sealed record SelectedOption(string Name, string Value);

internal sealed class ProductVariantEntityTypeConfiguration : IEntityTypeConfiguration<ProductVariant>
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<ProductVariant> builder)
    {
        builder.ToTable("product_variants");
        builder.Property(v => v.Sku).HasMaxLength(100);
        builder.Property(v => v.Name).HasMaxLength(300);
        builder.Property(v => v.Currency).HasConversion<string>().HasMaxLength(3);
        builder.HasIndex(v => v.Sku).IsUnique();
        builder.HasIndex(v => new { v.ProductId, v.Position });
        builder.HasOne<Product>().WithMany(p => p.Variants).HasForeignKey(v => v.ProductId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(v => v.Stock).WithOne().HasForeignKey<StockLevel>(s => s.VariantId).OnDelete(DeleteBehavior.Cascade);

        // Option values travel with the variant row (one JSON text column) so reading a variant never needs a join.
        builder.Property(v => v.OptionValues)
            .HasConversion(
                v => JsonSerializer.Serialize(v, JsonOptions),
                s => JsonSerializer.Deserialize<List<SelectedOption>>(s, JsonOptions) ?? new List<SelectedOption>(),
                new ValueComparer<List<SelectedOption>>(
                    (a, b) => (a == null && b == null) || (a != null && b != null && a.SequenceEqual(b)),
                    v => v.Aggregate(0, (h, o) => HashCode.Combine(h, o.GetHashCode())),
                    v => v.ToList()));
    }
}
