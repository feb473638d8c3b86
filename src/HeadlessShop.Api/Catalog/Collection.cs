using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HeadlessShop.Api.Catalog;

public sealed class Collection
{
    public long Id { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
}

/// <summary>Membership of a product in a collection, with the product's place in that collection.</summary>
public sealed class ProductCollection
{
    public long ProductId { get; set; }
    public long CollectionId { get; set; }
    public int Position { get; set; }
}

internal sealed class CollectionEntityTypeConfiguration : IEntityTypeConfiguration<Collection>
{
    public void Configure(EntityTypeBuilder<Collection> builder)
    {
        builder.Property(c => c.Slug).HasMaxLength(200);
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.HasIndex(c => c.Slug).IsUnique();
    }
}

internal sealed class ProductCollectionEntityTypeConfiguration : IEntityTypeConfiguration<ProductCollection>
{
    public void Configure(EntityTypeBuilder<ProductCollection> builder)
    {
        builder.ToTable("product_collections");
        builder.HasKey(pc => new { pc.ProductId, pc.CollectionId });
        builder.HasIndex(pc => new { pc.CollectionId, pc.Position });
        builder.HasOne<Product>().WithMany(p => p.Collections).HasForeignKey(pc => pc.ProductId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Collection>().WithMany().HasForeignKey(pc => pc.CollectionId).OnDelete(DeleteBehavior.Cascade);
    }
}
