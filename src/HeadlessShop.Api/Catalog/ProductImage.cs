using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HeadlessShop.Api.Catalog;

public sealed class ProductImage
{
    public long Id { get; set; }
    public long ProductId { get; set; }
    public required string Url { get; set; }
    public string? AltText { get; set; }
    public int? Width { get; set; }
    public int? Height { get; set; }
    public int Position { get; set; }
}

internal sealed class ProductImageEntityTypeConfiguration : IEntityTypeConfiguration<ProductImage>
{
    public void Configure(EntityTypeBuilder<ProductImage> builder)
    {
        builder.Property(i => i.Url).HasMaxLength(2000);
        builder.Property(i => i.AltText).HasMaxLength(500);
        builder.HasIndex(i => new { i.ProductId, i.Position });
        builder.HasOne<Product>().WithMany(p => p.Images).HasForeignKey(i => i.ProductId).OnDelete(DeleteBehavior.Cascade);
    }
}
