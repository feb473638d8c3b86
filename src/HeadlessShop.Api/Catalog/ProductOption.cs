using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HeadlessShop.Api.Catalog;

/// <summary>An axis a product varies on (e.g. "size") with its values in display order.</summary>
public sealed class ProductOption
{
    public long Id { get; set; }
    public long ProductId { get; set; }
    public required string Name { get; set; }
    public int Position { get; set; }
    public List<string> Values { get; set; } = [];
}

internal sealed class ProductOptionEntityTypeConfiguration : IEntityTypeConfiguration<ProductOption>
{
    public void Configure(EntityTypeBuilder<ProductOption> builder)
    {
        builder.Property(o => o.Name).HasMaxLength(100);
        builder.HasIndex(o => new { o.ProductId, o.Position });
        builder.HasOne<Product>().WithMany(p => p.Options).HasForeignKey(o => o.ProductId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(o => o.Values)
            .HasConversion(
                v => JsonSerializer.Serialize(v, JsonSerializerOptions.Default),
                s => JsonSerializer.Deserialize<List<string>>(s, JsonSerializerOptions.Default) ?? new List<string>(),
                new ValueComparer<List<string>>(
                    (a, b) => (a == null && b == null) || (a != null && b != null && a.SequenceEqual(b)),
                    v => v.Aggregate(0, (h, s) => HashCode.Combine(h, s.GetHashCode(StringComparison.Ordinal))),
                    v => v.ToList()));
    }
}
